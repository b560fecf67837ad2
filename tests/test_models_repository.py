"""Repository functions the ingest flow calls, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp

import pytest
from sqlmodel import select

from models.db import make_engine, migrate, session_scope
from models.dossiers import UnknownOffice, ensure_dossier, refresh_facts
from models.offices import ensure_office, seed_provinces
from models.scans import finished, outcomes, record_quarantine, record_scan, stored_scans
from models.search import search_documents
from models.tables import Document, Dossier, Event, Office, Page, ReuseLink, Scan

CERT = "giay_chung_nhan_qsdd"


def record(s, sha: str, dossier: str | None, docs: list[dict], office: str | None = None, **kw):
    pages = sorted({n for d in docs for n in d.get("pages", [1])}) or [1]
    return record_scan(
        s,
        sha256=sha.ljust(64, "0"),
        source_name=f"{sha}.pdf",
        dossier_code=dossier,
        office_code=office,
        page_count=len(pages),
        original_key=f"originals/{sha}",
        digitized_prefix=f"digitized/{sha}/",
        manifest_key=f"digitized/{sha}/manifest.json",
        pages=[
            {"number": n, "text": kw.get("text", "trang {n}").format(n=n, sha=sha)} for n in pages
        ],
        documents=[{"pages": [1], "confidence": 0.9, **d} for d in docs],
        tool_versions={"sohoa": "0.1.0", "tesseract": "5.3.0"},
    )


def test_record_scan_creates_office_dossier_and_facts(db_session):
    s = db_session
    assert seed_provinces(s) == 34
    assert seed_provinces(s) == 0
    assert finished(s, ["a".ljust(64, "0")]) == {}
    scan = record(
        s,
        "a",
        "000.46.24.H44-231015-0042",
        [{"doc_type": "don_dang_ky_dat_dai"}, {"doc_type": CERT, "pages": [2]}],
    )
    s.commit()
    assert finished(s, [scan.sha256, "b" * 64]) == {scan.sha256: "stored"}
    office = s.get(Office, "000.46.24.H44")
    # unknown office, attached to its province (seeded), never dropped
    assert (office.level, office.parent_code, office.province_code) == (
        "unknown",
        "000.00.00.H44",
        "H44",
    )
    dossier = s.get(Dossier, "000.46.24.H44-231015-0042")
    assert dossier.received_at.isoformat() == "2023-10-15"
    assert (dossier.components_digitized, dossier.result_digitized, dossier.reused) == (
        True,
        True,
        False,
    )
    docs = s.exec(select(Document).where(Document.scan_id == scan.id)).all()
    assert [(d.doc_type, d.is_result, d.pages) for d in docs] == [
        ("don_dang_ky_dat_dai", False, [1]),
        (CERT, True, [2]),
    ]
    assert len(s.exec(select(Page).where(Page.scan_id == scan.id)).all()) == 2
    events = s.exec(select(Event)).all()
    assert [(e.action, e.outcome, e.tool_version) for e in events] == [("store", "ok", "0.1.0")]

    # the same bytes again: nothing is recorded twice
    again = record(s, "a", "000.46.24.H44-231015-0042", [{"doc_type": "khac"}])
    s.commit()
    assert again.id == scan.id
    assert len(s.exec(select(Document)).all()) == 2
    assert len(s.exec(select(Scan)).all()) == 1


def test_ensure_office_finds_nearest_ancestor(db_session):
    s = db_session
    ensure_office(s, "000.00.24.H44", name="UBND huyện")
    office, created = ensure_office(s, "000.46.24.H44")
    assert created and office.parent_code == "000.00.24.H44"
    office, created = ensure_office(s, "000.46.24.H44")
    assert not created
    # short form under a level-1 body that is not registered: the body is created too
    office, created = ensure_office(s, "G09.20")
    assert created and office.parent_code == "000.00.00.G09"
    assert s.get(Office, "000.00.00.G09").level == "ministry"
    # a dossier code without an office part, and no office given: refused with the reason
    with pytest.raises(UnknownOffice, match="no office"):
        ensure_dossier(s, "HS-2023-001")
    assert ensure_dossier(s, "HS-2023-001", "G09.20").office_code == "G09.20"


def test_quarantine_then_success(db_session):
    s = db_session
    ensure_dossier(s, "000.00.24.H18-231015-0001")
    q = record_quarantine(
        s,
        sha256="q".ljust(64, "0"),
        source_name="bad.pdf",
        reason="bad.pdf: truncated PDF",
        dossier_code="000.00.24.H18-231015-0001",
    )
    ghost = record_quarantine(
        s,
        sha256="g".ljust(64, "0"),
        source_name="x.pdf",
        reason="empty file",
        dossier_code="000.00.24.H18-231015-0099",
    )
    s.commit()
    assert (q.status, q.error, q.dossier_code) == (
        "quarantined",
        "bad.pdf: truncated PDF",
        "000.00.24.H18-231015-0001",
    )
    assert ghost.dossier_code is None  # a quarantined scan makes no dossier known
    assert s.get(Dossier, "000.00.24.H18-231015-0099") is None
    # quarantined is finished (a backfill does not read it again); a failure on our side is not
    failed = record_quarantine(
        s, sha256="f".ljust(64, "0"), source_name="f.pdf", reason="S3 down", status="failed"
    )
    assert finished(s, [q.sha256, ghost.sha256, failed.sha256]) == {
        q.sha256: "quarantined",
        ghost.sha256: "quarantined",
    }
    d = s.get(Dossier, "000.00.24.H18-231015-0001")
    assert not d.components_digitized
    stored = record(s, "q", "000.00.24.H18-231015-0001", [{"doc_type": "khac"}])
    s.commit()
    assert stored.id == q.id and stored.status == "stored" and stored.error is None
    assert s.get(Dossier, "000.00.24.H18-231015-0001").components_digitized
    outcomes = [e.outcome for e in s.exec(select(Event).order_by(Event.id)).all()]
    assert outcomes == ["quarantined", "quarantined", "failed", "ok"]


def test_finished_answers_for_many_hashes_at_once(db_session):
    """A backfill asks about thousands of hashes: they go in chunks, the answer is whole."""
    s = db_session
    first, last = record(s, "0", None, []), record(s, "f", None, [])
    record_quarantine(s, sha256="8".ljust(64, "0"), source_name="x.pdf", reason="empty file")
    s.commit()
    asked = [f"{n:064x}" for n in range(1, 1200)] + [first.sha256, last.sha256, "8".ljust(64, "0")]
    assert finished(s, asked) == {
        first.sha256: "stored",
        last.sha256: "stored",
        "8".ljust(64, "0"): "quarantined",
    }
    # fixity checks the stored ones only, with the keys their rows point to
    assert [(x.sha256[0], x.manifest_key, x.original_key) for x in stored_scans(s)] == [
        ("0", "digitized/0/manifest.json", "originals/0"),
        ("f", "digitized/f/manifest.json", "originals/f"),
    ]
    assert {(o.sha256[0], o.status, o.error) for o in outcomes(s, asked)} == {
        ("0", "stored", None),
        ("f", "stored", None),
        ("8", "quarantined", "empty file"),
    }


def test_reuse_links(db_session):
    s = db_session
    a, b, c = (f"000.00.24.H18-2310{n:02d}-0001" for n in (1, 2, 3))
    record(s, "a", a, [{"doc_type": CERT, "fields": {"gcn_serial": "CS 123456"}}])
    record(
        s,
        "a2",
        a,
        [
            {
                "doc_type": "don_dang_ky_dat_dai",
                "fields": {"citizen_id": "001099012345", "parcel_number": "12", "map_sheet": "5"},
            }
        ],
    )
    # b: the same certificate submitted again (serial match), same dossier's own doc ignored
    record(s, "b", b, [{"doc_type": CERT, "fields": {"gcn_serial": "CS 123456"}}])
    # c: same citizen, parcel and sheet (match); and same citizen on another parcel (no match)
    record(
        s,
        "c",
        c,
        [
            {
                "doc_type": "hop_dong_chuyen_nhuong",
                "fields": {"citizen_id": "001099012345", "parcel_number": "12", "map_sheet": "5"},
            },
            {
                "doc_type": "to_khai_thue",
                "pages": [2],
                "fields": {"citizen_id": "001099012345", "parcel_number": "13", "map_sheet": "5"},
            },
        ],
    )
    s.commit()
    links = s.exec(select(ReuseLink).order_by(ReuseLink.id)).all()
    doc = {d.id: d for d in s.exec(select(Document)).all()}
    assert [
        (doc[lk.document_id].dossier_code, doc[lk.earlier_document_id].dossier_code, lk.reason)
        for lk in links
    ] == [(b, a, "gcn_serial"), (c, a, "citizen_parcel")]
    assert [s.get(Dossier, x).reused for x in (a, b, c)] == [False, True, True]

    # the facts the repository kept equal the facts recomputed from scans/documents/links
    kept = {
        d.code: (d.components_digitized, d.result_digitized, d.reused)
        for d in s.exec(select(Dossier)).all()
    }
    for d in s.exec(select(Dossier)).all():
        d.components_digitized = d.result_digitized = d.reused = False
    s.commit()
    refresh_facts(s)
    s.commit()
    s.expire_all()
    assert {
        d.code: (d.components_digitized, d.result_digitized, d.reused)
        for d in s.exec(select(Dossier)).all()
    } == kept


def test_search(db_session, engine):
    s = db_session
    record(
        s,
        "a",
        "000.00.24.H18-231001-0001",
        [
            {
                "doc_type": CERT,
                "fields": {
                    "gcn_serial": "CS 123456",
                    "citizen_id": "001099012345",
                    "parcel_number": "12",
                    "map_sheet": "5",
                },
            }
        ],
        text="GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT thửa đất số 12",
    )
    record(
        s,
        "b",
        "000.00.24.H18-231002-0001",
        [{"doc_type": "quyet_dinh"}],
        text="QUYẾT ĐỊNH về việc giao đất",
    )
    s.commit()
    ids = lambda hits: [d.dossier_code[-11:] for d, _ in hits]  # noqa: E731
    assert ids(search_documents(s, gcn_serial="CS 123456")) == ["231001-0001"]
    assert ids(search_documents(s, citizen_id="001099012345")) == ["231001-0001"]
    assert ids(search_documents(s, parcel_number="12", map_sheet="5")) == ["231001-0001"]
    assert ids(search_documents(s, parcel_number="12", map_sheet="6")) == []
    assert ids(search_documents(s, dossier_code="000.00.24.H18-231002-0001")) == ["231002-0001"]
    assert ids(search_documents(s, text_query="quyết định giao đất")) == ["231002-0001"]
    assert ids(search_documents(s, text_query="thửa đất")) == ["231001-0001"]
    assert ids(search_documents(s, text_query="hợp đồng")) == []
    # typed without diacritics (and đ as d), in any case
    assert ids(search_documents(s, text_query="quyet dinh")) == ["231002-0001"]
    assert ids(search_documents(s, text_query="THUA DAT")) == ["231001-0001"]


def _writer(url: str, worker: int, n: int) -> None:
    eng = make_engine(url)
    for i in range(n):
        with session_scope(eng) as s:
            record(
                s,
                f"w{worker}-{i:03d}-",
                f"000.00.24.H18-2310{1 + i % 20:02d}-{worker:04d}",
                [{"doc_type": CERT}],
            )
    eng.dispose()


def test_sqlite_shared_by_processes(tmp_path):
    """Several processes write one SQLite file at once: no 'database is locked'."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    migrate(url)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(url, w, 12)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    eng = make_engine(url)
    with session_scope(eng) as s:
        assert len(s.exec(select(Scan)).all()) == 36
        assert len(s.exec(select(Dossier)).all()) == 36
    eng.dispose()
