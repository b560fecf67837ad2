"""Dossier register import: the one-stop system's CSV or XLSX export, upserted by dossier code.

Columns `dossier_code,procedure_code,received_at,channel,resolved_at,result_kind`; any other
column is kept in `dossier.attributes`. A bad row is reported with its line number and reason and
the rest are imported. A repeated code: the last row wins. Re-importing a file changes nothing
(rows whose register columns are unchanged are not rewritten). The register never touches the
digitization facts (those come from scans; a new dossier starts with none).

Speed (issues 5 and 20; `bench/rates.py --sections register`): rows are validated in one
streaming pass (a CSV row costs a code match and a few lookups in per-file caches of the
accepted cell values, see `_scan_csv`) and, on PostgreSQL, written straight into COPY to a
temporary table as they are read (the server parses COPY on the other core), or, for a load of
at most SORTED_ROWS (an API batch), held and sent sorted by code (the INSERT then needs no
sort and the key probes walk the index in order). Offices not yet
registered are created in one INSERT. Then set-based: UPDATE the existing dossiers whose
register columns changed, INSERT the new ones sorted by code (see `_upsert_pg`; a load of new
codes only skips the UPDATE and the INSERT's key probe). The office key is checked once for the
load, not by a trigger per row: a bulk load drops and re-adds it (`_drop_foreign_keys_for_bulk`),
a smaller load (an API batch) locks its few offices and skips the per-row triggers
(`_check_offices_once`, where the role may). SQLite runs an
`INSERT … ON CONFLICT DO UPDATE … WHERE changed` as executemany.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from psycopg import sql
from psycopg.errors import (
    DeadlockDetected,
    InsufficientPrivilege,
    LockNotAvailable,
    UniqueViolation,
)
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
        return _date_text(value.strip())
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
        self.names = header
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
        yield from _scan_csv(reader, at, bad)


def _scan_csv(
    reader: Any, at: _Layout, bad: list[BadRow], *, skip_blank: bool = True
) -> Iterator[Row]:
    """The CSV rows through a fast path: the cells that repeat (dates, kind, channel) are
    looked up in per-file caches of their accepted values, so a row costs a code match and a
    few dict lookups. Anything the fast path does not accept at once goes through `_parse`,
    which gives the verdict (a value or the reason), so both paths agree by construction.
    `reader` yields each row's cells as a list of strings (one per header name) and tells the
    row's line as `line_num`: a `csv.reader`, or `_ObjectRows` for the API's row objects."""
    width = at.width
    pad = [""] * (width + 1)  # a missing column reads as the empty cell at index `width`
    ci, pi, ri, chi, si, ki = at.code, at.procedure, at.received, at.channel, at.resolved, at.kind
    extra_at = at.extra
    dates: dict[str, date | None] = {"": None}
    kinds = {k: k for k in _KINDS} | {"": "unknown"}
    channels: dict[str, str | None] = {c: c for c in _CHANNELS} | {"": None}
    parse_code = parse_dossier_code
    for values in reader:
        n = len(values)
        code = values[ci].strip() if ci < n else ""
        if not code and skip_blank and not "".join(values).strip():
            continue  # a blank line
        line = reader.line_num
        if n > width:
            bad.append(BadRow(line, "more values than columns in the header"))
            continue
        if n < width + 1:
            values += pad[n:]
        parsed = parse_code(code)
        received = dates.get(values[ri], False)
        resolved = dates.get(values[si], False)
        kind = kinds.get(values[ki])
        channel = channels.get(values[chi], False)
        if (
            parsed is None
            or received is False
            or resolved is False
            or kind is None
            or channel is False
            or (resolved is not None and resolved < (received or parsed[1]))
        ):
            try:
                row = _parse(values, at)
            except ValueError as exc:
                bad.append(BadRow(line, str(exc)))
                continue
            if len(dates) < 100_000:
                for cell in (values[ri], values[si]):
                    if cell not in dates:
                        dates[cell] = _date(cell)
            if len(kinds) < 1000 and values[ki] not in kinds:
                kinds[values[ki]] = row[6]
            if len(channels) < 1000 and values[chi] not in channels:
                channels[values[chi]] = row[4]
            yield (line, *row)
            continue
        extra = None
        for name, i in extra_at:
            if value := values[i].strip():
                if extra is None:
                    extra = {}
                extra[name] = value
        procedure = values[pi].strip() or None
        yield (
            line,
            code,
            parsed[0],
            procedure,
            received or parsed[1],
            channel,
            resolved,
            kind,
            extra,
        )


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


def import_register(
    target: Session | Engine, path: str | Path, on_line: Callable[[int], None] | None = None
) -> RegisterImport:
    """Upsert the register file into `dossier` (one transaction). Offices seen in dossier codes
    but not registered are created (reported in `offices_created`). `on_line(line)` is told
    how far the file has been read, every few hundred rows (progress bars)."""
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return import_register(session, path, on_line)
    session = target
    session.flush()
    report = RegisterImport()
    return _upsert_rows(session, _reporting(scan_register(path, report.bad), on_line), report)


def import_rows(
    target: Session | Engine, rows: Sequence[Any], offices: Collection[str] | None = None
) -> RegisterImport:
    """Upsert register rows given as objects (the API's batch) exactly as `import_register`
    upserts a file's rows, through the same fast path; a bad row is reported with its 0-based
    index as `line`. `offices`: when given, a row of any other office is a bad row too (an API
    token writes only into its own subtree)."""
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return import_rows(session, rows, offices)
    target.flush()
    report = RegisterImport()
    scanned = _scan_objects(rows, report.bad)
    if offices is not None:
        scanned = _within(scanned, offices, report.bad)
    return _upsert_rows(target, scanned, report)


def _within(rows: Iterator[Row], offices: Collection[str], bad: list[BadRow]) -> Iterator[Row]:
    for row in rows:
        if row[2] in offices:
            yield row
        else:
            bad.append(BadRow(row[0], f"office {row[2]} is not this token's"))


def _scan_objects(rows: Sequence[Any], bad: list[BadRow]) -> Iterator[Row]:
    """The API's row objects through the CSV import's fast path (`_scan_csv`), each object read
    as a line of cells under the header of every key the batch uses."""
    header = list(dict.fromkeys(chain.from_iterable(r for r in rows if type(r) is dict)))
    if "dossier_code" not in header:
        header.insert(0, "dossier_code")  # every row then lacks it: each a bad row
    at = _Layout(Path("rows"), header)
    return _scan_csv(_ObjectRows(rows, at.names, bad), at, bad, skip_blank=False)


class _ObjectRows:
    """Row objects as a `csv.reader` gives lines: each a list of cells as text (a JSON number,
    true/false or null as `_parse` would read it: `_text`), `line_num` the row's 0-based index.
    A row that is not an object is a bad row."""

    def __init__(self, rows: Sequence[Any], names: list[str], bad: list[BadRow]) -> None:
        self.rows, self.names, self.bad = rows, names, bad
        self.line_num = -1

    def __iter__(self) -> Iterator[list[str]]:
        """The common row (every key there, every value a string) costs one C-level lookup of
        all its cells and one join that fails on anything but strings; the rest (a missing key,
        a number, true/false, null) is read cell by cell."""
        names, text, join = self.names, _text, "".join
        cells = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        for index, row in enumerate(self.rows):
            self.line_num = index
            if type(row) is not dict:
                self.bad.append(BadRow(index, "a row is an object of column: value"))
                continue
            try:
                values = [*cells(row)]
                join(values)
            except (KeyError, TypeError):
                values = [v if type(v) is str else text(v) for v in map(row.get, names)]
            yield values


def _upsert_rows(session: Session, scanned: Iterator[Row], report: RegisterImport):
    if session.get_bind().dialect.name == "postgresql":
        return _import_pg(session, scanned, report)
    good: dict[str, Row] = {}
    for row in scanned:
        good[row[1]] = row  # a repeated code: the last row wins
    report.rows = len(good)
    report.offices_created = ensure_offices(session, {r[2] for r in good.values()})
    report.inserted, written = _upsert_sqlite(session, sorted(good.values(), key=lambda r: r[1]))
    report.updated = written - report.inserted
    report.unchanged = report.rows - written
    return report


def _reporting(rows: Iterator[Row], on_line: Callable[[int], None] | None) -> Iterator[Row]:
    if on_line is None:
        yield from rows
        return
    for n, row in enumerate(rows):
        if n % 500 == 0:
            on_line(row[0])
        yield row


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
    no_attributes = attributes(None)  # JSON 'null', as the ORM stores it
    days: dict[date | None, Any] = {}  # a register has few distinct dates: each converted once
    for d in {r[4] for r in rows} | {r[6] for r in rows}:
        days[d] = day(d)
    raw.executemany(
        sql,
        (
            (code, office, proc, days[received], channel, days[resolved], kind)
            + (attributes(extra) if extra else no_attributes, now, now)
            for _, code, office, proc, received, channel, resolved, kind, extra in rows
        ),
    )
    return raw.execute(count).fetchone()[0] - before, raw.total_changes - changes


NULL = "\\N"
_json_text = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(x, ensure_ascii=False)


class _IsoDates(dict):
    """date (or None) -> its COPY text; str(date) costs microseconds, a register has few
    distinct dates."""

    def __missing__(self, day: date | None) -> str:
        text = self[day] = NULL if day is None else day.isoformat()
        return text


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str | None) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


COPY_CHUNK = 1_000
"""COPY lines sent at a time: the server parses one chunk while the next is validated (a
10,000-row API batch sent in one piece kept the server idle until the whole batch was read,
then the client idle while the server parsed it)."""

SORTED_ROWS = 10_000
"""A load of at most this many rows (an API batch) is held whole and written to the temporary
table in code order, its COPY lines sorted by the client (each starts with the code and a tab,
which sorts before any character of a code: ~2 ms for 10,000 lines); the server's sort by code
then finds its input sorted and the key probes walk the index in order (a tenth less server
time on API batches). A larger load streams as it is read, in chunks of COPY_CHUNK lines."""

ANALYZE_ROWS = 20_000
"""From this many rows the temporary table is analysed before the upsert. Below (a batch, as the
API posts), the joins probe the key index row by row (PROBE_JOINS), which needs no row
counts, and ANALYZE's fixed cost (~50 ms) would be a third of a 10,000-row batch's time."""


def _import_pg(session: Session, scanned: Iterator[Row], report: RegisterImport) -> RegisterImport:
    """Stream the validated rows into COPY, create missing offices, then upsert set-based."""
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
        columns = ", ".join(("code", "line", *_FIELDS[1:]))
        with cur.copy(f"COPY tmp_register ({columns}) FROM STDIN") as copy:
            lines: list[str] = []
            hold = SORTED_ROWS + 1  # lines kept before the first write
            iso = _IsoDates()
            for row in scanned:
                line, code, office, procedure, received, channel, resolved, kind, extra = row
                earlier = last_line.get(code)
                if earlier is not None:
                    superseded.append(earlier)
                last_line[code] = line
                offices.add(office)
                # COPY text built here (psycopg's write_row took a third of the client's time):
                # code, office, channel and kind are validated shapes, the rest is escaped
                # (the code first: sorting the lines sorts by code, see SORTED_ROWS)
                lines.append(
                    f"{code}\t{line}\t{office}\t{_copy_text(procedure)}\t{iso[received]}\t"
                    f"{channel or NULL}\t{iso[resolved]}\t{kind}\t"
                    f"{_copy_text(_json_text(extra)) if extra else NULL}\n"
                )
                if len(lines) >= hold:
                    copy.write("".join(lines))
                    lines.clear()
                    hold = COPY_CHUNK  # a bulk load: streamed as it is read
            presorted = hold > COPY_CHUNK  # a small load (an API batch), held whole: sorted
            if presorted:
                lines.sort()
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
        if report.rows >= ANALYZE_ROWS:  # row counts for the planner (joins, sort in memory)
            cur.execute("ANALYZE tmp_register")
        # the sort by code below takes ~200 bytes a row: in memory rather than spilled to disk
        local = {"work_mem": "256MB"} | (PROBE_JOINS if report.rows < ANALYZE_ROWS else {})
        restore = _set_local(cur, local)
        report.updated, report.inserted = _upsert_pg(cur, report.rows, offices, restore, presorted)
        _set_local(cur, restore, then="DROP TABLE tmp_register")
    report.unchanged = report.rows - report.inserted - report.updated
    return report


PROBE_JOINS = {"enable_hashjoin": "off", "enable_mergejoin": "off"}
"""For a batch (fewer than ANALYZE_ROWS rows): join the temporary table to `dossier` by probing
the key index row by row rather than hashing or merging the whole table, whose cost grows with
the register (an API batch of 10,000 rows into 100,000 dossiers: a third less server time)."""


def _set_local(cur: Any, settings: dict[str, str], then: str = "") -> dict[str, str]:
    """Set these settings for the rest of the transaction in one round trip (and run `then`, a
    statement without parameters, in it too); returns their previous values, to restore."""
    if not settings:
        if then:
            cur.execute(then)
        return {}
    query = sql.SQL("SELECT {}").format(
        sql.SQL(", ").join(
            sql.SQL("current_setting({k}), set_config({k}, {v}, true)").format(
                k=sql.Literal(k), v=sql.Literal(v)
            )
            for k, v in settings.items()
        )
    )
    if then:
        cur.execute(query + sql.SQL("; " + then))
        return {}
    cur.execute(query)
    return dict(zip(settings, cur.fetchone()[::2], strict=True))


def _upsert_pg(
    cur: Any, rows: int, offices: Collection[str], restore: dict[str, str], presorted: bool
) -> tuple[int, int]:
    """(updated, inserted): UPDATE the existing dossiers whose register columns changed, then a
    plain INSERT of the new ones sorted by code. Sorted, the primary key and office indexes are
    filled in order (a new code lands next to the previous one, or on the rightmost page, which
    PostgreSQL inserts into without a descent): about 10% less server time than one
    `INSERT … ON CONFLICT` (which also probes the key before each insert). When no row's code
    is registered yet (`_any_registered`: new rows, as most API batches), the UPDATE and the
    INSERT's probe of the key are skipped. If another process inserts one of the codes
    meanwhile, the INSERT fails on the key and is redone as `INSERT … ON CONFLICT DO UPDATE`
    (same result; counted with `xmax = 0`, true for a fresh row). Unchanged rows are never
    written, hence never locked or logged. The office key is checked once for the whole load
    (`_drop_foreign_keys_for_bulk`, else `_check_offices_once`) where it can be; the settings
    it changes are added to `restore`. `presorted`: the temporary table was written in code
    order (SORTED_ROWS), which its scan returns (a temporary table has no index, and is never
    scanned in parallel or synchronised with another scan): the INSERT takes it without a sort
    (~8% of an API batch's server time)."""
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
    registered = _any_registered(cur)
    updated = 0
    if registered:
        cur.execute(
            f"UPDATE dossier d SET {', '.join(f'{c} = s.{c}' for c in _UPDATED)},"
            " source = 'register', updated_at = %(now)s FROM tmp_register s"
            f" WHERE d.code = s.code AND ({cast('d')}, d.source) IS DISTINCT FROM"
            f" ({cast('s')}, 'register')",
            now,
        )
        updated = cur.rowcount
    foreign_keys = _drop_foreign_keys_for_bulk(cur, rows, new=None if registered else rows)
    if not foreign_keys:
        restore.update(_check_offices_once(cur, offices))
    new_only = " WHERE NOT EXISTS (SELECT FROM dossier d WHERE d.code = s.code)"
    cur.execute("SAVEPOINT register_insert")
    try:
        order = "" if presorted else " ORDER BY s.code"
        cur.execute(f"{insert}{select}{new_only if registered else ''}{order}", now)
        inserted = cur.rowcount
        cur.execute("RELEASE SAVEPOINT register_insert")
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
        updated += written - inserted
    _restore_foreign_keys(cur, foreign_keys)
    return updated, inserted


def _any_registered(cur: Any) -> bool:
    """Whether any row's code is in `dossier` already. Stops at the first one found, so a
    batch of registered rows (a re-post) costs one probe; a batch of new rows one probe a row,
    instead of the two (UPDATE, then the INSERT's NOT EXISTS) they would otherwise take.
    Measured against `INSERT … ON CONFLICT (code) DO NOTHING` then an UPDATE of the rows it
    skipped (issue 21): that leaves no dead tuple either (speculative insertion kills its tuple
    only when another session inserts the same code between its check and its insert), but
    each row is checked, inserted and then confirmed (one more WAL record a row): 0.70 s of
    server CPU per 100,000 API rows against 0.64 s for this probe and a plain INSERT."""
    cur.execute("SELECT EXISTS (SELECT FROM tmp_register s JOIN dossier d ON d.code = s.code)")
    return cur.fetchone()[0]


_ONLY_OFFICE_KEY = """
NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'dossier'::regclass AND NOT tgisinternal)
AND NOT EXISTS (SELECT FROM pg_rewrite WHERE ev_class = 'dossier'::regclass)
AND ARRAY(SELECT (confrelid, conkey, confkey)::text FROM pg_constraint
          WHERE conrelid = 'dossier'::regclass AND contype = 'f')
    = ARRAY[('office'::regclass::oid,
             ARRAY[(SELECT attnum FROM pg_attribute
                    WHERE attrelid = 'dossier'::regclass AND attname = 'office_code')],
             ARRAY[(SELECT attnum FROM pg_attribute
                    WHERE attrelid = 'office'::regclass AND attname = 'code')])::text]
"""
_MAY_SKIP_TRIGGERS = {  # by server version: PostgreSQL 15 has GRANT SET ON PARAMETER
    True: "has_parameter_privilege('session_replication_role', 'SET')",
    False: "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)",
}


def _check_offices_once(cur: Any, offices: Collection[str]) -> dict[str, str]:
    """Check the office key once for the load's few distinct offices instead of once a row.
    PostgreSQL checks `dossier.office_code -> office` with a trigger per inserted row (a
    query locking the office row: over a quarter of the server's time on an API batch).
    Here the offices are locked as that query would (FOR KEY SHARE, until commit: none can
    go meanwhile) and seen to be all there, then the rest of the upsert runs with
    `session_replication_role = replica`, in which those triggers do not fire. Only when the
    role may set it (a superuser, or `GRANT SET ON PARAMETER`, see
    deploy/postgres/init-databases.sql) and replica mode skips nothing else: `dossier` has no
    trigger or rule of its own and no other foreign key. Otherwise, or if an office is
    missing, the per-row checks stay (and report it). Two round trips. Returns the setting
    changed and its previous value (to restore), or {} when nothing changed."""
    may = _MAY_SKIP_TRIGGERS[cur.connection.info.server_version >= 150000]
    cur.execute(
        "SELECT current_setting('session_replication_role'), (SELECT count(*) FROM"
        " (SELECT FROM office WHERE code = ANY(%s) FOR KEY SHARE) o)"
        f" WHERE {may} AND {_ONLY_OFFICE_KEY}",
        (list(offices),),
    )
    found = cur.fetchone()
    if found is None or found[1] != len(offices):
        return {}
    cur.execute("SELECT set_config('session_replication_role', 'replica', true)")
    return {"session_replication_role": found[0]}


BULK_ROWS = 50_000  # new dossiers from which one set-based foreign-key check pays (see below)


def _drop_foreign_keys_for_bulk(
    cur: Any, rows: int, new: int | None = None
) -> list[tuple[str, str]]:
    """For a bulk load (at least BULK_ROWS new dossiers, and at least a fifth of the table):
    drop dossier's foreign keys until `_restore_foreign_keys` adds them back, which checks
    every row in one join, instead of a trigger querying `office` for each inserted row (half
    the server's time on a million new rows; the PostgreSQL manual's advice for bulk loads,
    "Populating a Database"). The price: dossier and office are locked against every other
    session until the import commits; if another session holds them now (2 s), or the import
    may not alter the table (not its owner), it keeps the per-row checks. Returns the (name,
    definition) of the keys dropped. `new`: the number of new dossiers, when known."""
    if rows < BULK_ROWS:
        return []
    if new is None:
        cur.execute(
            "SELECT count(*) FROM tmp_register s"
            " WHERE NOT EXISTS (SELECT FROM dossier d WHERE d.code = s.code)"
        )
        new = cur.fetchone()[0]
    cur.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'dossier'::regclass")
    if new < BULK_ROWS or new * 5 < cur.fetchone()[0]:
        return []
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'dossier'::regclass AND contype = 'f' ORDER BY conname"
    )
    foreign_keys = cur.fetchall()
    cur.execute("SAVEPOINT register_fk")
    cur.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', '2s', true)")
    lock_timeout = cur.fetchone()[0]
    try:
        for name, _ in foreign_keys:
            cur.execute(
                sql.SQL("ALTER TABLE dossier DROP CONSTRAINT {}").format(sql.Identifier(name))
            )
    except (LockNotAvailable, DeadlockDetected, InsufficientPrivilege):
        # busy, or not the table's owner: keys kept, lock_timeout as it was
        cur.execute("ROLLBACK TO SAVEPOINT register_fk")
        return []
    cur.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
    cur.execute("RELEASE SAVEPOINT register_fk")
    return foreign_keys


def _restore_foreign_keys(cur: Any, foreign_keys: list[tuple[str, str]]) -> None:
    """Add back the keys `_drop_foreign_keys_for_bulk` dropped (same names and definitions);
    PostgreSQL validates all rows in one query and fails the import if any row is orphaned."""
    for name, definition in foreign_keys:
        cur.execute(
            sql.SQL("ALTER TABLE dossier ADD CONSTRAINT {} ").format(sql.Identifier(name))
            + sql.SQL(definition)
        )
