"""`sohoa dashboard`: the data dir's one Prefect server (UI and API), started once and reused.

The server runs detached, on the data dir's Prefect home, and its URL is recorded in
`<data dir>/prefect/server.json`, where every command looks for it (flows.prefect_env)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flows.prefect_env import SERVER_FILE, healthy, home, recorded_server
from sohoa.errors import ServiceUnreachable, UserError
from sohoa.settings import Settings

DEFAULT_PORT = 4200


@dataclass(frozen=True)
class Dashboard:
    url: str  # the UI
    api_url: str
    home: Path
    started: bool  # False: an already running one was reused


def start(
    settings: Settings, *, port: int = DEFAULT_PORT, host: str = "127.0.0.1", timeout: float = 180
) -> Dashboard:
    """Reuse the data dir's server when it answers, else start it and wait until it does."""
    prefect_home = home(settings)
    prefect_home.mkdir(parents=True, exist_ok=True)
    running = recorded_server(prefect_home)
    if running:
        return Dashboard(running.removesuffix("/api"), running, prefect_home, started=False)
    api_url = f"http://{host}:{port}/api"
    if healthy(api_url, timeout=1):
        raise UserError(
            f"another Prefect server already answers on port {port}; choose --port, "
            "or export PREFECT_API_URL to use it"
        )
    log = open(prefect_home / "server.log", "ab")  # noqa: SIM115 (the server's own stdout)
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=_server_env(prefect_home, api_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while not healthy(api_url, timeout=2):
        if proc.poll() is not None or time.monotonic() > deadline:
            _kill(proc.pid)
            raise ServiceUnreachable(
                "Prefect", api_url, f"the server did not start; see {prefect_home / 'server.log'}"
            )
        time.sleep(0.5)
    state = {"api_url": api_url, "ui_url": api_url.removesuffix("/api"), "pid": proc.pid}
    (prefect_home / SERVER_FILE).write_text(json.dumps(state))
    return Dashboard(state["ui_url"], api_url, prefect_home, started=True)


def stop(settings: Settings) -> bool:
    """Stop the data dir's server; False when none was recorded as running."""
    path = home(settings) / SERVER_FILE
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    path.unlink(missing_ok=True)
    return _kill(int(state.get("pid", 0)))


def _server_env(prefect_home: Path, api_url: str) -> dict[str, str]:
    """The server's own home; its UI calls the API where it really answers (by default the UI
    assumes port 4200, whatever `--port` says)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL",)}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_API_URL=api_url,
    )
    return env


def _kill(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return False
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    return True
