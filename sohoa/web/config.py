"""Web settings from `SOHOA_WEB_*` (beside sohoa.settings, which the rest of sohoa reads).

SOHOA_WEB_SECRET         signs session cookies; default: a random key made once and kept in
                         <data_dir>/web-secret (mode 0600), so restarts keep users signed in
SOHOA_WEB_MAX_UPLOAD_MB  refuse a request carrying more than this (default 300)
SOHOA_WEB_PREFECT_UI     base URL of the Prefect UI, for links to flow runs (default: derived
                         from PREFECT_API_URL when set)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_WEB_", extra="ignore")

    secret: SecretStr | None = None
    max_upload_mb: int = 300
    prefect_ui: str | None = None
    worker: bool = True  # run uploads' ingest flows inside the server process

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb << 20

    def prefect_ui_url(self) -> str | None:
        if self.prefect_ui:
            return self.prefect_ui.rstrip("/")
        api = os.environ.get("PREFECT_API_URL", "")
        return api.rstrip("/").removesuffix("/api") if api else None


def signing_key(web: WebSettings, data_dir: Path) -> bytes:
    """SOHOA_WEB_SECRET, else the data dir's own random key (created on first start)."""
    if web.secret:
        return web.secret.get_secret_value().encode()
    path = data_dir / "web-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text().strip().encode()
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
