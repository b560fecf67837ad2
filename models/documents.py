"""Documents found in stored scans, and staff review of them.

A document's identifying fields are copied to indexed columns (`INDEXED_FIELDS`) that search and
reuse links query. A review correction rewrites the type and fields and everything that follows
from them (`is_result`, indexed columns, reuse links, the dossiers' facts), logged with the values
before and after.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from models.dossiers import refresh_facts
from models.events import log_event
from models.reuse import relink
from models.tables import RESULT_DOC_TYPES, Document, Dossier, Event, Page, Scan, utcnow

INDEXED_FIELDS = ("citizen_id", "gcn_serial", "parcel_number", "map_sheet")


def indexed_columns(fields: dict[str, Any]) -> dict[str, str | None]:
    """The indexed column values of a document with these fields (blank is None)."""
    out = {}
    for key in INDEXED_FIELDS:
        value = fields.get(key)
        out[key] = str(value).strip() or None if value not in (None, "") else None
    return out


def document_row(scan_id: int, dossier_code: str | None, d: dict[str, Any]) -> Document:
    """A `document` row from a `sohoa.ocr/v1` document dict (extra keys ignored)."""
    fields = dict(d.get("fields") or {})
    pages = [int(n) for n in d.get("pages") or []]
    return Document(
        scan_id=scan_id,
        dossier_code=dossier_code,
        doc_type=d.get("doc_type") or "khac",
        pages=pages,
        first_page=min(pages) if pages else 1,
        confidence=float(d.get("confidence") or 0.0),
        fields=fields,
        field_details=d.get("field_details") or {},
        needs_review=bool(d.get("needs_review")),
        review_reasons=list(d.get("review_reasons") or []),
        is_result=d.get("doc_type") in RESULT_DOC_TYPES,
        **indexed_columns(fields),
    )


def get_document(session: Session, document_id: int) -> Document:
    """The document with this id; LookupError naming it when there is none."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise LookupError(f"no document {document_id}")
    return doc


def page_texts(session: Session, doc: Document) -> list[str]:
    """The recognised text of the document's pages, in page order."""
    pages = session.exec(
        select(Page).where(Page.scan_id == doc.scan_id, Page.number.in_(doc.pages or []))
    ).all()
    return [p.text for p in sorted(pages, key=lambda p: p.number)]


def review_queue(
    session: Session, limit: int = 100, offices: set[str] | None = None
) -> list[tuple[Document, Scan]]:
    """Documents marked `needs_review` and not yet reviewed, oldest first, with their scan;
    `offices` keeps those of these offices (the scan's office: where it was received)."""
    q = _pending(select(Document, Scan), offices)
    return list(session.exec(q.order_by(Document.id).limit(limit)).all())


def review_count(session: Session, offices: set[str] | None = None) -> int:
    """How many documents `review_queue` would list without a limit."""
    return session.exec(_pending(select(func.count()), offices)).one()


def _pending(q, offices: set[str] | None):
    q = q.select_from(Document).join(Scan, Scan.id == Document.scan_id)
    q = q.where(Document.needs_review, Document.reviewed_at.is_(None))
    return q if offices is None else q.where(Scan.office_code.in_(sorted(offices)))


def reviewed_documents(session: Session) -> list[Document]:
    """Every document staff reviewed (their corrections are training data)."""
    return list(session.exec(select(Document).where(Document.reviewed_at.is_not(None))).all())


def apply_review(
    session: Session,
    doc: Document,
    *,
    doc_type: str | None = None,
    fields: dict[str, Any] | None = None,
    typed: dict[str, str] | None = None,
    reviewer: str,
    tool: str = "sohoa review",
) -> Event:
    """A staff correction of one document, logged with the values before and after.

    `fields` holds normalised values (`ocr.fields.normalise`; None removes the key) and `typed`
    what staff typed for them. A corrected key's detail becomes {"page": None, "confidence": 1.0,
    "raw": typed, "by": reviewer}. The type sets `is_result`; the indexed columns follow the
    fields; when they change, the reuse links from and to this document are made again. The
    dossiers concerned get their facts recomputed (`refresh_facts`), so a certificate corrected to
    another type no longer counts as the dossier's digitized result. Returns the logged event."""
    before = {"doc_type": doc.doc_type, "fields": dict(doc.fields or {})}
    if doc_type is not None:
        doc.doc_type = doc_type
        doc.is_result = doc_type in RESULT_DOC_TYPES
    values, details = dict(doc.fields or {}), dict(doc.field_details or {})
    for key, value in (fields or {}).items():
        if value is None:
            values.pop(key, None)
            details.pop(key, None)
            continue
        values[key] = value
        raw = (typed or {}).get(key, str(value))
        details[key] = {"page": None, "confidence": 1.0, "raw": raw, "by": reviewer}
    doc.fields, doc.field_details = values, details  # new objects: JSON columns see the change
    indexed = indexed_columns(values)
    changed_identity = any(getattr(doc, key) != value for key, value in indexed.items())
    for key, value in indexed.items():
        setattr(doc, key, value)
    doc.needs_review = False
    doc.reviewed_by, doc.reviewed_at = reviewer, utcnow()
    session.add(doc)
    session.flush()
    dossiers = {doc.dossier_code} - {None}
    if changed_identity:
        dossiers |= relink(session, doc)
    if dossiers:
        refresh_facts(session, dossiers)
        for code in dossiers:  # the UPDATE bypassed the identity map
            loaded = session.get(Dossier, code)
            if loaded is not None:
                session.expire(loaded)
    scan = session.get(Scan, doc.scan_id)
    event = log_event(
        session,
        action="review",
        outcome="corrected",
        scan_sha256=scan.sha256 if scan else None,
        dossier_code=doc.dossier_code,
        tool=tool,
        tool_version=None,
        detail={
            "document_id": doc.id,
            "by": reviewer,
            "before": before,
            "after": {"doc_type": doc.doc_type, "fields": values},
        },
    )
    session.flush()
    return event
