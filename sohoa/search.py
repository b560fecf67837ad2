"""`sohoa search`: stored documents by identifier or full text, with presigned download links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from models.db import session_scope
from models.repository import search_documents
from models.tables import Document
from sohoa.runtime import open_database, open_store
from sohoa.settings import Settings
from storage.objects import ObjectStore

LINK_LIFETIME = timedelta(minutes=15)


def run_search(
    settings: Settings,
    *,
    text: str | None = None,
    dossier: str | None = None,
    citizen_id: str | None = None,
    serial: str | None = None,
    parcel: str | None = None,
    map_sheet: str | None = None,
    limit: int = 20,
    link_lifetime: timedelta | None = None,
) -> list[dict[str, Any]]:
    with session_scope(open_database(settings)) as session:
        found = search_documents(
            session,
            dossier_code=dossier,
            citizen_id=citizen_id,
            gcn_serial=serial,
            parcel_number=parcel,
            map_sheet=map_sheet,
            text_query=text,
            limit=limit,
        )
        hits = [
            {
                "number": _number_in_scan(session, doc),
                "document_id": doc.id,
                "dossier_code": doc.dossier_code,
                "doc_type": doc.doc_type,
                "pages": doc.pages,
                "fields": doc.fields,
                "prefix": scan.digitized_prefix,
                "original_key": scan.original_key,
            }
            for doc, scan in found
        ]
    if not hits:
        return hits
    with open_store(settings) as store:
        for hit in hits:
            key = _document_pdf_key(store, hit)
            hit["key"] = key
            hit["url"] = store.presigned_get_url(key, link_lifetime or LINK_LIFETIME)
    return hits


def _number_in_scan(session, doc: Document) -> int:
    """1-based position of the document in its scan: the pipeline names its PDF `NN-<type>.pdf`."""
    earlier = select(func.count()).where(
        Document.scan_id == doc.scan_id, Document.first_page < doc.first_page
    )
    return 1 + session.exec(earlier).one()


def _document_pdf_key(store: ObjectStore, hit: dict[str, Any]) -> str:
    """The document's own searchable PDF when stored, else the whole scan's."""
    prefix = hit["prefix"] or ""
    key = f"{prefix}documents/{hit['number']:02d}-{hit['doc_type']}.pdf"
    return key if store.exists(key) else prefix + "searchable.pdf"
