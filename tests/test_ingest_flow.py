"""The walking skeleton end to end (issue 2): generated dossiers and bad files in an inbox, the
ingest flow on real Tesseract, the embedded S3 server and SQLite/PostgreSQL, rates against the
generator's truth, and a second run that stores nothing twice."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from sohoa.demo import drop_into_inbox

SEED = 11
DOSSIERS = 2


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Path:
    from samples.generate import generate

    out = tmp_path_factory.mktemp("samples")
    generate(out, seed=SEED, dossiers=DOSSIERS, formats=("pdf", "jpeg"))
    return out


def bad_inputs(inbox: Path, good_pdf: Path) -> dict[str, str]:
    """Broken files counter staff really produce, with a word their quarantine reason must name."""
    bad = inbox / "bad"
    bad.mkdir(parents=True)
    (bad / "empty.pdf").write_bytes(b"")
    data = good_pdf.read_bytes()
    (bad / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (bad / "notes.pdf").write_text("Danh sách hồ sơ cần bổ sung\n", encoding="utf-8")
    with pikepdf.open(good_pdf) as pdf:
        pdf.save(bad / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    return {
        "bad/empty.pdf": "empty",
        "bad/truncated.pdf": "",
        "bad/notes.pdf": "",
        "bad/locked.pdf": "encrypt",
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, settings_env, monkeypatch):
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    from sohoa.runtime import prefect_ready
    from sohoa.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    prefect_ready(settings)
    return settings


def test_ingest_stores_scans_quarantines_bad_input_and_is_idempotent(samples, env):
    from flows.ingest import ingest_inbox
    from models.db import session_scope
    from models.rates import compute_rates
    from models.register import import_register
    from models.tables import Scan
    from samples import load_truth
    from sohoa.runtime import open_database, open_store

    truths = load_truth(samples)
    engine = open_database(env)
    report = import_register(engine, samples / "register.csv")
    assert not report.bad
    drop_into_inbox(samples / "inbox", env.inbox_dir)
    good_pdf = next((samples / "inbox").rglob("*.pdf"))
    expected_bad = bad_inputs(env.inbox_dir, good_pdf)

    state = ingest_inbox(str(env.inbox_dir), return_state=True)
    summary = state.result()
    _what_the_dashboard_shows(state, summary, expected_bad, truths)

    outcome = {o.source: o for o in summary.outcomes}
    assert not summary.failed
    for source, word in expected_bad.items():
        assert outcome[source].status == "quarantined", source
        assert word in outcome[source].reason.lower()
        moved = env.quarantine_dir / source
        assert moved.exists() and Path(f"{moved}.reason.txt").exists()
    stored = [o for o in summary.outcomes if o.status == "stored"]
    assert sorted(o.dossier_code for o in stored) == sorted(t.dossier_code for t in truths)
    by_code = {o.dossier_code: o for o in stored}
    for truth in truths:
        assert by_code[truth.dossier_code].pages == len(truth.pages)
    assert not any(p.is_file() for p in env.inbox_dir.rglob("*")), "inbox not emptied"

    by_truth = {t.dossier_code: t for t in truths}
    with open_store(env) as store, session_scope(engine) as session:
        scans = session.query(Scan).filter(Scan.status == "stored").all()
        assert len(scans) == len(truths)
        for scan in scans:
            manifest = json.loads(store.get_bytes(scan.manifest_key))
            keys = {o["key"] for o in manifest["objects"]}
            assert scan.digitized_prefix + "searchable.pdf" in keys
            assert scan.digitized_prefix + "text.txt" in keys
            assert all(o["sha256"] for o in manifest["objects"])
            assert store.exists(scan.original_key) or any(store.list(scan.original_key)), (
                "original missing"
            )
            _documents_stored_and_split(session, store, scan, keys, by_truth[scan.dossier_code])
        objects_before = sorted(o.key for o in store.list(""))

    def own_counts() -> dict[str, tuple[int, int]]:
        with session_scope(engine) as session:
            rows = compute_rates(session)
        return {
            r.office_code: (r.own_received, r.own_components_digitized)
            for r in rows
            if r.own_received
        }

    counts = own_counts()
    register = Counter(
        line.split(",")[0].rsplit("-", 2)[0]
        for line in (samples / "register.csv").read_text().splitlines()[1:]
    )
    scanned = Counter(t.office_code for t in truths)
    assert counts == {office: (n, scanned.get(office, 0)) for office, n in register.items()}

    # counter staff drop the same scans again: nothing is stored twice, no rate moves
    drop_into_inbox(samples / "inbox", env.inbox_dir)
    again = ingest_inbox(str(env.inbox_dir))
    assert {o.status for o in again.outcomes} == {"skipped"}
    assert own_counts() == counts
    with open_store(env) as store:
        assert sorted(o.key for o in store.list("")) == objects_before
    engine.dispose()
    shutil.rmtree(env.data_dir / "archive", ignore_errors=True)


def _what_the_dashboard_shows(state, summary, expected_bad: dict, truths) -> None:
    """Issue 16: the run is named after its inbox and says what it did; a quarantined scan's task
    is Failed ("Quarantined") with its reason; rates tables cover every year with dossiers."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterId,
    )

    from models.codes import parse_dossier_code

    stored = len(truths)
    assert state.is_completed()
    assert state.message == f"{stored} stored, {len(expected_bad)} quarantined, 0 skipped"
    run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        assert run.name == f"ingest {summary.inbox}"
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id]))
        )
        by_name = {t.name: t for t in tasks}
        for source in expected_bad:
            task = by_name[f"scan {source}"]
            assert task.state.type.value == "FAILED" and task.state.name == "Quarantined"
            assert task.state.message == next(
                o.reason for o in summary.outcomes if o.source == source
            )
        good = [t for name, t in by_name.items() if name.removeprefix("scan ") not in expected_bad]
        assert good and all(t.state.is_completed() for t in good)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="rates-%"))
        )
    years = {str(parse_dossier_code(t.dossier_code)[1].year) for t in truths}
    tables = [a for a in artifacts if a.key != "rates-movers" and a.type == "table"]
    assert tables, "no rates-<province> table published"
    periods = {row["period"] for a in tables for row in _table(a.data)}
    assert years <= periods, (years, periods)


def _table(data) -> list[dict]:
    return json.loads(data) if isinstance(data, str) else data


def _documents_stored_and_split(session, store, scan, keys: set[str], truth) -> None:
    """Issue 4 in the flow: the scan's documents are rows with the generator's types, pages and
    dossier code, and the searchable output is split into one PDF per document."""
    from sqlmodel import select

    from models.tables import Document

    docs = session.exec(
        select(Document).where(Document.scan_id == scan.id).order_by(Document.id)
    ).all()
    assert [(d.doc_type, d.pages) for d in docs] == [(t.doc_type, t.pages) for t in truth.documents]
    receipt = next(d for d in docs if d.doc_type == "phieu_tiep_nhan")
    assert receipt.fields["dossier_code"] == truth.dossier_code
    assert receipt.field_details["dossier_code"]["page"] in receipt.pages
    assert all(d.dossier_code == truth.dossier_code for d in docs)
    for n, doc in enumerate(docs, start=1):
        key = f"{scan.digitized_prefix}documents/{n:02d}-{doc.doc_type}.pdf"
        assert key in keys, key
        with pikepdf.open(io.BytesIO(store.get_bytes(key))) as pdf:
            assert len(pdf.pages) == len(doc.pages)
