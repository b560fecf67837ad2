"""Digitization rates and points per office and period, rolled up office → parent → province →
nation, computed in SQL (the same Core statement on SQLite and PostgreSQL).

Definitions (RATES.md; a dossier belongs to the office in its code; "received" = dossiers whose
`received_at` falls in the period; period `all` also counts dossiers with no known date):

- components digitized: at least one scan of the dossier stored. This is issue 2's
  "dossiers digitized" (`components_digitized`, `components_rate`).
- result digitized: a stored result document (RESULT_DOC_TYPES: certificate, decision, permit) or
  the register says the result was issued electronically (`result_kind = electronic`).
- dossier digitized (4 × rate): components AND result digitized ÷ received (`digitized`,
  `digitized_rate`).
- electronic result available (6 × rate): among received dossiers whose procedure returns a
  result document, as the register tells (`result_kind` paper or electronic: `e_result_base`),
  those whose result was issued electronically or digitized (`e_result`). Dossiers with
  `result_kind` none (no result) or unknown (not in the register) are outside this indicator.
- reuse (2 × min(1, rate ÷ 0.8)): dossiers with a reuse link ÷ received.
- Omitted from points, the data cannot support them: certified electronic copies (2), shared to
  the citizen's data store (4), population-database use by dossiers (2) and by procedures (2).
  `points_max` is the sum of the weights of the indicators that were scored (12 at most; an
  indicator with a zero denominator is not scored).

Roll-ups sum numerators and denominators over an office's subtree (never average rates): each
office row holds its subtree (itself and every office below it, following `parent_code`), and
`own_received`/`own_components_digitized` its own dossiers. Group rows: `VN` (nation, level
`nation`), `G` (central bodies, level `ministries`), `H` (provinces, level `localities`), by the
level-1 letter of the office code. Offices with no dossier received in the period (nor, with
`compare_previous_year`, in the previous one) have no row. Rank: by points within level; ties
(equal to 9 decimals) share a rank (1, 2, 2, 4). SQL returns integer counts only; rates and
points are derived from them in Python by one function, so both databases give identical
figures.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Integer, String, and_, case, func, literal, or_, select, text, union_all
from sqlmodel import Session

from models.tables import LEVELS, Dossier, Office

WEIGHTS = {"e_result": 6.0, "digitized": 4.0, "reuse": 2.0}
REUSE_TARGET = 0.8
GROUPS = {
    "VN": ("Toàn quốc", "nation"),
    "G": ("Bộ, ngành trung ương", "ministries"),
    "H": ("Địa phương", "localities"),
}
COUNTS = (
    "received",
    "components_digitized",
    "result_digitized",
    "digitized",
    "e_result_base",
    "e_result",
    "reused",
)
ROW_LEVELS = tuple(level for _, level in GROUPS.values()) + LEVELS
MAX_DEPTH = 12  # roll-up chain length; guards against a cycle in parent links


@dataclass(frozen=True)
class Period:
    """[start, end) by received date; both None = all time."""

    start: date | None
    end: date | None
    label: str

    _FORMS = "2023, 2023-Q3, 2023-09, 2023-09-15 or a range 2023-01..2023-09"

    @classmethod
    def parse(cls, text: str | None) -> Period:
        text = (text or "all").strip()
        if text == "all":
            return cls(None, None, "all")
        if ".." in text:
            first, _, last = text.partition("..")
            a, b = cls._one(first.strip(), text), cls._one(last.strip(), text)
            if b[1] <= a[0]:
                raise ValueError(f"period {text!r}: the range ends before it starts")
            return cls(a[0], b[1], text)
        start, end = cls._one(text, text)
        return cls(start, end, text)

    @classmethod
    def _one(cls, part: str, whole: str) -> tuple[date, date]:
        try:
            if m := re.fullmatch(r"(\d{4})", part):
                y = int(m[1])
                return date(y, 1, 1), date(y + 1, 1, 1)
            if m := re.fullmatch(r"(\d{4})-Q([1-4])", part, re.IGNORECASE):
                y, q = int(m[1]), int(m[2])
                return date(y, 3 * q - 2, 1), _month_start(y, 3 * q + 1)
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", part):
                y, mo = int(m[1]), int(m[2])
                return date(y, mo, 1), _month_start(y, mo + 1)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", part):
                d = date.fromisoformat(part)
                return d, date.fromordinal(d.toordinal() + 1)
        except ValueError:
            pass
        raise ValueError(f"period {whole!r}: expected {cls._FORMS}")

    def previous_year(self) -> Period:
        if self.start is None:
            return self
        label = re.sub(r"\d{4}", lambda m: str(int(m.group()) - 1), self.label, count=0)
        return Period(_year_back(self.start), _year_back(self.end), label)

    def __str__(self) -> str:
        return self.label


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _year_back(d: date) -> date:
    return (
        d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else date(d.year - 1, 3, 1)
    )


@dataclass
class RateRow:
    office_code: str
    office_name: str
    level: str
    period: str
    received: int = 0
    components_digitized: int = 0
    result_digitized: int = 0
    digitized: int = 0
    e_result_base: int = 0
    e_result: int = 0
    reused: int = 0
    components_rate: float | None = None
    digitized_rate: float | None = None
    e_result_rate: float | None = None
    reuse_rate: float | None = None
    points_e_result: float | None = None
    points_digitized: float | None = None
    points_reuse: float | None = None
    points: float | None = None
    points_max: float = 0.0
    rank: int | None = None
    previous_period: str | None = None
    previous_points: float | None = None
    points_change: float | None = None
    digitized_rate_change: float | None = None
    e_result_rate_change: float | None = None
    parent_code: str | None = None
    province_code: str | None = None
    own_received: int = 0
    own_components_digitized: int = 0
    scored: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def score(counts: dict[str, int]) -> dict:
    """Rates and points from a row's counts (the only place they are derived)."""
    received = counts["received"]
    rate = lambda n, d: n / d if d else None  # noqa: E731
    out = {
        "components_rate": rate(counts["components_digitized"], received),
        "digitized_rate": rate(counts["digitized"], received),
        "e_result_rate": rate(counts["e_result"], counts["e_result_base"]),
        "reuse_rate": rate(counts["reused"], received),
    }
    parts = {
        "e_result": None
        if out["e_result_rate"] is None
        else WEIGHTS["e_result"] * out["e_result_rate"],
        "digitized": None
        if out["digitized_rate"] is None
        else WEIGHTS["digitized"] * out["digitized_rate"],
        "reuse": None
        if out["reuse_rate"] is None
        else WEIGHTS["reuse"] * min(1.0, out["reuse_rate"] / REUSE_TARGET),
    }
    scored = [k for k, v in parts.items() if v is not None]
    out.update(
        points_e_result=parts["e_result"],
        points_digitized=parts["digitized"],
        points_reuse=parts["reuse"],
        points=sum(parts[k] for k in scored) if scored else None,
        points_max=sum(WEIGHTS[k] for k in scored),
        scored=scored,
    )
    return out


def _counts_query(period: Period):
    """Per-office counts of received dossiers in the period (a CTE)."""
    d = Dossier.__table__
    result_done = or_(d.c.result_digitized, d.c.result_kind == "electronic")
    has_result = d.c.result_kind.in_(("paper", "electronic"))
    flag = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    q = select(
        d.c.office_code.label("office_code"),
        func.count().label("received"),
        flag(d.c.components_digitized).label("components_digitized"),
        flag(result_done).label("result_digitized"),
        flag(and_(d.c.components_digitized, result_done)).label("digitized"),
        flag(has_result).label("e_result_base"),
        flag(and_(has_result, result_done)).label("e_result"),
        flag(d.c.reused).label("reused"),
    ).group_by(d.c.office_code)
    if period.start is not None:
        q = q.where(d.c.received_at >= period.start, d.c.received_at < period.end)
    return q.cte("counts")


OWN = ("own_received", "own_components_digitized")


def _figures(session: Session, period: Period) -> dict[str, tuple[dict[str, int], tuple]]:
    """{key: (counts, (own received, own components digitized))} for every office with a
    dossier in its subtree, and the groups `G`, `H`, `VN`.

    The subtree sums walk up the parent links carrying each office's counts (a recursive CTE
    joined to `office` by primary key), then group by ancestor."""
    o = Office.__table__
    counts = _counts_query(period)
    anc = select(
        counts.c.office_code.label("ancestor"),
        *[counts.c[c] for c in COUNTS],
        literal(0, Integer).label("depth"),
    ).cte("anc", recursive=True)
    anc = anc.union_all(
        select(o.c.parent_code, *[anc.c[c] for c in COUNTS], anc.c.depth + 1)
        .join(o, o.c.code == anc.c.ancestor)
        .where(o.c.parent_code.is_not(None), anc.c.depth < MAX_DEPTH)
    )
    tree_sums = (
        select(anc.c.ancestor, *[func.sum(anc.c[c]).label(c) for c in COUNTS])
        .group_by(anc.c.ancestor)
        .subquery("tree")
    )
    tree = select(
        tree_sums.c.ancestor,
        *[tree_sums.c[c] for c in COUNTS],
        func.coalesce(counts.c.received, 0),
        func.coalesce(counts.c.components_digitized, 0),
    ).select_from(tree_sums.outerjoin(counts, counts.c.office_code == tree_sums.c.ancestor))
    sums = [func.sum(counts.c[c]).label(c) for c in COUNTS]
    zero = (literal(0, Integer), literal(0, Integer))
    letter = func.substr(o.c.province_code, 1, 1)
    group = (
        select(letter, *sums, *zero)
        .select_from(counts.join(o, o.c.code == counts.c.office_code))
        .where(letter.in_(("G", "H")))
        .group_by(letter)
    )
    nation = select(literal("VN", String), *sums, *zero)
    if session.get_bind().dialect.name == "postgresql":
        # A small query with large cost estimates: JIT compilation would take longer (seconds)
        # than the query itself.
        session.execute(text("SET LOCAL jit = off"))
    out = {}
    n = len(COUNTS)
    for row in session.execute(union_all(tree, group, nation)).all():
        if row[1] is not None:  # None: the nation row when nothing was received
            out[row[0]] = (
                dict(zip(COUNTS, map(int, row[1 : n + 1]), strict=True)),
                (int(row[n + 1]), int(row[n + 2])),
            )
    return out


def _offices(session: Session) -> dict[str, tuple]:
    o = Office.__table__
    rows = session.execute(
        select(o.c.code, o.c.name, o.c.level, o.c.parent_code, o.c.province_code)
    )
    return {r[0]: tuple(r) for r in rows.all()}


def _rows(figures: dict, offices: dict[str, tuple], period: Period) -> dict[str, RateRow]:
    rows: dict[str, RateRow] = {}
    for key, (counts, own) in figures.items():
        if key in GROUPS:
            (name, level), extra = GROUPS[key], {}
        else:
            _, name, level, parent, province = offices[key]
            extra = dict(
                parent_code=parent, province_code=province, **dict(zip(OWN, own, strict=True))
            )
        rows[key] = RateRow(
            key, name or key, level, period.label, **counts, **score(counts), **extra
        )
    return rows


def _rank(rows: list[RateRow]) -> None:
    """Competition ranking by points within level; points equal to 9 decimals tie (sums of the
    same terms in another order differ in the last bit)."""
    by_level: dict[str, list[RateRow]] = {}
    for r in rows:
        if r.level not in ("nation", "ministries", "localities") and r.points is not None:
            by_level.setdefault(r.level, []).append(r)
    for group in by_level.values():
        group.sort(key=lambda r: -round(r.points, 9))
        for i, r in enumerate(group):
            same = i and round(group[i - 1].points, 9) == round(r.points, 9)
            r.rank = group[i - 1].rank if same else i + 1


def _subtree(offices: dict[str, tuple], root: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for code, (_, _, _, parent, _) in offices.items():
        if parent:
            children.setdefault(parent, []).append(code)
    out, todo = set(), [root]
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo += children.get(code, [])
    return out


def compute_rates(
    session: Session,
    *,
    period: Period | str | None = None,
    office: str | None = None,
    level: str | None = None,
    compare_previous_year: bool = False,
) -> list[RateRow]:
    """Rates and points per office (subtree totals) and per group, ranked by points within
    level; `office` keeps that office and the offices below it, `level` one level."""
    period = period if isinstance(period, Period) else Period.parse(period)
    offices = _offices(session)
    if office is not None and office not in offices and office not in GROUPS:
        raise LookupError(f"unknown office {office} (see `sohoa offices import`)")
    if level is not None and level not in ROW_LEVELS:
        raise LookupError(f"unknown level {level}: expected one of {', '.join(ROW_LEVELS)}")
    rows = _rows(_figures(session, period), offices, period)
    if compare_previous_year and period.start is not None:
        prev_period = period.previous_year()
        previous = _rows(_figures(session, prev_period), offices, prev_period)
        for key, prev in previous.items():
            if key not in rows:  # received last year, nothing this year
                row = RateRow(prev.office_code, prev.office_name, prev.level, period.label)
                row.parent_code, row.province_code = prev.parent_code, prev.province_code
                rows[key] = row
        for key, row in rows.items():
            prev = previous.get(key)
            row.previous_period = prev_period.label
            if prev is None:
                continue
            row.previous_points = prev.points
            row.points_change = _diff(row.points, prev.points)
            row.digitized_rate_change = _diff(row.digitized_rate, prev.digitized_rate)
            row.e_result_rate_change = _diff(row.e_result_rate, prev.e_result_rate)
    out = list(rows.values())
    _rank(out)
    if office is not None:
        keep = _subtree(offices, office)
        out = [r for r in out if r.office_code in keep]
    if level is not None:
        out = [r for r in out if r.level == level]
    order = {"nation": 0, "ministries": 1, "localities": 2}
    out.sort(key=lambda r: (order.get(r.level, 3), r.province_code or "", r.office_code))
    return out


def years_with_dossiers(session: Session) -> list[int]:
    """The calendar years in which some dossier was received, oldest first."""
    d = Dossier.__table__
    year = func.extract("year", d.c.received_at)
    rows = session.execute(select(year).where(d.c.received_at.is_not(None)).distinct()).all()
    return sorted({int(r[0]) for r in rows if r[0] is not None})


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


__all__ = ["Period", "RateRow", "compute_rates", "score", "years_with_dossiers"]
