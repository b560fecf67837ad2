"""Database fixtures (a pytest plugin loaded from tests/conftest.py).

`db_url` runs a test on both backends: a SQLite file in the test's tmp dir, and PostgreSQL
(`SOHOA_TEST_PG_URL`, default 127.0.0.1:5432 database `test`, user postgres) in a schema of its
own (`t_<session>_<n>`, selected through `search_path` in the URL and dropped after the test), so
parallel runs never meet. PostgreSQL tests are skipped, saying why, only if the server is down.
`engine` is an engine on `db_url` with the migrations applied.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_SESSION = uuid.uuid4().hex[:8]
_counter = itertools.count()


def _pg_admin():
    """An engine on the server itself, or the reason it cannot be reached."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 (any failure to connect means: skip)
        engine.dispose()
        return None, f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}"
    return engine, None


@pytest.fixture(scope="session")
def pg_admin():
    engine, reason = _pg_admin()
    if engine is None:
        yield None, reason
        return
    yield engine, None
    from sqlalchemy import text

    with engine.connect() as conn:  # leftovers of this session, if a test died half-way
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": f"t_{_SESSION}_%"},
        ).scalars()
        for name in list(names):
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_url(pg_admin) -> Iterator[str]:
    """A PostgreSQL URL whose default schema is new and empty (dropped afterwards)."""
    from sqlalchemy import text

    engine, reason = pg_admin
    if engine is None:
        pytest.skip(reason)
    schema = f"t_{_SESSION}_{next(_counter)}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield pg_schema_url(schema)
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'sohoa.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url):
    from models.db import make_engine, migrate

    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def db_session(engine):
    """A session on the migrated database; commit explicitly when a test needs it."""
    from sqlmodel import Session

    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_engine(request, pg_admin, tmp_path_factory):
    """A migrated database shared by one test module (for tests that only read what a module
    fixture built once). Same two backends as `engine`."""
    from sqlalchemy import text

    from models.db import make_engine, migrate

    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'sohoa.db'}"
    else:
        admin, reason = pg_admin
        if admin is None:
            pytest.skip(reason)
        schema = f"t_{_SESSION}_{next(_counter)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = pg_schema_url(schema)
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()
    if schema:
        with pg_admin[0].connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
