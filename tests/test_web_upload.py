"""Uploads through the web app enter the inbox's own ingest path: typed by content, one folder
per scan, the same flow, quarantine reasons (in Vietnamese in the status list) and SHA-256
duplicate skip. Real Tesseract, embedded S3, SQLite and PostgreSQL."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from flows.discover import discover
from models import accounts as db
from models.db import session_scope
from ocr.load import sha256_of
from sohoa.services import accounts
from sohoa.services.uploads import run_pending
from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from sohoa.web.labels import DOC_TYPE_NAMES
from tests import web_support as ws


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, str, str]:
    """The first two pages (receipt with the dossier code, application) of a generated dossier's
    scan, and its dossier code: enough to be read and filed, quick to recognise."""
    import pikepdf

    from samples.generate import generate

    out = tmp_path_factory.mktemp("samples")
    truths = generate(out, seed=5, dossiers=1, formats=("pdf",), levels=("clean",), unscanned=0)
    with pikepdf.open(next((out / "inbox").rglob("*.pdf"))) as full, pikepdf.new() as short:
        short.pages.extend(full.pages[:2])
        short.save(out / "two-pages.pdf")
    return out / "two-pages.pdf", truths[0].dossier_code, truths[0].office_code


@pytest.fixture(params=["sqlite", "postgresql"])
def web(request, sample, settings_env, s3_env, monkeypatch):
    """A running app (no worker thread: tests run the queue themselves) and a counter clerk of
    the sample dossier's office signed in."""
    if request.param == "postgresql":
        monkeypatch.setenv("SOHOA_DATABASE_URL", request.getfixturevalue("pg_url"))
    from sohoa.runtime import prefect_ready
    from sohoa.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    prefect_ready(settings)
    app = create_app(settings, WebSettings(secret="t", max_upload_mb=20), worker=False)
    with TestClient(app) as client:
        from models import repository

        with session_scope(app.state.engine) as session:
            repository.ensure_office(session, sample[2])
        accounts.add_user(app.state.engine, "quay", ws.PASSWORD, role="counter", office=sample[2])
        assert ws.login(client, "quay").status_code == 303
        yield app, client, settings


def _post(client, files, **form):
    token = ws.csrf_of(client.get("/").text)
    return client.post(
        "/uploads", data={"csrf_token": token, **form}, files=files, follow_redirects=False
    )


def _uploads(app) -> list[db.Upload]:
    with session_scope(app.state.engine) as session:
        return sorted(db.recent_uploads(session, None, 100), key=lambda u: u.id)


@pytest.mark.slow
def test_upload_is_stored_through_the_ingest_flow_and_a_duplicate_says_so(web, sample):
    app, client, settings = web
    pdf, dossier, office = sample
    data = pdf.read_bytes()
    # named .jpg: typed by its bytes, it enters the inbox as a PDF in its own folder
    assert _post(client, [("files", ("scan.jpg", data, "image/jpeg"))]).status_code == 303
    [queued] = _uploads(app)
    assert queued.state == "queued" and queued.office_code == office
    folder = settings.inbox_dir / queued.relative
    assert [p.name for p in folder.iterdir()] == ["scan.pdf"]
    assert queued.relative == f"{office}/web-{queued.id}"
    status = client.get("/uploads/status").text
    assert "Đang chờ" in status and 'hx-trigger="every 2s"' in status

    assert run_pending(app.state.engine, settings) == 1
    [done] = _uploads(app)
    assert done.state in ("stored", "review"), (done.state, done.reason)
    assert done.dossier_code == dossier and done.flow_run_id
    assert not folder.exists()  # filed away by the flow, like any inbox scan
    assert any(p.name == "scan.pdf" for p in settings.archive_dir.rglob("*"))
    status = client.get("/uploads/status").text
    assert f'href="/dossiers/{dossier}"' in status and 'hx-trigger="every 15s"' in status
    page = client.get(f"/dossiers/{dossier}")
    assert page.status_code == 200 and "/scans/" in page.text
    assert any(name in page.text for name in DOC_TYPE_NAMES.values())

    # the same bytes again: the flow's SHA-256 skip, said in the status list
    assert (
        _post(client, [("files", ("lai-lan-nua.pdf", data, "application/pdf"))]).status_code == 303
    )
    run_pending(app.state.engine, settings)
    again = _uploads(app)[-1]
    assert again.state == "duplicate" and again.dossier_code == dossier
    assert "đã được tải lên và lưu trước đó" in client.get("/uploads/status").text


def _huge_png() -> bytes:
    """A valid PNG header claiming 100,000 x 100,000 pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = b"IDAT" + zlib.compress(b"\0" * 1000)
    body += struct.pack(">I", len(idat) - 4) + idat + struct.pack(">I", zlib.crc32(idat))
    return b"\x89PNG\r\n\x1a\n" + body


def test_hostile_uploads_are_quarantined_with_the_reason_in_vietnamese(web, sample):
    app, client, settings = web
    pdf, _, _ = sample
    good = pdf.read_bytes()
    hostile = {
        "rong.pdf": (b"", "tệp rỗng"),
        "cut.pdf": (good[: len(good) // 3], "PDF bị cắt cụt"),
        "ghi-chu.pdf": ("Danh sách hồ sơ\n".encode(), "loại tệp không được hỗ trợ"),
        "chuong-trinh.exe": (b"MZ\x90\x00" + bytes(200), "loại tệp không được hỗ trợ"),
        "to-qua.png": (_huge_png(), "trang ảnh quá lớn"),
    }
    files = [
        ("files", (name, data, "application/octet-stream")) for name, (data, _) in hostile.items()
    ]
    assert _post(client, files).status_code == 303
    assert run_pending(app.state.engine, settings) == len(hostile)
    rows = {u.filename: u for u in _uploads(app)}
    status = client.get("/uploads/status").text
    for name, (_, words) in hostile.items():
        assert rows[name].state == "quarantined", (name, rows[name].state, rows[name].reason)
        assert words in status, (name, rows[name].reason)
    assert status.count("Bị cách ly") == len(hostile)
    quarantined = [p for p in settings.quarantine_dir.rglob("*") if p.is_file()]
    assert len([p for p in quarantined if ".reason" not in p.name]) == len(hostile)


def test_a_folder_of_page_images_is_one_scan(web, sample):
    app, client, settings = web
    office = sample[2]
    pages = []
    for n in (1, 2, 10):  # natural order: 1, 2, 10 (not 1, 10, 2)
        out = io.BytesIO()
        Image.new("L", (200, 280), 255).save(out, "PNG")
        pages.append(("files", (f"scan/trang-{n}.png", out.getvalue(), "image/png")))
    pages.insert(1, pages.pop())  # sent out of order
    dossier = f"{office}-231015-0099"
    assert _post(client, pages, as_folder="true", dossier=dossier).status_code == 303
    [upload] = _uploads(app)
    assert upload.files == 3 and upload.relative == f"{office}/{dossier}/web-{upload.id}"
    units = discover(settings.inbox_dir)
    assert len(units) == 1 and units[0].path.is_dir() and units[0].dossier_hint == dossier
    assert [p.name for p in units[0].files] == ["0001.png", "0002.png", "0003.png"]
    # the hash the flow will give the scan, so an outcome filed by `inbox-watch` is found too
    assert upload.sha256 == sha256_of(units[0].path)


def test_oversized_or_empty_requests_are_refused_and_nothing_is_queued(web):
    app, client, settings = web
    big = bytes(21 << 20)  # over the 20 MB limit of this app
    response = _post(client, [("files", ("big.pdf", big, "application/pdf"))])
    assert response.status_code == 413 and "quá lớn" in response.text
    response = _post(client, [("files", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400 and "Chưa chọn tệp" in response.text
    bad_code = _post(client, [("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))], dossier="../x")
    assert bad_code.status_code == 400 and "Mã hồ sơ không đúng" in bad_code.text
    token = ws.csrf_of(client.get("/").text)
    htmx = client.post(  # htmx swaps only 2xx answers: the refusal comes inside the list
        "/uploads",
        data={"csrf_token": token, "dossier": "x"},
        files=[("files", ("a.pdf", b"%PDF-1.4", "application/pdf"))],
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and 'id="status"' in htmx.text
    assert "Mã hồ sơ không đúng" in htmx.text
    assert _uploads(app) == []
    assert not settings.inbox_dir.exists() or not any(settings.inbox_dir.rglob("*.*"))
