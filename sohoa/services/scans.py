"""Scans and dossiers as staff look them up: the scan list with statuses, and one dossier with
its documents (type, pages, confidence, fields) and the keys of every stored object.

Keys are derived from the scan row the way the pipeline writes its outputs
(`ocr.pipeline.write_outputs`) under the scan's digitized prefix; nothing is read from S3 here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from models.db import session_scope
from models.dossiers import get_dossier
from models.scans import documents_of_dossier, list_scans
from models.tables import STORED, Document, Scan
from ocr.fields.confidence import fields_to_check
from sohoa.runtime import open_database
from sohoa.settings import Settings


@dataclass(frozen=True)
class ScanStatus:
    id: int
    sha256: str
    source_name: str
    status: str  # stored | quarantined | failed
    dossier_code: str | None
    office_code: str | None
    page_count: int
    error: str | None  # why it was quarantined or failed
    ingested_at: datetime


@dataclass(frozen=True)
class ScanObjects:
    """The object keys of one stored scan."""

    original: str | None  # a file, or a folder prefix of page images
    searchable_pdf: str
    text: str
    alto: list[str]  # one per page
    hocr: list[str]
    manifest: str | None


@dataclass(frozen=True)
class DocumentView:
    id: int
    scan_id: int
    doc_type: str
    pages: list[int]
    confidence: float
    fields: dict[str, Any]
    needs_review: bool
    review_reasons: list[str]
    reviewed_by: str | None
    pdf: str | None  # the document's own searchable PDF
    review_fields: list[str] = field(default_factory=list)  # the fields review points at


@dataclass(frozen=True)
class DossierView:
    code: str
    office_code: str
    received_at: date | None
    components_digitized: bool
    result_digitized: bool
    reused: bool
    scans: list[ScanStatus]
    objects: dict[int, ScanObjects]  # by scan id, stored scans only
    documents: list[DocumentView]


def scan_list(
    settings: Settings,
    *,
    status: str | None = None,
    dossier_code: str | None = None,
    limit: int = 100,
) -> list[ScanStatus]:
    """Scans newest first, optionally of one status (`stored`, `quarantined`, `failed`)."""
    with session_scope(open_database(settings)) as session:
        return [
            _status(s)
            for s in list_scans(session, status=status, dossier_code=dossier_code, limit=limit)
        ]


def dossier_view(settings: Settings, code: str) -> DossierView:
    """One dossier: its facts, scans, documents and object keys; LookupError if unknown."""
    with session_scope(open_database(settings)) as session:
        dossier = get_dossier(session, code)
        if dossier is None:
            raise LookupError(f"no dossier {code}")
        scans = list_scans(session, dossier_code=code, limit=10_000)
        found = documents_of_dossier(session, code)
        return DossierView(
            code=dossier.code,
            office_code=dossier.office_code,
            received_at=dossier.received_at,
            components_digitized=dossier.components_digitized,
            result_digitized=dossier.result_digitized,
            reused=dossier.reused,
            scans=[_status(s) for s in scans],
            objects={s.id: _objects(s) for s in scans if s.status == STORED},
            documents=_documents(found),
        )


def _status(scan: Scan) -> ScanStatus:
    return ScanStatus(
        id=scan.id,
        sha256=scan.sha256,
        source_name=scan.source_name,
        status=scan.status,
        dossier_code=scan.dossier_code,
        office_code=scan.office_code,
        page_count=scan.page_count,
        error=scan.error,
        ingested_at=scan.ingested_at,
    )


def _objects(scan: Scan) -> ScanObjects:
    prefix = scan.digitized_prefix or ""
    numbers = range(1, scan.page_count + 1)
    return ScanObjects(
        original=scan.original_key,
        searchable_pdf=prefix + "searchable.pdf",
        text=prefix + "text.txt",
        alto=[f"{prefix}alto/{n:04d}.xml" for n in numbers],
        hocr=[f"{prefix}hocr/{n:04d}.hocr" for n in numbers],
        manifest=scan.manifest_key,
    )


def _documents(found: list[tuple[Document, Scan]]) -> list[DocumentView]:
    """Each document with its own PDF's key: `NN-<type>.pdf`, NN its position in its scan by
    first page (as `ocr.pipeline.write_outputs` numbers them)."""
    first_pages: dict[int, list[int]] = {}
    for doc, _ in found:
        first_pages.setdefault(doc.scan_id, []).append(doc.first_page)
    views = []
    for doc, scan in found:
        number = 1 + sum(p < doc.first_page for p in first_pages[doc.scan_id])
        prefix = scan.digitized_prefix
        views.append(
            DocumentView(
                id=doc.id,
                scan_id=doc.scan_id,
                doc_type=doc.doc_type,
                pages=list(doc.pages or []),
                confidence=round(doc.confidence, 3),
                fields=dict(doc.fields or {}),
                needs_review=doc.needs_review,
                review_reasons=list(doc.review_reasons or []),
                reviewed_by=doc.reviewed_by,
                pdf=f"{prefix}documents/{number:02d}-{doc.doc_type}.pdf" if prefix else None,
                review_fields=fields_to_check(doc.field_details, doc.review_reasons)
                if doc.needs_review
                else [],
            )
        )
    return views
