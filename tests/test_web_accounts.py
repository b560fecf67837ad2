"""Staff accounts: `sohoa user add|list|disable|passwd`, argon2 hashes, sessions that end when
an account is disabled or its password changes, managers' office subtrees. SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from models import repository
from models.db import session_scope
from sohoa.cli import app
from sohoa.services import accounts
from tests import web_support as ws


@pytest.fixture
def offices(engine):
    with session_scope(engine) as session:
        for code in (ws.PROVINCE, ws.DISTRICT_A, ws.OFFICE_A, ws.OFFICE_B):
            repository.ensure_office(session, code)
    return engine


def test_passwords_are_argon2_hashes_and_sign_in_checks_them(offices):
    accounts.add_user(offices, "lan", ws.PASSWORD, role="counter", office=ws.OFFICE_A)
    with offices.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM web_user")).scalar()
    assert stored.startswith("$argon2id$") and ws.PASSWORD not in stored
    signed = accounts.sign_in(offices, "lan", ws.PASSWORD, "10.0.0.1")
    found = accounts.session_account(offices, signed.token)
    assert found is not None and found[0].offices == {ws.OFFICE_A} and found[1] == signed.csrf_token
    with offices.connect() as conn:  # only the token's hash is kept
        assert conn.execute(text("SELECT token_sha256 FROM web_session")).scalar() != signed.token
    with pytest.raises(accounts.LoginRefused):
        accounts.sign_in(offices, "lan", "sai-mat-khau", "10.0.0.1")


def test_disabling_or_a_new_password_ends_sessions(offices):
    accounts.add_user(offices, "lan", ws.PASSWORD, role="reviewer", office=ws.OFFICE_A)
    first = accounts.sign_in(offices, "lan", ws.PASSWORD, "10.0.0.1")
    accounts.set_password(offices, "lan", "mat-khau-moi-2")
    assert accounts.session_account(offices, first.token) is None
    with pytest.raises(accounts.LoginRefused):
        accounts.sign_in(offices, "lan", ws.PASSWORD, "10.0.0.1")
    second = accounts.sign_in(offices, "lan", "mat-khau-moi-2", "10.0.0.1")
    accounts.set_disabled(offices, "lan")
    assert accounts.session_account(offices, second.token) is None
    with pytest.raises(accounts.LoginRefused):
        accounts.sign_in(offices, "lan", "mat-khau-moi-2", "10.0.0.1")
    accounts.set_disabled(offices, "lan", False)
    assert accounts.sign_in(offices, "lan", "mat-khau-moi-2", "10.0.0.1").account.role == "reviewer"


def test_a_manager_sees_the_office_subtree_and_an_admin_everything(offices):
    accounts.add_user(offices, "truong", ws.PASSWORD, role="manager", office=ws.DISTRICT_A)
    accounts.add_user(offices, "root", ws.PASSWORD, role="admin")
    manager = accounts.sign_in(offices, "truong", ws.PASSWORD, "a").account
    assert manager.sees(ws.OFFICE_A) and manager.sees(ws.DISTRICT_A)
    assert not manager.sees(ws.OFFICE_B) and not manager.sees(ws.PROVINCE)
    assert not manager.can_upload
    admin = accounts.sign_in(offices, "root", ws.PASSWORD, "a").account
    assert admin.offices is None and admin.sees(ws.OFFICE_B)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("lan", {"role": "counter"}, "cần --office"),
        ("lan", {"role": "counter", "office": "H99.1"}, "Không có cơ quan"),
        ("lan", {"role": "boss", "office": ws.OFFICE_A}, "Vai trò không hợp lệ"),
        ("có dấu cách", {"role": "admin"}, "Tên đăng nhập"),
    ],
)
def test_bad_accounts_are_refused(offices, name, kwargs, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add_user(offices, name, ws.PASSWORD, **kwargs)
    with pytest.raises(accounts.AccountError, match="ít nhất 8"):
        accounts.add_user(offices, "ngan", "short", role="admin")
    assert accounts.list_users(offices) == []


def test_user_commands(settings_env):
    runner = CliRunner()
    add = ["user", "add", "admin", "--role", "admin", "--password-stdin"]
    done = runner.invoke(app, add, input=ws.PASSWORD + "\n")
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, add, input=ws.PASSWORD + "\n")
    assert again.exit_code == 2 and "đã tồn tại" in again.output
    no_office = runner.invoke(
        app, ["user", "add", "lan", "--role", "counter", "--password-stdin"], input="x" * 9
    )
    assert no_office.exit_code == 2 and "--office" in no_office.output
    listed = runner.invoke(app, ["user", "list"])
    assert listed.exit_code == 0 and "admin" in listed.output and "active" in listed.output
    assert runner.invoke(app, ["user", "disable", "admin"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["user", "list"]).output
    assert runner.invoke(app, ["user", "disable", "nobody"]).exit_code == 2
    changed = runner.invoke(
        app, ["user", "passwd", "admin", "--password-stdin"], input="mat-khau-moi-9\n"
    )
    assert changed.exit_code == 0
    from sohoa.runtime import open_database

    engine = open_database(settings_env)
    accounts.set_disabled(engine, "admin", False)
    assert accounts.sign_in(engine, "admin", "mat-khau-moi-9", "x").account.role == "admin"


def test_demo_account_is_made_once_in_the_demo_data_dir(settings_env):
    import stat

    from sohoa.runtime import open_database
    from sohoa.web.demo_account import DEMO_USER, ensure_demo_account

    engine = open_database(settings_env)
    with session_scope(engine) as session:
        repository.ensure_office(session, ws.OFFICE_A)
    name, password = ensure_demo_account(engine, settings_env)
    assert (name, password) == ensure_demo_account(engine, settings_env)  # a rerun keeps it
    secret = settings_env.data_dir / "demo-account.txt"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert accounts.sign_in(engine, DEMO_USER, password, "x").account.role == "admin"
    assert [u.username for u in accounts.list_users(engine)] == [DEMO_USER]
