"""Stored documents by identifier or full text, each with a short-lived download link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.search import match_snippet, page_texts_of, positions_in_scans, search_documents
from sohoa.runtime import open_database, open_store
from sohoa.settings import Settings
from storage.objects import ObjectStore

LINK_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class SearchHit:
    number: int  # the document's position in its scan (its PDF is `NN-<type>.pdf`)
    document_id: int
    dossier_code: str | None
    doc_type: str
    pages: list[int]
    fields: dict[str, Any]
    prefix: str | None  # the scan's digitized prefix
    original_key: str | None
    key: str  # the PDF the link downloads: the document's own, else the whole scan's
    url: str  # presigned, valid for the lifetime asked ("" when links were not asked for)
    scan_id: int | None = None
    office_code: str | None = None  # the scan's office
    page: int | None = None  # the first page whose text matches `text` (else the first page)
    snippet: str = ""  # recognised text around the match (NFC)
    marks: tuple[tuple[int, int], ...] = ()  # spans of the query's words in `snippet`


def search(
    settings: Settings,
    *,
    text: str | None = None,
    dossier_code: str | None = None,
    citizen_id: str | None = None,
    gcn_serial: str | None = None,
    parcel_number: str | None = None,
    map_sheet: str | None = None,
    limit: int = 20,
    offices: frozenset[str] | None = None,
    links: bool = True,
    engine: Engine | None = None,
    link_lifetime: timedelta = LINK_LIFETIME,
) -> list[SearchHit]:
    """Stored documents matching every given criterion, newest first (field names as in
    docs/TAXONOMY.md); `text` matches page text with or without diacritics. Links expire after
    `link_lifetime`. `offices` keeps documents received by these offices (None: all);
    `links=False` skips the presigned links (the web app links to its own pages); `engine`: a
    server's own (else one is opened)."""
    scope = None if offices is None else set(offices)
    with session_scope(engine or open_database(settings)) as session:
        matched = search_documents(
            session,
            dossier_code=dossier_code,
            citizen_id=citizen_id,
            gcn_serial=gcn_serial,
            parcel_number=parcel_number,
            map_sheet=map_sheet,
            text_query=text,
            limit=limit,
            offices=scope,
        )
        positions = positions_in_scans(session, [doc for doc, _ in matched])
        found = [(positions[doc.id], doc, scan) for doc, scan in matched]
        texts = page_texts_of(session, [doc.scan_id for _, doc, _ in found])
        rows = [
            dict(
                number=number,
                document_id=doc.id,
                dossier_code=doc.dossier_code,
                doc_type=doc.doc_type,
                pages=list(doc.pages or []),
                fields=dict(doc.fields or {}),
                prefix=scan.digitized_prefix,
                original_key=scan.original_key,
                scan_id=scan.id,
                office_code=scan.office_code,
                **_where(doc, text, texts),
            )
            for number, doc, scan in found
        ]
    if not rows or not links:
        return [SearchHit(**row, key="", url="") for row in rows]
    with open_store(settings) as store:
        hits = []
        for row in rows:
            key = _document_pdf_key(store, row["prefix"], row["number"], row["doc_type"])
            hits.append(SearchHit(**row, key=key, url=store.presigned_get_url(key, link_lifetime)))
    return hits


def _where(doc, query: str | None, texts: dict[tuple[int, int], str]) -> dict[str, Any]:
    """The document's first page matching the query, and a snippet of it."""
    pages = sorted(doc.pages or [])
    if not pages:
        return {}
    for number in pages if query else pages[:1]:
        snippet, marks = match_snippet(texts.get((doc.scan_id, number), ""), query or "")
        if marks or not query:
            return {"page": number, "snippet": snippet, "marks": tuple(marks)}
    return {"page": pages[0]}


def _document_pdf_key(store: ObjectStore, prefix: str | None, number: int, doc_type: str) -> str:
    """The document's own searchable PDF when stored, else the whole scan's."""
    prefix = prefix or ""
    key = f"{prefix}documents/{number:02d}-{doc_type}.pdf"
    return key if store.exists(key) else prefix + "searchable.pdf"
