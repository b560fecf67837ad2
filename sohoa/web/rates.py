"""The managers' rates dashboard: per office and rolled up (commune / district / province /
nation) for a month, quarter, nine months or a year, through `sohoa.services.rates` (the numbers
of `sohoa rates`): indicator points with their maxima explained (docs/RATES.md), a ranking per
level, movement against the same period a year earlier, a trend chart drawn here as SVG, and the
CSV/XLSX exports. An account sees its own office's subtree (a manager: everything below theirs;
an admin: the nation).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from models.rates import WEIGHTS
from sohoa.services import accounts
from sohoa.services import rates as service
from sohoa.services.accounts import Account
from sohoa.services.exports import LEVEL_NAMES  # one wording for page and export
from sohoa.web import labels
from sohoa.web.security import current_account
from sohoa.web.templating import templates

router = APIRouter(dependencies=[Depends(current_account)])
Me = Annotated[Account, Depends(current_account)]
Kind = Literal["month", "quarter", "nine", "year"]
KIND_NAMES = {"month": "Tháng", "quarter": "Quý", "nine": "9 tháng", "year": "Năm"}
LEVEL_ORDER = ("nation", "ministries", "localities", "ministry", "province", "department")
LEVEL_ORDER += ("district", "commune", "unknown")
TREND_STEPS = {"month": 12, "quarter": 8, "nine": 5, "year": 5}
INDICATORS = (
    (
        "e_result",
        "Kết quả điện tử",
        "hồ sơ có kết quả điện tử hoặc được số hóa ÷ hồ sơ của thủ tục trả kết quả",
        "6 × tỷ lệ",
    ),
    (
        "digitized",
        "Hồ sơ số hóa",
        "hồ sơ số hóa cả thành phần và kết quả ÷ hồ sơ tiếp nhận",
        "4 × tỷ lệ",
    ),
    (
        "reuse",
        "Tái sử dụng",
        "hồ sơ dùng lại dữ liệu đã số hóa ÷ hồ sơ tiếp nhận",
        "2 × min(1, tỷ lệ ÷ 80%)",
    ),
)


@dataclass(frozen=True)
class Choice:
    """The period the page shows: kind, year and number (month 1-12, quarter 1-4)."""

    kind: str
    year: int
    number: int

    @property
    def period(self) -> str:
        y, n = self.year, self.number
        return {
            "month": f"{y}-{n:02d}",
            "quarter": f"{y}-Q{n}",
            "nine": f"{y}-01..{y}-09",
            "year": f"{y}",
        }[self.kind]

    @property
    def label(self) -> str:
        y, n = self.year, self.number
        return {
            "month": f"Tháng {n}/{y}",
            "quarter": f"Quý {n}/{y}",
            "nine": f"9 tháng {y}",
            "year": f"Năm {y}",
        }[self.kind]

    @property
    def short(self) -> str:
        y, n = self.year, self.number
        return {"month": f"{n}/{y}", "quarter": f"Q{n}/{y}", "nine": f"9T/{y}", "year": f"{y}"}[
            self.kind
        ]

    def back(self, steps: int) -> Choice:
        if self.kind == "month":
            index = self.year * 12 + self.number - 1 - steps
            return Choice("month", index // 12, index % 12 + 1)
        if self.kind == "quarter":
            index = self.year * 4 + self.number - 1 - steps
            return Choice("quarter", index // 4, index % 4 + 1)
        return Choice(self.kind, self.year - steps, self.number)


def _choice(kind: str, year: int | None, number: int | None) -> Choice:
    today = date.today()
    year = year or today.year
    if kind == "month":
        number = number if number and 1 <= number <= 12 else today.month
    elif kind == "quarter":
        number = number if number and 1 <= number <= 4 else (today.month - 1) // 3 + 1
    else:
        number = 0
    if not 1900 < year < 2200:
        raise HTTPException(404, "Kỳ báo cáo không hợp lệ")
    return Choice(kind, year, number)


def _root(me: Account, office: str) -> str | None:
    """The office whose subtree is shown: asked for and seen, else the account's own."""
    if office:
        if not me.sees(office):
            raise HTTPException(404, "Không tìm thấy đơn vị")
        return office
    return None if me.offices is None else me.office_code or "-"


@router.get("/rates")
async def dashboard(
    request: Request,
    me: Me,
    kind: Kind = "year",
    year: int | None = None,
    n: int | None = None,
    office: str = "",
    level: str = "",
) -> Response:
    choice, root = _choice(kind, year, n), _root(me, office)
    rows = await _rows(request, choice, root, level or None)
    top = next((r for r in rows if r.office_code == root), rows[0] if rows else None)
    levels = [lv for lv in LEVEL_ORDER if any(r.level == lv for r in rows)]
    query = {"kind": kind, "year": choice.year, "n": choice.number, "office": office}
    context = {
        "account": me,
        "csrf_token": request.state.csrf_token,
        "choice": choice,
        "kinds": KIND_NAMES,
        "years": range(date.today().year, date.today().year - 8, -1),
        "rows": rows,
        "top": top,
        "levels": [(lv, LEVEL_NAMES.get(lv, lv), _ranked(rows, lv)) for lv in levels],
        "level": level,
        "level_names": LEVEL_NAMES,
        "indicators": INDICATORS,
        "weights": WEIGHTS,
        "office": office,
        "query": "&".join(f"{k}={escape(str(v))}" for k, v in query.items()),
        "level_query": f"&level={escape(level)}" if level else "",
    }
    return templates.TemplateResponse(request, "rates.html", context)


@router.get("/rates/trend")
async def trend(
    request: Request,
    me: Me,
    kind: Kind = "year",
    year: int | None = None,
    n: int | None = None,
    office: str = "",
) -> Response:
    """Points over the periods before the chosen one (same kind), as an SVG line chart."""
    choice, root = _choice(kind, year, n), _root(me, office)
    series = []
    for back in range(TREND_STEPS[kind] - 1, -1, -1):
        step = choice.back(back)
        rows = await _rows(request, step, root, None)
        top = next((r for r in rows if r.office_code == (root or "VN")), None)
        series.append((step.short, top.points if top else None, top.points_max if top else 0))
    return Response(trend_svg(series), media_type="image/svg+xml")


@router.get("/rates.csv")
async def export_csv(
    request: Request,
    me: Me,
    kind: Kind = "year",
    year: int | None = None,
    n: int | None = None,
    office: str = "",
    level: str = "",
) -> Response:
    return await _export(request, me, "csv", _choice(kind, year, n), office, level)


@router.get("/rates.xlsx")
async def export_xlsx(
    request: Request,
    me: Me,
    kind: Kind = "year",
    year: int | None = None,
    n: int | None = None,
    office: str = "",
    level: str = "",
) -> Response:
    return await _export(request, me, "xlsx", _choice(kind, year, n), office, level)


async def _export(request, me: Account, fmt: str, choice: Choice, office: str, level: str):
    root = _root(me, office)
    app = request.app
    with tempfile.TemporaryDirectory(dir=_tmp(app)) as tmp:
        path = Path(tmp) / f"rates.{fmt}"
        await run_in_threadpool(
            service.rates,
            app.state.settings,
            period=choice.period,
            office=root,
            level=level or None,
            compare_previous_year=True,
            engine=app.state.engine,
            **{fmt: path},
        )
        body = path.read_bytes()
    accounts.record_access(
        app.state.engine, me, "download", {"rates": fmt, "period": choice.period}
    )
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    name = f"ty-le-so-hoa-{choice.period.replace('..', '_')}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, media_type=types[fmt], headers=headers)


def _tmp(app) -> Path:
    folder = app.state.cache_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _rows(request: Request, choice: Choice, root: str | None, level: str | None):
    app = request.app
    try:
        return await run_in_threadpool(
            service.rates,
            app.state.settings,
            period=choice.period,
            office=root,
            level=level,
            compare_previous_year=True,
            engine=app.state.engine,
        )
    except (ValueError, LookupError):
        raise HTTPException(404, "Không có số liệu cho lựa chọn này") from None


def _ranked(rows, level: str):
    return sorted(
        (r for r in rows if r.level == level),
        key=lambda r: (r.rank is None, r.rank or 0, r.office_code),
    )


def trend_svg(series: list[tuple[str, float | None, float]], width: int = 640) -> Markup:
    """A line chart of points (0..12) over periods; a period with nothing scored is a gap."""
    height, left, right, top, bottom = 220, 36, 30, 14, 34
    top_value = max([12.0] + [p for _, p, _ in series if p is not None])
    inner_w, inner_h = width - left - right, height - top - bottom
    step = inner_w / max(len(series) - 1, 1)

    def y(v: float) -> float:
        return top + inner_h * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Điểm số hóa theo kỳ" font-family="sans-serif" font-size="11">'
    ]
    for tick in range(0, int(top_value) + 1, 3):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e4e8ec"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#5f6b77">{tick}</text>'
        )
    points, segments = [], [[]]
    for i, (label, value, _) in enumerate(series):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" fill="#5f6b77">'
            f"{escape(label)}</text>"
        )
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x:.1f},{y(value):.1f}")
        points.append(
            f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#8b1a1a">'
            f"<title>{escape(label)}: {labels.fmt_number(value, 2)} điểm</title></circle>"
            f'<text x="{x:.1f}" y="{y(value) - 7:.1f}" text-anchor="middle" fill="#1d2329">'
            f"{labels.fmt_number(value, 1)}</text>"
        )
    for segment in segments:
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="#8b1a1a" '
                f'stroke-width="2"/>'
            )
    parts += points
    parts.append("</svg>")
    return Markup("".join(parts))
