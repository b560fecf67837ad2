"""Prepare Prefect's environment *before* `import prefect` (it reads settings at import time).

One Prefect home per data dir (`<data dir>/prefect`, never `~/.prefect`): its database holds every
run of every command on that data dir. `sohoa dashboard` runs one server on that home and records
its URL in `<data dir>/prefect/server.json`; every command then reports its runs to that server
(so they show in the dashboard as they happen). When it is not running, a command starts Prefect's
temporary server on the same home, so its runs are in the dashboard the next time it is opened.
A `PREFECT_API_URL` set by the operator (a shared server) wins over both.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------------------------------------
# the temporary server, inside this process

_temporary: TemporaryServer | None = None
STOP_SECONDS = 3.0


class TemporaryServer:
    """Prefect's API served by a thread of this process, on the data dir's home.

    Prefect's own temporary server is a second Python process (~200 MB PSS: a whole interpreter
    with Prefect, SQLAlchemy, FastAPI and pydantic imported again). A batch command (`ingest`,
    `backfill`) already holds most of those modules, so serving the same API from a thread costs
    it ~80 MB instead, and the server ends with the process (even a killed one). The runs land in
    the same database (`<home>/prefect.db`), so `sohoa dashboard` shows them as before."""

    def __init__(self) -> None:
        import socket

        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 120.0) -> None:
        """Serve until `stop` (or the process ends); returns once /health answers."""
        import uvicorn
        from prefect.server.api.server import create_app

        app = create_app(ephemeral=True, final=True)  # no UI, no scheduler services
        config = uvicorn.Config(
            app, log_level="error", lifespan="on", access_log=False, timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            daemon=True,
            name="prefect-temporary-server",
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url, timeout=2.0):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServiceUnreachable(
                    "Prefect", self.api_url, "the temporary server did not start"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop listening and finish the requests in flight (every write is committed when its
        request answers). The server's shutdown can then hang on Prefect's in-memory task
        queue; it is not waited for past STOP_SECONDS (a daemon thread ends with the process)."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=STOP_SECONDS)
        self._socket.close()


def serve_temporarily() -> str | None:
    """When no Prefect server answers (`configure` returned None), serve the API from this
    process until it exits; returns its URL. Call after `configure`, before `import prefect`
    (the URL must be in the environment when Prefect reads its settings)."""
    global _temporary
    if os.environ.get("PREFECT_API_URL"):
        return None
    if _temporary is None:
        # blocks are not used by sohoa; registering them at every start costs ~35 MB and seconds
        os.environ.setdefault("PREFECT_API_BLOCKS_REGISTER_ON_START", "false")
        os.environ.setdefault("PREFECT_UI_URL", "")  # it serves no UI: no "View at" links
        server = TemporaryServer()
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            server.start()
        except BaseException:
            del os.environ["PREFECT_API_URL"]
            server.stop()
            raise
        atexit.register(server.stop)  # before Prefect's own exit hooks: they run first (LIFO)
        _temporary = server
    return _temporary.api_url


def is_temporary(api_url: str | None) -> bool:
    """Is `api_url` this process's own temporary server (nothing shared with other runs)?"""
    return _temporary is not None and api_url == _temporary.api_url
