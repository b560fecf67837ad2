"""What the dossier, document and page views show, and the files behind them: page images
rendered from the stored searchable PDF (cached by scan hash, which never changes), downloads
streamed from object storage chunk by chunk (the browser never gets a bucket URL).

Object keys come from the database rows only; a request names a kind from a fixed list and a
page number, never a path, so there is nothing to traverse.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from models import accounts as db
from models import documents, dossiers, scans
from models.db import session_scope
from models.tables import STORED, Document, Dossier, Page, Scan
from storage.objects import ObjectStore

# download kind -> (object under the scan's digitized prefix, or None: a key column), type
SCAN_FILES = {
    "original": (None, None),
    "pdf": ("searchable.pdf", "application/pdf"),
    "text": ("text.txt", "text/plain; charset=utf-8"),
    "manifest": (None, "application/json"),
}
PAGE_FILES = {
    "alto": ("alto/{n:04d}.xml", "application/xml"),
    "hocr": ("hocr/{n:04d}.hocr", "text/html; charset=utf-8"),
    "text": ("pages/{n:04d}.txt", "text/plain; charset=utf-8"),
}
IMAGE_WIDTHS = {"thumb": 180, "image": 1400}
ORIGINAL_TYPES = {
    "pdf": "application/pdf",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


@dataclass
class ScanView:
    scan: Scan
    documents: list[Document]
    pages: list[Page]


@dataclass
class DossierView:
    dossier: Dossier | None
    code: str
    office_code: str | None
    scans: list[ScanView] = field(default_factory=list)


class NotFound(LookupError):
    pass


def dossier_view(engine: Engine, code: str) -> DossierView:
    """The dossier's register row (if any), its stored scans, their documents and pages."""
    with session_scope(engine) as session:
        dossier = dossiers.get_dossier(session, code)
        stored = scans.list_scans(session, status=STORED, dossier_code=code, limit=10_000)
        if dossier is None and not stored:
            raise NotFound(code)
        documents = [doc for doc, _ in scans.documents_of_dossier(session, code)]
        views = [
            ScanView(
                scan=s,
                documents=[d for d in documents if d.scan_id == s.id],
                pages=db.scan_pages(session, s.id or 0),
            )
            for s in reversed(stored)  # oldest first
        ]
    office = dossier.office_code if dossier else stored[0].office_code
    return DossierView(dossier, code, office, views)


def office_of_scan(scan: Scan, engine: Engine) -> str | None:
    """The office a scan belongs to: its dossier's office, else the scan's own office code."""
    if scan.dossier_code:
        with session_scope(engine) as session:
            dossier = dossiers.get_dossier(session, scan.dossier_code)
        if dossier is not None:
            return dossier.office_code
    return scan.office_code


def load_scan(engine: Engine, scan_id: int) -> Scan:
    with session_scope(engine) as session:
        scan = scans.get_scan(session, scan_id)
    if scan is None or scan.status != STORED:
        raise NotFound(scan_id)
    return scan


def load_page(engine: Engine, scan_id: int, number: int) -> Page:
    with session_scope(engine) as session:
        found = db.page(session, scan_id, number)
    if found is None:
        raise NotFound((scan_id, number))
    return found


def load_document(engine: Engine, document_id: int) -> tuple[Document, Scan]:
    try:
        with session_scope(engine) as session:
            doc = documents.get_document(session, document_id)
            scan = scans.get_scan(session, doc.scan_id)
    except LookupError:
        raise NotFound(document_id) from None
    if scan is None or scan.status != STORED:
        raise NotFound(document_id)
    return doc, scan


def document_of_page(engine: Engine, scan_id: int, number: int) -> Document | None:
    """The document a page belongs to (the split puts every page in one)."""
    with session_scope(engine) as session:
        documents = db.scan_documents(session, [scan_id])
    return next((d for d in documents if number in (d.pages or [])), None)


def recent_dossiers(engine: Engine, offices: frozenset[str] | None) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        return db.recent_dossiers(session, None if offices is None else set(offices))


def field_rows(doc: Document) -> list[dict[str, Any]]:
    """Fields with their confidence and page, citizen IDs masked (last 4 digits shown)."""
    details = doc.field_details or {}
    rows = []
    for key, value in (doc.fields or {}).items():
        detail = details.get(key) or {}
        if not isinstance(detail, dict):
            detail = {}
        rows.append(
            {
                "key": key,
                "value": mask_id(value) if "citizen_id" in key else value,
                "confidence": detail.get("confidence"),
                "page": detail.get("page"),
                "reviewed": bool(detail.get("reviewed_by") or detail.get("by")),
            }
        )
    return rows


def mask_id(value: Any) -> Any:
    text = str(value or "")
    return "•" * max(len(text) - 4, 0) + text[-4:] if text else value


# ------------------------------------------------------------------ files


def scan_object(scan: Scan, kind: str, *, page: int | None = None) -> tuple[str, str, str]:
    """(key, content type, download name) of one stored file of a scan."""
    prefix = scan.digitized_prefix or ""
    stem = f"{(scan.dossier_code or 'scan')}-{scan.id}"
    if page is not None:
        if kind == "original":
            key = _original_page_key(scan, page)
            ext = key.rsplit(".", 1)[-1]
            return key, ORIGINAL_TYPES.get(ext, "application/octet-stream"), f"{stem}-{page}.{ext}"
        template, ctype = PAGE_FILES[kind]
        name = template.format(n=page)
        return prefix + name, ctype, f"{stem}-{name.replace('/', '-')}"
    if kind == "original":
        key = scan.original_key or ""
        if key.endswith("/"):
            raise NotFound("a folder scan: download its pages one by one")
        ext = key.rsplit(".", 1)[-1]
        return key, ORIGINAL_TYPES.get(ext, "application/octet-stream"), f"{stem}-goc.{ext}"
    if kind == "manifest":
        return scan.manifest_key or "", "application/json", f"{stem}-manifest.json"
    name, ctype = SCAN_FILES[kind]
    assert name and ctype
    return prefix + name, ctype, f"{stem}-{name}"


def _original_page_key(scan: Scan, page: int) -> str:
    """A folder scan's original page: stored as <prefix>NNNN.<ext>; the manifest knows the ext."""
    folder = scan.original_key or ""
    if not folder.endswith("/"):
        raise NotFound("not a folder scan")
    return f"{folder}{page:04d}."  # the extension: see `find_original_page`


def document_pdf_key(engine: Engine, store: ObjectStore, doc: Document, scan: Scan) -> str:
    """`documents/NN-<type>.pdf` under the scan's prefix: NN is the document's place among the
    scan's documents (ocr.pipeline.write_outputs numbers them in page order)."""
    with session_scope(engine) as session:
        ids = [d.id for d in db.scan_documents(session, [scan.id or 0])]
    number = ids.index(doc.id) + 1
    for stored in store.list(f"{scan.digitized_prefix or ''}documents/{number:02d}-"):
        return stored.key
    raise NotFound(doc.id)


def find_original_page(store: ObjectStore, key_stem: str) -> str:
    for stored in store.list(key_stem):
        return stored.key
    raise NotFound(key_stem)


def stream(store: ObjectStore, key: str, chunk: int = 256 << 10) -> Iterator[bytes]:
    """An object's bytes in chunks, straight from the store to the response."""
    response = store.client.get_object(store.bucket, key)
    try:
        yield from response.stream(chunk)
    finally:
        response.close()
        response.release_conn()


def page_image(store: ObjectStore, cache: Path, scan: Scan, number: int, size: str) -> Path:
    """A JPEG of one page at IMAGE_WIDTHS[size] pixels wide, rendered once from the stored
    searchable PDF with pdftoppm and cached under the scan's hash."""
    width = IMAGE_WIDTHS[size]
    folder = cache / scan.sha256
    target = folder / f"{number:04d}-{width}.jpg"
    if target.exists():
        return target
    pdf = folder / "searchable.pdf"
    folder.mkdir(parents=True, exist_ok=True)
    if not pdf.exists():  # thumbnails arrive together: each fetches to its own name
        own = folder / f"searchable-{uuid.uuid4().hex}.pdf"
        store.download((scan.digitized_prefix or "") + "searchable.pdf", own)
        os.replace(own, pdf)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        out = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-f", str(number), "-l", str(number), "-jpeg", "-jpegopt", "quality=80"]
            + ["-scale-to-x", str(width), "-scale-to-y", "-1", "-singlefile", str(pdf), str(out)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        os.replace(out.with_suffix(".jpg"), target)
    return target
