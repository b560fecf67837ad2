"""The review queue: what the machine was unsure of, for the reviewer's offices, oldest first.

A correction goes through `sohoa.services.review.correct` (the validation of `sohoa review
set`): an invalid value is refused naming the field and nothing changes. Only the fields the
reviewer changed are sent, so a value left as the machine read it keeps its confidence; "accept
as is" is a correction with no change (it clears the mark). Each is an event (before/after, who).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ocr.fields.confidence import fields_to_check
from ocr.taxonomy import DOC_TYPES
from sohoa.services import review
from sohoa.services.accounts import Account
from sohoa.web.security import csrf_protected, current_account, require_office
from sohoa.web.templating import templates
from sohoa.web.viewer import mask_id

router = APIRouter(dependencies=[Depends(current_account)])
Me = Annotated[Account, Depends(current_account)]
QUEUE_SHOWN = 50
FIELD_PREFIX = "f_"  # form field f_<key>: the value typed; o_<key>: the value shown


@router.get("/review")
def queue(request: Request, me: Me) -> Response:
    return _page(request, me, None)


@router.get("/review/{document_id}")
def item(request: Request, me: Me, document_id: int) -> Response:
    return _page(request, me, document_id)


@router.post("/review/{document_id}", dependencies=[Depends(csrf_protected)])
async def save(request: Request, me: Me, document_id: int) -> Response:
    detail = _detail(request, me, document_id)
    form = await request.form()
    fields = {}
    for name, value in form.multi_items():
        if not name.startswith(FIELD_PREFIX) or not isinstance(value, str):
            continue
        key = name[len(FIELD_PREFIX) :]
        shown = form.get("o_" + key)
        if value.strip() != (shown if isinstance(shown, str) else "").strip():
            fields[key] = value.strip()
    doc_type = form.get("doc_type")
    doc_type = doc_type if isinstance(doc_type, str) and doc_type != detail.doc_type else None
    return await _correct(request, me, detail, doc_type, fields)


@router.post("/review/{document_id}/accept", dependencies=[Depends(csrf_protected)])
async def accept(request: Request, me: Me, document_id: int) -> Response:
    detail = _detail(request, me, document_id)
    return await _correct(request, me, detail, None, {})


async def _correct(request: Request, me: Account, detail, doc_type, fields) -> Response:
    app = request.app
    if not detail.needs_review or detail.reviewed_by:
        return RedirectResponse("/review", status_code=303)
    try:
        await run_in_threadpool(
            review.correct,
            app.state.settings,
            detail.id,
            doc_type=doc_type,
            fields=fields,
            reviewer=me.username,
            engine=app.state.engine,
            tool="web",
        )
    except ValueError as exc:
        status = 200 if request.headers.get("HX-Request") else 400  # htmx swaps 2xx only
        return _page(request, me, detail.id, error=str(exc), typed=fields, status=status)
    following = _next_after(request, me, detail.id)
    target = f"/review/{following}" if following else "/review"
    if request.headers.get("HX-Request"):
        return _page(request, me, following, notice=_saved(detail, fields, doc_type))
    return RedirectResponse(target, status_code=303)


def _saved(detail, fields: dict, doc_type: str | None) -> str:
    what = len(fields) + (doc_type is not None)
    return f"Đã lưu tài liệu #{detail.id}" + (f" ({what} sửa đổi)." if what else " (giữ nguyên).")


def _next_after(request: Request, me: Account, done_id: int) -> int | None:
    items = _queue(request, me)
    later = [i.id for i in items if i.id > done_id]
    return later[0] if later else (items[0].id if items else None)


def _queue(request: Request, me: Account) -> list[review.ReviewItem]:
    app = request.app
    return review.pending(
        app.state.settings, QUEUE_SHOWN, offices=me.offices, engine=app.state.engine
    )


def _detail(request: Request, me: Account, document_id: int) -> review.ReviewDetail:
    app = request.app
    try:
        detail = review.show(app.state.settings, document_id, engine=app.state.engine)
    except LookupError:
        raise HTTPException(404, "Không tìm thấy tài liệu") from None
    require_office(me, detail.office_code)
    return detail


def _page(
    request: Request,
    me: Account,
    document_id: int | None,
    *,
    error: str | None = None,
    notice: str | None = None,
    typed: dict | None = None,
    status: int = 200,
) -> Response:
    app = request.app
    items = _queue(request, me)
    count = review.pending_count(app.state.settings, offices=me.offices, engine=app.state.engine)
    current = None
    if document_id is not None:
        current = _detail(request, me, document_id)
    elif items:
        current = _detail(request, me, items[0].id)
    ids = [i.id for i in items]
    at = ids.index(current.id) if current and current.id in ids else None
    context = {
        "account": me,
        "csrf_token": request.state.csrf_token,
        "items": items,
        "count": count,
        "current": current,
        "rows": _field_rows(current, typed or {}) if current else [],
        "previous_id": ids[at - 1] if at else None,
        "next_id": ids[at + 1] if at is not None and at + 1 < len(ids) else None,
        "doc_types": DOC_TYPES,
        "error": error,
        "notice": notice,
    }
    name = "_review_panel.html" if request.headers.get("HX-Request") else "review.html"
    return templates.TemplateResponse(request, name, context, status_code=status)


def _field_rows(detail: review.ReviewDetail, typed: dict) -> list[dict]:
    """The fields as the form shows them: value, confidence, page; keys the machine missed
    (a "missing <key>" or "unread <key>" reason) appear empty, to be filled in; the fields review
    points at (fields_to_check) are flagged low."""
    keys = list(detail.fields)
    pointed = fields_to_check(detail.field_details, detail.reasons)  # unsure, missing, unread
    keys += [k for k in pointed if k not in keys]
    rows = []
    for key in keys:
        info = detail.field_details.get(key)
        info = info if isinstance(info, dict) else {}
        value = detail.fields.get(key)
        shown = "" if value is None else str(value)
        sensitive = "citizen_id" in key  # never sent to the browser whole: typed anew
        masked = mask_id(shown) if sensitive else ""
        shown = "" if sensitive else shown
        rows.append(
            {
                "key": key,
                "shown": shown,
                "value": "" if sensitive else typed.get(key, shown),
                "placeholder": masked,
                "confidence": info.get("confidence"),
                "page": info.get("page"),
                "low": key in pointed or any(r.endswith(f" {key}") for r in detail.reasons),
            }
        )
    return rows
