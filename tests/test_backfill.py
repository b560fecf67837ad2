"""The local backfill (issue 6) overlaps scans two at a time in one page pool: every scan is
stored once, and a copy of a scan in flight waits for it and is skipped, never recorded twice."""

from __future__ import annotations

import shutil

import pytest

SEED = 11


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Single-page JPEGs of one generated dossier (one-page scans keep Tesseract's share small)."""
    from samples.generate import generate

    out = tmp_path_factory.mktemp("samples")
    generate(out, seed=SEED, dossiers=1, levels=("clean",), formats=("jpeg",))
    found = sorted(out.rglob("*.jpg"))
    assert len(found) >= 3
    return found[:3]


def test_backfill_overlaps_scans_and_skips_a_copy_in_flight(pages, settings_env, tmp_path):
    from sohoa.runtime import prefect_ready

    prefect_ready(settings_env)
    from sqlmodel import select

    from flows.backfill import backfill
    from models.db import session_scope
    from models.tables import Scan
    from sohoa.runtime import open_database

    archive = tmp_path / "archive"
    archive.mkdir()
    for n, page in enumerate(pages):
        shutil.copy(page, archive / f"a{n}.jpg")
    # listed right after a0.jpg, so without the check both would be in flight together
    shutil.copy(pages[0], archive / "a0x.jpg")

    summary = backfill(str(archive), batch_size=10)

    status = {o["source"]: o["status"] for o in summary.outcomes}
    assert status == {"a0.jpg": "stored", "a1.jpg": "stored", "a2.jpg": "stored"} | {
        "a0x.jpg": "skipped"
    }
    assert not summary.unfinished
    with session_scope(open_database(settings_env)) as session:
        rows = session.exec(select(Scan.source_name, Scan.status, Scan.page_count)).all()
    assert sorted(rows) == [
        ("a0.jpg", "stored", 1),
        ("a1.jpg", "stored", 1),
        ("a2.jpg", "stored", 1),
    ]
