"""The web app's security, held route by route: the tests walk `app.routes`, so a route added
without the checks fails here. On SQLite and PostgreSQL, with the real embedded S3 server."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.routing import Mount

from sohoa.web.app import PUBLIC_PATHS, all_routes, create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws

# A value for every path parameter name the app uses, pointing at OFFICE B's data. A new
# parameter name fails `test_every_route_parameter_has_a_sample` until it is added here.
B_VALUES = {
    "dossier_code": lambda s: ws.DOSSIER_B,
    "scan_id": lambda s: s.scan_b,
    "document_id": lambda s: s.document_b,
    "number": lambda s: 1,
    "kind": None,  # every value of the route's Literal
    "upload_id": lambda s: s.upload_b,
    "username": lambda s: "counter_b",  # admin pages: an account of office B
}


@pytest.fixture(scope="module")
def web(module_engine, s3_server, tmp_path_factory):
    """(app, seeded ids) on one database per backend for the whole module."""
    data = tmp_path_factory.mktemp("web")
    url = module_engine.url.render_as_string(hide_password=False)
    settings = ws.web_settings(data, url, s3_server)
    app = create_app(settings, WebSettings(secret="test-secret"), worker=False)
    with TestClient(app) as client:
        seeded = ws.seed(app.state.engine, app.state.store, data)
        yield app, seeded, client


@pytest.fixture
def client(web):
    app, _, _ = web
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def _routes(app):
    routes = [r for r in all_routes(app) if isinstance(r, APIRoute)]
    assert len(routes) >= 10, "the route table was not found"
    return routes


def _kinds(route: APIRoute) -> list[str]:
    """The values a `kind` parameter accepts (its Literal), read from the route's signature."""
    import typing

    hints = typing.get_type_hints(route.endpoint)
    return list(typing.get_args(hints["kind"])) if "kind" in hints else [""]


def _concrete_paths(route: APIRoute, seeded) -> list[str]:
    names = re.findall(r"{(\w+)}", route.path)
    paths = []
    for kind in _kinds(route) if "kind" in names else [None]:
        values = {n: (kind if n == "kind" else B_VALUES[n](seeded)) for n in names}
        paths.append(route.path.format(**values))
    return paths


def _is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)


def test_every_route_parameter_has_a_sample(web):
    app, _, _ = web
    for route in _routes(app):
        for name in re.findall(r"{(\w+)}", route.path):
            assert name in B_VALUES, f"{route.path}: add a sample value for {{{name}}}"
    mounts = [r.path for r in all_routes(app) if isinstance(r, Mount)]
    assert mounts == ["/static"], "only static files may be mounted (they skip the checks)"


def test_anonymous_is_refused_everywhere_but_login(web, client):
    app, seeded, _ = web
    checked = 0
    for route in _routes(app):
        if _is_public(route.path):
            continue
        for path in _concrete_paths(route, seeded):
            for method in route.methods - {"HEAD"}:
                if route.path.startswith("/api/"):  # bearer-token API: 401 JSON, never a page
                    for accept in ("text/html", "application/json"):
                        api = client.request(method, path, headers={"Accept": accept})
                        assert api.status_code == 401, (method, path, api.status_code)
                        assert api.json()["error"] in ("unauthorized", "link_expired"), path
                        assert "ho-so" not in api.text and ws.DOSSIER_B not in api.text
                    checked += 1
                    continue
                browser = client.request(
                    method, path, headers={"Accept": "text/html"}, follow_redirects=False
                )
                if method == "GET":
                    assert browser.status_code == 303, (method, path, browser.status_code)
                    assert browser.headers["location"] == "/login"
                else:
                    assert browser.status_code == 401, (method, path)
                other = client.request(method, path, follow_redirects=False)
                assert other.status_code == 401, (method, path, other.status_code)
                assert "ho-so" not in other.text and ws.DOSSIER_B not in other.text
                checked += 1
    assert checked >= 10


def test_public_paths_are_only_login_static_and_health(web, client):
    app, _, _ = web
    public = sorted({r.path for r in _routes(app) if _is_public(r.path)})
    assert public == ["/api/v1/openapi.json", "/healthz", "/login"]
    assert client.get("/healthz").text == "ok"
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_office_a_user_cannot_reach_office_b(web, client):
    app, seeded, _ = web
    assert ws.login(client, "counter_a").status_code == 303
    checked = 0
    for route in _routes(app):
        names = re.findall(r"{(\w+)}", route.path)
        if not names or "GET" not in route.methods:
            continue
        for path in _concrete_paths(route, seeded):
            response = client.get(path, follow_redirects=False)
            allowed = (401,) if path.startswith("/api/") else (403, 404)  # no session use
            assert response.status_code in allowed, (path, response.status_code)
            assert "ho-so-B" not in response.text, path
            checked += 1
    assert checked >= 8
    # the same pages for office A's own data answer (the check is not "refuse everything")
    for path in (
        f"/dossiers/{ws.DOSSIER_A}",
        f"/documents/{seeded.document_a}",
        f"/scans/{seeded.scan_a}/pages/1",
        f"/scans/{seeded.scan_a}/pages/1/thumb",
        f"/scans/{seeded.scan_a}/pages/2/image",
        f"/scans/{seeded.scan_a}/files/pdf",
        f"/scans/{seeded.scan_a}/pages/2/files/alto",
        f"/documents/{seeded.document_a}/pdf",
    ):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("username", "sees_a", "sees_b"),
    [
        ("reviewer_a", True, False),
        ("manager_a", True, False),  # district 24: commune A is below it, B is not
        ("counter_b", False, True),
        ("admin", True, True),
    ],
)
def test_roles_and_office_subtrees(web, client, username, sees_a, sees_b):
    app, seeded, _ = web
    ws.login(client, username)
    for dossier, expected in ((ws.DOSSIER_A, sees_a), (ws.DOSSIER_B, sees_b)):
        status = client.get(f"/dossiers/{dossier}").status_code
        assert status == (200 if expected else 404), (username, dossier)


def test_post_without_csrf_token_is_refused(web, client):
    app, _, _ = web
    ws.login(client, "counter_a")
    home = client.get("/")
    token = ws.csrf_of(home.text)
    posts = [r for r in _routes(app) if "POST" in r.methods and not _is_public(r.path)]
    for route in [r for r in posts if r.path.startswith("/api/")]:  # a session cookie is no
        assert client.post(route.path, json={"rows": []}).status_code == 401  # API token
    posts = [r for r in posts if not r.path.startswith("/api/")]
    assert {r.path for r in posts} >= {"/uploads", "/logout"}
    for route in posts:
        for bad in ({}, {"csrf_token": "forged"}):
            response = client.post(route.path, data=bad, follow_redirects=False)
            assert response.status_code == 403, (route.path, bad)
    assert client.get("/").status_code == 200  # still signed in: the refused logout did nothing
    # with the token, logout works and the session is gone
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code in (303, 401)


def test_login_form_needs_its_csrf_token(web, client):
    response = client.post(
        "/login", data={"username": "counter_a", "password": ws.PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403
    assert "sohoa_session" not in response.cookies


@pytest.mark.parametrize(
    "path",
    [
        "/scans/{a}/files/..%2F..%2Fetc%2Fpasswd",
        "/scans/{a}/files/%2e%2e",
        "/scans/{a}/files/searchable.pdf",
        "/scans/{a}/pages/1/files/..%2Fmanifest.json",
        "/scans/{a}/pages/..%2F1/image",
        "/scans/{a}/pages/-1/image",
        "/scans/{a}/pages/99/image",
        "/scans/..%2F{a}/files/pdf",
        "/dossiers/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fsettings.py",
        "/static/../app.py",
    ],
)
def test_path_traversal_is_refused(web, client, path):
    app, seeded, _ = web
    ws.login(client, "admin")
    response = client.get(path.format(a=seeded.scan_a), follow_redirects=False)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "import" not in response.text and "root:" not in response.text


def test_session_cookie_flags(web):
    app, _, _ = web
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        with TestClient(app, base_url=base) as c:
            response = ws.login(c, "counter_a")
            cookie = next(
                v
                for k, v in response.headers.multi_items()
                if k == "set-cookie" and v.startswith("sohoa_session=")
            )
            flags = {f.strip().split("=")[0].lower() for f in cookie.split(";")}
            assert {"httponly", "max-age", "path"} <= flags
            assert "samesite=lax" in cookie.lower()
            assert ("secure" in flags) == secure, base


def test_forged_or_expired_session_is_refused(web, client):
    app, _, _ = web
    ws.login(client, "counter_a")
    good = client.cookies.get("sohoa_session")
    token, _, mac = good.rpartition(".")
    client.cookies.set("sohoa_session", f"{token}x.{mac}")
    assert client.get("/", follow_redirects=False).status_code == 401
    client.cookies.set("sohoa_session", good)
    assert client.get("/").status_code == 200
    with app.state.engine.begin() as conn:
        conn.execute(text("UPDATE web_session SET expires_at = created_at"))
    assert client.get("/", follow_redirects=False).status_code == 401


def test_login_rate_limit_per_account_and_address(web, client):
    app, _, _ = web
    accounts = __import__("sohoa.services.accounts", fromlist=["x"])
    for _ in range(accounts.MAX_FAILURES_PER_USER):
        assert ws.login(client, "reviewer_a", "wrong-password").status_code == 401
    limited = ws.login(client, "reviewer_a")  # the right password, too late
    assert limited.status_code == 429 and "quá nhiều lần" in limited.text
    assert ws.login(client, "counter_b").status_code == 303  # another account still may
    with app.state.engine.begin() as conn:  # the window passes
        conn.execute(text("DELETE FROM login_attempt WHERE username = 'reviewer_a'"))
    assert ws.login(client, "reviewer_a").status_code == 303


def test_views_and_downloads_are_events_with_who(web, client):
    app, seeded, _ = web
    ws.login(client, "manager_a")
    client.get(f"/dossiers/{ws.DOSSIER_A}")
    pdf = client.get(f"/scans/{seeded.scan_a}/files/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, dossier_code, detail FROM event WHERE tool = 'web' ORDER BY id")
        ).all()
    mine = [r for r in rows if "manager_a" in str(r[2])]
    assert [r[0] for r in mine][-3:] == ["login", "view", "download"]
    assert all(r[1] == ws.DOSSIER_A for r in mine[-2:])


def test_citizen_ids_never_in_urls_or_pages(web, client):
    app, seeded, _ = web
    ws.login(client, "admin")
    pages = (
        f"/dossiers/{ws.DOSSIER_A}",
        f"/documents/{seeded.document_a}",
        f"/scans/{seeded.scan_a}/pages/1",
        "/",
    )
    for path in pages:
        html = client.get(path).text
        assert ws.CITIZEN_ID not in html
        for href in re.findall(r'(?:href|src|action|hx-get|hx-post)="([^"]+)"', html):
            assert not re.search(r"\d{12}", href), href
    assert ws.CITIZEN_ID[-4:] in client.get(f"/documents/{seeded.document_a}").text


def test_lists_show_only_the_accounts_offices(web, client):
    ws.login(client, "counter_a")
    assert ws.DOSSIER_A in client.get("/dossiers").text
    assert ws.DOSSIER_B not in client.get("/dossiers").text
    assert "b.pdf" not in client.get("/uploads/status").text  # office B's upload
    ws.login(client, "admin")
    listed = client.get("/dossiers").text
    assert ws.DOSSIER_A in listed and ws.DOSSIER_B in listed
    assert "b.pdf" in client.get("/uploads/status").text


def test_part_two_pages_keep_to_the_accounts_offices(web, client):
    """Review items, search hits and rates of office B are not shown to office A; admin pages
    are for admins only."""
    app, seeded, _ = web
    ws.login(client, "counter_a")
    queue = client.get("/review").text
    assert f"/review/{seeded.document_a}" in queue and f"/review/{seeded.document_b}" not in queue
    found = client.get("/search", params={"q": "nguyen van an"}).text
    assert f"/documents/{seeded.document_a}" in found
    assert f"/documents/{seeded.document_b}" not in found and "ho-so-B" not in found
    by_code = client.get("/search", params={"dossier_code": ws.DOSSIER_B}).text
    assert f"/documents/{seeded.document_b}" not in by_code
    for path in ("/rates", "/rates.csv", "/rates.xlsx", "/rates/trend"):
        assert client.get(f"{path}?office={ws.OFFICE_B}").status_code == 404, path
        assert client.get(f"{path}?office={ws.DISTRICT_A}").status_code == 404, path  # above A
    assert ws.OFFICE_B not in client.get("/rates?kind=year&year=2023").text
    assert client.get("/admin").status_code == 403
    token = ws.csrf_of(queue)
    for path in ("/admin/users/counter_b/disable", "/admin/users/counter_b/password"):
        response = client.post(path, data={"csrf_token": token, "password": "x" * 12})
        assert response.status_code == 403, path
    ws.login(client, "manager_a")  # district 24: sees commune A's rates, not B's
    assert client.get(f"/rates?office={ws.OFFICE_A}").status_code == 200
    assert client.get(f"/rates?office={ws.OFFICE_B}").status_code == 404
