"""Search in the web app on SQLite (FTS5) and PostgreSQL (full text over sohoa_fold): without
diacritics, exact lookups, citizen ID posted and masked, hits limited to the account's offices."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws


@pytest.fixture(scope="module")
def web(module_engine, s3_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("web")
    url = module_engine.url.render_as_string(hide_password=False)
    settings = ws.web_settings(data, url, s3_server)
    app = create_app(settings, WebSettings(secret="test-secret"), worker=False)
    with TestClient(app) as client:
        seeded = ws.seed(app.state.engine, app.state.store, data)
        yield app, seeded, client


def _documents(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/documents/(\d+)"', html)}


@pytest.mark.parametrize("query", ["nguyen van an", "Nguyễn Văn An", "NGUYEN VAN AN"])
def test_full_text_with_or_without_diacritics_in_own_office(web, query):
    app, seeded, client = web
    ws.login(client, "reviewer_a")
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    assert _documents(page.text) == {seeded.document_a}
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>An</mark>" in page.text
    assert f'href="/scans/{seeded.scan_a}/pages/1"' in page.text
    assert ws.CITIZEN_ID not in page.text and ws.CITIZEN_ID[-4:] in page.text
    ws.login(client, "admin")
    assert _documents(client.get("/search", params={"q": query}).text) == {
        seeded.document_a,
        seeded.document_b,
    }


def test_a_word_not_on_any_page_finds_nothing(web):
    app, seeded, client = web
    ws.login(client, "admin")
    assert _documents(client.get("/search", params={"q": "nguyen van binh"}).text) == set()


@pytest.mark.parametrize(
    ("params", "user", "expected"),
    [
        ({"dossier_code": ws.DOSSIER_A}, "counter_a", "a"),
        ({"dossier_code": ws.DOSSIER_B}, "counter_a", None),
        ({"gcn_serial": ws.SERIAL}, "counter_b", "b"),
        ({"parcel_number": "12", "map_sheet": "5"}, "counter_a", "a"),
        ({"parcel_number": "12", "map_sheet": "6"}, "counter_a", None),
        ({"dossier_code": ws.DOSSIER_B}, "manager_a", None),
    ],
)
def test_exact_lookups_in_own_offices(web, params, user, expected):
    app, seeded, client = web
    ws.login(client, user)
    found = _documents(client.get("/search", params=params).text)
    want = {"a": {seeded.document_a}, "b": {seeded.document_b}, None: set()}[expected]
    assert found == want


def test_parcel_needs_its_map_sheet(web):
    app, seeded, client = web
    ws.login(client, "counter_a")
    answer = client.get("/search", params={"parcel_number": "12"})
    assert answer.status_code == 400 and "tờ bản đồ" in answer.text


def test_citizen_id_is_posted_and_shown_masked(web):
    app, seeded, client = web
    ws.login(client, "counter_a")
    form = client.get("/search")
    assert 'method="post" action="/search"' in form.text
    answer = client.post(
        "/search", data={"csrf_token": ws.csrf_of(form.text), "citizen_id": ws.CITIZEN_ID}
    )
    assert answer.status_code == 200
    assert _documents(answer.text) == {seeded.document_a}
    assert ws.CITIZEN_ID not in answer.text and "••••••••2345" in answer.text
    # a citizen ID in the URL is not a search criterion: nothing is looked up by it
    assert _documents(client.get("/search", params={"citizen_id": ws.CITIZEN_ID}).text) == set()
    assert client.post("/search", data={"citizen_id": ws.CITIZEN_ID}).status_code == 403
