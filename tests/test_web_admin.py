"""The admin page: accounts through the accounts service's checks, and the offices register
import with the CLI's validation (bad rows reported by line, the rest imported)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws


@pytest.fixture
def web(engine, s3_server, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(
        ws.web_settings(tmp_path, url, s3_server), WebSettings(secret="t"), worker=False
    )
    with TestClient(app) as client:
        ws.seed(app.state.engine, app.state.store, tmp_path)
        ws.login(client, "admin")
        yield app, client


def _token(client) -> str:
    return ws.csrf_of(client.get("/admin").text)


def test_create_disable_reset_and_change_role(web):
    app, client = web
    token = _token(client)
    new = {"csrf_token": token, "username": "kiemtra2", "password": "mat-khau-moi-1"}
    bad = client.post("/admin/users", data={**new, "role": "reviewer", "office": ""})
    assert bad.status_code == 400 and "cần" in bad.text  # an office role needs an office
    bad = client.post("/admin/users", data={**new, "role": "boss", "office": ws.OFFICE_A})
    assert bad.status_code == 400 and "Vai trò không hợp lệ" in bad.text
    made = client.post(
        "/admin/users",
        data={**new, "role": "reviewer", "office": ws.OFFICE_A},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert 'data-user="kiemtra2"' in client.get("/admin").text
    with TestClient(app) as other:
        assert ws.login(other, "kiemtra2", "mat-khau-moi-1").status_code == 303
        client.post("/admin/users/kiemtra2/disable", data={"csrf_token": token})
        assert other.get("/", follow_redirects=False).status_code in (303, 401)  # session ended
        assert ws.login(other, "kiemtra2", "mat-khau-moi-1").status_code == 401
        client.post("/admin/users/kiemtra2/disable", data={"csrf_token": token, "enable": "true"})
        short = client.post(
            "/admin/users/kiemtra2/password", data={"csrf_token": token, "password": "short"}
        )
        assert short.status_code == 400
        client.post(
            "/admin/users/kiemtra2/password",
            data={"csrf_token": token, "password": "mat-khau-moi-2"},
        )
        assert ws.login(other, "kiemtra2", "mat-khau-moi-1").status_code == 401
        assert ws.login(other, "kiemtra2", "mat-khau-moi-2").status_code == 303
    moved = client.post(
        "/admin/users/kiemtra2/role",
        data={"csrf_token": token, "role": "manager", "office": "000.99.99.H99"},
    )
    assert moved.status_code == 400 and "000.99.99.H99" in moved.text  # unknown office refused
    client.post(
        "/admin/users/kiemtra2/role",
        data={"csrf_token": token, "role": "manager", "office": ws.DISTRICT_A},
    )
    with app.state.engine.connect() as conn:
        row = conn.execute(
            text("SELECT role, office_code FROM web_user WHERE username = 'kiemtra2'")
        ).one()
    assert tuple(row) == ("manager", ws.DISTRICT_A)


def test_offices_import_reports_bad_rows_and_imports_the_rest(web, tmp_path):
    app, client = web
    token = _token(client)
    body = (
        "code,name,level,parent_code\n"
        "000.03.24.H18,UBND xã Ba,commune,000.00.24.H18\n"
        ",Không mã,commune,\n"
        "000.04.24.H18,UBND xã Bốn,village,\n"
        "000.05.24.H18,UBND xã Năm,commune,000.77.24.H18\n"
    )
    answer = client.post(
        "/admin/offices",
        data={"csrf_token": token},
        files={"file": ("don-vi.csv", body.encode(), "text/csv")},
    )
    assert answer.status_code == 200
    assert "Dòng 3: code is empty" in answer.text
    assert "Dòng 4: level &#39;village&#39;" in answer.text or "Dòng 4: level" in answer.text
    assert "Dòng 5: parent_code" in answer.text
    with app.state.engine.connect() as conn:
        parent = conn.execute(
            text("SELECT parent_code FROM office WHERE code = '000.03.24.H18'")
        ).scalar()
    assert parent == ws.DISTRICT_A
    wrong = client.post(
        "/admin/offices",
        data={"csrf_token": token},
        files={"file": ("x.csv", b"ma,ten\n1,2\n", "text/csv")},
    )
    assert wrong.status_code == 400 and "x.csv" in wrong.text and "code" in wrong.text


def test_admin_pages_are_for_admins(web):
    app, client = web
    ws.login(client, "manager_a")
    assert client.get("/admin").status_code == 403
    assert "/admin" not in client.get("/").text
