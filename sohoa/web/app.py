"""The FastAPI application: one database engine and one object store for the server's lifetime
(the embedded S3 server is started or reused, and held until shutdown), a worker thread that
runs queued uploads through the ingest flow, and the routers.

Every router but `public` depends on `current_account`; PUBLIC_PATHS lists what an anonymous
client may fetch, and tests/test_web_security.py walks `app.routes` to hold the app to it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from sohoa.settings import Settings, get_settings
from sohoa.web.config import WebSettings, signing_key
from sohoa.web.security import LoginRequired

HERE = Path(__file__).parent
STATIC = HERE / "static"
PUBLIC_PATHS = ("/login", "/static", "/healthz", "/api/v1/openapi.json")
log = logging.getLogger("sohoa.web")


def create_app(
    settings: Settings | None = None, web: WebSettings | None = None, *, worker: bool | None = None
) -> FastAPI:
    """The app on these settings. `worker=False`: uploads stay queued until something calls
    `sohoa.services.uploads.run_pending` (tests do, to control timing)."""
    settings = settings or get_settings()
    web = web or WebSettings()
    run_worker = web.worker if worker is None else worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from sohoa.runtime import open_database, open_store
        from sohoa.services import uploads

        with ExitStack() as stack:
            app.state.engine = open_database(settings)
            stack.callback(app.state.engine.dispose)
            app.state.store = stack.enter_context(open_store(settings))
            uploads.recover(app.state.engine)
            if run_worker:
                stop = threading.Event()
                thread = threading.Thread(
                    target=_work, args=(app, settings, stop), name="sohoa-uploads", daemon=True
                )
                thread.start()
                stack.callback(thread.join, 30)
                stack.callback(stop.set)
            yield

    app = FastAPI(
        title="sohoa",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.web = web
    app.state.signing_key = signing_key(web, settings.data_dir)
    app.state.cache_dir = settings.data_dir / "cache" / "web"
    app.state.wake = threading.Event()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from sohoa.web import pages, public

    app.include_router(public.router)
    app.include_router(pages.router)
    from sohoa.web import admin, rates, review, search  # part 2: review, search, rates, admin

    for part in (review, search, rates, admin):
        app.include_router(part.router)
    from sohoa.api.routes import router as api_router  # the exchange API: bearer tokens

    app.include_router(api_router)
    app.add_middleware(BodyLimit, max_bytes=web.max_upload_bytes + (1 << 20))
    _errors(app)
    return app


def all_routes(app: FastAPI) -> list[BaseRoute]:
    """The app's routes with included routers flattened (FastAPI >= 0.150 keeps an included
    router as one entry; older versions copy its routes): what the route-walk tests check."""

    def walk(routes) -> list[BaseRoute]:
        found: list[BaseRoute] = []
        for route in routes:
            inner = getattr(route, "original_router", None)
            found.extend(walk(inner.routes) if inner is not None else [route])
        return found

    return walk(app.routes)


def _work(app: FastAPI, settings: Settings, stop: threading.Event) -> None:
    """Run queued uploads through the ingest flow, one flow run at a time, until shutdown."""
    from sohoa.runtime import prefect_ready
    from sohoa.services import uploads

    prefect_ready(settings)
    access = logging.getLogger("uvicorn.access")
    kept = (access.level, list(access.handlers), access.propagate)
    while not stop.is_set():
        try:
            done = uploads.run_pending(app.state.engine, settings)
        except Exception:  # noqa: BLE001 (the worker must outlive one bad run; it is logged)
            log.exception("upload worker: run failed")
            done = 0
        if done:  # Prefect reconfigures logging when its server starts: keep the access log
            access.setLevel(kept[0])
            access.handlers[:] = kept[1]
            access.propagate = kept[2]
        if not done:
            app.state.wake.wait(2.0)
            app.state.wake.clear()


def _errors(app: FastAPI) -> None:
    from sohoa.web.templating import templates

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/login", status_code=303)
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return Response("Cần đăng nhập", status_code=401, media_type="text/plain; charset=utf-8")

    @app.exception_handler(StarletteHTTPException)  # the router's 404/405 too, not only ours
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):  # unknown path or method under /api/: the API's JSON errors
            from sohoa.api.errors import routing_error

            return routing_error(request, exc.status_code, exc.headers)
        detail = exc.detail if isinstance(exc.detail, str) else "Lỗi"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Không tìm thấy trang này"
        if exc.status_code == 405:
            detail = "Phương thức không được phép"
        account = getattr(request.state, "account", None)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "message": detail, "account": account},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        """A malformed path or query (`../`, a page that is not a number) is simply not found;
        a malformed form is a bad request."""
        if _is_api(request):
            from sohoa.api.errors import validation_error

            return validation_error(exc).response()
        if any(e.get("loc", ("",))[0] == "body" for e in exc.errors()):
            return HTMLResponse("Chưa chọn tệp nào, hoặc biểu mẫu không hợp lệ", status_code=400)
        return HTMLResponse("Không tìm thấy", status_code=404)


def _is_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


class BodyLimit:
    """ASGI middleware: a request body larger than `max_bytes` is cut off with 413 while it
    arrives (Content-Length checked first), so an oversized upload never fills the disk."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            return await _too_large(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send) -> None:
    body = "Tệp tải lên quá lớn".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})
