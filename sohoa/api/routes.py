"""The exchange API under /api/v1 (JSON only; the schema at /api/v1/openapi.json).

Every route but the schema depends on `identity` (a live bearer token, within its rate limit)
and on the scope it needs; data of an office outside the token's subtree is 404, like the web
app's `require_office`. `ApiRoute` turns every error into the JSON error shape and records each
identified call as an `event` row with the token's name. Download links in a dossier are signed
and expire (`LINK_LIFETIME`); following one checks the signature, the expiry, and again that the
token is live and sees the office: they never point at the bucket.
"""

from __future__ import annotations

import base64
import binascii
import gc
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from models.accounts import office_subtree
from models.db import session_scope
from models.events import log_event, mask_citizen_ids
from sohoa.api import examples
from sohoa.api.errors import (
    ERROR_SCHEMA,
    ApiError,
    missing_scope,
    not_found,
    unauthorized,
    validation_error,
)
from sohoa.api.tokens import Identity, RateLimiter, identify, live_identity

PREFIX = "/api/v1"
MAX_ROWS = 10_000
LINK_LIFETIME = 600  # seconds a download link stays valid
FEED_LIMIT = 500


class ApiRoute(APIRoute):
    """Errors as JSON and one `event` row per identified call."""

    def get_route_handler(self):
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await inner(request)
            except ApiError as exc:
                response = exc.response()
            except RequestValidationError as exc:
                response = validation_error(exc).response()
            except HTTPException as exc:
                response = ApiError(exc.status_code, "error", str(exc.detail)).response()
            who: Identity | None = getattr(request.state, "api_identity", None)
            if who is not None and not getattr(request.state, "api_recorded", False):
                await run_in_threadpool(_record_call, request, who, response.status_code)
            return response

        return handler


router = APIRouter(prefix=PREFIX, route_class=ApiRoute)


def _record_call(request: Request, who: Identity, status: int) -> None:
    with session_scope(request.app.state.engine) as session:
        _log_call(session, request, who, status)


def _log_call(session, request: Request, who: Identity, status: int) -> None:
    """The call's `event` row. A route may write it in its own transaction (one commit less)
    and set `request.state.api_recorded`: `ApiRoute` then writes none."""
    log_event(
        session,
        action=f"api {request.method} {request.scope['route'].path}",
        outcome=str(status),
        dossier_code=request.path_params.get("dossier_code"),
        tool="api",
        detail={"token": who.name, "path": request.url.path, "status": status},
    )


def _limiter(request: Request) -> RateLimiter:
    app = request.app
    if not hasattr(app.state, "api_limiter"):
        app.state.api_limiter = RateLimiter()
    return app.state.api_limiter


def identity(request: Request) -> Identity:
    """The calling token (401 if missing, unknown or revoked; 429 over its rate limit)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    who = identify(request.app.state.engine, token.strip())
    if who is None:
        raise unauthorized()
    request.state.api_identity = who
    if not _limiter(request).allow(who.id, who.rate_per_minute):
        raise ApiError(429, "rate_limited", "Quá nhiều yêu cầu, thử lại sau một phút")
    return who


def scoped(scope: str):
    def check(who: Annotated[Identity, Depends(identity)]) -> Identity:
        if scope not in who.scopes:
            raise missing_scope(scope)
        return who

    return check


Reader = Annotated[Identity, Depends(scoped("dossiers:read"))]
Writer = Annotated[Identity, Depends(scoped("register:write"))]
ERRORS = {
    s: {"description": d, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    for s, d in (
        (400, "Bad request"),
        (401, "No valid token"),
        (403, "Scope missing"),
        (404, "Not found"),
        (422, "A parameter of the wrong type or out of range"),
        (429, "Over the token's rate limit"),
    )
}


# ------------------------------------------------------------------ register


@router.post(
    "/register",
    summary="Upsert register rows (the same validation and upsert as `sohoa register import`)",
    openapi_extra={"requestBody": examples.REGISTER_BODY},
    responses={
        200: examples.REGISTER_RESPONSE,
        **ERRORS,
        413: {**ERRORS[400], "description": "More than 10,000 rows"},
    },
)
async def post_register(request: Request, who: Writer) -> JSONResponse:
    raw = await request.body()
    report, bad = await run_in_threadpool(_register, request, raw, who)
    return JSONResponse(
        {
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "bad": bad,
        }
    )


def _register(request: Request, raw: bytes, who: Identity):
    """Parse the batch and upsert it through `models.register.import_rows` (the CSV import's
    fast path and upsert); rows of offices outside the token's subtree are bad rows, each bad
    row reported by its index in the request. The call's event is written in the upsert's
    transaction (one commit a call, not two). The cyclic garbage collector is paused meanwhile:
    the batch's 10,000 row objects would otherwise set off full collections of the whole heap
    (most of the parse's time in the app)."""
    from models.register import import_rows

    with gc_paused():
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ApiError(400, "bad_json", "Nội dung không phải JSON hợp lệ") from None
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ApiError(400, "bad_request", 'Cần một đối tượng {"rows": [...]}')
        if len(rows) > MAX_ROWS:
            raise ApiError(
                413, "too_many_rows", f"Tối đa {MAX_ROWS:,} dòng mỗi lần gửi", {"rows": len(rows)}
            )
        with session_scope(request.app.state.engine) as session:
            report = import_rows(session, rows, offices=who.offices)
            _log_call(session, request, who, 200)
        request.state.api_recorded = True
        bad = [{"index": b.line, "reason": b.reason} for b in report.bad]
        del body, rows
    return report, sorted(bad, key=lambda b: b["index"])


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees everything the
    batch does not keep); nested and concurrent pauses count, the last one out restores it."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


# ------------------------------------------------------------------ dossiers


@router.get(
    "/dossiers/{dossier_code}",
    summary="One dossier: register and digitization facts, documents, download links",
    responses={200: examples.DOSSIER_RESPONSE, **ERRORS},
)
def get_dossier(request: Request, dossier_code: str, who: Reader) -> JSONResponse:
    from models.dossiers import get_dossier as load
    from models.scans import documents_of_dossier, list_scans
    from sohoa.services.scans import _documents

    with session_scope(request.app.state.engine) as session:
        dossier = load(session, dossier_code)
        if dossier is None or not who.sees(dossier.office_code):
            raise not_found()
        scans = list_scans(session, dossier_code=dossier_code, limit=1000)
        found = documents_of_dossier(session, dossier_code)
        documents = _documents(found)
        reviewed = {d.id: d.reviewed_at for d, _ in found}
    expires = int(time.time()) + LINK_LIFETIME
    link = _linker(request, who, expires)
    pii = "pii:read" in who.scopes
    return JSONResponse(
        {
            "code": dossier.code,
            "office_code": dossier.office_code,
            "register": {
                "source": dossier.source,
                "procedure_code": dossier.procedure_code,
                "received_at": _iso(dossier.received_at),
                "channel": dossier.channel,
                "resolved_at": _iso(dossier.resolved_at),
                "result_kind": dossier.result_kind,
                "attributes": dossier.attributes or {},
            },
            "digitization": {
                "components_digitized": dossier.components_digitized,
                "result_digitized": dossier.result_digitized,
                "reused": dossier.reused,
                "scans": [
                    {
                        "id": s.id,
                        "status": s.status,
                        "pages": s.page_count,
                        "ingested_at": _iso(s.ingested_at),
                        "error": s.error,
                        "links": {
                            "original": link(f"/scans/{s.id}/files/original"),
                            "searchable_pdf": link(f"/scans/{s.id}/files/pdf"),
                        }
                        if s.status == "stored"
                        else {},
                    }
                    for s in scans
                ],
            },
            "documents": [
                {
                    "id": d.id,
                    "scan_id": d.scan_id,
                    "type": d.doc_type,
                    "pages": d.pages,
                    "confidence": d.confidence,
                    "review": {
                        "needs_review": d.needs_review,
                        "reasons": d.review_reasons,
                        "fields": d.review_fields,
                        "reviewed_by": d.reviewed_by,
                        "reviewed_at": _iso(reviewed.get(d.id)),
                    },
                    "fields": d.fields if pii else _masked(d.fields),
                    "links": {"pdf": link(f"/documents/{d.id}/pdf")} if d.pdf else {},
                }
                for d in documents
            ],
            "links_expire_at": _iso(datetime.fromtimestamp(expires, UTC)),
        }
    )


def _masked(fields: dict[str, Any]) -> dict[str, Any]:
    """Citizen IDs masked (last 4 digits kept): by key, and any 12-digit run in any value."""
    out = {}
    for key, value in fields.items():
        if "citizen_id" in key and value:
            text = str(value)
            value = "*" * max(len(text) - 4, 0) + text[-4:]
        out[key] = mask_citizen_ids(value)
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@router.get(
    "/dossiers",
    summary="Change feed: dossiers changed since a time, oldest change first, paged by cursor",
    responses={200: examples.FEED_RESPONSE, **ERRORS},
)
def list_dossiers(
    request: Request,
    who: Reader,
    office: Annotated[str | None, Query(description="An office in the token's subtree")] = None,
    changed_since: Annotated[
        datetime | None, Query(description="ISO time; default: the beginning")
    ] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=FEED_LIMIT)] = 100,
) -> JSONResponse:
    from models.changes import changed_dossiers

    after = _decode_cursor(cursor) if cursor else None
    since = _aware(changed_since) if changed_since else None
    with session_scope(request.app.state.engine) as session:
        offices = _offices(session, who, office)
        found = changed_dossiers(session, offices, since=since, after=after, limit=limit)
    items = [
        {
            "code": c.code,
            "office_code": c.office_code,
            "changed_at": c.changed_at.isoformat(),
            "received_at": _iso(c.received_at),
            "components_digitized": c.components_digitized,
            "result_digitized": c.result_digitized,
            "reused": c.reused,
        }
        for c in found
    ]
    last = found[-1] if len(found) == limit else None
    next_cursor = _encode_cursor(last.changed_at, last.code) if last else None
    return JSONResponse({"items": items, "next_cursor": next_cursor})


def _offices(session, who: Identity, office: str | None) -> set[str]:
    if office is None:
        return set(who.offices)
    if not who.sees(office):
        raise not_found("cơ quan")
    return office_subtree(session, office) & set(who.offices)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _encode_cursor(at: datetime, code: str) -> str:
    raw = json.dumps([at.isoformat(), code]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, code = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return _aware(datetime.fromisoformat(at)), str(code)
    except (ValueError, TypeError, binascii.Error):
        raise ApiError(400, "bad_cursor", "Con trỏ trang không hợp lệ") from None


# ------------------------------------------------------------------ rates


@router.get(
    "/rates",
    summary="Digitization rates: the same rows as `sohoa rates --json`",
    responses={200: examples.RATES_RESPONSE, **ERRORS},
)
def get_rates(
    request: Request,
    who: Reader,
    office: Annotated[str | None, Query(description="Default: the token's office")] = None,
    level: Annotated[str | None, Query(description="One level, e.g. commune")] = None,
    period: Annotated[str | None, Query(description="2023-Q3, 2023-09, 2023 or a range")] = None,
) -> JSONResponse:
    from models.rates import compute_rates

    office = office or who.office_code
    if not who.sees(office):
        raise not_found("cơ quan")
    try:
        with session_scope(request.app.state.engine) as session:
            rows = compute_rates(session, office=office, level=level, period=period)
    except (ValueError, LookupError) as exc:  # a bad period; an unknown level
        raise ApiError(400, "bad_request", "Tham số không hợp lệ", str(exc)) from None
    return JSONResponse(jsonable_encoder([r.as_dict() for r in rows]))


# ------------------------------------------------------------------ downloads


def _signature(key: bytes, path: str, token_id: int, expires: int) -> str:
    message = f"{path}|{token_id}|{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _linker(request: Request, who: Identity, expires: int):
    key = request.app.state.signing_key
    base = str(request.base_url).rstrip("/")

    def link(path: str) -> str:
        full = PREFIX + path
        sig = _signature(key, full, who.id, expires)
        return f"{base}{full}?t={who.id}&e={expires}&s={sig}"

    return link


def signed_link(request: Request) -> Identity:
    """The token a download link was made for, if the link is genuine, unexpired, and the
    token still live (401 otherwise)."""
    q = request.query_params
    try:
        token_id, expires, sig = int(q["t"]), int(q["e"]), q["s"]
    except (KeyError, ValueError):
        raise unauthorized() from None
    expected = _signature(request.app.state.signing_key, request.url.path, token_id, expires)
    if not hmac.compare_digest(expected, sig) or expires < time.time():
        raise ApiError(401, "link_expired", "Liên kết tải về không hợp lệ hoặc đã hết hạn")
    who = live_identity(request.app.state.engine, token_id)
    if who is None:
        raise unauthorized()
    request.state.api_identity = who
    return who


Linked = Annotated[Identity, Depends(signed_link)]


def _download(*media: str) -> dict:
    """The answers of a signed download link: the file, or a JSON error (a link altered,
    expired or of a revoked token: 401; the file gone or outside the token's offices: 404)."""
    return {
        200: {"description": "The file", "content": {m: {} for m in media}},
        **{s: ERRORS[s] for s in (401, 404, 422)},
    }


@router.get(
    "/scans/{scan_id}/files/{kind}",
    summary="Download (signed link from a dossier)",
    response_class=StreamingResponse,
    responses=_download("application/pdf", "image/*"),
)
def download_scan_file(
    request: Request, scan_id: int, kind: Literal["original", "pdf"], who: Linked
) -> Response:
    from sohoa.web import viewer

    engine = request.app.state.engine
    try:
        scan = viewer.load_scan(engine, scan_id)
        if not who.sees(viewer.office_of_scan(scan, engine)):
            raise not_found("tệp")
        key, ctype, name = viewer.scan_object(scan, kind)
    except viewer.NotFound:
        raise not_found("tệp") from None
    return _file(request, key, ctype, name)


@router.get(
    "/documents/{document_id}/pdf",
    summary="Download (signed link from a dossier)",
    response_class=StreamingResponse,
    responses=_download("application/pdf"),
)
def download_document(request: Request, document_id: int, who: Linked) -> Response:
    from sohoa.web import viewer

    engine = request.app.state.engine
    try:
        doc, scan = viewer.load_document(engine, document_id)
        if not who.sees(viewer.office_of_scan(scan, engine)):
            raise not_found("tệp")
        key = viewer.document_pdf_key(engine, request.app.state.store, doc, scan)
    except viewer.NotFound:
        raise not_found("tệp") from None
    return _file(request, key, "application/pdf", f"{doc.dossier_code or 'tai-lieu'}-{doc.id}.pdf")


def _file(request: Request, key: str, ctype: str, name: str) -> Response:
    from sohoa.web import viewer

    return StreamingResponse(
        viewer.stream(request.app.state.store, key),
        media_type=ctype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ------------------------------------------------------------------ schema


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    """The API's OpenAPI schema (public: it says how to call, not what is stored)."""
    app = request.app
    if not hasattr(app.state, "api_schema"):
        schema = get_openapi(
            title="sohoa exchange API",
            version="1",
            description=examples.DESCRIPTION,
            routes=router.routes,
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"}
        }
        schema["security"] = [{"bearer": []}]
        app.state.api_schema = schema
    return JSONResponse(app.state.api_schema)
