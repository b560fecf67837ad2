"""The signed-in pages: upload and live status, dossier, document and page views, downloads.

Every route here depends on `current_account` (the router's dependency), every POST on
`csrf_protected`, and every route that names a dossier, scan, page or document checks the
office with `require_office` before reading a byte of it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from models.tables import Scan
from sohoa.services import accounts, uploads
from sohoa.services.accounts import Account
from sohoa.web import security, viewer
from sohoa.web.security import csrf_protected, current_account, require_office
from sohoa.web.templating import templates

router = APIRouter(dependencies=[Depends(current_account)])
Me = Annotated[Account, Depends(current_account)]
ScanKind = Literal["original", "pdf", "text", "manifest"]
PageKind = Literal["original", "alto", "hocr", "text"]


def _render(request: Request, name: str, account: Account, status: int = 200, **context):
    context.update(account=account, csrf_token=request.state.csrf_token)
    return templates.TemplateResponse(request, name, context, status_code=status)


# ------------------------------------------------------------------ home: upload + status


@router.get("/")
def home(request: Request, me: Me) -> Response:
    rows = uploads.status_rows(request.app.state.engine, me)
    return _render(request, "home.html", me, **_status_context(request, rows))


@router.get("/uploads/status")
def upload_status(request: Request, me: Me) -> Response:
    """The status list alone, for HTMX polling (every 2 s while something is in progress)."""
    rows = uploads.status_rows(request.app.state.engine, me)
    return _render(request, "_status.html", me, **_status_context(request, rows))


@router.post("/uploads", dependencies=[Depends(csrf_protected)])
async def upload(
    request: Request,
    me: Me,
    files: Annotated[list[UploadFile] | None, File()] = None,
    dossier: Annotated[str, Form()] = "",
    as_folder: Annotated[bool, Form()] = False,
) -> Response:
    files = files or []
    incoming = [uploads.Incoming(f.filename or "", f.file) for f in files]
    app = request.app
    try:
        created = await run_in_threadpool(
            uploads.accept,
            app.state.engine,
            app.state.settings,
            me,
            incoming,
            as_folder=as_folder,
            dossier=dossier,
            max_bytes=app.state.web.max_upload_bytes,
        )
    except uploads.UploadRefused as exc:
        rows = uploads.status_rows(app.state.engine, me)
        context = _status_context(request, rows)
        if request.headers.get("HX-Request"):  # htmx swaps only 2xx answers: say it in the list
            return _render(request, "_status.html", me, error=str(exc), **context)
        return _render(request, "home.html", me, status=400, error=str(exc), **context)
    finally:
        for f in files:
            await f.close()
    app.state.wake.set()
    if request.headers.get("HX-Request"):
        rows = uploads.status_rows(app.state.engine, me)
        notice = f"Đã nhận {len(created)} bản quét, đang chờ nhận dạng."
        return _render(request, "_status.html", me, notice=notice, **_status_context(request, rows))
    return RedirectResponse("/", status_code=303)


def _status_context(request: Request, rows) -> dict:
    ui = request.app.state.web.prefect_ui_url()
    return {"uploads": rows, "pending": uploads.pending(rows), "prefect_ui": ui}


@router.post("/logout", dependencies=[Depends(csrf_protected)])
def logout(request: Request, me: Me) -> Response:
    token = security.session_token(request)
    if token:
        accounts.sign_out(request.app.state.engine, token)
    accounts.record_access(request.app.state.engine, me, "logout")
    response = RedirectResponse("/login", status_code=303)
    security.clear_session_cookie(response, request)
    return response


# ------------------------------------------------------------------ dossiers


@router.get("/dossiers")
def dossiers(request: Request, me: Me) -> Response:
    rows = viewer.recent_dossiers(request.app.state.engine, me.offices)
    return _render(request, "dossiers.html", me, dossiers=rows)


@router.get("/dossiers/{dossier_code}")
def dossier(request: Request, me: Me, dossier_code: str) -> Response:
    engine = request.app.state.engine
    try:
        view = viewer.dossier_view(engine, dossier_code)
    except viewer.NotFound:
        raise HTTPException(404, "Không tìm thấy hồ sơ") from None
    require_office(me, view.office_code)
    accounts.record_access(engine, me, "view", {"page": "dossier"}, dossier_code=view.code)
    return _render(request, "dossier.html", me, view=view)


@router.get("/documents/{document_id}")
def document(request: Request, me: Me, document_id: int) -> Response:
    engine = request.app.state.engine
    doc, scan = _document(request, me, document_id)
    accounts.record_access(
        engine,
        me,
        "view",
        {"page": "document", "document_id": document_id},
        dossier_code=scan.dossier_code,
        scan_sha256=scan.sha256,
    )
    fields = viewer.field_rows(doc)
    return _render(request, "document.html", me, doc=doc, scan=scan, fields=fields)


@router.get("/scans/{scan_id}/pages/{number}")
def page(request: Request, me: Me, scan_id: int, number: int) -> Response:
    engine = request.app.state.engine
    scan = _scan(request, me, scan_id)
    found = _page(request, scan, number)
    doc = viewer.document_of_page(engine, scan_id, number)
    accounts.record_access(
        engine,
        me,
        "view",
        {"page": "page", "scan_id": scan_id, "number": number},
        dossier_code=scan.dossier_code,
        scan_sha256=scan.sha256,
    )
    return _render(
        request,
        "page.html",
        me,
        scan=scan,
        page=found,
        doc=doc,
        fields=viewer.field_rows(doc) if doc else [],
        count=scan.page_count,
        folder_original=(scan.original_key or "").endswith("/"),
    )


@router.get("/scans/{scan_id}/pages/{number}/image")
def page_image(request: Request, me: Me, scan_id: int, number: int) -> Response:
    return _image(request, me, scan_id, number, "image")


@router.get("/scans/{scan_id}/pages/{number}/thumb")
def page_thumb(request: Request, me: Me, scan_id: int, number: int) -> Response:
    return _image(request, me, scan_id, number, "thumb")


def _image(request: Request, me: Me, scan_id: int, number: int, size: str) -> Response:
    scan = _scan(request, me, scan_id)
    _page(request, scan, number)
    app = request.app
    path = viewer.page_image(app.state.store, app.state.cache_dir, scan, number, size)
    # private: a shared cache must not hand one office's page to another office's user
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private"})


# ------------------------------------------------------------------ downloads


@router.get("/scans/{scan_id}/files/{kind}")
def scan_file(request: Request, me: Me, scan_id: int, kind: ScanKind) -> Response:
    scan = _scan(request, me, scan_id)
    try:
        key, ctype, name = viewer.scan_object(scan, kind)
    except viewer.NotFound:
        raise HTTPException(404, "Không có tệp này") from None
    return _download(request, me, scan, key, ctype, name, {"kind": kind})


@router.get("/documents/{document_id}/pdf")
def document_pdf(request: Request, me: Me, document_id: int) -> Response:
    """The document's own searchable PDF (its pages only), as the pipeline split it."""
    doc, scan = _document(request, me, document_id)
    try:
        key = viewer.document_pdf_key(request.app.state.engine, request.app.state.store, doc, scan)
    except viewer.NotFound:
        raise HTTPException(404, "Không có tệp này") from None
    name = f"{scan.dossier_code or 'scan'}-{key.rsplit('/', 1)[-1]}"
    return _download(request, me, scan, key, "application/pdf", name, {"document_id": doc.id})


@router.get("/scans/{scan_id}/pages/{number}/files/{kind}")
def page_file(request: Request, me: Me, scan_id: int, number: int, kind: PageKind) -> Response:
    scan = _scan(request, me, scan_id)
    _page(request, scan, number)
    try:
        key, ctype, name = viewer.scan_object(scan, kind, page=number)
        if kind == "original":
            key = viewer.find_original_page(request.app.state.store, key)
            name = f"{name}{key.rsplit('.', 1)[-1]}"
    except viewer.NotFound:
        raise HTTPException(404, "Không có tệp này") from None
    return _download(request, me, scan, key, ctype, name, {"kind": kind, "page": number})


def _download(request, me, scan: Scan, key: str, ctype: str, name: str, what: dict) -> Response:
    store = request.app.state.store
    stored = store.stat(key) if key else None
    if stored is None:
        raise HTTPException(404, "Không có tệp này")
    accounts.record_access(
        request.app.state.engine,
        me,
        "download",
        {"scan_id": scan.id, **what},
        dossier_code=scan.dossier_code,
        scan_sha256=scan.sha256,
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(stored.size),
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(viewer.stream(store, key), media_type=ctype, headers=headers)


# ------------------------------------------------------------------ checks


def _scan(request: Request, me: Account, scan_id: int) -> Scan:
    engine = request.app.state.engine
    try:
        scan = viewer.load_scan(engine, scan_id)
    except viewer.NotFound:
        raise HTTPException(404, "Không tìm thấy bản quét") from None
    require_office(me, viewer.office_of_scan(scan, engine))
    return scan


def _page(request: Request, scan: Scan, number: int):
    try:
        return viewer.load_page(request.app.state.engine, scan.id or 0, number)
    except viewer.NotFound:
        raise HTTPException(404, "Không có trang này") from None


def _document(request: Request, me: Account, document_id: int):
    engine = request.app.state.engine
    try:
        doc, scan = viewer.load_document(engine, document_id)
    except viewer.NotFound:
        raise HTTPException(404, "Không tìm thấy tài liệu") from None
    require_office(me, viewer.office_of_scan(scan, engine))
    return doc, scan
