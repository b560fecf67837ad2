"""Rates and points against a small register whose answers are computed by hand (comments).

Offices (imported from CSV): P 000.00.00.H26 province > D 000.00.15.H26 department,
X 000.00.07.H26 district > C 000.12.07.H26 commune; Q 000.00.00.H18 province > L 000.00.24.H18
department; M 000.00.00.G09 ministry > G09.20 department.

Dossiers: see DOSSIERS (office, received, register result_kind, documents of its scan). The
reuse sources are 2021 scan-only dossiers at L holding certificates AA 00000001, DD 000001,
LL 000001 and a form of citizen 001099012345 for parcel 12 sheet 5; later components carrying the
same serial, or the same citizen/parcel/sheet, are reuse.

Counts are (received, components digitized, result digitized, dossier digitized, e-result base
(result_kind paper/electronic), e-result (electronic, or result document stored), reused).
"""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import load_workbook

from models.db import session_scope
from models.offices import import_offices_csv
from models.rates import Period, compute_rates, score
from models.register import import_register
from models.scans import record_scan
from sohoa.services.exports import export_csv, export_xlsx

P, D, X, C = "000.00.00.H26", "000.00.15.H26", "000.00.07.H26", "000.12.07.H26"
Q, L, M, M2 = "000.00.00.H18", "000.00.24.H18", "000.00.00.G09", "G09.20"

OFFICES = f"""code,name,level,parent_code
{C},UBND xã Uy Nỗ,commune,{X}
{P},Thành phố Hà Nội,province,
{D},Sở Nông nghiệp và Môi trường,department,{P}
{X},UBND huyện Đông Anh,district,{P}
{Q},Tỉnh Điện Biên,province,
{L},Văn phòng đăng ký đất đai,department,{Q}
{M},Bộ Nông nghiệp và Môi trường,ministry,
{M2},Cục Quản lý đất đai,department,{M}
"""


def code(office: str, day: str, seq: int) -> str:
    d = date.fromisoformat(day)
    if office == M2:
        return f"{office}-{d:%Y%m%d}-{seq:07d}"
    return f"{office}-{d:%y%m%d}-{seq:04d}"


# name -> (office, received, register result_kind or None, scan documents or None)
COMP, CERT, DEC = "don_dang_ky_dat_dai", "giay_chung_nhan_qsdd", "quyet_dinh"
AA, DD, LL = {"gcn_serial": "AA 00000001"}, {"gcn_serial": "DD 000001"}, {"gcn_serial": "LL 000001"}
PARCEL = {"citizen_id": "001099012345", "parcel_number": "12", "map_sheet": "5"}
SOURCES = {
    "s1": (L, "2021-01-05", None, [(CERT, AA)]),
    "s2": (L, "2021-01-05", None, [(COMP, PARCEL)]),
    "s3": (L, "2021-01-05", None, [(CERT, DD)]),
    "s4": (L, "2021-01-05", None, [(CERT, LL)]),
}
DOSSIERS = {
    "c1": (C, "2023-07-03", "paper", [(COMP, AA), (CERT, {})]),
    "c2": (C, "2023-08-10", "paper", [(COMP, AA)]),
    "c3": (C, "2023-09-01", "electronic", [(COMP, {})]),
    "c4": (C, "2023-09-30", "electronic", None),
    "c5": (C, "2023-09-15", "none", None),
    "c6": (C, "2023-10-02", "paper", [(COMP, {})]),
    "c7": (C, "2023-01-15", "electronic", None),
    "cp1": (C, "2022-08-01", "paper", [(COMP, {}), (CERT, {})]),
    "cp2": (C, "2022-09-01", "paper", None),
    "x1": (X, "2023-07-20", "paper", [(COMP, PARCEL), (DEC, {})]),
    "x2": (X, "2023-08-05", None, [(COMP, {})]),
    **{f"d{i}": (D, f"2023-07-1{i}", "electronic", [(COMP, DD)]) for i in range(1, 5)},
    **{f"l{i}": (L, f"2023-08-0{i}", "paper", [(COMP, LL)]) for i in range(1, 5)},
    "l5": (L, "2023-08-20", "paper", None),
    "m1": (M2, "2023-08-15", "electronic", None),
    "m2": (M2, "2023-08-16", "none", [(COMP, {})]),
}


@pytest.fixture(scope="module")
def world(module_engine, tmp_path_factory):
    """The register above, built once per backend (tests only read it)."""
    engine, tmp_path = module_engine, tmp_path_factory.mktemp("world")
    offices = tmp_path / "offices.csv"
    offices.write_text(OFFICES, encoding="utf-8")
    register = tmp_path / "register.csv"
    with open(register, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "dossier_code",
                "procedure_code",
                "received_at",
                "channel",
                "resolved_at",
                "result_kind",
            ]
        )
        for n, (office, day, kind, _) in DOSSIERS.items():
            if kind is not None:
                w.writerow(
                    [
                        code(office, day, int(n[-1]) if n[-1].isdigit() else 9),
                        "1.004227",
                        day,
                        "counter",
                        "",
                        kind,
                    ]
                )
    with session_scope(engine) as s:
        assert not import_offices_csv(s, offices).bad
        report = import_register(s, register)
        assert (report.inserted, report.bad, report.offices_created) == (21, [], [])
    sha = 0
    for group in (SOURCES, DOSSIERS):  # sources first: they are the earlier documents
        for n, (office, day, _, docs) in group.items():
            if docs is None:
                continue
            sha += 1
            with session_scope(engine) as s:
                record_scan(
                    s,
                    sha256=f"{sha:064d}",
                    source_name=f"{n}.pdf",
                    dossier_code=code(office, day, int(n[-1]) if n[-1].isdigit() else 9),
                    office_code=office,
                    page_count=len(docs),
                    original_key=None,
                    digitized_prefix=None,
                    manifest_key=None,
                    pages=[{"number": i + 1, "text": t} for i, (t, _) in enumerate(docs)],
                    documents=[
                        {"doc_type": t, "pages": [i + 1], "confidence": 0.9, "fields": f}
                        for i, (t, f) in enumerate(docs)
                    ],
                )
    return engine


def counts(row):
    return (
        row.received,
        row.components_digitized,
        row.result_digitized,
        row.digitized,
        row.e_result_base,
        row.e_result,
        row.reused,
    )


def rates(engine, **kw):
    with session_scope(engine) as s:
        return {r.office_code: r for r in compute_rates(s, **kw)}


def test_quarter_per_office_and_rolled_up(world):
    rows = rates(world, period="2023-Q3")
    # C: c1..c5. comp c1,c2,c3; result c1 (certificate), c3, c4 (electronic); both c1,c3;
    # e-base c1..c4 (c5 has no result); e c1,c3,c4; reused c1,c2 (AA 00000001 of s1).
    assert counts(rows[C]) == (5, 3, 3, 2, 4, 3, 2)
    # 4 x 2/5 + 6 x 3/4 + 2 x min(1, 0.4/0.8) = 1.6 + 4.5 + 1.0
    assert rows[C].points == pytest.approx(7.1)
    assert rows[C].points_max == 12
    # X's own x1 (paper, decision, reuses citizen/parcel/sheet) and x2 (scan only: R unknown,
    # outside the e-result base): own (2, 2, 1, 1, 1, 1, 1); the row is X + C.
    assert counts(rows[X]) == (7, 5, 4, 3, 5, 4, 3)
    assert (rows[X].own_received, rows[X].own_components_digitized) == (2, 2)
    # 4 x 3/7 + 6 x 4/5 + 2 x (3/7)/0.8 = 12/7 + 4.8 + 15/14
    assert rows[X].points == pytest.approx(12 / 7 + 4.8 + 15 / 14)
    # D: four electronic results, all scanned, all reusing DD 000001: 4 + 6 + 2 (rate 1 > 0.8)
    assert counts(rows[D]) == (4, 4, 4, 4, 4, 4, 4)
    assert rows[D].points == pytest.approx(12.0)
    # P = X + D (P itself received nothing): sums of numerators and denominators
    assert counts(rows[P]) == (11, 9, 8, 7, 9, 8, 7)
    assert (rows[P].own_received, rows[P].level) == (0, "province")
    # 4 x 7/11 + 6 x 8/9 + 2 x (7/11)/0.8 = 28/11 + 16/3 + 35/22 = 625/66
    assert rows[P].points == pytest.approx(625 / 66)
    # L: reuse exactly 4/5 = 0.8, the threshold: the full 2 points; nothing else digitized
    assert counts(rows[L]) == (5, 4, 0, 0, 5, 0, 4)
    assert (rows[L].points, rows[L].points_reuse) == (pytest.approx(2.0), pytest.approx(2.0))
    assert counts(rows[Q]) == counts(rows[L])
    # G09.20: m1 electronic (result, e-base), m2 R=none scanned: 0 + 6 x 1/1 + 0
    assert counts(rows[M2]) == (2, 1, 1, 0, 1, 1, 0)
    assert rows[M2].points == pytest.approx(6.0)
    assert counts(rows[M]) == counts(rows[M2])
    # groups: localities = P + Q, ministries = M, nation = all
    assert counts(rows["H"]) == (16, 13, 8, 7, 14, 8, 11)
    assert rows["H"].points == pytest.approx(4 * 7 / 16 + 6 * 8 / 14 + 2 * (11 / 16) / 0.8)
    assert counts(rows["G"]) == counts(rows[M])
    assert counts(rows["VN"]) == (18, 14, 9, 7, 15, 9, 11)
    assert rows["VN"].points == pytest.approx(4 * 7 / 18 + 6 * 9 / 15 + 2 * (11 / 18) / 0.8)
    # rank by points within level
    assert [(c, rows[c].rank) for c in (D, M2, L)] == [(D, 1), (M2, 2), (L, 3)]
    assert (rows[P].rank, rows[Q].rank, rows[C].rank, rows["VN"].rank) == (1, 2, 1, None)
    # no dossier of the 2021 sources falls in the quarter
    assert rows[C].digitized_rate == pytest.approx(0.4) and rows[C].e_result_rate == 0.75


def test_year_on_year(world):
    rows = rates(world, period="2023-Q3", compare_previous_year=True)
    # 2022-Q3: cp1 (paper, scanned with certificate), cp2 (paper, nothing): (2,1,1,1,2,1,0)
    # -> 4 x 1/2 + 6 x 1/2 + 0 = 5.0 for C, and for X and P, whose subtrees hold only C then.
    assert rows[C].previous_period == "2022-Q3"
    assert rows[C].previous_points == pytest.approx(5.0)
    assert rows[C].points_change == pytest.approx(7.1 - 5.0)
    assert rows[C].digitized_rate_change == pytest.approx(0.4 - 0.5)
    assert rows[C].e_result_rate_change == pytest.approx(0.75 - 0.5)
    assert rows[X].points_change == pytest.approx(12 / 7 + 4.8 + 15 / 14 - 5.0)
    assert rows[P].points_change == pytest.approx(625 / 66 - 5.0)
    assert rows[D].previous_points is None and rows[D].points_change is None


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # c3 c4 c5: comp c3; result c3,c4; both c3; base c3,c4; e c3,c4; no reuse
        ("2023-09", (3, 1, 2, 1, 2, 2, 0)),
        # c1..c7: comp c1,c2,c3,c6; result c1,c3,c4,c7; both c1,c3; base all but c5; reused c1,c2
        ("2023", (7, 4, 4, 2, 6, 4, 2)),
        # c2 c3 c4 c5 c6: comp c2,c3,c6; result c3,c4; both c3; base c2,c3,c4,c6; reused c2
        ("2023-08..2023-10", (5, 3, 2, 1, 4, 2, 1)),
        # everything ever received at C: c1..c7, cp1, cp2; comp c1,c2,c3,c6,cp1; result
        # c1,c3,c4,c7,cp1; both c1,c3,cp1; base all but c5; e c1,c3,c4,c7,cp1; reused c1,c2
        (None, (9, 5, 5, 3, 8, 5, 2)),
    ],
)
def test_periods(world, period, expected):
    assert counts(rates(world, period=period)[C]) == expected


def test_skeleton_view_all_time(world):
    """Issue 2's table: per office dossiers known and digitized (>= 1 stored scan)."""
    rows = rates(world)
    # L: l1..l5 and the four 2021 sources; scans: l1..l4 and s1..s4
    assert (rows[L].own_received, rows[L].own_components_digitized) == (9, 8)
    assert rows[L].components_rate == pytest.approx(8 / 9)
    assert rows[L].period == "all"


def test_filters(world):
    assert set(rates(world, period="2023-Q3", office=X)) == {X, C}
    assert set(rates(world, period="2023-Q3", level="department")) == {D, L, M2}
    assert set(rates(world, period="2023-Q3", level="nation")) == {"VN"}


def test_reuse_points_threshold():
    base = dict(
        components_digitized=0, result_digitized=0, digitized=0, e_result_base=0, e_result=0
    )
    points = lambda reused: score({**base, "received": 10, "reused": reused})["points_reuse"]  # noqa: E731
    assert [points(n) for n in (0, 4, 6, 8, 10)] == pytest.approx([0, 1.0, 1.5, 2.0, 2.0])
    # no dossier with a result document: the e-result indicator is not scored
    assert score({**base, "received": 10, "reused": 8})["scored"] == ["digitized", "reuse"]
    assert score({**base, "received": 0, "reused": 0})["points"] is None


def test_exports_open_in_an_office(world, tmp_path):
    """CSV: UTF-8 BOM, Vietnamese headers, percentages with one decimal, the points maximum in
    its header; `lang="en"` keeps machine names. XLSX: a sheet per level, header frozen, rates
    formatted as percentages, columns sized, the points header carries its note."""
    with session_scope(world) as s:
        rows = compute_rates(s, period=Period.parse("2023-Q3"))
    row_c = next(r for r in rows if r.office_code == C)
    export_csv(rows, tmp_path / "r.csv")
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "r.csv", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        back = {r[0]: dict(zip(header, r, strict=True)) for r in reader}
    assert header[:2] == ["Mã đơn vị", "Tên đơn vị"]
    points_header = next(h for h in header if h.startswith("Tổng điểm"))
    assert "tối đa 12" in points_header
    assert len(back) == len(rows)
    assert back["VN"]["Tên đơn vị"] == "Toàn quốc" and back["VN"]["Cấp"] == "Toàn quốc"
    assert back[C]["Hồ sơ tiếp nhận"] == "5"
    assert back[C]["Tỷ lệ số hóa hồ sơ (%)"] == f"{100 * row_c.digitized_rate:.1f}"
    assert float(back[C][points_header]) == pytest.approx(7.1)

    export_csv(rows, tmp_path / "en.csv", lang="en")
    with open(tmp_path / "en.csv", encoding="utf-8-sig") as fh:
        machine = {r["office_code"]: r for r in csv.DictReader(fh)}
    assert machine[C]["level"] == "commune"
    assert machine[C]["digitized_rate"] == f"{100 * row_c.digitized_rate:.1f}"

    export_xlsx(rows, tmp_path / "r.xlsx")
    wb = load_workbook(tmp_path / "r.xlsx")
    levels = {r.level for r in rows}
    assert wb.sheetnames[0] == "Toàn quốc" and len(wb.sheetnames) == len(levels)
    ws = wb["Xã"]
    header = [c.value for c in ws[1]]
    by_code = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(by_code) == {r.office_code for r in rows if r.level == "commune"}
    assert by_code[C][header.index("Tên đơn vị")] == "UBND xã Uy Nỗ"
    rate_col = header.index("Tỷ lệ số hóa hồ sơ (%)")
    assert by_code[C][rate_col] == pytest.approx(row_c.digitized_rate)
    assert ws.cell(row=2, column=rate_col + 1).number_format == "0.0%"
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width >= 30
    points = header.index(next(h for h in header if h.startswith("Tổng điểm")))
    assert "12" in ws.cell(row=1, column=points + 1).comment.text
    assert wb["Sở, ngành"].cell(row=2, column=points + 1).value is not None
    departments = {r[0]: r for r in wb["Sở, ngành"].iter_rows(min_row=2, values_only=True)}
    assert departments[D][points] == pytest.approx(12.0)


def test_unknown_office_or_level_is_refused(world):
    with session_scope(world) as s, pytest.raises(LookupError, match="NOPE"):
        compute_rates(s, office="NOPE")
    with session_scope(world) as s, pytest.raises(LookupError, match="bogus"):
        compute_rates(s, level="bogus")
