"""The demo's sign-in: an administrator (sees every sample office) who uploads for the office
holding most sample dossiers, created by `sohoa demo` in the demo's data dir (its password in
`<data_dir>/demo-account.txt`, 0600).
Nothing else creates accounts by itself: production starts with `sohoa user add`."""

from __future__ import annotations

import os
import secrets

from sqlalchemy.engine import Engine

from models import accounts as db
from models.db import session_scope
from sohoa.services import accounts
from sohoa.settings import Settings

DEMO_USER = "demo"


def ensure_demo_account(engine: Engine, settings: Settings) -> tuple[str, str]:
    """(user name, password) of the demo account, made on the first demo run."""
    secret_file = settings.data_dir / "demo-account.txt"
    with session_scope(engine) as session:
        existing = db.user_by_name(session, DEMO_USER)
        office = db.busiest_office(session)
    if existing is not None and secret_file.exists():
        return DEMO_USER, secret_file.read_text().strip()
    password = secrets.token_urlsafe(9)
    if existing is None:
        accounts.add_user(
            engine, DEMO_USER, password, role="admin", office=office, full_name="Cán bộ demo"
        )
    else:
        accounts.set_password(engine, DEMO_USER, password)
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    return DEMO_USER, password
