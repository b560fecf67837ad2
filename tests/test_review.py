"""`sohoa review`: staff corrections are normalised like extracted values, keep the document's
derived state (is_result, the dossier's result fact, indexed columns, reuse links) current, and
an invalid value changes nothing."""

from __future__ import annotations

import pytest

from ocr.fields.normalise import normalise


@pytest.mark.parametrize(
    "key, text, expected",
    [
        ("area_m2", "1.234,5", 1234.5),
        ("area_m2", "120,5 m²", 120.5),
        ("area_m2", "85", 85.0),
        ("price_vnd", "1.250.000.000 đồng", 1_250_000_000),
        ("price_vnd", "950000000", 950_000_000),
        ("citizen_id", "001085012345", "001085012345"),
        ("citizen_id", "001 085 012 345", "001085012345"),
        ("transferee_citizen_id", "0010850l2345", "001085012345"),  # l read for 1
        ("issue_date", "15/10/2023", "2023-10-15"),
        ("issue_date", "5/3/2024", "2024-03-05"),
        ("expiry_date", "2031-01-09", "2031-01-09"),
        ("date_of_birth", "ngày 02 tháng 9 năm 1985", "1985-09-02"),
        ("gcn_serial", "cs123456", "CS 123456"),
        ("gcn_serial", "AA  01695788", "AA 01695788"),
        ("gcn_book_number", "CS 51186", "CS51186"),
        ("parcel_number", "012", "12"),
        ("parcel_number", "Số: 12a", "12a"),
        ("map_sheet", "4", "4"),
        ("document_number", "123 / qd-ubnd", "123/QĐ-UBND"),
        ("form_number", "Mẫu số 04a/dk", "04a/ĐK"),
        ("dossier_code", "000.00.24.h18-231015-0042", "000.00.24.H18-231015-0042"),
        ("office_code", "h44.45", "H44.45"),
        ("sex", "nữ", "Nữ"),
        ("sex", "NAM", "Nam"),
        ("owner_name", "  Nguyễn   Văn\tAn ", "Nguyễn Văn An"),
        ("full_name", "NGUYE\u0302\u0303N THI\u0323 HOA", "NGUYỄN THỊ HOA"),  # NFD → NFC
        ("ghi_chu", "một  ghi\n chú", "một ghi chú"),  # a key the taxonomy does not list
        ("citizen_id", "   ", None),  # blank: remove the key
    ],
)
def test_normalise(key, text, expected):
    value = normalise(key, text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "key, text, reason",
    [
        ("citizen_id", "123", "12 digits"),
        ("citizen_id", "0010850123456", "12 digits"),
        ("agent_citizen_id", "000085012345", "province code"),
        ("area_m2", "abc", "area"),
        ("area_m2", "12,3,4", "area"),
        ("area_m2", "0", "more than 0"),
        ("price_vnd", "1,5", "whole number"),
        ("issue_date", "31/02/2023", "date"),
        ("issue_date", "2023-02-30", "date"),
        ("issue_date", "15/10/23", "date"),
        ("received_date", "15/10/2023 sáng", "date"),
        ("gcn_serial", "C 12345", "serial"),
        ("gcn_book_number", "12345", "register number"),
        ("parcel_number", "2 12", "parcel"),
        ("map_sheet", "123456", "map sheet"),
        ("document_number", "QĐ-UBND", "document number"),
        ("form_number", "xyz", "form number"),
        ("dossier_code", "000.00.24.H18-231345-0042", "dossier code"),  # month 13
        ("office_code", "H4", "office code"),
        ("sex", "x", "Nam or Nữ"),
    ],
)
def test_normalise_refuses_invalid_values(key, text, reason):
    with pytest.raises(ValueError, match=reason):
        normalise(key, text)


# --- through the CLI, on both backends --------------------------------------------------------

CERT = "giay_chung_nhan_qsdd"
DOSSIER = "000.46.24.H44-231015-0042"
REASON = "document type uncertain (0.41)"


def record(s, sha: str, dossier: str, documents: list[dict]):
    from tests.test_models_repository import record as record_scan

    return record_scan(s, sha, dossier, documents, text="trang {n} của {sha}")


@pytest.fixture
def scanned(engine, db_url, tmp_path):
    """A dossier with one scan of two documents: an application (sure) and a certificate the
    classifier doubted (read as `khac`, waiting for review). Returns (env, application id,
    doubted id)."""
    import os

    from sqlmodel import Session

    with Session(engine) as s:
        record(
            s,
            "a",
            DOSSIER,
            [
                {
                    "doc_type": "don_dang_ky_dat_dai",
                    "pages": [1],
                    "fields": {"citizen_id": "001085012345", "parcel_number": "12"},
                },
                {
                    "doc_type": "khac",
                    "pages": [2, 3],
                    "confidence": 0.41,
                    "fields": {"area_m2": 120.0, "parcel_number": "12"},
                    "field_details": {"area_m2": {"page": 2, "confidence": 0.62, "raw": "120"}},
                    "needs_review": True,
                    "review_reasons": [REASON],
                },
            ],
        )
        s.commit()
        sure, doubted = _documents(s)
        sure_id, doubted_id = sure.id, doubted.id
    env = {**os.environ, "SOHOA_DATABASE_URL": db_url, "SOHOA_DATA_DIR": str(tmp_path)}
    return env, sure_id, doubted_id


def _documents(s):
    from sqlmodel import select

    from models.tables import Document

    return s.exec(select(Document).order_by(Document.id)).all()


def sohoa(env: dict, *args: str):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_review_lists_and_shows_what_needs_review(scanned):
    import json

    env, _, doubted = scanned
    listed = sohoa(env, "review", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["doc_type"], r["reasons"]) for r in rows] == [(doubted, "khac", [REASON])]
    shown = sohoa(env, "review", "show", str(doubted))
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["fields"] == {"area_m2": 120.0, "parcel_number": "12"}
    assert doc["field_details"]["area_m2"] == {"page": 2, "confidence": 0.62, "raw": "120"}
    assert doc["texts"] == ["trang 2 của a", "trang 3 của a"]


def test_review_set_normalises_and_updates_what_follows(scanned, engine, db_url, tmp_path):
    import json

    from sqlmodel import Session, select

    from models.tables import Dossier, Event
    from sohoa.services.review import corrections_for_training
    from sohoa.settings import Settings

    env, sure_id, doubted = scanned
    with Session(engine) as s:
        assert not s.get(Dossier, DOSSIER).result_digitized  # no result stored yet
    done = sohoa(
        env,
        *("review", "set", str(doubted), "--type", CERT, "--by", "lan"),
        *("--field", "area_m2=1.234,5", "--field", "citizen_id=001 085 012 345"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"#{doubted} is now {CERT}, reviewed by lan"
    with Session(engine) as s:
        sure, doc = _documents(s)
        assert (doc.doc_type, doc.is_result, doc.needs_review, doc.reviewed_by) == (
            CERT,
            True,
            False,
            "lan",
        )
        assert doc.fields == {
            "area_m2": 1234.5,
            "parcel_number": "12",
            "citizen_id": "001085012345",
        }
        assert isinstance(doc.fields["area_m2"], float)
        assert doc.citizen_id == "001085012345" and doc.parcel_number == "12"
        assert doc.field_details["area_m2"] == {
            "page": None,
            "confidence": 1.0,
            "raw": "1.234,5",
            "by": "lan",
        }
        assert doc.field_details["citizen_id"]["raw"] == "001 085 012 345"
        assert s.get(Dossier, DOSSIER).result_digitized
        assert (sure.doc_type, sure.reviewed_at, sure.fields["citizen_id"]) == (
            "don_dang_ky_dat_dai",
            None,
            "001085012345",
        )  # the other document untouched
        events = s.exec(select(Event).where(Event.action == "review")).all()
        assert len(events) == 1 and events[0].dossier_code == DOSSIER
        detail = events[0].detail
        assert (detail["document_id"], detail["by"]) == (doubted, "lan")
        assert detail["before"] == {
            "doc_type": "khac",
            "fields": {"area_m2": 120.0, "parcel_number": "12"},
        }
        assert detail["after"]["doc_type"] == CERT
        assert detail["after"]["fields"]["area_m2"] == 1234.5
        assert detail["after"]["fields"]["citizen_id"] == "********2345"  # masked in the log
    listed = sohoa(env, "review", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    examples = corrections_for_training(Settings(database_url=db_url, data_dir=tmp_path))
    assert [(e["doc_type"], e["is_start"], e["text"]) for e in examples] == [
        (CERT, True, "trang 2 của a"),
        (CERT, False, "trang 3 của a"),
    ]


def test_review_set_refuses_an_invalid_value_and_changes_nothing(scanned, engine):
    from sqlmodel import Session, func, select

    from models.tables import Dossier, Event

    env, _, doubted = scanned
    with Session(engine) as s:
        before = [d.model_dump() for d in _documents(s)]
    refused = sohoa(
        env,
        *("review", "set", str(doubted), "--type", CERT),
        *("--field", "area_m2=99", "--field", "citizen_id=123"),
    )
    assert refused.returncode == 2 and refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "citizen_id" in lines[0] and "12 digits" in lines[0], lines
    malformed = sohoa(env, "review", "set", str(doubted), "--field", "area_m2")
    assert malformed.returncode == 2 and "key=value" in malformed.stderr
    with Session(engine) as s:
        assert [d.model_dump() for d in _documents(s)] == before
        assert not s.get(Dossier, DOSSIER).result_digitized
        assert s.exec(select(func.count()).where(Event.action == "review")).one() == 0


def test_apply_review_keeps_result_fact_and_reuse_links_current(db_session):
    """A corrected serial links the document to the earlier dossier holding it (and unlinks
    when it changes again, either side); a certificate corrected to `khac` is no longer its
    dossier's digitized result."""
    from sqlmodel import select

    from models.documents import apply_review
    from models.tables import Dossier, ReuseLink

    s = db_session
    earlier, later = "000.46.24.H44-231015-0001", "000.46.24.H44-231120-0002"
    record(
        s, "e", earlier, [{"doc_type": CERT, "pages": [1], "fields": {"gcn_serial": "CS 123456"}}]
    )
    misread = {"gcn_serial": "CS 128456"}
    record(s, "l", later, [{"doc_type": "don_dang_ky_bien_dong", "pages": [1], "fields": misread}])
    s.commit()
    cert, application = _documents(s)

    def state():
        s.commit()
        s.expire_all()  # read what the database holds
        links = s.exec(select(ReuseLink.document_id, ReuseLink.earlier_document_id)).all()
        facts = {}
        for code in (earlier, later):
            dossier = s.get(Dossier, code)
            facts[code] = (dossier.result_digitized, dossier.reused)
        return [tuple(link) for link in links], facts

    assert state() == ([], {earlier: (True, False), later: (False, False)})
    apply_review(s, application, fields={"gcn_serial": "CS 123456"}, reviewer="lan")
    assert application.gcn_serial == "CS 123456"
    assert state() == (
        [(application.id, cert.id)],
        {earlier: (True, False), later: (False, True)},
    )
    apply_review(s, cert, fields={"gcn_serial": "CS 999999"}, reviewer="lan")
    assert state() == ([], {earlier: (True, False), later: (False, False)})
    apply_review(s, cert, fields={"gcn_serial": "CS 123456"}, reviewer="lan")
    assert state() == (
        [(application.id, cert.id)],
        {earlier: (True, False), later: (False, True)},
    )
    apply_review(s, cert, doc_type="khac", reviewer="lan")
    assert not cert.is_result
    assert state()[1] == {earlier: (False, False), later: (False, True)}
    apply_review(s, application, fields={"gcn_serial": None}, reviewer="lan")
    assert application.gcn_serial is None and "gcn_serial" not in application.field_details
    assert state() == ([], {earlier: (False, False), later: (False, False)})
