"""The register import as it was before issue 20 (models/register.py at commit 87d9195:
streamed into COPY, per-row foreign-key checks, a cell cache per value), kept unchanged as the
same-run baseline of `bench/rates.py --sections register`. Not used by sohoa itself."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import Engine
from sqlmodel import Session

from models.codes import parse_dossier_code
from models.db import session_scope
from models.offices import BadRow, ensure_offices
from models.tables import CHANNELS, Dossier, utcnow

COLUMNS = ("dossier_code", "procedure_code", "received_at", "channel", "resolved_at", "result_kind")
REGISTER_KINDS = ("paper", "electronic", "none")
_KINDS = frozenset((*REGISTER_KINDS, "unknown"))
_CHANNELS = frozenset(CHANNELS)
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")

# One good row: (line, code, office_code, procedure_code, received_at, channel, resolved_at,
# result_kind, attributes). `line` is the file line the row ends on.
Row = tuple[int, str, str, str | None, date, str | None, date | None, str, dict[str, str] | None]


@dataclass
class RegisterImport:
    rows: int = 0  # good rows read (after de-duplication by code: the last row wins)
    inserted: int = 0
    updated: int = 0  # existing dossiers whose register columns changed
    unchanged: int = 0  # existing dossiers the file says nothing new about (not rewritten)
    bad: list[BadRow] = field(default_factory=list)
    offices_created: list[str] = field(default_factory=list)


_date_cache: dict[str, date] = {}  # a register has a few thousand distinct dates, not millions


def _date_text(text: str) -> date:
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


def _date(value: Any) -> date | None:
    """A cell as a date: date/datetime objects, ISO, or the dd/mm/yyyy the register exports."""
    if value is None or value == "":
        return None
    if type(value) is str:
        found = _date_cache.get(value)
        if found is None:
            found = _date_text(value.strip())
            if len(_date_cache) < 100_000:
                _date_cache[value] = found
        return found
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_text(_text(value))


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class _Layout:
    """Where each column sits in a header (a repeated name: the last one, as a dict would)."""

    def __init__(self, path: Path, header: list[str]) -> None:
        if "dossier_code" not in header:
            expected = ",".join(COLUMNS)
            raise ValueError(f"{path.name}: no 'dossier_code' column (expected {expected})")
        where = {name: i for i, name in enumerate(header)}
        self.width = len(header)
        self.code, self.procedure, self.received, self.channel, self.resolved, self.kind = (
            where.get(c, self.width) for c in COLUMNS
        )
        self.extra = [(name, i) for name, i in where.items() if name and name not in COLUMNS]


def _parse(values: Sequence[Any], at: _Layout) -> tuple:
    """One register row as (code, office, procedure, received, channel, resolved, kind, extra);
    ValueError names what is wrong. A missing cell reads as empty."""
    n = len(values)
    code = _text(values[at.code]) if at.code < n else ""
    if not code:
        raise ValueError("dossier_code is empty")
    parsed = parse_dossier_code(code)
    if parsed is None:
        raise ValueError(f"dossier_code {code!r} is not a dossier code")
    office_code, code_date = parsed
    try:
        received = (_date(values[at.received]) if at.received < n else None) or code_date
    except ValueError as exc:
        raise ValueError(f"received_at {exc.args[0]!r} is not a date") from None
    try:
        resolved = _date(values[at.resolved]) if at.resolved < n else None
    except ValueError as exc:
        raise ValueError(f"resolved_at {exc.args[0]!r} is not a date") from None
    if resolved and resolved < received:
        raise ValueError(f"resolved_at {resolved} is before received_at {received}")
    kind = (_text(values[at.kind]).lower() if at.kind < n else "") or "unknown"
    if kind not in _KINDS:
        raise ValueError(f"result_kind {kind!r} not one of {', '.join(REGISTER_KINDS)}")
    channel = (_text(values[at.channel]).lower() if at.channel < n else "") or None
    if channel is not None and channel not in _CHANNELS:
        raise ValueError(f"channel {channel!r} not one of {', '.join(CHANNELS)}")
    extra = None
    for name, i in at.extra:
        if i < n and (value := _text(values[i])):
            if extra is None:
                extra = {}
            extra[name] = value
    procedure = (_text(values[at.procedure]) if at.procedure < n else "") or None
    return code, office_code, procedure, received, channel, resolved, kind, extra


def scan_register(path: str | Path, bad: list[BadRow]) -> Iterator[Row]:
    """The good rows of a CSV (UTF-8, header on line 1) or of an XLSX's first sheet, in file
    order, read and validated as a stream; each bad row is appended to `bad` as it is met.
    Raises ValueError (before any row) when the header has no `dossier_code`."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _scan_xlsx(path, bad)
        return
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        at = _Layout(path, [h.strip().lower() for h in next(reader, [])])
        for values in reader:
            if not "".join(values).strip():
                continue  # a blank line
            try:
                if len(values) > at.width:
                    raise ValueError("more values than columns in the header")
                yield (reader.line_num, *_parse(values, at))
            except ValueError as exc:
                bad.append(BadRow(reader.line_num, str(exc)))


def _scan_xlsx(path: Path, bad: list[BadRow]) -> Iterator[Row]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_text(h).lower() for h in next(rows, ())]
        at = _Layout(path, header)
        for line, values in enumerate(rows, start=2):
            if values and any(v not in (None, "") for v in values):
                try:
                    yield (line, *_parse(values[: at.width], at))
                except ValueError as exc:
                    bad.append(BadRow(line, str(exc)))
    finally:
        wb.close()


_FIELDS = (
    "code",
    "office_code",
    "procedure_code",
    "received_at",
    "channel",
    "resolved_at",
    "result_kind",
    "attributes",
)
_UPDATED = _FIELDS[2:]  # the register columns an upsert may change (code and office are the key)


def import_register(target: Session | Engine, path: str | Path) -> RegisterImport:
    """Upsert the register file into `dossier` (one transaction). Offices seen in dossier codes
    but not registered are created (reported in `offices_created`)."""
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return import_register(session, path)
    session = target
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        return _import_pg(session, Path(path))
    report = RegisterImport()
    good: dict[str, Row] = {}
    for row in scan_register(path, report.bad):
        good[row[1]] = row  # a repeated code: the last row wins
    report.rows = len(good)
    report.offices_created = ensure_offices(session, {r[2] for r in good.values()})
    report.inserted, written = _upsert_sqlite(session, sorted(good.values(), key=lambda r: r[1]))
    report.updated = written - report.inserted
    report.unchanged = report.rows - written
    return report


def _upsert_sqlite(session: Session, rows: list[Row]) -> tuple[int, int]:
    """One executemany `INSERT … ON CONFLICT DO UPDATE … WHERE changed` on the sqlite3
    connection itself (SQLAlchemy's per-row parameter handling was most of the time), values
    converted by the columns' own SQLAlchemy types so they are stored exactly as the ORM stores
    them. Rows sorted by code fill the key index in order. Returns (inserted, inserted or
    changed)."""
    dialect = session.get_bind().dialect
    table = Dossier.__table__
    convert = {
        c: table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
        for c in ("received_at", "attributes", "created_at")
    }
    day, attributes = convert["received_at"], convert["attributes"]
    now = convert["created_at"](utcnow())
    columns = (*_FIELDS, "source", "created_at", "updated_at")
    columns += ("components_digitized", "result_digitized", "reused")
    sql = (
        f"INSERT INTO dossier ({', '.join(columns)})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'register', ?, ?, 0, 0, 0)"
        f" ON CONFLICT (code) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _UPDATED)},"
        " source = 'register', updated_at = excluded.updated_at"
        " WHERE dossier.source != 'register' OR "
        + " OR ".join(f"dossier.{c} IS NOT excluded.{c}" for c in _UPDATED)
    )
    raw = session.connection().connection.driver_connection  # sqlite3, same transaction
    count = "SELECT count(*) FROM dossier"
    before = raw.execute(count).fetchone()[0]
    changes = raw.total_changes
    raw.executemany(
        sql,
        (
            (code, office, proc, day(received), channel, day(resolved), kind, attributes(extra))
            + (now, now)
            for _, code, office, proc, received, channel, resolved, kind, extra in rows
        ),
    )
    return raw.execute(count).fetchone()[0] - before, raw.total_changes - changes


NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str | None) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _import_pg(session: Session, path: Path) -> RegisterImport:
    """Stream the validated rows into COPY, create missing offices, then upsert set-based."""
    report = RegisterImport()
    conn = session.connection().connection.driver_connection  # psycopg, same transaction
    last_line: dict[str, int] = {}  # code -> the line of its last row so far
    superseded: list[int] = []  # lines of rows a later row with the same code replaces
    offices: set[str] = set()
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE tmp_register (line int, code text, office_code text, "
            "procedure_code text, received_at date, channel text, resolved_at date, "
            "result_kind text, attributes json) ON COMMIT DROP"
        )
        with cur.copy(f"COPY tmp_register (line, {', '.join(_FIELDS)}) FROM STDIN") as copy:
            lines: list[str] = []
            for row in scan_register(path, report.bad):
                line, code, office, procedure, received, channel, resolved, kind, extra = row
                earlier = last_line.get(code)
                if earlier is not None:
                    superseded.append(earlier)
                last_line[code] = line
                offices.add(office)
                # COPY text built here (psycopg's write_row took a third of the client's time):
                # code, office, channel and kind are validated shapes, the rest is escaped
                lines.append(
                    f"{line}\t{code}\t{office}\t{_copy_text(procedure)}\t{received}\t"
                    f"{channel or NULL}\t{resolved or NULL}\t{kind}\t"
                    f"{_copy_text(json.dumps(extra, ensure_ascii=False)) if extra else NULL}\n"
                )
                if len(lines) >= 10_000:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
        report.rows = len(last_line)
        del last_line
        if superseded:  # rare: dropped once here rather than de-duplicated in each statement
            cur.execute(
                "DELETE FROM tmp_register t USING unnest(%s::int[]) AS x(line)"
                " WHERE t.line = x.line",
                (superseded,),
            )
        report.offices_created = ensure_offices(session, offices)
        cur.execute("ANALYZE tmp_register")  # row counts for the planner (joins, sort in memory)
        # the sort by code below takes ~200 bytes a row: in memory rather than spilled to disk
        cur.execute("SELECT current_setting('work_mem'), set_config('work_mem', '256MB', true)")
        work_mem = cur.fetchone()[0]
        report.updated, report.inserted = _upsert_pg(cur)
        cur.execute("SELECT set_config('work_mem', %s, true)", (work_mem,))
        cur.execute("DROP TABLE tmp_register")
    report.unchanged = report.rows - report.inserted - report.updated
    return report


def _upsert_pg(cur: Any) -> tuple[int, int]:
    """(updated, inserted): UPDATE the existing dossiers whose register columns changed, then a
    plain INSERT of the new ones sorted by code. Sorted, the primary key and office indexes are
    filled in order (a new code lands next to the previous one, or on the rightmost page, which
    PostgreSQL inserts into without a descent): about 10% less server time than one
    `INSERT … ON CONFLICT` (which also probes the key before each insert). If another
    process inserts one of the codes meanwhile, the INSERT fails on the key and is redone as
    `INSERT … ON CONFLICT DO UPDATE` (same result; counted with `xmax = 0`, true for a fresh
    row). Unchanged rows are never written, hence never locked or logged."""
    cast = lambda p: ", ".join(  # noqa: E731  (json has no equality: compare as jsonb)
        f"{p}.{c}::jsonb" if c == "attributes" else f"{p}.{c}" for c in _UPDATED
    )
    now = {"now": utcnow()}
    fields = ", ".join(_FIELDS)
    select = (
        f"SELECT {', '.join(f's.{c}' for c in _FIELDS)}, 'register', %(now)s, %(now)s,"
        " false, false, false FROM tmp_register s"
    )
    insert = (
        f"INSERT INTO dossier ({fields}, source, created_at, updated_at,"
        " components_digitized, result_digitized, reused) "
    )
    cur.execute(
        f"UPDATE dossier d SET {', '.join(f'{c} = s.{c}' for c in _UPDATED)},"
        " source = 'register', updated_at = %(now)s FROM tmp_register s"
        f" WHERE d.code = s.code AND ({cast('d')}, d.source) IS DISTINCT FROM"
        f" ({cast('s')}, 'register')",
        now,
    )
    updated = cur.rowcount
    cur.execute("SAVEPOINT register_insert")
    try:
        cur.execute(
            f"{insert}{select} WHERE NOT EXISTS (SELECT FROM dossier d WHERE d.code = s.code)"
            " ORDER BY s.code",
            now,
        )
        inserted = cur.rowcount
        cur.execute("RELEASE SAVEPOINT register_insert")
        return updated, inserted
    except UniqueViolation:
        cur.execute("ROLLBACK TO SAVEPOINT register_insert")
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATED)
    cur.execute(
        f"WITH written AS ({insert}{select} LEFT JOIN dossier d ON d.code = s.code"
        f" WHERE d.code IS NULL OR ({cast('d')}, d.source) IS DISTINCT FROM"
        f" ({cast('s')}, 'register') ORDER BY s.code"
        f" ON CONFLICT (code) DO UPDATE SET {sets}, source = 'register',"
        " updated_at = EXCLUDED.updated_at"
        f" WHERE ({cast('dossier')}, dossier.source) IS DISTINCT FROM"
        f" ({cast('EXCLUDED')}, 'register')"
        " RETURNING xmax = 0 AS inserted"
        ") SELECT count(*) FILTER (WHERE inserted), count(*) FROM written",
        now,
    )
    inserted, written = cur.fetchone()
    return updated + written - inserted, inserted
