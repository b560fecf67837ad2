"""A real Prefect server and process workers on this machine, for tests and benchmarks of the
distributed paths (the same commands production runs, on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PREFECT = [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalCluster:
    """`with LocalCluster(home, db_url) as c:` a server; `c.start_worker(pool)` adds workers."""

    home: Path
    database_url: str | None = None  # postgresql+asyncpg://…; None: SQLite under home
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def child_env(self) -> dict[str, str]:
        env = {**os.environ, **self.env}
        env.update(
            PREFECT_HOME=str(self.home),
            PREFECT_API_URL=self.api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_UI_ENABLED="false",
            PREFECT_WORKER_QUERY_SECONDS="2",  # as deploy/: the next chunk without a 10 s wait
            OMP_THREAD_LIMIT="1",
        )
        if self.database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = self.database_url
        return env

    def __enter__(self) -> LocalCluster:
        self.home.mkdir(parents=True, exist_ok=True)
        log = open(self.home / "server.log", "ab")  # noqa: SIM115 (lives as long as the server)
        self.server = subprocess.Popen(
            [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_healthy(timeout=240)
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in [*self.workers, self.server]:
            if proc is not None:
                stop(proc)

    def start_worker(self, pool: str, name: str) -> subprocess.Popen:
        """One chunk at a time per worker: a chunk already uses all the cores it is given."""
        log = open(self.home / f"worker-{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                *PREFECT,
                "worker",
                "start",
                "--pool",
                pool,
                "--type",
                "process",
                "--name",
                name,
                "--limit",
                "1",
            ],
            env=self.child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(proc)
        return proc

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"prefect server exited; see {self.home / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"prefect server not healthy after {timeout} s")


def stop(proc: subprocess.Popen, *, kill: bool = False) -> None:
    """Stop a process and everything it started (its own session/process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
        proc.wait(timeout=0 if kill else 20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def has_children(pid: int) -> bool:
    """True while a worker runs a flow run (a child process of its own)."""
    return bool(subprocess.run(["pgrep", "-P", str(pid)], capture_output=True).stdout.strip())
