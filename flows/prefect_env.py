"""Prepare Prefect's environment *before* `import prefect` (it reads settings at import time).

One Prefect home per data dir (`<data dir>/prefect`, never `~/.prefect`): its database holds every
run of every command on that data dir. `sohoa dashboard` runs one server on that home and records
its URL in `<data dir>/prefect/server.json`; every command then reports its runs to that server
(so they show in the dashboard as they happen). When it is not running, a command starts Prefect's
temporary server on the same home, so its runs are in the dashboard the next time it is opened.
A `PREFECT_API_URL` set by the operator (a shared server) wins over both.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from sohoa.errors import ServiceUnreachable
from sohoa.settings import Settings

SERVER_FILE = "server.json"


def home(settings: Settings) -> Path:
    return (settings.data_dir / "prefect").resolve()


def configure(settings: Settings) -> str | None:
    """Set Prefect's variables for this process and its children; returns the API URL used
    (None: a temporary server on the data dir's home). Raises ServiceUnreachable when an
    explicit `PREFECT_API_URL` does not answer."""
    from flows import privacy

    privacy.install()  # before Prefect logs anything: citizen IDs never reach a log line
    prefect_home = home(settings)
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # Tesseract's OpenMP threads fight our page processes; one thread each is faster.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    explicit = os.environ.get("PREFECT_API_URL")
    if explicit:
        if not healthy(explicit):
            raise ServiceUnreachable("Prefect", explicit, "no answer from its /health")
        return explicit
    recorded = recorded_server(prefect_home)
    if recorded:
        os.environ["PREFECT_API_URL"] = recorded
    return recorded


def recorded_server(prefect_home: Path) -> str | None:
    """The API URL of the data dir's own server (`sohoa dashboard`), when it answers."""
    try:
        url = json.loads((prefect_home / SERVER_FILE).read_text())["api_url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if healthy(url) else None


def healthy(api_url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as r:
            return r.status == 200
    except (OSError, ValueError):
        return False
