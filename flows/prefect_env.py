"""Prepare Prefect's environment *before* `import prefect` (it reads settings at import time).

Without `PREFECT_API_URL` Prefect starts a temporary local server; its home (SQLite, logs) goes
under the data dir instead of `~/.prefect`, and analytics stay off (no internet on these machines).
"""

from __future__ import annotations

import os

from sohoa.settings import Settings


def configure(settings: Settings) -> None:
    home = (settings.data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # Tesseract's OpenMP threads fight our page processes; one thread each is faster.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
