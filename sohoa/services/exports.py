"""Rate exports an office opens in Excel or LibreOffice: Vietnamese headers (machine names with
`lang="en"`), rates as percentages with one decimal, points with their maximum explained, CSV with
a UTF-8 BOM (Excel on Windows reads "Toàn quốc" right), XLSX with a sheet per level.

Points (RATES.md, Decision 766): electronic result available counts 6 × rate, dossier digitized
4 × rate, reuse 2 × min(1, rate ÷ 0.8); the other indicators of the 22-point digitization group
(certified copies, shared to the citizen's data store, population-database use) cannot be measured
from scans, so an office is scored out of at most 12, and out of fewer when an indicator has no
dossier to count (`points_max`)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEVEL_NAMES = {
    "nation": "Toàn quốc",
    "ministries": "Khối bộ, ngành",
    "localities": "Khối địa phương",
    "ministry": "Bộ, ngành",
    "province": "Tỉnh, thành phố",
    "department": "Sở, ngành",
    "district": "Huyện",
    "commune": "Xã",
    "unknown": "Chưa rõ cấp",
}
LEVEL_ORDER = tuple(LEVEL_NAMES)

POINTS_NOTE = (
    "Điểm theo nhóm chỉ tiêu số hóa (Quyết định 766/QĐ-TTg): kết quả điện tử 6 × tỷ lệ, "
    "hồ sơ số hóa 4 × tỷ lệ, tái sử dụng 2 × min(1, tỷ lệ ÷ 80%). Tối đa 12 điểm trên 22: "
    "các chỉ tiêu sao y điện tử, đồng bộ kho dữ liệu công dân và sử dụng dữ liệu dân cư không "
    "đo được từ bản quét. Chỉ tiêu không có hồ sơ để tính thì không chấm (điểm tối đa giảm)."
)
POINTS_NOTE_EN = (
    "Points of the digitization indicator group (Decision 766/QD-TTg): electronic result "
    "6 x rate, dossier digitized 4 x rate, reuse 2 x min(1, rate / 80%). At most 12 of 22: "
    "certified copies, citizen data store and population-database use cannot be measured from "
    "scans. An indicator with no dossier to count is not scored (points_max is lower)."
)


@dataclass(frozen=True)
class Column:
    name: str  # RateRow attribute, the English (machine) header
    header: str  # Vietnamese header
    kind: str = "text"  # text | int | rate | points
    width: int = 12


COLUMNS = (
    Column("office_code", "Mã đơn vị", width=18),
    Column("office_name", "Tên đơn vị", width=40),
    Column("level", "Cấp", width=16),
    Column("period", "Kỳ báo cáo", width=12),
    Column("received", "Hồ sơ tiếp nhận", "int"),
    Column("components_digitized", "Hồ sơ có thành phần số hóa", "int"),
    Column("digitized", "Hồ sơ số hóa đầy đủ", "int"),
    Column("digitized_rate", "Tỷ lệ số hóa hồ sơ (%)", "rate"),
    Column("e_result_base", "Hồ sơ có kết quả giấy/điện tử", "int"),
    Column("e_result", "Hồ sơ có kết quả điện tử", "int"),
    Column("e_result_rate", "Tỷ lệ kết quả điện tử (%)", "rate"),
    Column("reused", "Hồ sơ tái sử dụng dữ liệu", "int"),
    Column("reuse_rate", "Tỷ lệ tái sử dụng (%)", "rate"),
    Column("points_e_result", "Điểm kết quả điện tử (tối đa 6)", "points"),
    Column("points_digitized", "Điểm số hóa hồ sơ (tối đa 4)", "points"),
    Column("points_reuse", "Điểm tái sử dụng (tối đa 2)", "points"),
    Column(
        "points",
        "Tổng điểm (tối đa 12 = 6 kết quả điện tử + 4 số hóa + 2 tái sử dụng; "
        "chỉ tiêu không có hồ sơ thì không chấm)",
        "points",
        width=16,
    ),
    Column("points_max", "Điểm tối đa được chấm", "points"),
    Column("rank", "Xếp hạng trong cấp", "int"),
    Column("previous_points", "Điểm cùng kỳ năm trước", "points"),
    Column("points_change", "Tăng/giảm điểm", "points"),
)


def _value(row: Any, column: Column, lang: str) -> Any:
    value = getattr(row, column.name)
    if column.name == "level" and lang == "vi":
        return LEVEL_NAMES.get(value, value)
    return value


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "rate":
        return f"{100 * value:.1f}"
    if kind == "points":
        return f"{value:.2f}"
    return str(value)


def export_csv(rows: Sequence[Any], path: Path | str, *, lang: str = "vi") -> Path:
    """One header row (Vietnamese, the points header saying how the maximum is made, or machine
    names), then a row per office; UTF-8 with a BOM."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header if lang == "vi" else c.name for c in COLUMNS])
        for row in rows:
            writer.writerow([_csv_cell(_value(row, c, lang), c.kind) for c in COLUMNS])
    return path


def export_xlsx(rows: Sequence[Any], path: Path | str, *, lang: str = "vi") -> Path:
    """A sheet per level (nation and groups first), header frozen, columns sized, rates as
    percentages (0.0%), points with two decimals; the points header carries the note."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    by_level: dict[str, list[Any]] = {}
    for row in rows:
        by_level.setdefault(row.level or "unknown", []).append(row)
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    for level in sorted(by_level, key=lambda lv: order.get(lv, len(order))):
        title = LEVEL_NAMES.get(level, level) if lang == "vi" else level
        ws = wb.create_sheet(_sheet_title(title))
        ws.append([c.header if lang == "vi" else c.name for c in COLUMNS])
        for row in by_level[level]:
            ws.append([_value(row, c, lang) for c in COLUMNS])
        for index, column in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(column.width, 10)
            head = ws.cell(row=1, column=index)
            head.font = Font(bold=True)
            head.alignment = Alignment(wrap_text=True, vertical="top")
            fmt = {"rate": "0.0%", "points": "0.00", "int": "0"}.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            if column.name == "points":
                head.comment = Comment(POINTS_NOTE if lang == "vi" else POINTS_NOTE_EN, "sohoa")
        ws.row_dimensions[1].height = 45
        ws.freeze_panes = "C2"  # header row and the office code/name stay in view
    if not wb.worksheets:
        ws = wb.create_sheet("rates")
        ws.append([c.header if lang == "vi" else c.name for c in COLUMNS])
        ws.freeze_panes = "A2"
    wb.save(path)
    return path


def _sheet_title(text: str) -> str:
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in text)[:31]
