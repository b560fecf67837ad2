"""What an anonymous client may reach: the login form, sign-out and a health check."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from sohoa.services import accounts
from sohoa.web import security
from sohoa.web.templating import templates

router = APIRouter()


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """For load balancers and Kubernetes probes: the process answers (no data, no database)."""
    return "ok"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, error=None, username="", next_url=next)


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    if not security.login_csrf_ok(request, csrf_token):
        return _login_page(
            request,
            error="Phiên đăng nhập đã hết hạn, vui lòng thử lại.",
            username=username,
            status=403,
            next_url=next,
        )
    address = security.client_address(request)
    try:
        signed_in = accounts.sign_in(request.app.state.engine, username, password, address)
    except accounts.LoginRefused as exc:
        return _login_page(
            request,
            error=exc.message,
            username=username,
            status=429 if exc.limited else 401,
            next_url=next,
        )
    accounts.record_access(
        request.app.state.engine, signed_in.account, "login", {"address": address}
    )
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    security.set_session_cookie(response, request, signed_in)
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/login")
    return response


def _login_page(
    request: Request, *, error: str | None, username: str, next_url: str, status: int = 200
) -> Response:
    """The form with a fresh pre-login CSRF token, in the page and in a signed cookie."""
    token = secrets.token_urlsafe(32)
    context = {"error": error, "username": username, "next": next_url, "csrf_token": token}
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    security.set_login_csrf(request, response, token)
    return response
