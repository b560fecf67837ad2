"""Reuse links: a document that is the same record as an earlier digitized document of another
dossier (the same certificate serial, or the same citizen ID with the same parcel and map sheet).
A link makes the later document's dossier `reused` (a rate of RATES.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, update
from sqlmodel import Session, select

from models.offices import insert_ignore
from models.tables import STORED, Document, Dossier, ReuseLink, Scan, utcnow

MAX_REUSE_LINKS = 10  # per document and reason: enough to explain, bounded on hot serials


def _reuse_rules(document: Document) -> list[tuple[str, Any]]:
    """(reason, condition on Document) for each way another document can be the same record:
    the same certificate serial, or the same citizen ID with the same parcel and map sheet."""
    rules: list[tuple[str, Any]] = []
    if document.gcn_serial:
        rules.append(("gcn_serial", Document.gcn_serial == document.gcn_serial))
    if document.citizen_id and document.parcel_number and document.map_sheet:
        same_parcel = and_(
            Document.citizen_id == document.citizen_id,
            Document.parcel_number == document.parcel_number,
            Document.map_sheet == document.map_sheet,
        )
        rules.append(("citizen_parcel", same_parcel))
    return rules


def link_reuse(session: Session, document: Document) -> list[ReuseLink]:
    """Link a document to earlier digitized documents of OTHER dossiers that hold the same
    certificate serial, or the same citizen ID with the same parcel and map sheet; the
    document's dossier is then `reused`. Returns the new links."""
    if not document.dossier_code or document.id is None:
        return []
    rows = []
    for reason, rule in _reuse_rules(document):
        earlier = session.exec(
            select(Document.id)
            .join(Scan, Scan.id == Document.scan_id)
            .where(
                rule,
                Document.id < document.id,
                Document.dossier_code.is_not(None),
                Document.dossier_code != document.dossier_code,
                Scan.status == STORED,
            )
            .order_by(Document.id)
            .limit(MAX_REUSE_LINKS)
        ).all()
        rows += [
            dict(document_id=document.id, earlier_document_id=e, reason=reason, created_at=utcnow())
            for e in earlier
        ]
    if not rows:
        return []
    first_reason: dict[int, dict] = {}  # one link per earlier document (the first rule wins)
    for r in rows:
        first_reason.setdefault(r["earlier_document_id"], r)
    insert_ignore(session, ReuseLink, list(first_reason.values()))
    session.execute(
        update(Dossier).where(Dossier.code == document.dossier_code).values(reused=True)
    )
    session.flush()
    return list(session.exec(select(ReuseLink).where(ReuseLink.document_id == document.id)).all())


def relink(session: Session, doc: Document) -> set[str]:
    """Drop the reuse links from and to `doc` and link again on its current identifying columns:
    its own links to earlier documents, and later documents' links to it (those that matched its
    old values, and those matching its new ones). Returns the dossiers whose links changed."""
    later = set(
        session.exec(select(ReuseLink.document_id).where(ReuseLink.earlier_document_id == doc.id))
    )
    for _, rule in _reuse_rules(doc):
        later |= set(
            session.exec(
                select(Document.id).where(
                    rule, Document.id > doc.id, Document.dossier_code != doc.dossier_code
                )
            )
        )
    session.execute(
        delete(ReuseLink).where(
            (ReuseLink.document_id == doc.id) | (ReuseLink.earlier_document_id == doc.id)
        )
    )
    session.flush()
    link_reuse(session, doc)
    changed = {doc.dossier_code}
    for later_id in sorted(later):
        later_doc = session.get(Document, later_id)
        link_reuse(session, later_doc)
        changed.add(later_doc.dossier_code)
    return changed - {None}


def drop_links_of_scan(session: Session, scan_id: int) -> None:
    """Remove the links from and to a scan's documents (before its contents are recorded again)."""
    doc_ids = select(Document.id).where(Document.scan_id == scan_id)
    session.execute(
        delete(ReuseLink).where(
            ReuseLink.document_id.in_(doc_ids) | ReuseLink.earlier_document_id.in_(doc_ids)
        )
    )
