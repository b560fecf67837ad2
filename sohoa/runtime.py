"""Building the shared resources a command needs from settings: database, object store, OCR
options, Prefect's environment. The one place that turns configuration into adapters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from ocr.load import Limits
from ocr.pipeline import Options
from sohoa.settings import Settings, get_settings
from storage import embedded
from storage.errors import StorageError
from storage.objects import ObjectStore, VerifyMode


def prefect_ready(settings: Settings | None = None, *, serve: bool = False) -> str | None:
    """Set Prefect's environment; call before anything imports `prefect`. Returns the server's
    API URL, None for a temporary one. `serve`: a batch command (ingest, backfill) serves the
    temporary API from a thread of its own process instead of Prefect's second process."""
    from flows.prefect_env import configure, serve_temporarily

    url = configure(settings or get_settings())
    if url is None and serve:
        serve_temporarily()
    return url


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database with the schema migrated to the newest version."""
    from models.db import make_engine, migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.data_dir.chmod(0o700)  # the database, originals and claims: owner only
    engine = make_engine(settings.db_url)
    migrate(engine)
    if engine.url.get_backend_name() == "sqlite" and engine.url.database:
        Path(engine.url.database).chmod(0o600)  # it holds citizen IDs: owner only
    return engine


@contextmanager
def open_store(
    settings: Settings | None = None, *, verify: VerifyMode = "stat"
) -> Iterator[ObjectStore]:
    """The configured store: `SOHOA_S3_ENDPOINT` if set, else the embedded server (reused or
    started, and released on exit). The bucket exists when this yields."""
    settings = settings or get_settings()
    if settings.s3_endpoint:
        store = ObjectStore.from_endpoint(
            external_endpoint(settings), settings.s3_bucket, verify=verify
        )
        store.ensure_bucket()
        yield store
        return
    with embedded.EmbeddedServer(settings.data_dir) as endpoint:
        store = ObjectStore.from_endpoint(endpoint, settings.s3_bucket, verify=verify)
        store.ensure_bucket()
        yield store


def external_endpoint(settings: Settings) -> embedded.EndpointInfo:
    """The production S3 endpoint from `SOHOA_S3_*` (scheme in the URL wins over SECURE)."""
    endpoint = settings.s3_endpoint or ""
    secure = settings.s3_secure
    for scheme, is_secure in (("https://", True), ("http://", False)):
        if endpoint.startswith(scheme):
            endpoint, secure = endpoint[len(scheme) :], is_secure
    endpoint = endpoint.rstrip("/")
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
    if bool(settings.s3_access_key) != bool(secret):
        raise StorageError(
            "SOHOA_S3_ENDPOINT is set: give both SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY"
        )
    return embedded.EndpointInfo(
        endpoint=endpoint,
        access_key=settings.s3_access_key or "",
        secret_key=secret or "",
        secure=secure,
        region=settings.s3_region,
    )


def tessdata_dir(settings: Settings, variant: str | None = None) -> Path | None:
    """SOHOA_TESSDATA_DIR, else the installed chosen model under the data dir, else system."""
    from ocr.tessdata import resolve_tessdata_dir

    return resolve_tessdata_dir(settings.data_dir, variant, settings.tessdata_dir)


def model_path(settings: Settings) -> Path:
    """Where `sohoa train` writes the page classifier and every reader looks for it."""
    return settings.data_dir / "models" / "page-model.npz"


def trained_model(settings: Settings) -> Path | None:
    """The model trained on this data dir, or None for the one shipped with sohoa."""
    path = model_path(settings)
    return path.resolve() if path.is_file() else None


def fixity_windows(settings: Settings) -> dict[str, timedelta]:
    """How old an unreferenced object must be to count as an orphan, and a parked one to go."""
    return {
        "orphan_grace": timedelta(minutes=settings.orphan_grace_minutes),
        "purge_after": timedelta(days=settings.orphan_purge_days),
    }


def ocr_options(settings: Settings) -> Options:
    """The recognition options every page of a scan is read with, from settings."""
    limits = Limits(
        max_page_pixels=int(settings.max_page_mpx * 1e6),
        max_decode_pixels=int(settings.max_decode_mpx * 1e6),
        max_pages=settings.max_pages,
        max_file_bytes=int(settings.max_file_mb * 1024**2),
    )
    return Options(
        lang=settings.ocr_lang,
        tessdata_dir=tessdata_dir(settings),
        model_path=trained_model(settings),
        limits=limits,
        tesseract_seconds=settings.tesseract_seconds,
        page_seconds=settings.page_seconds,
    )
