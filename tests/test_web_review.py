"""The review queue in the web app, on SQLite and PostgreSQL: office scoping, the service's
validation (refused naming the field, nothing changed), accept-as-is, the queue shrinking, the
dossier's facts and rates following, and the event with before/after and who."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from models.db import session_scope
from models.rates import compute_rates
from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws


@pytest.fixture
def web(engine, s3_server, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    settings = ws.web_settings(tmp_path, url, s3_server)
    app = create_app(settings, WebSettings(secret="test-secret"), worker=False)
    with TestClient(app) as client:
        seeded = ws.seed(app.state.engine, app.state.store, tmp_path)
        yield app, seeded, client


def _doc(app, document_id):
    with app.state.engine.connect() as conn:
        return conn.execute(
            text("SELECT doc_type, needs_review, reviewed_by FROM document WHERE id = :i"),
            {"i": document_id},
        ).one()


def _review_events(app):
    with app.state.engine.connect() as conn:
        return conn.execute(
            text("SELECT tool, detail FROM event WHERE action = 'review' ORDER BY id")
        ).all()


def test_queue_shows_only_the_reviewers_office(web):
    app, seeded, client = web
    ws.login(client, "reviewer_a")
    page = client.get("/review")
    assert page.status_code == 200
    assert f"/review/{seeded.document_a}" in page.text
    assert f"/review/{seeded.document_b}" not in page.text and ws.DOSSIER_B not in page.text
    assert "1 chờ kiểm tra" in page.text
    assert "chưa chắc trường Họ tên người nộp" in page.text or "chưa chắc trường" in page.text
    assert f"/scans/{seeded.scan_a}/pages/1/image" in page.text  # the page beside the fields
    assert ws.CITIZEN_ID not in page.text  # the citizen ID field is masked, typed anew
    for path in (f"/review/{seeded.document_b}",):
        assert client.get(path).status_code == 404
    token = ws.csrf_of(page.text)
    refused = client.post(
        f"/review/{seeded.document_b}/accept", data={"csrf_token": token}, follow_redirects=False
    )
    assert refused.status_code == 404
    assert _doc(app, seeded.document_b).needs_review


def test_invalid_value_is_refused_naming_the_field_and_nothing_changes(web):
    app, seeded, client = web
    ws.login(client, "reviewer_a")
    token = ws.csrf_of(client.get(f"/review/{seeded.document_a}").text)
    answer = client.post(
        f"/review/{seeded.document_a}",
        data={"csrf_token": token, "f_citizen_id": "12ab", "o_citizen_id": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 400
    assert "citizen_id" in answer.text and "Không có gì thay đổi" in answer.text
    assert _doc(app, seeded.document_a).needs_review
    assert _review_events(app) == []


def test_correction_shrinks_the_queue_updates_facts_rates_and_logs_who(web):
    app, seeded, client = web
    ws.login(client, "reviewer_a")
    page = client.get("/review")
    token = ws.csrf_of(page.text)
    with session_scope(app.state.engine) as session:
        before = {r.office_code: r.result_digitized for r in compute_rates(session)}
    saved = client.post(
        f"/review/{seeded.document_a}",
        data={
            "csrf_token": token,
            "doc_type": "giay_chung_nhan_qsdd",
            "f_applicant_name": "Nguyễn Văn Bình",
            "o_applicant_name": "Nguyễn Văn An",
            "f_citizen_id": "",  # left empty: not a change (the value was never shown)
            "o_citizen_id": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/review"
    assert "Không còn tài liệu nào chờ kiểm tra" in client.get("/review").text
    doc_type, needs_review, by = _doc(app, seeded.document_a)
    assert (doc_type, needs_review, by) == ("giay_chung_nhan_qsdd", False, "reviewer_a")
    (tool, detail), *_ = _review_events(app)
    detail = detail if isinstance(detail, dict) else __import__("json").loads(detail)
    assert tool == "web" and detail["by"] == "reviewer_a"
    assert detail["before"]["fields"]["applicant_name"] == "Nguyễn Văn An"
    assert detail["after"]["fields"]["applicant_name"] == "Nguyễn Văn Bình"
    assert detail["after"]["fields"]["citizen_id"].endswith(ws.CITIZEN_ID[-4:])  # masked, kept
    assert ws.CITIZEN_ID not in str(detail)
    with app.state.engine.connect() as conn:
        kept = conn.execute(
            text("SELECT citizen_id FROM document WHERE id = :i"), {"i": seeded.document_a}
        ).scalar()
    assert kept == ws.CITIZEN_ID  # left empty in the form: not blanked
    with session_scope(app.state.engine) as session:
        after = {r.office_code: r.result_digitized for r in compute_rates(session)}
    assert after[ws.OFFICE_A] == before.get(ws.OFFICE_A, 0) + 1  # a certificate: result digitized
    assert after[ws.OFFICE_B] == before[ws.OFFICE_B]


def test_accept_as_is_clears_the_mark_under_htmx(web):
    app, seeded, client = web
    ws.login(client, "counter_b")
    token = ws.csrf_of(client.get("/review").text)
    answer = client.post(
        f"/review/{seeded.document_b}/accept",
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert answer.status_code == 200 and "giữ nguyên" in answer.text
    assert "0 chờ kiểm tra" in answer.text
    doc_type, needs_review, by = _doc(app, seeded.document_b)
    assert (doc_type, needs_review, by) == ("don_dang_ky_dat_dai", False, "counter_b")
    (tool, detail), *_ = _review_events(app)
    detail = detail if isinstance(detail, dict) else __import__("json").loads(detail)
    assert detail["before"] == detail["after"] | {"fields": detail["before"]["fields"]}
