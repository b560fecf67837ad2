"""Register and office imports: bad rows by line number, idempotent upserts, CSV and XLSX."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from models import repository as repo
from models.tables import Dossier, Office

REGISTER = """dossier_code,procedure_code,received_at,channel,resolved_at,result_kind,officer
000.00.24.H18-231015-0042,1.004227,2023-10-15,counter,2023-11-01,paper,Nguyễn Văn A
000.00.24.H18-231015-0043,1.004227,16/10/2023,online,,electronic,
G09.20-20231016-0000001,1.010727,,post,,none,Trần B
not-a-code,1.004227,2023-10-15,counter,,paper,
000.00.24.H18-231015-0044,1.004227,2023-13-45,counter,,paper,
000.00.24.H18-231015-0045,1.004227,2023-10-15,fax,,paper,
000.00.24.H18-231015-0046,1.004227,2023-10-15,counter,,printed,
000.00.24.H18-231015-0047,1.004227,2023-10-15,counter,2023-10-01,paper,
,1.004227,2023-10-15,counter,,paper,

"000.46.24.H44-231020-0001","1.003003","2023-10-20","counter","","paper","multi
line note"
000.46.24.H44-231020-0002,1.003003,2023-10-20,counter,,paper,x,extra
"""
# Physical lines: header 1; rows 2..10; blank 11; the quoted row spans 12-13 (csv reports the
# line it ends on); the last row is line 14.
BAD = [
    (5, "dossier_code 'not-a-code' is not a dossier code"),
    (6, "received_at '2023-13-45' is not a date"),
    (7, "channel 'fax' not one of counter, online, post"),
    (8, "result_kind 'printed' not one of paper, electronic, none"),
    (9, "resolved_at 2023-10-01 is before received_at 2023-10-15"),
    (10, "dossier_code is empty"),
    (14, "more values than columns in the header"),
]


def dossiers(s) -> dict[str, Dossier]:
    s.expire_all()
    return {d.code: d for d in s.exec(select(Dossier)).all()}


def test_csv_import_reports_bad_rows_and_imports_the_rest(db_session, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    repo.seed_provinces(db_session)
    report = repo.import_register(db_session, path)
    db_session.commit()
    assert [(b.line, b.reason) for b in report.bad] == BAD
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (4, 4, 0, 0)
    # offices seen only in dossier codes: created and reported (G09's body created with it)
    assert report.offices_created == ["000.00.24.H18", "000.46.24.H44", "G09.20"]
    assert db_session.get(Office, "000.46.24.H44").parent_code == "000.00.00.H44"
    rows = dossiers(db_session)
    assert set(rows) == {
        "000.00.24.H18-231015-0042",
        "000.00.24.H18-231015-0043",
        "G09.20-20231016-0000001",
        "000.46.24.H44-231020-0001",
    }
    a = rows["000.00.24.H18-231015-0042"]
    assert (a.office_code, a.received_at, a.resolved_at, a.channel, a.result_kind, a.source) == (
        "000.00.24.H18",
        date(2023, 10, 15),
        date(2023, 11, 1),
        "counter",
        "paper",
        "register",
    )
    assert a.attributes == {"officer": "Nguyễn Văn A"}
    assert rows["000.00.24.H18-231015-0043"].received_at == date(2023, 10, 16)  # dd/mm/yyyy
    assert rows["000.00.24.H18-231015-0043"].attributes is None
    # no received_at: the date in the code
    assert rows["G09.20-20231016-0000001"].received_at == date(2023, 10, 16)
    assert rows["000.46.24.H44-231020-0001"].attributes == {"officer": "multi\nline note"}


def test_reimport_is_idempotent_and_keeps_facts(db_session, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    repo.import_register(db_session, path)
    db_session.commit()
    # a scan digitizes one of the dossiers
    repo.record_scan(
        db_session,
        sha256="a" * 64,
        source_name="a.pdf",
        dossier_code="000.00.24.H18-231015-0042",
        office_code=None,
        page_count=1,
        original_key=None,
        digitized_prefix=None,
        manifest_key=None,
        pages=[{"number": 1, "text": ""}],
        documents=[{"doc_type": "giay_chung_nhan_qsdd", "pages": [1], "confidence": 0.9}],
    )
    db_session.commit()
    before = {
        c: (d.received_at, d.result_kind, d.attributes) for c, d in dossiers(db_session).items()
    }

    again = repo.import_register(db_session, path)
    db_session.commit()
    assert (again.inserted, again.updated, again.unchanged, again.offices_created) == (0, 0, 4, [])
    after = dossiers(db_session)
    assert {c: (d.received_at, d.result_kind, d.attributes) for c, d in after.items()} == before
    kept = after["000.00.24.H18-231015-0042"]
    assert (kept.components_digitized, kept.result_digitized) == (True, True)

    # a later export changes one result; the upsert takes it and still keeps the facts
    path.write_text(
        REGISTER.replace("2023-11-01,paper,Nguyễn Văn A", "2023-11-01,electronic,Nguyễn Văn A"),
        encoding="utf-8",
    )
    third = repo.import_register(db_session, path)
    db_session.commit()
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 3)
    changed = dossiers(db_session)["000.00.24.H18-231015-0042"]
    assert (changed.result_kind, changed.components_digitized) == ("electronic", True)


def test_xlsx_import(db_session, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "Dossier_Code",
            "procedure_code",
            "received_at",
            "channel",
            "resolved_at",
            "result_kind",
            "fee",
        ]
    )
    ws.append(
        [
            "000.00.24.H18-231015-0042",
            "1.004227",
            datetime(2023, 10, 15, 8, 30),
            "online",
            date(2023, 10, 30),
            "electronic",
            50000,
        ]
    )
    ws.append(["000.00.24.H18-231015-0043", "1.004227", "bad date", "online", None, "paper", None])
    ws.append([None] * 7)  # an empty row is skipped, not reported
    ws.append(["000.00.24.H18-231016-0001", "1.004227", None, None, None, None, None])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    report = repo.import_register(db_session, path)
    db_session.commit()
    assert [(b.line, b.reason) for b in report.bad] == [(3, "received_at 'bad date' is not a date")]
    rows = dossiers(db_session)
    a = rows["000.00.24.H18-231015-0042"]
    assert (a.received_at, a.resolved_at, a.result_kind, a.attributes) == (
        date(2023, 10, 15),
        date(2023, 10, 30),
        "electronic",
        {"fee": "50000"},
    )
    b = rows["000.00.24.H18-231016-0001"]
    assert (b.received_at, b.result_kind, b.channel) == (date(2023, 10, 16), "unknown", None)


def test_missing_column_is_refused(db_session, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,date\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'dossier_code' column"):
        repo.import_register(db_session, path)


def test_offices_csv(db_session, tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text(
        "code,name,level,parent_code\n"
        "000.12.07.H26,UBND xã Uy Nỗ,commune,000.00.07.H26\n"  # parent defined later
        "000.00.07.H26,UBND huyện Đông Anh,district,\n"  # no parent: from the code
        "000.00.15.H26,Sở,agency,000.00.00.H26\n"  # bad level
        "000.00.16.H26,Sở Y tế,department,000.00.99.H99\n"  # unknown parent
        ",nameless,commune,\n",
        encoding="utf-8",
    )
    repo.seed_provinces(db_session)
    report = repo.import_offices_csv(db_session, path)
    db_session.commit()
    assert [(b.line, b.reason) for b in report.bad] == [
        (4, "level 'agency' not one of ministry, province, department, district, commune, unknown"),
        (5, "parent_code '000.00.99.H99' is not a registered office"),
        (6, "code is empty"),
    ]
    assert (report.created, report.updated) == (3, 0)
    get = lambda c: db_session.get(Office, c)  # noqa: E731
    assert (get("000.12.07.H26").parent_code, get("000.12.07.H26").level) == (
        "000.00.07.H26",
        "commune",
    )
    assert get("000.00.07.H26").parent_code == "000.00.00.H26"
    assert get("000.00.16.H26").parent_code == "000.00.00.H26"  # bad parent: from the code
    again = repo.import_offices_csv(db_session, path)
    assert (again.created, again.updated) == (0, 3)
    assert db_session.exec(select(func.count()).select_from(Office)).one() == 34 + 3
