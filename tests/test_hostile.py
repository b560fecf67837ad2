"""Hostile inputs through `sohoa ingest` (issue 17): every unit stored or quarantined with a
reason, nothing left in the inbox, nothing outside it touched, the process tree under 2 GB,
exit 1; a second run exits 0 with nothing to do. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from samples.hostile import make_hostile

MAX_TREE_RSS = 2 * 1024**3


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root` (links not followed) with its kind, bytes' hash and mtime."""
    found = {}
    for top, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(top) / name
            st = path.lstat()
            digest = ""
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return found


def leftovers(inbox: Path) -> list[str]:
    return [
        str(Path(top, name).relative_to(inbox))
        for top, dirs, files in os.walk(inbox, followlinks=False)
        for name in files + [d for d in dirs if Path(top, d).is_symlink()]
    ]


def tree_rss(pid: int) -> int:
    """Resident memory of `pid` and all its descendants, in bytes (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
        rss[int(entry.name)] = int(line.split()[1]) * 1024 if line else 0
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(p, 0) for p in tree)


def run_measured(args: list[str]) -> tuple[subprocess.CompletedProcess, int]:
    """Run a command, sampling its process tree's resident memory; (result, peak bytes)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=900)
    sampler.join()
    return subprocess.CompletedProcess(args, proc.returncode, out, err), peak


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, settings_env, s3_env, monkeypatch):
    if request.param == "postgresql":
        monkeypatch.setenv("SOHOA_DATABASE_URL", request.getfixturevalue("pg_url"))
    from sohoa.settings import get_settings

    get_settings.cache_clear()
    return get_settings()


@pytest.mark.slow
def test_hostile_inbox_is_stored_or_quarantined_and_nothing_escapes(env, tmp_path):
    from sqlalchemy import select

    from models.db import session_scope
    from models.tables import Event
    from sohoa.runtime import open_database

    inbox, outside = env.inbox_dir, tmp_path / "outside"
    classes = make_hostile(inbox, outside)
    before = snapshot(outside)
    sohoa = [sys.executable, "-m", "sohoa.cli", "ingest"]

    first, peak = run_measured(sohoa)

    assert first.returncode == 1, first.stderr[-2000:]
    assert "Traceback" not in first.stderr
    assert leftovers(inbox) == []
    assert snapshot(outside) == before  # nothing outside read-modified, moved or deleted
    print(f"peak RSS of the ingest process tree: {peak / 1024**2:.0f} MB")
    assert peak < MAX_TREE_RSS, f"process tree peaked at {peak / 1024**2:.0f} MB"
    quarantine, archive = env.quarantine_dir, env.archive_dir
    for name, what in classes.items():
        stored = os.path.lexists(archive / name)
        quarantined = os.path.lexists(quarantine / name)
        assert stored != quarantined, f"{name} ({what}): stored {stored}, quarantined {quarantined}"
        if quarantined:
            reason = (quarantine / f"{name}.reason.txt").read_text(encoding="utf-8")
            assert reason.strip().split("\t")[-1], f"{name} ({what}) quarantined without reason"
    for link, wording in (
        ("link-to-file.pdf", "liên kết trỏ ra ngoài hộp thư"),
        ("link-to-folder", "liên kết trỏ ra ngoài hộp thư"),
        ("link-inside.pdf", "liên kết trong hộp thư"),
    ):
        assert (quarantine / link).is_symlink()  # the link itself, never its target
        reason = (quarantine / f"{link}.reason.txt").read_text(encoding="utf-8")
        assert wording in reason, reason
    if "hard-link.pdf" in classes:  # quarantined unread: its other name stays where it is
        reason = (quarantine / "hard-link.pdf.reason.txt").read_text(encoding="utf-8")
        assert "liên kết cứng" in reason, reason
        assert (outside / "hardlinked.pdf").stat().st_nlink == 2
    for bomb in ("bomb-30000px.png", "image-40000px.pdf", "page-40000pt.pdf", "one-pixel.png"):
        assert os.path.lexists(quarantine / bomb), bomb
    quarantined = [n for n in classes if os.path.lexists(quarantine / n)]
    with session_scope(open_database(env)) as session:
        events = session.execute(select(Event.action, Event.outcome, Event.detail)).all()
    sources = {e.detail.get("source") for e in events if e.detail}
    assert set(classes) <= sources, set(classes) - sources  # every outcome has its event row
    assert len([e for e in events if e.outcome == "quarantined"]) >= len(quarantined)

    second = subprocess.run(sohoa, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert leftovers(inbox) == []
