"""Migrations: the skeleton's database upgrades to head without losing rows, on both backends."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from models.db import current_revision, make_engine, migrate, session_scope
from models.events import log_event
from models.rates import compute_rates
from models.scans import record_scan
from models.search import search_documents
from models.tables import Document, Dossier, Office

SKELETON_ROWS = {
    "office": [
        {"code": "000.00.24.H18", "name": "VP đăng ký đất đai Điện Biên"},
        {"code": "H44.45", "name": ""},
    ],
    "dossier": [
        {"code": "000.00.24.H18-231015-0042", "office_code": "000.00.24.H18"},
        {"code": "000.00.24.H18-231016-0043", "office_code": "000.00.24.H18"},
        {"code": "H44.45-20240102-0000007", "office_code": "H44.45"},
    ],
    "scan": [
        # id, sha, dossier, status
        (1, "a" * 64, "000.00.24.H18-231015-0042", "stored"),
        (2, "b" * 64, "000.00.24.H18-231016-0043", "quarantined"),
        (3, "c" * 64, "H44.45-20240102-0000007", "stored"),
    ],
    "document": [
        # id, scan, type, fields
        (1, 1, "don_dang_ky_dat_dai", {"citizen_id": "001099012345", "parcel_number": "12"}),
        (2, 1, "giay_chung_nhan_qsdd", {"gcn_serial": "CS 123456"}),
        (3, 3, "can_cuoc", {"citizen_id": "038090001111"}),
    ],
}


def _insert_skeleton_rows(url: str) -> None:
    eng = make_engine(url)
    with eng.begin() as conn:
        for o in SKELETON_ROWS["office"]:
            conn.execute(
                sa.text("INSERT INTO office (code, name, created_at) VALUES (:code, :name, :t)"),
                {**o, "t": "2024-01-01 00:00:00"},
            )
        for d in SKELETON_ROWS["dossier"]:
            conn.execute(
                sa.text(
                    "INSERT INTO dossier (code, office_code, created_at) "
                    "VALUES (:code, :office_code, :t)"
                ),
                {**d, "t": "2024-01-01 00:00:00"},
            )
        for sid, sha, dossier, status in SKELETON_ROWS["scan"]:
            conn.execute(
                sa.text(
                    "INSERT INTO scan (id, sha256, source_name, dossier_code, status, page_count,"
                    " ingested_at) VALUES (:id, :sha, 'x.pdf', :d, :st, 2, :t)"
                ),
                {"id": sid, "sha": sha, "d": dossier, "st": status, "t": "2024-01-01 00:00:00"},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO page (scan_id, number, doc_type, text) VALUES "
                    "(:id, 1, 'khac', :text), (:id, 2, 'khac', 'trang hai')"
                ),
                {"id": sid, "text": f"Giấy chứng nhận quyền sử dụng đất số {sid}"},
            )
        for did, sid, doc_type, fields in SKELETON_ROWS["document"]:
            conn.execute(
                sa.text(
                    "INSERT INTO document (id, scan_id, doc_type, pages, fields) "
                    "VALUES (:id, :s, :t, :p, :f)"
                ),
                {"id": did, "s": sid, "t": doc_type, "p": "[1]", "f": json.dumps(fields)},
            )
        if eng.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("scan", "document"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    eng.dispose()


def _counts(eng) -> dict[str, int]:
    with eng.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("office", "dossier", "scan", "document", "page")
        }


def test_upgrade_from_skeleton_keeps_rows(db_url):
    migrate(db_url, "0001")
    _insert_skeleton_rows(db_url)
    eng = make_engine(db_url)
    before = _counts(eng)
    assert before == {"office": 2, "dossier": 3, "scan": 3, "document": 3, "page": 6}

    migrate(eng)
    from alembic.script import ScriptDirectory

    from models.db import alembic_config

    assert current_revision(eng) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    after = _counts(eng)
    # every skeleton row is still there; the upgrade adds only the missing level-1 offices
    assert {k: v for k, v in after.items() if k != "office"} == {
        k: v for k, v in before.items() if k != "office"
    }
    with session_scope(eng) as s:
        offices = {o.code: o for o in s.exec(sa.select(Office)).scalars()}
        assert set(offices) == {"000.00.24.H18", "H44.45", "000.00.00.H18", "000.00.00.H44"}
        assert offices["000.00.24.H18"].name == "VP đăng ký đất đai Điện Biên"
        assert offices["000.00.24.H18"].parent_code == "000.00.00.H18"
        assert offices["H44.45"].province_code == "H44"
        assert offices["000.00.00.H44"].level == "province"

        d1 = s.get(Dossier, "000.00.24.H18-231015-0042")
        assert (d1.received_at.isoformat(), d1.components_digitized, d1.result_digitized) == (
            "2023-10-15",
            True,
            True,
        )
        d2 = s.get(Dossier, "000.00.24.H18-231016-0043")  # only a quarantined scan
        assert (d2.components_digitized, d2.result_digitized) == (False, False)

        cert = s.get(Document, 2)
        assert (cert.is_result, cert.gcn_serial, cert.dossier_code) == (
            True,
            "CS 123456",
            "000.00.24.H18-231015-0042",
        )
        assert s.get(Document, 1).citizen_id == "001099012345"

        # the skeleton's rates are unchanged: per office known / digitized (>= 1 stored scan)
        rows = {r.office_code: r for r in compute_rates(s)}
        assert (rows["000.00.24.H18"].received, rows["000.00.24.H18"].components_digitized) == (
            2,
            1,
        )
        assert (rows["H44.45"].received, rows["H44.45"].components_digitized) == (1, 1)
        # old page text is in the new full-text index
        hits = search_documents(s, text_query="chứng nhận số 3")
        assert [d.id for d, _ in hits] == [3]

        # new rows work on the upgraded database (sequences / autoincrement continue)
        record_scan(
            s,
            sha256="d" * 64,
            source_name="y.pdf",
            dossier_code="H44.45-20240102-0000007",
            office_code=None,
            page_count=1,
            original_key=None,
            digitized_prefix=None,
            manifest_key=None,
            pages=[{"number": 1, "text": "x"}],
            documents=[{"doc_type": "quyet_dinh", "pages": [1], "confidence": 1.0}],
        )
    assert _counts(eng)["scan"] == 4
    migrate(eng)  # at head already: nothing to do, nothing lost
    assert _counts(eng)["scan"] == 4
    eng.dispose()


def test_models_match_migrated_schema(engine):
    """Every table and column the SQLModel classes use exists after `upgrade head`."""
    inspector = sa.inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert {c.name for c in table.columns} <= columns, table.name


def test_event_log_is_append_only(engine):
    with session_scope(engine) as s:
        log_event(s, action="store", outcome="ok", detail={"id": "001099012345"})
    with engine.connect() as conn:
        detail = conn.execute(sa.text("SELECT detail FROM event")).scalar()
        assert "001099012345" not in str(detail) and "2345" in str(detail)
    for sql in ("UPDATE event SET outcome = 'changed'", "DELETE FROM event"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(sql))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT outcome FROM event")).scalars().all() == ["ok"]
