"""Many workers (issue 6): a real Prefect server on PostgreSQL, a process work pool and two
workers run a distributed backfill; one worker is killed mid-run and restarted. Every scan ends
up stored exactly once, none is lost, and the rates are exact."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from sohoa.localcluster import LocalCluster, has_children, stop

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]
POOL = "sohoa-test"


@pytest.fixture
def prefect_db(pg_admin):
    from sqlalchemy import text

    admin, reason = pg_admin
    if admin is None:
        pytest.skip(reason)
    name = f"prefect_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_two_workers_survive_a_killed_worker(
    tmp_path, settings_env, pg_url, s3_env, prefect_db, monkeypatch
):
    from samples.generate import generate

    source = tmp_path / "archive"
    truths = generate(
        source, seed=23, dossiers=4, levels=("clean", "mild"), formats=("pdf", "tiff")
    )
    sohoa_env = {
        **s3_env,
        "SOHOA_DATA_DIR": str(settings_env.data_dir),
        "SOHOA_DATABASE_URL": pg_url,
        "SOHOA_OCR_WORKERS": "1",
    }
    with LocalCluster(tmp_path / "prefect", prefect_db, env=sohoa_env) as cluster:
        env = cluster.child_env()
        register = [
            sys.executable,
            "-c",
            f"from flows.serve import register_chunk_deployment; "
            f"register_chunk_deployment({POOL!r})",
        ]
        subprocess.run(register, env=env, check=True, timeout=300)
        first = cluster.start_worker(POOL, "w1")
        cluster.start_worker(POOL, "w2")
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sohoa.cli",
                "backfill",
                str(source / "inbox"),
                "--distributed",
                "--batch-size",
                "1",
                "--stall-seconds",
                "45",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 600
        while not has_children(first.pid):  # wait until w1 runs a chunk, then kill it
            assert time.monotonic() < deadline, "worker w1 never picked up a chunk"
            assert run.poll() is None, run.stdout.read()
            time.sleep(0.5)
        time.sleep(3)
        stop(first, kill=True)
        cluster.workers.remove(first)
        cluster.start_worker(POOL, "w1-restarted")
        out, _ = run.communicate(timeout=1500)
    assert run.returncode == 0, out
    assert "0 unfinished" in out, out

    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sha256, dossier_code, status FROM scan")).all()
        originals = conn.execute(text("SELECT count(DISTINCT original_key) FROM scan")).scalar()
    engine.dispose()
    assert sorted(r.dossier_code for r in rows) == sorted(t.dossier_code for t in truths)
    assert {r.status for r in rows} == {"stored"} and originals == len(truths)

    from models.db import make_engine, session_scope
    from models.rates import compute_rates
    from sohoa.runtime import open_store

    monkeypatch.setenv("SOHOA_DATABASE_URL", pg_url)
    from sohoa.settings import get_settings

    get_settings.cache_clear()
    with open_store(get_settings()) as store:
        stored_originals = [o.key for o in store.list("originals/")]
    assert len(stored_originals) == len(truths), stored_originals  # no original stored twice

    eng = make_engine(pg_url)
    with session_scope(eng) as session:
        rows = compute_rates(session)
    eng.dispose()
    scanned = Counter(t.office_code for t in truths)
    own = {r.office_code: r.own_components_digitized for r in rows if r.own_components_digitized}
    assert own == dict(scanned)
