"""Who is asking, and may they: signed session cookie, CSRF tokens, office checks.

- The session cookie holds `<token>.<HMAC-SHA256(key, token)>`: a forged or altered cookie is
  refused before the database is asked. HttpOnly, SameSite=Lax, Secure when the request came
  over HTTPS (behind a proxy: X-Forwarded-Proto, trusted by `sohoa web --proxy-headers`).
- Every state-changing request carries the session's CSRF token, in the form field `csrf_token`
  or the `X-CSRF-Token` header (HTMX requests); the login form, before any session, uses a
  signed pre-login cookie with the same value as its hidden field (double submit).
- `current_account` is the one door for pages: anonymous browsers are sent to /login, other
  clients get 401. `require_office` answers 404 for data of an office the account does not see,
  so a user cannot even learn that another office's dossier exists.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response

from sohoa.services import accounts
from sohoa.services.accounts import Account

SESSION_COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class LoginRequired(Exception):
    """Raised by `current_account`; the app turns it into a redirect to /login or a 401."""


def sign(key: bytes, value: str) -> str:
    mac = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign(key: bytes, signed: str | None) -> str | None:
    if not signed or "." not in signed:
        return None
    value, _, mac = signed.rpartition(".")
    expected = hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
    return value if hmac.compare_digest(mac, expected) else None


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, signed_in: accounts.SignedIn):
    key = request.app.state.signing_key
    response.set_cookie(
        SESSION_COOKIE,
        sign(key, signed_in.token),
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


def session_token(request: Request) -> str | None:
    return unsign(request.app.state.signing_key, request.cookies.get(SESSION_COOKIE))


def current_account(request: Request) -> Account:
    """The signed-in account (cached on the request), or LoginRequired."""
    if hasattr(request.state, "account"):
        return request.state.account
    token = session_token(request)
    found = accounts.session_account(request.app.state.engine, token) if token else None
    if found is None:
        raise LoginRequired()
    request.state.account, request.state.csrf_token = found
    return found[0]


async def csrf_protected(
    request: Request, account: Annotated[Account, Depends(current_account)]
) -> None:
    """Refuse a state-changing request whose CSRF token is not the session's (403)."""
    expected = request.state.csrf_token
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()  # parsed once; the route reads the same form
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "Yêu cầu không hợp lệ (thiếu mã chống giả mạo). Tải lại trang.")


def set_login_csrf(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        sign(request.app.state.signing_key, token),
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/login",
    )


def login_csrf_ok(request: Request, sent: str | None) -> bool:
    expected = unsign(request.app.state.signing_key, request.cookies.get(LOGIN_CSRF_COOKIE))
    return bool(expected and sent and hmac.compare_digest(expected, sent))


def require_office(account: Account, office_code: str | None) -> None:
    """404 (not 403: existence is not disclosed) unless the account sees this office."""
    if not account.sees(office_code):
        raise HTTPException(404, "Không tìm thấy")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
