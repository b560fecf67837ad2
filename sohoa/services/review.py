"""Staff review of what the machine was unsure of: the queue, one document, a correction, and
corrections fed back as training data.

A correction normalises the typed values as the extractors store them, overwrites the document's
type/fields (and what follows from them: `is_result` and the dossier's facts, the indexed columns
and reuse links; `models.documents.apply_review`), marks it reviewed (who, when), and is logged
as an event with the old values; `corrections_for_training` turns reviewed documents' pages into
training examples for the next `sohoa train`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.documents import (
    apply_review,
    get_document,
    page_texts,
    review_count,
    review_queue,
    reviewed_documents,
)
from models.scans import get_scan
from models.tables import Document, Scan
from ocr.fields.normalise import normalise
from ocr.taxonomy import DOC_TYPES
from sohoa.runtime import open_database
from sohoa.settings import Settings


@dataclass(frozen=True)
class ReviewItem:
    """A document as the review queue lists it."""

    id: int
    dossier_code: str | None
    source: str | None  # the scan's file name
    doc_type: str
    confidence: float
    pages: list[int]
    fields: dict[str, Any]
    needs_review: bool
    reasons: list[str]
    reviewed_by: str | None
    scan_id: int | None = None
    office_code: str | None = None  # the scan's office (where it was received)


@dataclass(frozen=True)
class ReviewDetail(ReviewItem):
    """A document with what a reviewer checks: each field's page, confidence and raw reading,
    and the text of its pages."""

    field_details: dict[str, Any] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)


def pending(
    settings: Settings,
    limit: int = 100,
    *,
    offices: frozenset[str] | None = None,
    engine: Engine | None = None,
) -> list[ReviewItem]:
    """Documents marked `needs_review` and not yet reviewed, oldest first; `offices` keeps
    those received by these offices (None: all). `engine`: a server's own (else one is opened)."""
    scope = None if offices is None else set(offices)
    with session_scope(engine or open_database(settings)) as session:
        return [_item(doc, scan) for doc, scan in review_queue(session, limit, scope)]


def pending_count(
    settings: Settings, *, offices: frozenset[str] | None = None, engine: Engine | None = None
) -> int:
    """How many documents wait for review in these offices (None: all)."""
    scope = None if offices is None else set(offices)
    with session_scope(engine or open_database(settings)) as session:
        return review_count(session, scope)


def show(settings: Settings, document_id: int, *, engine: Engine | None = None) -> ReviewDetail:
    """One document; LookupError when there is no such document."""
    with session_scope(engine or open_database(settings)) as session:
        doc = get_document(session, document_id)
        item = _item(doc, get_scan(session, doc.scan_id))
        return ReviewDetail(
            **vars(item), field_details=doc.field_details or {}, texts=page_texts(session, doc)
        )


def correct(
    settings: Settings,
    document_id: int,
    *,
    doc_type: str | None = None,
    fields: dict[str, Any] | None = None,
    reviewer: str,
    engine: Engine | None = None,
    tool: str = "sohoa review",
) -> ReviewItem:
    """Apply a staff correction and log it; values given replace the machine's. Typed values
    are normalised first (`ocr.fields.normalise`; blank removes the key): an unknown type or an
    invalid value raises ValueError naming it, and nothing is changed."""
    if doc_type is not None and doc_type not in DOC_TYPES:
        raise ValueError(f"unknown document type {doc_type!r}; one of: {', '.join(DOC_TYPES)}")
    typed = {key: "" if text is None else str(text) for key, text in (fields or {}).items()}
    values = {}
    for key, text in typed.items():
        if not key.strip():
            raise ValueError(f"field {key}={text!r}: no key")
        try:
            values[key] = normalise(key, text)
        except ValueError as exc:
            raise ValueError(f"field {key}={text!r}: {exc}") from None
    with session_scope(engine or open_database(settings)) as session:
        doc = get_document(session, document_id)
        apply_review(
            session,
            doc,
            doc_type=doc_type,
            fields=values,
            typed=typed,
            reviewer=reviewer,
            tool=tool,
        )
        return _item(doc, get_scan(session, doc.scan_id))


def corrections_for_training(settings: Settings) -> list[dict]:
    """Every page of a reviewed document as a training example (type, and which page starts it,
    so the splitter learns from staff corrections too)."""
    from samples.train import corrections_from_document

    with session_scope(open_database(settings)) as session:
        return [
            example
            for doc in reviewed_documents(session)
            for example in corrections_from_document(doc.doc_type, page_texts(session, doc))
        ]


def _item(doc: Document, scan: Scan | None) -> ReviewItem:
    return ReviewItem(
        id=doc.id,
        dossier_code=doc.dossier_code,
        source=scan.source_name if scan else None,
        doc_type=doc.doc_type,
        confidence=round(doc.confidence, 3),
        pages=list(doc.pages or []),
        fields=dict(doc.fields or {}),
        needs_review=doc.needs_review,
        reasons=list(doc.review_reasons or []),
        reviewed_by=doc.reviewed_by,
        scan_id=doc.scan_id,
        office_code=scan.office_code if scan else None,
    )
