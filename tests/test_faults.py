"""Faults injected into a running ingest (issue 17): a page process killed mid-page, two ingests
on one inbox at once, S3 stopped during the OCR and in the middle of the upload."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from ocr.pipeline import make_executor, process


def text_pdf(path: Path, lines: list[str]) -> Path:
    """One scanned-looking page per line of text."""
    pages = []
    for line in lines:
        page = Image.new("L", (1240, 1754), 255)
        ImageDraw.Draw(page).text((150, 300), line, fill=0, font_size=40)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    path.write_bytes(out.getvalue())
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == len(lines)
    return path


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def kill_a_busy_worker(pool, killed: list[int], timeout: float = 60) -> None:
    """SIGKILL the first page process seen running tesseract (a page in flight)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not killed:
        for pid in list(getattr(pool._pool, "_processes", {}) or {}):
            if _children(pid):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_page_process_costs_only_a_retry_of_its_page(tmp_path):
    pdf = text_pdf(tmp_path / "two.pdf", ["GIAY CHUNG NHAN 12", "DON DANG KY 34"])
    reference = process(pdf, workers=1)
    with make_executor(2) as pool:
        killed: list[int] = []
        killer = threading.Thread(target=kill_a_busy_worker, args=(pool, killed))
        killer.start()
        result = process(pdf, workers=2, executor=pool)
        killer.join()
        assert killed, "no page process was caught running a page"
        assert [p.text for p in result.pages] == [p.text for p in reference.pages]
        again = process(pdf, workers=2, executor=pool)  # the pool serves later scans too
        assert [p.text for p in again.pages] == [p.text for p in reference.pages]


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, settings_env, s3_env, monkeypatch):
    if request.param == "postgresql":
        monkeypatch.setenv("SOHOA_DATABASE_URL", request.getfixturevalue("pg_url"))
    from sohoa.settings import get_settings

    get_settings.cache_clear()
    return get_settings()


@pytest.mark.slow
def test_two_ingests_at_once_read_each_file_once(env, tmp_path):
    from sqlalchemy import select

    from models.db import session_scope
    from models.tables import Event, Scan
    from sohoa.runtime import open_database

    inbox = env.inbox_dir
    inbox.mkdir(parents=True)
    names = [f"scan{n}.pdf" for n in range(4)]
    for n, name in enumerate(names):
        text_pdf(inbox / name, [f"HO SO SO {n} THUA DAT {n * 7}"])
    sohoa = [sys.executable, "-m", "sohoa.cli", "ingest"]
    # sohoa's and Prefect's databases created once before the race (two Prefect temporary
    # servers migrating one new Prefect database at once is Prefect's own race, not ours)
    (tmp_path / "empty").mkdir()  # a missing inbox is exit 2 (the exit-code policy)
    warm = subprocess.run([*sohoa, str(tmp_path / "empty")], capture_output=True, timeout=600)
    assert warm.returncode == 0, warm.stderr[-2000:]
    runs = [
        subprocess.Popen(sohoa, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(run.wait(timeout=900), *run.communicate()) for run in runs]

    for code, _, err in results:
        assert code == 0, err[-2000:]
        assert "FileNotFoundError" not in err and "Traceback" not in err, err[-2000:]
    assert sorted(p.name for p in env.archive_dir.rglob("*.pdf")) == names
    assert not list(inbox.rglob("*.pdf"))
    with session_scope(open_database(env)) as session:
        stored = session.execute(select(Scan.source_name).where(Scan.status == "stored")).all()
        stores = session.execute(select(Event.id).where(Event.action == "store")).all()
    assert sorted(s for (s,) in stored) == names
    assert len(stores) == len(names)  # each file read and stored once, no duplicate skipped


def _descendants(pid: int) -> dict[int, str]:
    """{pid: command name} of every process below `pid`."""
    parents, names = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            names[int(entry.name)] = stat[stat.index("(") + 1 : stat.rindex(")")]
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, pp in parents.items():
            if pp == parent and child not in found:
                found[child] = names[child]
                frontier.append(child)
    return found


def stop_store_when_ocr_runs(data_dir: Path, stopped: list[bool], timeout=300) -> None:
    """Stop the embedded S3 once the scan is being read: a `tesseract` process runs, or (page
    processes read with libtesseract in process, ocr.engine) the OCR's work dir is made."""
    import tempfile

    from storage import embedded

    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("sohoa-ocr-*"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reading = set(temp.glob("sohoa-ocr-*")) - before
        if reading or "tesseract" in _descendants(os.getpid()).values():
            embedded.stop(data_dir)
            stopped.append(True)
            return
        time.sleep(0.05)


def _scan_task_runs() -> dict[str, int]:
    """{task run id: run count} of every "scan scan.pdf" task run in Prefect's database, which
    earlier tests in this process may share."""
    import asyncio

    from prefect.client.orchestration import get_client

    async def read() -> dict[str, int]:
        async with get_client() as client:
            runs = await client.read_task_runs()
        return {str(r.id): r.run_count for r in runs if r.name == "scan scan.pdf"}

    return asyncio.run(read())


@pytest.mark.slow
def test_store_down_during_ocr_reads_once_and_leaves_no_debris(settings_env):
    """S3 stopped while the page is read: the scan fails once ("S3 unreachable"), no Prefect
    retry reads it again, it stays in the inbox; once S3 is back it is stored and verify finds
    nothing."""
    from flows.ingest import ingest_inbox
    from flows.verify import verify
    from sohoa.runtime import open_database, open_store, prefect_ready

    prefect_ready(settings_env)
    inbox = settings_env.inbox_dir
    inbox.mkdir(parents=True)
    text_pdf(inbox / "scan.pdf", ["HO SO SO 9 THUA DAT 63"])

    before = _scan_task_runs()
    stopped: list[bool] = []
    watcher = threading.Thread(
        target=stop_store_when_ocr_runs, args=(settings_env.data_dir, stopped)
    )
    watcher.start()
    summary = ingest_inbox(str(inbox))
    watcher.join()

    assert stopped, "S3 was never stopped during the OCR"
    assert [f["source"] for f in summary.failed] == ["scan.pdf"]
    assert "S3 unreachable" in summary.failed[0]["error"]
    assert (inbox / "scan.pdf").exists()

    new_runs = [count for run_id, count in _scan_task_runs().items() if run_id not in before]
    assert new_runs == [1]  # read once: no retry redid the OCR

    again = ingest_inbox(str(inbox))
    assert [o.status for o in again.outcomes] == ["stored"] and not again.failed
    with open_store(settings_env) as store:
        assert verify(store, open_database(settings_env)).findings == []


def stop_store_after_puts(monkeypatch, data_dir: Path, after: int) -> list[str]:
    """Stop the embedded S3 server once `after` objects of the scan are written (the original
    and some outputs): the upload breaks off in its middle. Returns the keys written."""
    from storage import embedded
    from storage.objects import ObjectStore

    written: list[str] = []
    put_file = ObjectStore.put_file

    def put_then_maybe_stop(self, key, *args, **kwargs):
        stored = put_file(self, key, *args, **kwargs)
        written.append(key)
        if len(written) == after:
            embedded.stop(data_dir)
        return stored

    monkeypatch.setattr(ObjectStore, "put_file", put_then_maybe_stop)
    return written


@pytest.mark.slow
@pytest.mark.parametrize("retried", ["same day", "a month later"])
def test_store_down_during_upload_leaves_nothing_orphaned(settings_env, monkeypatch, retried):
    """S3 stopped after the original and one output are written: the scan fails once (no Prefect
    retry reads it again), its partial objects are accounted for by a `failed` row, and after
    the next run stores it (the same day, or a month later under other keys) verify finds
    nothing: the first attempt's objects are adopted or parked under orphans/."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    import flows.scan
    from flows.ingest import ingest_inbox
    from flows.verify import ORPHANS, verify
    from models.db import session_scope
    from models.tables import Scan
    from sohoa.runtime import open_database, open_store, prefect_ready

    prefect_ready(settings_env)
    inbox = settings_env.inbox_dir
    inbox.mkdir(parents=True)
    text_pdf(inbox / "scan.pdf", ["HO SO SO 7 THUA DAT 21"])

    before = _scan_task_runs()
    written = stop_store_after_puts(monkeypatch, settings_env.data_dir, after=2)
    summary = ingest_inbox(str(inbox))

    assert len(written) == 2 and written[0].startswith("originals/"), written
    first = list(written)
    assert [f["source"] for f in summary.failed] == ["scan.pdf"]
    assert "S3 unreachable" in summary.failed[0]["error"]
    assert (inbox / "scan.pdf").exists()
    new_runs = [n for run, n in _scan_task_runs().items() if run not in before]
    assert new_runs == [1]  # read once: no retry redid the OCR
    engine = open_database(settings_env)
    with session_scope(engine) as session:
        row = session.execute(select(Scan.status, Scan.original_key)).one()
    assert row == ("failed", first[0])  # the objects written so far have a row

    # the wrapper stopped S3 once: it stays up from now on
    if retried == "a month later":
        later = datetime.now(UTC) + timedelta(days=40)  # another month: other keys
        monkeypatch.setattr(flows.scan, "_now", lambda: later)
    again = ingest_inbox(str(inbox))
    assert [o.status for o in again.outcomes] == ["stored"] and not again.failed
    with open_store(settings_env) as store:
        report = verify(store, engine)
        assert report.findings == []
        parked = [o.key for o in store.list(ORPHANS)]
    with session_scope(engine) as session:
        stored_original = session.execute(select(Scan.original_key)).scalar_one()
    if retried == "same day":
        assert stored_original == first[0] and parked == []  # the same keys, adopted
    else:
        assert stored_original != first[0]
        assert sorted(parked) == sorted(ORPHANS + key for key in first)
