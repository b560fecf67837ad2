"""`sohoa serve` against a real Prefect server (issue 6): the five served deployments appear with
their schedules, `backfill-chunk` sits on the work pool, and a run triggered through the API is
picked up and completed by the served process."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from sohoa.localcluster import LocalCluster, stop

pytestmark = pytest.mark.slow
POOL = "sohoa-test"
SERVED = {"inbox-watch", "backfill", "rates-refresh", "fixity-check", "webhook-send"}


def _serve_env(cluster: LocalCluster, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in cluster.child_env().items() if not k.startswith("SOHOA_")}
    env.update(
        SOHOA_DATA_DIR=str(data_dir),
        PREFECT_RUNNER_POLL_FREQUENCY="1",  # pick the triggered run up at once (default 10 s)
    )
    return env


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _wait_for_deployments(client, serve: subprocess.Popen, log: Path, timeout: float) -> dict:
    """{deployment name: deployment} once every expected deployment is registered."""
    deadline = time.monotonic() + timeout
    while True:
        found = {d.name: d for d in client.read_deployments()}
        if SERVED | {"backfill-chunk"} <= found.keys():
            return found
        assert serve.poll() is None, f"sohoa serve exited {serve.returncode}:\n{_tail(log)}"
        assert time.monotonic() < deadline, f"only {sorted(found)} registered:\n{_tail(log)}"
        time.sleep(1)


def _wait_final(client, run_id, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        run = client.read_flow_run(run_id)
        if run.state is not None and run.state.is_final():
            return run
        assert time.monotonic() < deadline, f"run still {run.state_name} after {timeout} s"
        time.sleep(1)


def test_serve_registers_the_deployments_and_runs_them(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
    from prefect.settings import PREFECT_API_URL, temporary_settings

    data_dir = tmp_path / "var"
    log = tmp_path / "serve.log"
    with LocalCluster(tmp_path / "prefect") as cluster:
        serve = subprocess.Popen(
            [sys.executable, "-m", "sohoa.cli", "serve", "--pool", POOL],
            env=_serve_env(cluster, data_dir),
            cwd=Path(__file__).resolve().parents[1],
            stdout=open(log, "wb"),  # noqa: SIM115 (closed with the process)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            with (
                temporary_settings(updates={PREFECT_API_URL: cluster.api_url}),
                get_client(sync_client=True) as client,
            ):
                found = _wait_for_deployments(client, serve, log, timeout=180)
                flows = {d.name: client.read_flow(d.flow_id).name for d in found.values()}
                schedules = {name: [s.schedule for s in found[name].schedules] for name in found}

                assert {name: flows[name] for name in SERVED} == {n: n for n in SERVED}
                assert found["backfill-chunk"].work_pool_name == POOL
                assert flows["backfill-chunk"] == "backfill-chunk"
                assert all(found[name].work_pool_name is None for name in SERVED)

                (watch,) = schedules["inbox-watch"]
                assert isinstance(watch, IntervalSchedule)
                assert watch.interval == timedelta(seconds=60)
                assert schedules["backfill"] == []  # run on demand, with parameters
                (nightly,) = schedules["rates-refresh"]
                (weekly,) = schedules["fixity-check"]
                assert isinstance(nightly, CronSchedule) and isinstance(weekly, CronSchedule)
                minute, hour, day, month, weekday = nightly.cron.split()
                assert (day, month, weekday) == ("*", "*", "*") and "*" not in (minute, hour)
                minute, hour, day, month, weekday = weekly.cron.split()
                assert (day, month) == ("*", "*") and "*" not in (minute, hour, weekday)
                # office hours are Vietnam's: every schedule runs on its clock
                assert {watch.timezone, nightly.timezone, weekly.timezone} == {"Asia/Ho_Chi_Minh"}
                assert int(hour) < 6 and int(nightly.cron.split()[1]) < 6

                run = client.create_flow_run_from_deployment(found["rates-refresh"].id)
                run = _wait_final(client, run.id, timeout=180)
                assert run.state.is_completed(), f"{run.state}:\n{_tail(log)}"
                artifacts = client.read_artifacts(
                    artifact_filter=ArtifactFilter(
                        flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])
                    )
                )
            # the served process ran the flow on its own (fresh, empty) database
            assert "rates-movers" in {a.key for a in artifacts}
            assert (data_dir / "sohoa.db").is_file()
        finally:
            stop(serve)
