"""The exchange API (/api/v1) operation by operation, on SQLite and PostgreSQL, with the real
embedded S3 server: tokens, register upsert, dossier, change feed, rates, signed downloads."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sohoa.api import tokens
from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws


@pytest.fixture(scope="module")
def api(module_engine, s3_server, tmp_path_factory):
    """(app, seeded, {token name: bearer token}) on one database per backend."""
    data = tmp_path_factory.mktemp("api")
    url = module_engine.url.render_as_string(hide_password=False)
    app = create_app(ws.web_settings(data, url, s3_server), WebSettings(secret="s"), worker=False)
    with TestClient(app) as client:
        seeded = ws.seed(app.state.engine, app.state.store, data)
        engine = app.state.engine
        made = {
            "a_read": tokens.create(engine, "a_read", office=ws.OFFICE_A, scopes="dossiers:read"),
            "a_pii": tokens.create(
                engine, "a_pii", office=ws.OFFICE_A, scopes="dossiers:read,pii:read"
            ),
            "a_write": tokens.create(
                engine, "a_write", office=ws.DISTRICT_A, scopes="register:write,dossiers:read"
            ),
            "b_read": tokens.create(engine, "b_read", office=ws.OFFICE_B, scopes="dossiers:read"),
        }
        yield app, seeded, {k: v.token for k, v in made.items()}, client


def _auth(bearer: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {bearer}"}


def test_token_is_stored_hashed_and_scoped(api):
    app, _, bearers, _ = api
    with app.state.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_sha256 FROM api_token")).scalars().all()
    assert all(b not in stored for b in bearers.values())
    assert tokens.digest(bearers["a_read"]) in stored
    with pytest.raises(tokens.TokenError):
        tokens.create(app.state.engine, "x", office=ws.OFFICE_A, scopes="admin")
    with pytest.raises(tokens.TokenError):
        tokens.create(app.state.engine, "a_read", office=ws.OFFICE_A, scopes="dossiers:read")


def test_dossier_of_own_office_with_masked_ids_and_links(api):
    app, seeded, bearers, client = api
    response = client.get(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=_auth(bearers["a_read"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == ws.DOSSIER_A and body["digitization"]["components_digitized"]
    doc = body["documents"][0]
    assert doc["type"] == "don_dang_ky_dat_dai" and doc["pages"] == [1, 2]
    assert doc["confidence"] == 0.91 and doc["review"]["needs_review"] is True  # seeded for review
    assert ws.CITIZEN_ID not in response.text
    assert doc["fields"]["citizen_id"].endswith(ws.CITIZEN_ID[-4:])
    # pii:read sees the full number
    full = client.get(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=_auth(bearers["a_pii"]))
    assert full.json()["documents"][0]["fields"]["citizen_id"] == ws.CITIZEN_ID
    # the links download through the app (no bucket URL), without a bearer header
    links = body["digitization"]["scans"][0]["links"]
    assert all(link.startswith("http://testserver/api/v1/") for link in links.values())
    pdf = client.get(links["searchable_pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    doc_pdf = client.get(doc["links"]["pdf"])
    assert doc_pdf.status_code == 200 and doc_pdf.content.startswith(b"%PDF")
    # an altered link is refused
    forged = links["searchable_pdf"].replace(f"scans/{seeded.scan_a}", f"scans/{seeded.scan_b}")
    assert client.get(forged).status_code == 401


def test_expired_link_and_revoked_token_are_refused(api):
    app, _, bearers, client = api
    engine = app.state.engine
    made = tokens.create(engine, "short", office=ws.OFFICE_A, scopes="dossiers:read")
    got = client.get(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=_auth(made.token)).json()
    link = got["digitization"]["scans"][0]["links"]["original"]
    assert client.get(link).status_code == 200
    expired = link.replace("&e=", "&e=1").split("&s=")[0] + "&s=" + link.split("&s=")[1]
    assert client.get(expired).status_code == 401
    tokens.revoke(engine, "short")
    refused = client.get(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=_auth(made.token))
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert client.get(link).status_code == 401  # its links die with it


def test_office_a_token_gets_404_for_office_b(api):
    app, seeded, bearers, client = api
    for path in (
        f"/api/v1/dossiers/{ws.DOSSIER_B}",
        "/api/v1/dossiers/000.09.99.H18-231016-0009",  # unknown: the same answer
        f"/api/v1/rates?office={ws.OFFICE_B}",
        f"/api/v1/dossiers?office={ws.OFFICE_B}",
    ):
        response = client.get(path, headers=_auth(bearers["a_read"]))
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found" and "ho-so-B" not in response.text
    # office B's own token reads it
    own = client.get(f"/api/v1/dossiers/{ws.DOSSIER_B}", headers=_auth(bearers["b_read"]))
    assert own.status_code == 200


def test_register_post_counts_bad_rows_and_is_idempotent(api):
    app, _, bearers, client = api
    rows = [
        {"dossier_code": f"{ws.OFFICE_A}-240101-{n:04d}", "received_at": "01/01/2024"}
        for n in range(1, 4)
    ]
    rows.append({"dossier_code": "not-a-code"})
    rows.append({"dossier_code": f"{ws.OFFICE_A}-240101-0009", "resolved_at": "2023-01-01"})
    rows.append({"dossier_code": f"{ws.OFFICE_B}-240101-0001"})  # outside the token's subtree
    headers = _auth(bearers["a_write"])
    first = client.post("/api/v1/register", json={"rows": rows}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["inserted"], body["updated"], body["unchanged"]) == (3, 0, 0)
    assert [b["index"] for b in body["bad"]] == [3, 4, 5]
    assert "resolved_at" in body["bad"][1]["reason"]
    with app.state.engine.connect() as conn:
        written = conn.execute(
            text("SELECT code FROM dossier WHERE code LIKE '%-240101-%' ORDER BY code")
        ).scalars()
        assert list(written) == [r["dossier_code"] for r in rows[:3]]  # no bad row written
    again = client.post("/api/v1/register", json={"rows": rows}, headers=headers).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    rows[0]["channel"] = "online"
    changed = client.post("/api/v1/register", json={"rows": rows[:3]}, headers=headers).json()
    assert (changed["inserted"], changed["updated"], changed["unchanged"]) == (0, 1, 2)


def test_register_needs_scope_and_limits(api):
    app, _, bearers, client = api
    one = {"rows": [{"dossier_code": f"{ws.OFFICE_A}-240102-0001"}]}
    refused = client.post("/api/v1/register", json=one, headers=_auth(bearers["a_read"]))
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    with app.state.engine.connect() as conn:
        assert not conn.execute(text("SELECT 1 FROM dossier WHERE code LIKE '%-240102-%'")).all()
    headers = _auth(bearers["a_write"])
    big = {"rows": [{"dossier_code": "x"}] * 10_001}
    assert client.post("/api/v1/register", json=big, headers=headers).status_code == 413
    bad = client.post("/api/v1/register", content=b"{nope", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_json"


def test_change_feed_pages_and_changed_since(api):
    app, _, bearers, client = api
    headers = _auth(bearers["a_write"])  # district A: sees commune A's dossiers
    rows = [{"dossier_code": f"{ws.OFFICE_A}-240201-{n:04d}"} for n in range(1, 8)]
    assert client.post("/api/v1/register", json={"rows": rows}, headers=headers).status_code == 200
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/dossiers", params=params, headers=headers).json()
        seen += [i["code"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert {r["dossier_code"] for r in rows} | {ws.DOSSIER_A} <= set(seen)
    assert ws.DOSSIER_B not in seen
    last = client.get("/api/v1/dossiers", params={"limit": 500}, headers=headers).json()
    latest = last["items"][-1]["changed_at"]
    newer = client.get("/api/v1/dossiers", params={"changed_since": latest}, headers=headers).json()
    assert newer["items"] and all(i["changed_at"] >= latest for i in newer["items"])
    time.sleep(0.01)
    rows[0]["channel"] = "post"
    client.post("/api/v1/register", json={"rows": rows[:1]}, headers=headers)
    after = client.get("/api/v1/dossiers", params={"changed_since": latest}, headers=headers).json()
    assert rows[0]["dossier_code"] in [i["code"] for i in after["items"]]
    bad = client.get("/api/v1/dossiers", params={"cursor": "%%%"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_cursor"


def test_rates_are_the_cli_numbers(api):
    app, _, bearers, client = api
    from models.db import session_scope
    from models.rates import compute_rates

    response = client.get("/api/v1/rates", headers=_auth(bearers["a_read"]))
    assert response.status_code == 200
    with session_scope(app.state.engine) as session:
        expected = [r.as_dict() for r in compute_rates(session, office=ws.OFFICE_A)]
    got = response.json()
    assert [r["office_code"] for r in got] == [r["office_code"] for r in expected]
    assert got[0]["received"] == expected[0]["received"] >= 1
    bad = client.get("/api/v1/rates?period=soon", headers=_auth(bearers["a_read"]))
    assert bad.status_code == 400 and bad.json()["message"]
    for level in ("", "galaxy"):  # an unknown level: the reason, not a server error
        bad = client.get(f"/api/v1/rates?level={level}", headers=_auth(bearers["a_read"]))
        assert bad.status_code == 400 and "unknown level" in bad.json()["details"]


def test_every_call_is_an_event_with_the_token_name(api):
    app, _, bearers, client = api
    client.get(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=_auth(bearers["b_read"]))
    with app.state.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, outcome, dossier_code, detail FROM event WHERE tool = 'api'")
        ).all()
    last = rows[-1]
    assert last[0] == "api GET /api/v1/dossiers/{dossier_code}" and last[1] == "404"
    assert last[2] == ws.DOSSIER_A and "b_read" in str(last[3])


def test_register_call_is_one_event_written_with_its_rows(api, monkeypatch):
    """The register call's event shares the upsert's transaction: one event per call, and a
    call whose upsert fails leaves neither its rows nor a success event."""
    import models.register

    app, _, bearers, client = api
    headers = _auth(bearers["a_write"])

    def events() -> list:
        query = "SELECT outcome, detail FROM event WHERE action = :a ORDER BY id"
        with app.state.engine.connect() as conn:
            return conn.execute(text(query), {"a": "api POST /api/v1/register"}).all()

    before = len(events())
    row = {"dossier_code": f"{ws.OFFICE_A}-240103-0001"}
    assert client.post("/api/v1/register", json={"rows": [row]}, headers=headers).is_success
    assert client.post("/api/v1/register", content=b"{nope", headers=headers).status_code == 400
    written = events()[before:]
    assert [w[0] for w in written] == ["200", "400"]
    assert all("a_write" in str(w[1]) for w in written)

    upsert = models.register._upsert_rows

    def fails_after_writing(session, scanned, report):
        upsert(session, scanned, report)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(models.register, "_upsert_rows", fails_after_writing)
    lost = {"dossier_code": f"{ws.OFFICE_A}-240103-0002"}
    with pytest.raises(RuntimeError):
        client.post("/api/v1/register", json={"rows": [lost]}, headers=headers)
    assert len(events()) == before + 2  # no event of a call that wrote nothing
    with app.state.engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM dossier WHERE code = :c"), {"c": lost["dossier_code"]}
        )
        assert not found.all()


def _api_error(response, status: int, code: str) -> dict:
    """The API's error shape: JSON with a code, a Vietnamese message and details."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "details"} and body["error"] == code
    assert body["message"] and body["message"].isascii() is False  # Vietnamese, not "Not Found"
    return body


def test_unknown_paths_and_methods_answer_api_errors(api):
    """Under /api/ there is no HTML: an unknown path is a JSON 404, a wrong method a JSON 405
    (with Allow), a parameter of the wrong type or range a JSON 422 naming the parameter."""
    _, _, bearers, client = api
    headers = _auth(bearers["a_write"])
    for path in ("/api/v1/nothing", "/api/v2/dossiers", "/api/", "/api/v1/dossiers/x/y"):
        body = _api_error(client.get(path, headers=headers), 404, "not_found")
        assert body["details"] == {"path": path}
    assert "<html" not in client.get("/api/v1/nothing").text.lower()  # no token: still JSON
    _api_error(client.get("/api/v1/nothing"), 404, "not_found")
    wrong = client.get("/api/v1/register", headers=headers)
    body = _api_error(wrong, 405, "method_not_allowed")
    assert body["details"]["allowed"] == ["POST"] and wrong.headers["allow"] == "POST"
    _api_error(
        client.delete(f"/api/v1/dossiers/{ws.DOSSIER_A}", headers=headers),
        405,
        "method_not_allowed",
    )
    for params in ({"limit": "many"}, {"limit": 0}, {"limit": 501}, {"changed_since": "soon"}):
        body = _api_error(
            client.get("/api/v1/dossiers", params=params, headers=headers), 422, "validation_error"
        )
        assert body["details"][0]["loc"] == ["query", next(iter(params))]
    # the web app keeps its own pages
    assert "text/html" in client.get("/no-such-page").headers["content-type"]


def test_rate_limit_per_token(api):
    app, _, _, client = api
    made = tokens.create(
        app.state.engine, "slow", office=ws.OFFICE_A, scopes="dossiers:read", rate_per_minute=3
    )
    codes = [
        client.get("/api/v1/dossiers?limit=1", headers=_auth(made.token)).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_openapi_schema_documents_every_operation(api):
    _, _, _, client = api
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/register", "/api/v1/dossiers/{dossier_code}", "/api/v1/dossiers"} <= set(paths)
    assert "/api/v1/rates" in paths
    body = paths["/api/v1/register"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"]["rows"][0]["dossier_code"]
    dossier = paths["/api/v1/dossiers/{dossier_code}"]["get"]["responses"]
    assert "example" in dossier["200"]["content"]["application/json"]
    assert dossier["404"]["content"]["application/json"]["schema"]["required"] == [
        "error",
        "message",
    ]


def test_token_commands(settings_env, db_url, monkeypatch):
    """`sohoa token add|list|revoke`: printed once, listed without it, revoked; bad input exit 2."""
    from typer.testing import CliRunner

    from models.db import session_scope
    from models.offices import ensure_office
    from sohoa.cli import app as cli
    from sohoa.runtime import open_database
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    engine = open_database(get_settings())
    with session_scope(engine) as session:
        ensure_office(session, ws.OFFICE_A)
    runner = CliRunner()
    add = ["token", "add", "mc", "--office", ws.OFFICE_A, "--scopes", "dossiers:read"]
    made = runner.invoke(cli, [*add, "--webhook", "http://127.0.0.1:9/h"])
    assert made.exit_code == 0, made.output
    bearer = made.stdout.splitlines()[0]
    assert bearer.startswith("sohoa_") and "webhook secret:" in made.stdout
    assert tokens.identify(engine, bearer).offices == {ws.OFFICE_A}
    listed = runner.invoke(cli, ["token", "list"])
    assert "mc" in listed.stdout and bearer not in listed.stdout and "live" in listed.stdout
    assert runner.invoke(cli, add).exit_code == 2  # the name is taken
    assert runner.invoke(cli, [*add[:-1], "everything"]).exit_code == 2
    assert runner.invoke(cli, ["token", "revoke", "mc"]).exit_code == 0
    assert tokens.identify(engine, bearer) is None
    assert runner.invoke(cli, ["token", "revoke", "nobody"]).exit_code == 2
    assert runner.invoke(cli, ["webhooks"]).exit_code == 0
    engine.dispose()
