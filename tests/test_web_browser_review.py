"""End to end in a real browser (Debian chromium, Playwright), part 2: a reviewer fixes an item
with the keyboard and sees the queue shrink; a search typed without diacritics finds the name; a
manager opens the rates, switches the period and downloads the XLSX (read back with openpyxl and
checked against the rates service). Screenshots to SOHOA_SCREENS_DIR when it names a folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import web_support as ws
from tests.test_web_browser import CHROMIUM, _free_port, _shot, _wait_until_up

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
SECOND = f"{ws.OFFICE_A}-231020-0003"


@pytest.fixture
def server(tmp_path, s3_server):
    """`sohoa web` on SQLite with the web tests' offices, accounts and scans (two review items
    in office A) and a register of dossiers over 2022-2023 for the rates."""
    from models.db import make_engine, migrate, session_scope
    from models.register import import_register
    from sohoa.runtime import external_endpoint
    from sohoa.settings import Settings
    from storage.objects import ObjectStore

    data = tmp_path / "var"
    data.mkdir()
    bucket = f"browser2-{tmp_path.name[-8:].lower().replace('_', '-')}"
    url = f"sqlite:///{data / 'sohoa.db'}"
    settings = Settings(
        data_dir=data,
        database_url=url,
        s3_endpoint=s3_server.endpoint,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_bucket=bucket,
    )
    engine = make_engine(url)
    migrate(engine)
    store = ObjectStore.from_endpoint(external_endpoint(settings), bucket)
    store.ensure_bucket()
    ws.seed(engine, store, data)
    ws.store_scan(engine, store, dossier=SECOND, label="ho-so-A2")
    register = tmp_path / "register.csv"
    lines = ["dossier_code,procedure_code,received_at,channel,result_kind"]
    for n in range(120):
        office = (ws.OFFICE_A, ws.OFFICE_B)[n % 2]
        month = 1 + n % 12
        year = 2022 + (n // 12) % 2
        lines.append(
            f"{office}-{year % 100:02d}{month:02d}10-{n + 100:04d},1.0,{year}-{month:02d}-10,,paper"
        )
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with session_scope(engine) as s:
        assert not import_register(s, register).bad
    with engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(
            text(
                "UPDATE dossier SET components_digitized = true, "
                "result_digitized = substr(code, -1) IN ('2', '4', '5', '7', '8')"
            )
        )
    engine.dispose()
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(data),
        "SOHOA_DATABASE_URL": url,
        "SOHOA_S3_ENDPOINT": s3_server.endpoint,
        "SOHOA_S3_ACCESS_KEY": s3_server.access_key,
        "SOHOA_S3_SECRET_KEY": s3_server.secret_key,
        "SOHOA_S3_BUCKET": bucket,
        "SOHOA_WEB_WORKER": "false",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SOHOA_INBOX", None)
    port = _free_port()
    log = (tmp_path / "web.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sohoa.cli", "web", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base, settings, tmp_path / "web.log"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", ws.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_reviewer_fixes_by_keyboard_search_and_manager_rates(server, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect, sync_playwright

    from models.db import make_engine, session_scope
    from models.rates import compute_rates

    base, settings, log_path = server
    shots = Path(os.environ.get("SOHOA_SCREENS_DIR") or tmp_path / "screens")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=vi"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
            _login(page, base, "reviewer_a")
            page.click("text=Kiểm tra")
            count = page.locator("#review-count")
            expect(count).to_have_text("2 chờ kiểm tra")
            first = page.url
            page.keyboard.press("j")  # next item (HTMX swap, URL pushed)
            expect(page.locator(".queue li.current")).to_contain_text(SECOND)
            expect(page).not_to_have_url(first)
            page.keyboard.press("k")  # back to the oldest
            expect(page.locator(".queue li.current")).to_contain_text(ws.DOSSIER_A)
            page.keyboard.press("e")  # the first field, selected
            page.keyboard.type("Nguyễn Văn Bình")
            expect(page.locator(".review-grid .image img").first).to_have_js_property(
                "complete", True
            )
            _shot(page, shots, "07-kiem-tra")
            page.keyboard.press("Enter")
            expect(count).to_have_text("1 chờ kiểm tra")
            expect(page.locator(".notice")).to_contain_text("1 sửa đổi")
            page.keyboard.press("Escape")
            page.keyboard.press("a")  # accept the other as read
            expect(count).to_have_text("0 chờ kiểm tra")
            expect(page.locator("text=Không còn tài liệu nào chờ kiểm tra")).to_be_visible()

            page.click("text=Tra cứu")
            page.fill("#q", "nguyen van an")
            page.keyboard.press("Enter")
            hits = page.locator("ol.hits li")
            expect(hits.first.locator("mark").first).to_have_text("Nguyễn")
            expect(page.locator("h2")).to_contain_text("kết quả")
            _shot(page, shots, "08-tra-cuu")
            hits.first.locator("a").first.click()
            expect(page.locator("#page-image")).to_be_visible()

            page.click("text=Đăng xuất")
            _login(page, base, "manager_a")
            page.click("text=Tỷ lệ số hóa")
            page.select_option("#kind", "quarter")
            page.select_option("#n", "4")
            page.select_option("#year", "2023")
            page.click("#period-form button[type=submit]")
            expect(page.locator("h1")).to_contain_text("Quý 4/2023")
            expect(page.locator(".chart svg circle").first).to_be_attached()
            _shot(page, shots, "09-ty-le")
            with page.expect_download() as info:
                page.click("#download-xlsx")
            xlsx = tmp_path / "rates.xlsx"
            info.value.save_as(xlsx)
        finally:
            browser.close()
    engine = make_engine(settings.db_url)
    with session_scope(engine) as s:
        expected = {
            r.office_code: r
            for r in compute_rates(
                s, period="2023-Q4", office=ws.DISTRICT_A, compare_previous_year=True
            )
        }
    engine.dispose()
    book = load_workbook(xlsx, read_only=True)
    seen = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        for row in rows[1:]:
            seen[row[0]] = row
    assert set(seen) == set(expected) and ws.OFFICE_A in seen and ws.OFFICE_B not in seen
    for code, row in expected.items():
        assert row.received in seen[code] and row.digitized in seen[code]
    requests = [line for line in log_path.read_text().splitlines() if '"GET ' in line]
    assert any("GET /search?q=nguyen+van+an" in line for line in requests)
