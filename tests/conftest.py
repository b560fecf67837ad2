"""Shared test set-up: real services, isolated data dirs, one Tesseract thread per process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect reads its home at import: one throw-away home for the whole test session.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sohoa-test-prefect-"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

_HERE = Path(__file__).parent
pytest_plugins = [
    f"tests.{name}" for name in ("fixtures_s3", "fixtures_db") if (_HERE / f"{name}.py").exists()
]


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point every `SOHOA_*` setting at a fresh data dir and return the resulting Settings."""
    from sohoa.settings import get_settings

    data = tmp_path / "var"
    data.mkdir()
    monkeypatch.setenv("SOHOA_DATA_DIR", str(data))
    monkeypatch.setenv("SOHOA_OCR_WORKERS", "2")
    for name in ("SOHOA_INBOX", "SOHOA_DATABASE_URL", "SOHOA_S3_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _stop_prefect_temporary_server():
    """Stop Prefect's temporary server while pytest still owns the output streams (its atexit
    hook would log into closed ones)."""
    yield
    import sys

    if "prefect.server.api.server" in sys.modules:
        from prefect.server.api.server import SubprocessASGIServer

        for server in list(SubprocessASGIServer._instances.values()):
            server.stop()
