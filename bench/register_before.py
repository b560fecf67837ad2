"""The register import as it was before commit bb49714 (whole file parsed into dicts, then one
INSERT … ON CONFLICT), kept unchanged as the same-run baseline of `bench/rates.py --sections
register`. Not used by sohoa itself."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, or_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models.codes import parse_dossier_code
from models.db import session_scope
from models.offices import BadRow, ensure_office
from models.tables import CHANNELS, Dossier, Office, utcnow

COLUMNS = ("dossier_code", "procedure_code", "received_at", "channel", "resolved_at", "result_kind")
REGISTER_KINDS = ("paper", "electronic", "none")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


@dataclass
class RegisterImport:
    rows: int = 0  # good rows read (after de-duplication by code: the last row wins)
    inserted: int = 0
    updated: int = 0  # existing dossiers whose register columns changed
    unchanged: int = 0  # existing dossiers the file says nothing new about (not rewritten)
    bad: list[BadRow] = field(default_factory=list)
    offices_created: list[str] = field(default_factory=list)


def _date(value: Any) -> date | None:
    """A cell as a date: date/datetime objects, ISO, or the dd/mm/yyyy the register exports."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) >= 10 and text[4] == "-":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(text) from None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) from a CSV (UTF-8, header on line 1) or the first sheet of an XLSX."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = wb.worksheets[0].iter_rows(values_only=True)
            header = [_text(h).lower() for h in next(rows, ())]
            _check_header(path, header)
            for line, values in enumerate(rows, start=2):
                if values and any(v not in (None, "") for v in values):
                    yield line, dict(zip(header, values, strict=False))
        finally:
            wb.close()
        return
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        _check_header(path, header)
        for values in reader:
            if any(v.strip() for v in values):
                if len(values) > len(header):
                    yield reader.line_num, {"__extra__": values}
                else:
                    yield reader.line_num, dict(zip(header, values, strict=False))


def _check_header(path: Path, header: list[str]) -> None:
    if "dossier_code" not in header:
        raise ValueError(f"{path.name}: no 'dossier_code' column (expected {','.join(COLUMNS)})")


def parse_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One register row as dossier column values; ValueError names what is wrong."""
    if "__extra__" in raw:
        raise ValueError("more values than columns in the header")
    code = _text(raw.get("dossier_code"))
    if not code:
        raise ValueError("dossier_code is empty")
    parsed = parse_dossier_code(code)
    if parsed is None:
        raise ValueError(f"dossier_code {code!r} is not a dossier code")
    office_code, code_date = parsed
    try:
        received = _date(raw.get("received_at")) or code_date
    except ValueError as exc:
        raise ValueError(f"received_at {exc.args[0]!r} is not a date") from None
    try:
        resolved = _date(raw.get("resolved_at"))
    except ValueError as exc:
        raise ValueError(f"resolved_at {exc.args[0]!r} is not a date") from None
    if resolved and resolved < received:
        raise ValueError(f"resolved_at {resolved} is before received_at {received}")
    kind = _text(raw.get("result_kind")).lower() or "unknown"
    if kind not in (*REGISTER_KINDS, "unknown"):
        raise ValueError(f"result_kind {kind!r} not one of {', '.join(REGISTER_KINDS)}")
    channel = _text(raw.get("channel")).lower() or None
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"channel {channel!r} not one of {', '.join(CHANNELS)}")
    extra = {k: _text(v) for k, v in raw.items() if k and k not in COLUMNS and _text(v)}
    return dict(
        code=code,
        office_code=office_code,
        procedure_code=_text(raw.get("procedure_code")) or None,
        received_at=received,
        channel=channel,
        resolved_at=resolved,
        result_kind=kind,
        attributes=extra or None,
    )


def read_register(path: str | Path) -> tuple[dict[str, dict[str, Any]], list[BadRow]]:
    """Good rows by dossier code (a repeated code: the last row wins) and the bad rows."""
    good: dict[str, dict[str, Any]] = {}
    bad: list[BadRow] = []
    for line, raw in _rows(Path(path)):
        try:
            row = parse_row(raw)
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
            continue
        good.pop(row["code"], None)
        good[row["code"]] = row
    return good, bad


def import_register(target: Session | Engine, path: str | Path) -> RegisterImport:
    """Upsert the register file into `dossier` (one transaction). Offices seen in dossier codes
    but not registered are created (reported in `offices_created`)."""
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return import_register(session, path)
    session = target
    good, bad = read_register(path)
    report = RegisterImport(rows=len(good), bad=bad)
    known = set(session.exec(select(Office.code)).all())
    for office_code in sorted({r["office_code"] for r in good.values()} - known):
        _, created = ensure_office(session, office_code)
        if created:
            report.offices_created.append(office_code)
    session.flush()
    before = session.exec(select(func.count()).select_from(Dossier)).one()
    rows = list(good.values())
    if session.get_bind().dialect.name == "postgresql":
        written = _upsert_pg(session, rows)
    else:
        written = _upsert_sqlite(session, rows)
    after = session.exec(select(func.count()).select_from(Dossier)).one()
    report.inserted = after - before
    report.updated = written - report.inserted
    report.unchanged = len(rows) - written
    return report


_REGISTER_FIELDS = (
    "code",
    "office_code",
    "procedure_code",
    "received_at",
    "channel",
    "resolved_at",
    "result_kind",
    "attributes",
)
_UPDATED = ("procedure_code", "received_at", "channel", "resolved_at", "result_kind", "attributes")


def _upsert_sqlite(session: Session, rows: list[dict[str, Any]], batch: int = 5000) -> int:
    """executemany INSERT … ON CONFLICT DO UPDATE in batches; returns rows inserted or changed."""
    table = Dossier.__table__
    stmt = sqlite_insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"],
        set_={
            **{c: stmt.excluded[c] for c in _UPDATED},
            "source": "register",
            "updated_at": stmt.excluded.updated_at,
        },
        where=or_(
            table.c.source != "register",
            *[table.c[c].is_distinct_from(stmt.excluded[c]) for c in _UPDATED],
        ),
    )
    now = utcnow()
    raw = session.connection().connection.driver_connection
    changes = raw.total_changes
    for start in range(0, len(rows), batch):
        chunk = [
            {**r, "source": "register", "created_at": now, "updated_at": now}
            for r in rows[start : start + batch]
        ]
        session.execute(stmt, chunk)
    return raw.total_changes - changes


def _upsert_pg(session: Session, rows: list[dict[str, Any]]) -> int:
    """COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT DO UPDATE that leaves
    unchanged rows alone; returns rows inserted or changed."""
    conn = session.connection().connection.driver_connection  # psycopg, same transaction
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE tmp_register (code text, office_code text, procedure_code text, "
            "received_at date, channel text, resolved_at date, result_kind text, attributes json)"
            " ON COMMIT DROP"
        )
        with cur.copy(f"COPY tmp_register ({', '.join(_REGISTER_FIELDS)}) FROM STDIN") as copy:
            for r in rows:
                attrs = r["attributes"]
                copy.write_row(
                    [
                        *(r[c] for c in _REGISTER_FIELDS[:-1]),
                        json.dumps(attrs, ensure_ascii=False) if attrs is not None else None,
                    ]
                )
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATED)
        cols = lambda prefix: ", ".join(  # noqa: E731
            f"{prefix}.{c}::jsonb" if c == "attributes" else f"{prefix}.{c}" for c in _UPDATED
        )
        cur.execute(
            f"INSERT INTO dossier ({', '.join(_REGISTER_FIELDS)}, source, created_at, updated_at,"
            " components_digitized, result_digitized, reused) "
            f"SELECT {', '.join(_REGISTER_FIELDS)}, 'register', %(now)s, %(now)s, false, false,"
            " false FROM tmp_register "
            f"ON CONFLICT (code) DO UPDATE SET {sets}, source = 'register', "
            "updated_at = EXCLUDED.updated_at "
            f"WHERE ({cols('dossier')}, dossier.source) IS DISTINCT FROM "
            f"({cols('EXCLUDED')}, 'register')",
            {"now": utcnow()},
        )
        written = cur.rowcount
        cur.execute("DROP TABLE tmp_register")
    return written
