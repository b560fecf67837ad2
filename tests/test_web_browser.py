"""End to end in a real browser: Debian's chromium driven by Playwright (executable_path, no
browser download) against `sohoa web` started like an operator would, with accounts made by
`sohoa user add`. Log in → upload a generated sample dossier → watch it become stored → open
the dossier, a document and a page → download the searchable PDF (read back with pdftotext) →
log out. Each page is photographed (to docs/screens/ when SOHOA_SCREENS_DIR names it)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "mat-khau-quay-1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sohoa(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


@pytest.fixture
def server(tmp_path, s3_server):
    """`sohoa web` on a free port with a fresh data dir (SQLite, the session's S3 server), an
    office register and a counter account; (base URL, office, sample PDF, dossier code)."""
    import pikepdf

    from samples.generate import generate
    from samples.offices import write_offices_csv

    out = tmp_path / "samples"
    truths = generate(out, seed=5, dossiers=1, formats=("pdf",), levels=("clean",), unscanned=0)
    sample = tmp_path / "ho-so-mau.pdf"
    with pikepdf.open(next((out / "inbox").rglob("*.pdf"))) as full, pikepdf.new() as short:
        short.pages.extend(full.pages[:2])
        short.save(sample)
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(tmp_path / "var"),
        "SOHOA_OCR_WORKERS": "2",
        "SOHOA_S3_ENDPOINT": s3_server.endpoint,
        "SOHOA_S3_ACCESS_KEY": s3_server.access_key,
        "SOHOA_S3_SECRET_KEY": s3_server.secret_key,
        "SOHOA_S3_BUCKET": f"browser-{tmp_path.name[-8:].lower().replace('_', '-')}",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PYTHONUNBUFFERED": "1",  # the access log is read while the server runs
    }
    for name in ("SOHOA_DATABASE_URL", "SOHOA_INBOX", "PREFECT_API_URL"):
        env.pop(name, None)
    write_offices_csv(tmp_path / "offices.csv")
    _sohoa(env, "offices", "import", str(tmp_path / "offices.csv"))
    office = truths[0].office_code
    _sohoa(
        env,
        "user",
        "add",
        "quay1",
        "--role",
        "counter",
        "--office",
        office,
        "--full-name",
        "Nguyễn Thị Quầy",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "quay1" in _sohoa(env, "user", "list")
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
        yield base, office, sample, truths[0].dossier_code, tmp_path / "web.log"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_until_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "sohoa web exited"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("sohoa web did not answer within 120 s")


def _shot(page, folder: Path, name: str) -> None:
    """A small PNG of the page (256 colours: text and thumbnails stay legible)."""
    from PIL import Image

    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256)
    small.save(path, optimize=True)


def test_counter_clerk_uploads_watches_views_downloads_and_logs_out(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, office, sample, dossier, log_path = server
    shots = Path(os.environ.get("SOHOA_SCREENS_DIR") or tmp_path / "screens")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=vi"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
            page.goto(f"{base}/")
            expect(page).to_have_url(f"{base}/login")  # anonymous: sent to the login form
            page.fill("#username", "quay1")
            page.fill("#password", PASSWORD)
            _shot(page, shots, "01-dang-nhap")
            page.click("button[type=submit]")
            expect(page.locator(".who")).to_contain_text("Nguyễn Thị Quầy")

            page.set_input_files("#files", str(sample))
            page.click("#upload button[type=submit]")
            row = page.locator("table.status tbody tr").first
            expect(row).to_contain_text("ho-so-mau.pdf")
            expect(row.locator(".badge")).to_have_text(re.compile("Đang chờ|Đang nhận dạng"))
            _shot(page, shots, "02-dang-cho")
            # the list refreshes itself (HTMX polling): no reload from here on
            expect(row.locator(".badge.stored, .badge.review")).to_have_count(1, timeout=300_000)
            _shot(page, shots, "03-da-luu")

            page.click(f"a[href='/dossiers/{dossier}']")
            expect(page.locator("h1")).to_contain_text(dossier)
            expect(page.locator(".thumbs img").first).to_have_js_property("complete", True)
            _shot(page, shots, "04-ho-so")

            page.locator("a[href^='/documents/']").first.click()
            expect(page.locator("h1")).not_to_be_empty()
            _shot(page, shots, "05-tai-lieu")

            page.locator(".thumbs a").first.click()
            image = page.locator("#page-image")
            expect(image).to_have_js_property("complete", True)
            assert image.evaluate("img => img.naturalWidth") > 500
            page.click("[data-zoom='1']")
            expect(page.locator("#zoom-level")).to_have_text("125%")
            _shot(page, shots, "06-trang")

            page.goto(f"{base}/dossiers/{dossier}")
            with page.expect_download() as info:
                page.click("text=PDF tìm kiếm được")
            pdf = tmp_path / "searchable.pdf"
            info.value.save_as(pdf)
            text = subprocess.run(
                ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
            ).stdout
            assert dossier in text.replace(" ", ""), text[:500]

            page.click("text=Đăng xuất")
            expect(page).to_have_url(f"{base}/login")
            page.goto(f"{base}/dossiers/{dossier}")
            expect(page).to_have_url(f"{base}/login")  # the session is gone
        finally:
            browser.close()
    requests = [line for line in log_path.read_text().splitlines() if '"GET ' in line]
    assert any(f"GET /dossiers/{dossier}" in line for line in requests)
    assert not any(re.search(r"(?<!\d)\d{12}(?!\d)", line) for line in requests)
