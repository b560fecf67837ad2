"""One Prefect home (issue 16): `sohoa dashboard` starts the data dir's Prefect server once, every
command on that data dir reports to it, so the ingest a new operator runs after following the
README shows in the dashboard with its artifacts."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from sohoa.localcluster import free_port

pytestmark = pytest.mark.slow
SOHOA = [sys.executable, "-m", "sohoa.cli"]


def sohoa(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_dashboard_shows_the_runs_of_every_command(tmp_path):
    from samples.generate import generate
    from sohoa.demo import drop_into_inbox

    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(SOHOA_DATA_DIR=str(data_dir), SOHOA_OCR_WORKERS="2", OMP_THREAD_LIMIT="1")
    generate(tmp_path / "samples", seed=3, dossiers=1, formats=("pdf",))
    drop_into_inbox(tmp_path / "samples" / "inbox", data_dir / "inbox")
    port = free_port()
    started = sohoa(env, "dashboard", "--port", str(port), timeout=300)
    try:
        assert started.returncode == 0, started.stderr
        assert f"http://127.0.0.1:{port}" in started.stdout and "started" in started.stdout
        again = sohoa(env, "dashboard", "--port", str(free_port()))
        assert again.returncode == 0 and "already running" in again.stdout
        assert f":{port}" in again.stdout  # the recorded server, not a second one

        ingested = sohoa(env, "ingest")
        assert ingested.returncode == 0, ingested.stderr[-3000:]

        api = f"http://127.0.0.1:{port}/api"
        runs = httpx.post(f"{api}/flow_runs/filter", json={"limit": 50}).json()
        ingest_runs = [r for r in runs if r["name"].startswith("ingest ")]
        assert len(ingest_runs) == 1, [r["name"] for r in runs]
        run = ingest_runs[0]
        assert run["name"] == f"ingest {(data_dir / 'inbox').resolve()}"
        assert run["state"]["type"] == "COMPLETED"
        assert run["state"]["message"] == "1 stored, 0 quarantined, 0 skipped"
        artifacts = httpx.post(f"{api}/artifacts/filter", json={"limit": 100}).json()
        keys = {a["key"] for a in artifacts if a["flow_run_id"] == run["id"]}
        assert "ingest-last-run" in keys
        assert any(k and k.startswith("rates-h") for k in (a["key"] for a in artifacts))
        assert (data_dir / "prefect" / "server.json").is_file()
        # the dashboard's pages call the API where it answers (not Prefect's default port)
        ui = httpx.get(f"http://127.0.0.1:{port}/ui-settings").json()
        assert ui["api_url"] == api
    finally:
        stopped = sohoa(env, "dashboard", "--stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)


def test_without_the_dashboard_runs_land_in_the_data_dirs_home(tmp_path):
    """No server running: the temporary server a command starts keeps its runs in the data
    dir's Prefect home, where `sohoa dashboard` will show them (never ~/.prefect)."""
    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(SOHOA_DATA_DIR=str(data_dir), HOME=str(tmp_path / "home"))
    (data_dir / "inbox").mkdir(parents=True)
    done = sohoa(env, "ingest")
    assert done.returncode == 0, done.stderr[-3000:]
    assert (data_dir / "prefect" / "prefect.db").is_file()
    assert not (tmp_path / "home" / ".prefect").exists()
