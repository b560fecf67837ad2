"""Register and office imports: bad rows by line number, idempotent upserts, CSV and XLSX."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import make_url, text
from sqlmodel import func, select

from models.db import make_engine, migrate, session_scope
from models.offices import ensure_office, import_offices_csv, seed_provinces
from models.register import import_register
from models.scans import record_scan
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
    seed_provinces(db_session)
    report = import_register(db_session, path)
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
    import_register(db_session, path)
    db_session.commit()
    # a scan digitizes one of the dossiers
    record_scan(
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

    again = import_register(db_session, path)
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
    third = import_register(db_session, path)
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
    report = import_register(db_session, path)
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
        import_register(db_session, path)


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
    seed_provinces(db_session)
    report = import_offices_csv(db_session, path)
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
    again = import_offices_csv(db_session, path)
    assert (again.created, again.updated) == (0, 3)
    assert db_session.exec(select(func.count()).select_from(Office)).one() == 34 + 3


def test_repeated_code_last_row_wins_and_offices_batch(db_session, tmp_path):
    """A code repeated in the file: one dossier with the last row's values. Offices missing
    from the registry are created in one batch, nested ones under the one created before them."""
    path = tmp_path / "register.csv"
    path.write_text(
        "dossier_code,procedure_code,received_at,channel,resolved_at,result_kind,note\n"
        "000.00.24.H18-231015-0042,1.1,2023-10-15,counter,,paper,first\n"
        '000.46.24.H18-231015-0001,"1.2\tb\\c",2023-10-15,online,,none,\n'
        "000.00.24.H18-231015-0042,1.1,2023-10-15,counter,,electronic,last\n"
        "000.46.24.H18-231016-0002,1.2,2023-10-16,,,,\n",
        encoding="utf-8",
    )
    report = import_register(db_session, path)
    db_session.commit()
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert report.bad == []
    # no province seeded: the H18 People's Committee is created too, but not reported
    assert report.offices_created == ["000.00.24.H18", "000.46.24.H18"]
    offices = {o.code: o for o in db_session.exec(select(Office)).all()}
    assert (offices["000.00.00.H18"].level, offices["000.00.00.H18"].parent_code) == (
        "province",
        None,
    )
    assert offices["000.00.24.H18"].parent_code == "000.00.00.H18"
    assert offices["000.46.24.H18"].parent_code == "000.00.24.H18"
    assert {o.level for c, o in offices.items() if c != "000.00.00.H18"} == {"unknown"}
    rows = dossiers(db_session)
    last = rows["000.00.24.H18-231015-0042"]
    assert (last.result_kind, last.attributes) == ("electronic", {"note": "last"})
    assert rows["000.46.24.H18-231016-0002"].result_kind == "unknown"
    assert rows["000.46.24.H18-231015-0001"].procedure_code == "1.2\tb\\c"  # COPY escapes

    again = import_register(db_session, path)
    db_session.commit()
    assert (again.rows, again.inserted, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert again.offices_created == []


def test_pg_insert_racing_another_writer_still_upserts(pg_url, tmp_path):
    """Another process inserts one of the file's dossiers (from a scan) while the import runs:
    the import's plain INSERT meets the key, is redone as an upsert, and takes the row over."""
    engine = make_engine(pg_url)
    migrate(engine)
    path = tmp_path / "register.csv"
    path.write_text(
        "dossier_code,procedure_code,received_at,channel,resolved_at,result_kind\n"
        + "".join(
            f"000.00.24.H18-231015-{i:04d},1.1,2023-10-15,counter,,paper\n" for i in (1, 2, 3)
        ),
        encoding="utf-8",
    )
    with session_scope(engine) as s:
        ensure_office(s, "000.00.24.H18")
    other = engine.connect()
    other_pid = other.execute(text("SELECT pg_backend_pid()")).scalar()
    other.execute(
        text(
            "INSERT INTO dossier (code, office_code, result_kind, source, components_digitized,"
            " result_digitized, reused, created_at) VALUES ('000.00.24.H18-231015-0002',"
            " '000.00.24.H18', 'unknown', 'scan', true, false, false, now())"
        )
    )  # not committed yet: the import's INSERT will wait on it
    result: dict = {}

    def run() -> None:
        try:
            result["r"] = import_register(engine, path)
        except BaseException as exc:  # noqa: BLE001  (shown by the assertion below)
            result["error"] = exc

    importer = threading.Thread(target=run)
    importer.start()
    try:
        waiting = False
        watch = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(200):  # until the import waits for the other transaction
            waiting = watch.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE :o = ANY(pg_blocking_pids(pid))"
                    " AND query LIKE 'INSERT INTO dossier%'"
                ),
                {"o": other_pid},
            ).scalar()
            if waiting:
                break
            time.sleep(0.05)
        watch.close()
        assert waiting, "the import never waited on the uncommitted dossier"
    finally:
        other.commit()
        other.close()
        importer.join(timeout=60)
    assert "error" not in result, result
    report = result["r"]
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 2, 1, 0)
    with session_scope(engine) as s:
        raced = s.get(Dossier, "000.00.24.H18-231015-0002")
        assert (raced.source, raced.result_kind, raced.components_digitized) == (
            "register",
            "paper",
            True,
        )
    engine.dispose()


def _foreign_keys(conn) -> list[tuple[int, str]]:
    return [
        tuple(r)
        for r in conn.execute(
            text(
                "SELECT oid, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'dossier'::regclass AND contype = 'f'"
            )
        )
    ]


def test_pg_bulk_load_validates_offices_in_one_pass_and_keeps_the_key(
    pg_url, tmp_path, monkeypatch
):
    """A bulk load (here: BULK_ROWS lowered to 1) swaps the per-row office check for one
    validation: same report and rows, the key re-created with its definition and enforced.
    When another session holds `office`, the import does not wait for it: it keeps the key."""
    from models import register

    monkeypatch.setattr(register, "BULK_ROWS", 1)
    engine = make_engine(pg_url)
    migrate(engine)
    with engine.connect() as conn:
        (before,) = _foreign_keys(conn)
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    report = import_register(engine, path)
    assert [(b.line, b.reason) for b in report.bad] == BAD
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (4, 4, 0, 0)
    with engine.connect() as conn:
        (after,) = _foreign_keys(conn)
        assert after[0] != before[0] and after[1] == before[1]  # dropped, then re-created
        assert conn.execute(text("SELECT count(*) FROM dossier")).scalar() == 4
        with pytest.raises(Exception, match="foreign key"):
            conn.execute(
                text(
                    "INSERT INTO dossier (code, office_code, result_kind, source,"
                    " components_digitized, result_digitized, reused, created_at)"
                    " VALUES ('X', 'no-such-office', 'unknown', 'scan', false, false, false,"
                    " now())"
                )
            )
    reader = engine.connect()
    reader.execute(text("SELECT count(*) FROM office"))  # holds office until it ends
    path.write_text(REGISTER.replace("231015-004", "231015-014"), encoding="utf-8")
    result: dict = {}
    importer = threading.Thread(target=lambda: result.update(r=import_register(engine, path)))
    importer.start()
    importer.join(timeout=30)
    waited = importer.is_alive()
    reader.rollback()  # lets a waiting import go on, so the test ends either way
    reader.close()
    importer.join(timeout=60)
    assert not waited, "the bulk load waited for another session's lock"
    again = result["r"]
    assert (again.inserted, again.updated, again.unchanged) == (2, 0, 2)
    with engine.connect() as conn:
        assert _foreign_keys(conn) == [after]  # kept: checked row by row
        assert conn.execute(text("SELECT count(*) FROM dossier")).scalar() == 6
    engine.dispose()


def test_pg_small_load_sent_sorted_and_large_load_streamed_store_the_same(
    pg_url, tmp_path, monkeypatch
):
    """A load of at most SORTED_ROWS rows goes to COPY sorted by code, a larger one streams in
    COPY_CHUNK pieces (here both lowered to make this file a large load): the same report, and
    the same stored values (re-importing the file through the other path changes nothing), a
    repeated code's last row winning and tabs and backslashes kept either way."""
    from models import register

    rows = [f"000.00.24.H18-2310{d:02d}-{i:04d}" for i in (9, 3, 7, 1) for d in (15, 12)]
    text_ = "dossier_code,procedure_code,received_at,result_kind,note\n" + "".join(
        f"{code},1.{n},2023-10-15,paper,n{n}\n" for n, code in enumerate(rows)
    )
    text_ += f'{rows[2]},1.x,2023-10-15,electronic,"a\tb\\c"\n'  # repeats rows[2]: wins
    path = tmp_path / "register.csv"
    path.write_text(text_, encoding="utf-8")
    engine = make_engine(pg_url)
    migrate(engine)
    monkeypatch.setattr(register, "SORTED_ROWS", 3)
    monkeypatch.setattr(register, "COPY_CHUNK", 2)
    streamed = import_register(engine, path)
    assert (streamed.rows, streamed.inserted, streamed.bad) == (8, 8, [])
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT code, procedure_code, result_kind, attributes::text FROM dossier")
        ).all()
    by_code = {r[0]: r[1:] for r in stored}
    assert by_code[rows[2]] == ("1.x", "electronic", '{"note": "a\\tb\\\\c"}')
    assert by_code[rows[5]] == ("1.5", "paper", '{"note": "n5"}')
    monkeypatch.setattr(register, "SORTED_ROWS", 10_000)  # the same file, held and sorted
    again = import_register(engine, path)
    assert (again.rows, again.inserted, again.updated, again.unchanged) == (8, 0, 0, 8)
    engine.dispose()


def _batch(codes: list[str]) -> list[dict[str, str]]:
    return [{"dossier_code": c, "received_at": "2023-10-15", "result_kind": "paper"} for c in codes]


def test_pg_batch_checks_the_office_key_once(pg_url):
    """A batch (below BULK_ROWS) checks its offices once: they are locked as the per-row key
    check would lock them (another session cannot delete one until the import commits), the
    insert runs without the per-row triggers, the setting is restored, and the key is still
    enforced afterwards. A missing office, a trigger of dossier's own, or a role that may not
    skip triggers: the per-row checks stay."""
    from models import register

    engine = make_engine(pg_url)
    migrate(engine)
    rows = _batch([f"000.0{o}.24.H18-231015-{i:04d}" for o in (1, 2) for i in range(3)])
    with session_scope(engine) as s:
        ensure_office(s, "000.01.24.H18")
    with session_scope(engine) as s:
        report = register.import_rows(s, rows)
        assert (report.rows, report.inserted, report.offices_created) == (6, 6, ["000.02.24.H18"])
        role = s.connection().exec_driver_sql("SHOW session_replication_role").scalar()
        assert role == "origin"
        with engine.connect() as other:  # the offices are held until the import commits
            other.exec_driver_sql("SET lock_timeout = '200ms'")
            with pytest.raises(Exception, match="lock timeout"):
                other.exec_driver_sql("DELETE FROM office WHERE code = '000.01.24.H18'")
    again = register.import_rows(engine, rows + _batch(["000.01.24.H18-231015-0009"]))
    assert (again.inserted, again.updated, again.unchanged) == (1, 0, 6)
    with engine.connect() as conn, pytest.raises(Exception, match="foreign key"):
        conn.execute(
            text(
                "INSERT INTO dossier (code, office_code, result_kind, source,"
                " components_digitized, result_digitized, reused, created_at)"
                " VALUES ('X', 'no-such-office', 'unknown', 'scan', false, false, false, now())"
            )
        )

    def once(conn, offices: list[str]) -> tuple[dict[str, str], str]:
        with conn.connection.driver_connection.cursor() as cur:
            restore = register._check_offices_once(cur, offices)
            cur.execute("SHOW session_replication_role")
            return restore, cur.fetchone()[0]

    with engine.begin() as conn:
        assert once(conn, ["000.01.24.H18"]) == ({"session_replication_role": "origin"}, "replica")
    with engine.begin() as conn:
        assert once(conn, ["000.01.24.H18", "000.09.24.H18"]) == ({}, "origin")  # missing
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE FUNCTION t_noop() RETURNS trigger LANGUAGE plpgsql AS"
            " 'BEGIN RETURN NEW; END';"
            " CREATE TRIGGER t_own BEFORE INSERT ON dossier FOR EACH ROW EXECUTE FUNCTION t_noop()"
        )
        assert once(conn, ["000.01.24.H18"]) == ({}, "origin")  # replica would skip it
        conn.exec_driver_sql("DROP TRIGGER t_own ON dossier")
    user = f"t_nosuper_{os.getpid()}_{time.monotonic_ns()}"
    schema = make_url(pg_url).query["options"].split("=", 1)[1]
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{user}"')
        try:
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{user}"')
            conn.exec_driver_sql(f'GRANT SELECT, UPDATE ON office TO "{user}"')
            conn.exec_driver_sql(f'SET LOCAL ROLE "{user}"')
            assert once(conn, ["000.01.24.H18"]) == ({}, "origin")  # may not set it
            conn.exec_driver_sql("RESET ROLE")
        finally:
            conn.exec_driver_sql(f'DROP OWNED BY "{user}"; DROP ROLE "{user}"')
    engine.dispose()


def test_cli_register_import(db_url, tmp_path):
    """`sohoa register import FILE`: counts, each bad row with its line, offices created; a
    second run changes nothing; bad rows make exit code 1 (some inputs failed), a file without
    dossier_code is refused with exit code 2."""
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    env = {**os.environ, "SOHOA_DATABASE_URL": db_url, "SOHOA_DATA_DIR": str(tmp_path)}

    def sohoa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sohoa.cli", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )

    first = sohoa("register", "import", str(path))
    assert first.returncode == 1, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == (
        "4 dossier(s): 4 new, 0 updated, 0 unchanged; 7 bad row(s); 3 office(s) created"
    )
    assert lines[1 : 1 + len(BAD)] == [f"bad row, line {n}: {reason}" for n, reason in BAD]
    # no provinces seeded: their People's Committees are created too, but not listed
    assert lines[-1] == "offices created (level unknown): 000.00.24.H18, 000.46.24.H44, G09.20"
    again = sohoa("register", "import", str(path))
    assert again.stdout.splitlines()[0].startswith("4 dossier(s): 0 new, 0 updated, 4 unchanged")
    (tmp_path / "x.csv").write_text("code,date\n1,2\n", encoding="utf-8")
    refused = sohoa("register", "import", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "no 'dossier_code' column" in refused.stderr


def test_row_objects_take_the_csv_fast_path_with_the_same_verdicts(tmp_path):
    """The API's row objects (`import_rows`) and a file's lines (`import_register`) go through
    one scan: the same good rows and the same reasons for the same cells (JSON numbers, nulls
    and missing keys read as `_parse` reads them), bad rows by index; an empty object is a bad
    row, not a blank line; a row of an office outside `offices` is bad."""
    import csv
    import io

    from models.register import _scan_objects, _within, scan_register

    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    file_bad: list = []
    from_file = list(scan_register(path, file_bad))
    lines = list(csv.DictReader(io.StringIO(REGISTER)))
    objects = [r for r in lines if any(r.values()) and None not in r]  # blank, overlong: CSV's
    objects = objects * 2  # the second time through, the per-batch caches answer
    objects[0] = {**objects[0], "procedure_code": 1004227, "resolved_at": None}
    objects[1] = {k: v for k, v in objects[1].items() if k != "channel"}  # a missing key
    object_bad: list = []
    from_objects = list(_scan_objects(objects, object_bad))
    expected = [r[1:] for r in from_file] * 2
    expected[0] = (*expected[0][:2], "1004227", expected[0][3], expected[0][4], None) + expected[0][
        6:
    ]
    expected[1] = (*expected[1][:4], None, *expected[1][5:])
    assert [r[1:] for r in from_objects] == expected
    assert [r[0] for r in from_objects] == [0, 1, 2, 9, 10, 11, 12, 19]
    reasons = [b.reason for b in file_bad if b.line != 14]  # the overlong line is CSV-only
    assert [(b.line, b.reason) for b in object_bad] == list(
        zip([3, 4, 5, 6, 7, 8, 13, 14, 15, 16, 17, 18], reasons * 2, strict=True)
    )
    odd_bad: list = []
    odd = [{}, "a row", {"dossier_code": "  000.00.24.H18-231015-0042 ", "result_kind": " Paper"}]
    assert [r[1] for r in _scan_objects(odd, odd_bad)] == ["000.00.24.H18-231015-0042"]
    assert [(b.line, b.reason) for b in odd_bad] == [
        (0, "dossier_code is empty"),
        (1, "a row is an object of column: value"),
    ]
    outside: list = []
    kept = list(_within(iter(from_objects), {"000.00.24.H18"}, outside))
    assert {r[2] for r in kept} == {"000.00.24.H18"}
    assert {b.reason for b in outside} == {
        "office 000.46.24.H44 is not this token's",
        "office G09.20 is not this token's",
    }
