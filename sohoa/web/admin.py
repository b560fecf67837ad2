"""Administration (admins only): accounts — create, disable or enable, reset the password, change
role and office — through `sohoa.services.accounts` (the checks of `sohoa user`), and the
offices register import through `sohoa.services.offices` (the checks of `sohoa offices import`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from models.accounts import ROLES
from sohoa.services import accounts, offices
from sohoa.services.accounts import Account, AccountError
from sohoa.web.security import csrf_protected, current_account
from sohoa.web.templating import templates


def admin_only(me: Annotated[Account, Depends(current_account)]) -> Account:
    if me.role != "admin":
        raise HTTPException(403, "Chỉ quản trị viên được dùng trang này")
    return me


router = APIRouter(dependencies=[Depends(current_account), Depends(admin_only)])
Admin = Annotated[Account, Depends(admin_only)]
Posted = [Depends(csrf_protected)]
MAX_OFFICES_CSV = 20 << 20


@router.get("/admin")
def page(request: Request, me: Admin, done: str = "") -> Response:
    return _render(request, me, notice=_DONE.get(done))


_DONE = {
    "created": "Đã tạo tài khoản.",
    "disabled": "Đã khóa tài khoản (các phiên đăng nhập đã kết thúc).",
    "enabled": "Đã mở khóa tài khoản.",
    "password": "Đã đặt lại mật khẩu (các phiên đăng nhập đã kết thúc).",
    "role": "Đã đổi vai trò và đơn vị (các phiên đăng nhập đã kết thúc).",
}


@router.post("/admin/users", dependencies=Posted)
def create_user(
    request: Request,
    me: Admin,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    office: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
) -> Response:
    def run() -> None:
        accounts.add_user(
            request.app.state.engine,
            username,
            password,
            role=role,
            office=office.strip() or None,
            full_name=full_name.strip(),
        )

    return _act(request, me, run, "created", {"created": username})


@router.post("/admin/users/{username}/disable", dependencies=Posted)
def disable(request: Request, me: Admin, username: str, enable: Annotated[bool, Form()] = False):
    if username == me.username and not enable:
        return _render(request, me, error="Không thể tự khóa tài khoản của mình.", status=400)
    engine = request.app.state.engine
    done = "enabled" if enable else "disabled"
    return _act(
        request,
        me,
        lambda: accounts.set_disabled(engine, username, not enable),
        done,
        {done: username},
    )


@router.post("/admin/users/{username}/password", dependencies=Posted)
def reset_password(
    request: Request, me: Admin, username: str, password: Annotated[str, Form()] = ""
) -> Response:
    engine = request.app.state.engine
    return _act(
        request,
        me,
        lambda: accounts.set_password(engine, username, password),
        "password",
        {"password_reset": username},
    )


@router.post("/admin/users/{username}/role", dependencies=Posted)
def change_role(
    request: Request,
    me: Admin,
    username: str,
    role: Annotated[str, Form()] = "",
    office: Annotated[str, Form()] = "",
) -> Response:
    engine = request.app.state.engine
    return _act(
        request,
        me,
        lambda: accounts.set_role(engine, username, role, office),
        "role",
        {"role": role, "office": office, "user_changed": username},
    )


@router.post("/admin/offices", dependencies=Posted)
async def import_offices(
    request: Request, me: Admin, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    if file is None or not file.filename:
        return _render(request, me, error="Chưa chọn tệp CSV danh mục đơn vị.", status=400)
    folder = request.app.state.cache_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "offices.csv"
        body = await file.read(MAX_OFFICES_CSV + 1)
        if len(body) > MAX_OFFICES_CSV:
            return _render(request, me, error="Tệp danh mục quá lớn (tối đa 20 MB).", status=400)
        path.write_bytes(body)
        try:
            report = await run_in_threadpool(offices.import_offices, request.app.state.engine, path)
        except (ValueError, UnicodeDecodeError) as exc:
            reason = str(exc).replace(str(path), file.filename)
            return _render(
                request, me, error=f"Không nhập được {file.filename}: {reason}", status=400
            )
    accounts.record_access(
        request.app.state.engine,
        me,
        "offices-import",
        {
            "file": file.filename,
            "created": report.created,
            "updated": report.updated,
            "bad": len(report.bad),
        },
    )
    return _render(request, me, report=report, filename=file.filename, status=200)


def _act(request: Request, me: Account, run, done: str, what: dict) -> Response:
    try:
        run()
    except AccountError as exc:
        return _render(request, me, error=str(exc), status=400)
    accounts.record_access(request.app.state.engine, me, "admin", what)
    return RedirectResponse(f"/admin?done={done}", status_code=303)


def _render(request: Request, me: Account, status: int = 200, **context) -> Response:
    users = accounts.list_users(request.app.state.engine)
    context.update(account=me, csrf_token=request.state.csrf_token, users=users, roles=ROLES)
    return templates.TemplateResponse(request, "admin.html", context, status_code=status)
