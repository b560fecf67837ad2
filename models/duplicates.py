"""Probable duplicates: the same pages scanned (or re-encoded) again into a new file.

A new scan whose dossier code is that of a stored scan, with as many pages and every page's text
near-identical (OCR noise aside), is linked to it and its documents are marked for review,
instead of being counted silently as more documents of the dossier. The link is the `event`
row (action `duplicate`) and the review reason naming the earlier scan.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from sqlalchemy import select
from sqlmodel import Session

from models.events import log_event
from models.tables import STORED, Document, Page, Scan

SAME_PAGE = 0.90  # word-sequence similarity of two readings of the same page (OCR noise ~0.97)


def flag_probable_duplicate(session: Session, sha256: str) -> str | None:
    """Mark the stored scan `sha256` as a probable duplicate of an earlier one; returns the
    earlier scan's sha256, or None."""
    scan = session.execute(select(Scan).where(Scan.sha256 == sha256)).scalar_one()
    if not scan.dossier_code:
        return None
    texts = _texts(session, scan.id)
    candidates = session.execute(
        select(Scan.id, Scan.sha256, Scan.source_name).where(
            Scan.dossier_code == scan.dossier_code,
            Scan.status == STORED,
            Scan.page_count == scan.page_count,
            Scan.id != scan.id,
        )
    ).all()
    for other_id, other_sha, other_source in candidates:
        if _same_pages(texts, _texts(session, other_id)):
            reason = f"probable duplicate of scan {other_sha[:12]} ({other_source})"
            for doc in session.execute(
                select(Document).where(Document.scan_id == scan.id)
            ).scalars():
                doc.needs_review = True
                doc.review_reasons = [*(doc.review_reasons or []), reason]
            log_event(
                session,
                action="duplicate",
                outcome="probable",
                scan_sha256=sha256,
                dossier_code=scan.dossier_code,
                detail={"of": other_sha, "source": scan.source_name},
            )
            session.flush()
            return other_sha
    return None


def _texts(session: Session, scan_id: int) -> list[list[str]]:
    rows = session.execute(
        select(Page.text).where(Page.scan_id == scan_id).order_by(Page.number)
    ).scalars()
    return [(text or "").split() for text in rows]


def _same_pages(a: list[list[str]], b: list[list[str]]) -> bool:
    if len(a) != len(b) or not any(a):
        return False
    return all(
        (not x and not y) or SequenceMatcher(None, x, y, autojunk=False).ratio() >= SAME_PAGE
        for x, y in zip(a, b, strict=True)
    )
