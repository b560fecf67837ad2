"""The rates dashboard against `sohoa rates --json`, on SQLite and PostgreSQL: a register
generated here (the sample offices, dossiers over two years with random facts), every period kind
and every level, the numbers on the page and in its XLSX; a manager sees their subtree only."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from models.db import session_scope
from models.offices import import_offices_csv, seed_provinces
from models.register import import_register
from sohoa.services import accounts
from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws

PERIODS = {  # page query -> the CLI's period
    "kind=month&year=2023&n=9": "2023-09",
    "kind=quarter&year=2023&n=3": "2023-Q3",
    "kind=nine&year=2023": "2023-01..2023-09",
    "kind=year&year=2023": "2023",
}
COLUMNS = ("rank", "received", "components_digitized", "digitized", "digitized_rate")
COLUMNS += ("e_result_rate", "reuse_rate", "points", "points_max", "previous_points")
COLUMNS += ("points_change",)


def _register(tmp_path, seed: int = 19) -> tuple:
    """offices.csv (the sample offices) and a register of 400 dossiers over 2022-2023."""
    from samples.offices import write_offices_csv

    offices_csv = tmp_path / "offices.csv"
    write_offices_csv(offices_csv)
    with open(offices_csv, encoding="utf-8") as fh:
        offices = [r for r in csv.DictReader(fh)]
    leaves = [o["code"] for o in offices if o["level"] in ("commune", "department", "district")]
    rng = random.Random(seed)
    register = tmp_path / "register.csv"
    with open(register, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["dossier_code", "procedure_code", "received_at", "channel", "result_kind"])
        for n in range(400):
            office = rng.choice(leaves)
            day = date(2022, 1, 1) + timedelta(days=rng.randrange(730))
            kind = rng.choice(["paper", "electronic", "none", "paper"])
            w.writerow([f"{office}-{day:%y%m%d}-{n:04d}", "1.004227", day.isoformat(), "", kind])
    return offices_csv, register, offices


@pytest.fixture(scope="module")
def web(module_engine, s3_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("rates")
    url = module_engine.url.render_as_string(hide_password=False)
    settings = ws.web_settings(data, url, s3_server)
    offices_csv, register, offices = _register(data)
    with session_scope(module_engine) as s:
        seed_provinces(s)
        assert not import_offices_csv(s, offices_csv).bad
        assert not import_register(s, register).bad
    with module_engine.begin() as conn:  # facts as scans would leave them (random, seeded)
        for n, (code,) in enumerate(conn.execute(text("SELECT code FROM dossier ORDER BY code"))):
            conn.execute(
                text(
                    "UPDATE dossier SET components_digitized = :c, result_digitized = :r, "
                    "reused = :u WHERE code = :code"
                ),
                {"c": n % 3 != 0, "r": n % 4 == 1, "u": n % 5 == 2, "code": code},
            )
    district = next(o for o in offices if o["level"] == "district")["code"]
    app = create_app(settings, WebSettings(secret="test-secret"), worker=False)
    with TestClient(app) as client:
        accounts.add_user(app.state.engine, "admin", ws.PASSWORD, role="admin")
        accounts.add_user(app.state.engine, "lanhdao", ws.PASSWORD, role="manager", office=district)
        yield app, client, settings, district


def _cli(settings, *args: str) -> list[dict]:
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(settings.data_dir),
        "SOHOA_DATABASE_URL": settings.database_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "rates", "--json", "--compare-previous-year", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _page_rows(html: str) -> dict[str, dict]:
    """{office: {column: value}} from the page's tables (each cell's data-value)."""
    rows = {}
    for office, body in re.findall(r'<tr data-office="([^"]+)">(.*?)</tr>', html, re.S):
        values = re.findall(r'data-value="([^"]*)"', body)
        rows[office] = {
            c: (None if v == "" else float(v)) for c, v in zip(COLUMNS, values, strict=True)
        }
    return rows


def _same(page: dict[str, dict], cli: list[dict]) -> None:
    assert set(page) == {r["office_code"] for r in cli}
    for r in cli:
        for column in COLUMNS:
            expected = r[column]
            got = page[r["office_code"]][column]
            if expected is None:
                assert got is None, (r["office_code"], column)
            else:
                assert got == pytest.approx(expected, abs=1e-12), (r["office_code"], column)


def _xlsx_rows(content: bytes) -> dict[str, dict]:
    """{office: {machine column: value}} from every sheet (Vietnamese or machine headers)."""
    from openpyxl import load_workbook

    try:
        from sohoa.services.exports import COLUMNS as EXPORTED

        names = {c.header: c.name for c in EXPORTED}
    except ImportError:
        names = {}
    book = load_workbook(io.BytesIO(content), read_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [names.get(h, h) for h in rows[0]]
        for row in rows[1:]:
            record = dict(zip(header, row, strict=False))
            out[record["office_code"]] = record
    return out


@pytest.mark.parametrize("query", list(PERIODS))
def test_dashboard_and_xlsx_equal_the_cli_for_every_level(web, query):
    app, client, settings, _ = web
    ws.login(client, "admin")
    cli = _cli(settings, "--period", PERIODS[query])
    assert {r["level"] for r in cli} >= {"nation", "province", "district", "commune"}
    page = client.get(f"/rates?{query}")
    assert page.status_code == 200
    _same(_page_rows(page.text), cli)
    levels = sorted({r["level"] for r in cli})
    for level in levels:
        one = client.get(f"/rates?{query}&level={level}").text
        _same(_page_rows(one), [r for r in cli if r["level"] == level])
    assert _cli(settings, "--period", PERIODS[query], "--level", levels[-1]) == [
        r for r in cli if r["level"] == levels[-1]
    ]
    xlsx = client.get(f"/rates.xlsx?{query}")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    cells = _xlsx_rows(xlsx.content)
    assert set(cells) == {r["office_code"] for r in cli}
    for r in cli:
        for column in ("received", "digitized", "e_result", "reused", "rank", "points"):
            got, expected = cells[r["office_code"]][column], r[column]
            assert got == (pytest.approx(expected) if expected is not None else None), column
    nation = next(r for r in cli if r["office_code"] == "VN")
    assert f"{nation['points']:.2f}".replace(".", ",") in page.text  # the points, as shown
    csv_text = client.get(f"/rates.csv?{query}").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(csv_text)))) == len(cli) + 1


def test_trend_chart_is_svg_over_periods(web):
    app, client, settings, _ = web
    ws.login(client, "admin")
    svg = client.get("/rates/trend?kind=quarter&year=2023&n=4")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("<text") >= 8 and "Q4/2023" in svg.text and "Q1/2022" in svg.text
    q4 = next(r for r in _cli(settings, "--period", "2023-Q4") if r["office_code"] == "VN")
    assert f"Q4/2023: {q4['points']:.2f}".replace(".", ",") in svg.text


def test_manager_sees_own_subtree_only(web):
    app, client, settings, district = web
    ws.login(client, "lanhdao")
    cli = _cli(settings, "--period", "2023", "--office", district)
    page = client.get("/rates?kind=year&year=2023")
    _same(_page_rows(page.text), cli)
    assert "VN" not in _page_rows(page.text)
    province = next(r for r in _cli(settings, "--period", "2023") if r["level"] == "province")
    for path in ("/rates", "/rates.xlsx", "/rates.csv", "/rates/trend"):
        outside = client.get(f"{path}?kind=year&year=2023&office={province['office_code']}")
        assert outside.status_code == 404, path
    cells = _xlsx_rows(client.get("/rates.xlsx?kind=year&year=2023").content)
    assert set(cells) == {r["office_code"] for r in cli}
