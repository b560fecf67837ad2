"""Staff accounts: create, list, disable, change password; sign in with a rate limit; sessions.

Passwords are hashed with argon2 (argon2-cffi). A session is a random token: the browser keeps
it (in a signed cookie, see sohoa.web.security), the database keeps only its SHA-256, so a copy
of the database signs nobody in. Used by the `sohoa user` commands and the web app alike.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from models import accounts as db
from models.db import session_scope
from models.tables import utcnow

SESSION_LIFETIME = timedelta(hours=8)
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD = 8
OFFICE_ROLES = ("counter", "reviewer", "manager")

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A refused account operation, with the reason in Vietnamese."""


class LoginRefused(Exception):
    """Sign-in refused; `message` is shown to the user as is (Vietnamese)."""

    def __init__(self, message: str, *, limited: bool = False):
        super().__init__(message)
        self.message = message
        self.limited = limited


@dataclass(frozen=True)
class Account:
    """Who is signed in: what the web app checks permissions against."""

    id: int
    username: str
    full_name: str
    role: str
    office_code: str | None
    offices: frozenset[str] | None  # offices whose data this account sees; None: all (admin)

    def sees(self, office_code: str | None) -> bool:
        if self.offices is None:
            return True
        return office_code is not None and office_code in self.offices

    @property
    def can_upload(self) -> bool:
        return self.role in ("counter", "reviewer", "admin") and self.office_code is not None


@dataclass(frozen=True)
class SignedIn:
    account: Account
    token: str  # goes into the cookie, never stored
    csrf_token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự")
    return _hasher.hash(password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    engine: Engine,
    username: str,
    password: str,
    *,
    role: str,
    office: str | None = None,
    full_name: str = "",
) -> db.WebUser:
    """Create an account. Office roles need an existing office; an admin may have none."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AccountError("Tên đăng nhập không hợp lệ (không để trống, không có khoảng trắng)")
    if role not in db.ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role} (chọn {', '.join(db.ROLES)})")
    if role in OFFICE_ROLES and not office:
        raise AccountError(f"Vai trò {role} cần --office (mã cơ quan)")
    password_hash = hash_password(password)
    with session_scope(engine) as session:
        if office and not db.office_exists(session, office):
            raise AccountError(f"Không có cơ quan mã {office} trong danh mục")
        if db.user_by_name(session, username):
            raise AccountError(f"Tài khoản {username} đã tồn tại")
        user = db.WebUser(
            username=username,
            full_name=full_name,
            role=role,
            office_code=office,
            password_hash=password_hash,
        )
        session.add(user)
        session.flush()
        return user


def list_users(engine: Engine) -> list[db.WebUser]:
    with session_scope(engine) as session:
        return db.list_users(session)


def set_disabled(engine: Engine, username: str, disabled: bool = True) -> None:
    """Disable (or enable) an account; a disabled account's sessions end at once."""
    with session_scope(engine) as session:
        user = _existing(session, username)
        user.disabled = disabled
        if disabled:
            db.drop_sessions(session, user_id=user.id)


def set_password(engine: Engine, username: str, password: str) -> None:
    """New password; every session of the account ends (sign in again)."""
    password_hash = hash_password(password)
    with session_scope(engine) as session:
        user = _existing(session, username)
        user.password_hash = password_hash
        user.password_changed_at = utcnow()
        db.drop_sessions(session, user_id=user.id)


def set_role(engine: Engine, username: str, role: str, office: str | None) -> None:
    """New role and office, checked as `add_user` checks them; the account's sessions end (its
    permissions changed: sign in again)."""
    if role not in db.ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role} (chọn {', '.join(db.ROLES)})")
    office = (office or "").strip() or None
    if role in OFFICE_ROLES and not office:
        raise AccountError(f"Vai trò {role} cần mã cơ quan")
    with session_scope(engine) as session:
        if office and not db.office_exists(session, office):
            raise AccountError(f"Không có cơ quan mã {office} trong danh mục")
        user = _existing(session, username)
        user.role, user.office_code = role, office
        db.drop_sessions(session, user_id=user.id)


def sign_in(engine: Engine, username: str, password: str, address: str) -> SignedIn:
    """Check the password, with at most MAX_FAILURES_PER_USER failures per user name and
    MAX_FAILURES_PER_ADDRESS per client address within RATE_WINDOW; start a session."""
    now = utcnow()
    username = username.strip()[:64]
    address = address[:64]
    with session_scope(engine) as session:
        by_user, by_address = db.failed_logins(
            session, username=username, address=address, since=now - RATE_WINDOW
        )
    if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(RATE_WINDOW.total_seconds() // 60)
        raise LoginRefused(
            f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.", limited=True
        )
    with session_scope(engine) as session:
        user = db.user_by_name(session, username)
        ok = user is not None and not user.disabled and _verify(user, password)
        session.add(db.LoginAttempt(at=now, username=username, address=address, ok=ok))
        if not ok or user is None or user.id is None:
            session.commit()
            raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        db.drop_expired_sessions(session, now)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        session.add(
            db.WebSession(
                token_sha256=token_digest(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=expires,
                address=address,
            )
        )
        account = _account(session, user)
    return SignedIn(account, token, csrf, expires)


def session_account(engine: Engine, token: str) -> tuple[Account, str] | None:
    """The account and CSRF token of a live session, or None (unknown, expired, disabled)."""
    with session_scope(engine) as session:
        found = db.session_by_token(session, token_digest(token), utcnow())
        if found is None:
            return None
        user = session.get(db.WebUser, found.user_id)
        if user is None or user.disabled:
            return None
        return _account(session, user), found.csrf_token


def sign_out(engine: Engine, token: str) -> None:
    with session_scope(engine) as session:
        db.drop_sessions(session, token=token_digest(token))


def _account(session, user: db.WebUser) -> Account:
    if user.role == "admin":
        offices = None
    elif user.role == "manager" and user.office_code:
        offices = frozenset(db.office_subtree(session, user.office_code))
    else:
        offices = frozenset({user.office_code} if user.office_code else ())
    assert user.id is not None
    return Account(user.id, user.username, user.full_name, user.role, user.office_code, offices)


def _verify(user: db.WebUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _existing(session, username: str) -> db.WebUser:
    user = db.user_by_name(session, username)
    if user is None:
        raise AccountError(f"Không có tài khoản {username}")
    return user


def record_access(
    engine: Engine,
    account: Account,
    action: str,
    detail: dict | None = None,
    *,
    dossier_code: str | None = None,
    scan_sha256: str | None = None,
) -> None:
    """Who viewed or downloaded what, in the append-only `event` table (tool `web`)."""
    from models.events import log_event

    with session_scope(engine) as session:
        log_event(
            session,
            action=action,
            outcome="ok",
            scan_sha256=scan_sha256,
            dossier_code=dossier_code,
            tool="web",
            detail={"user": account.username, "role": account.role, **(detail or {})},
        )
