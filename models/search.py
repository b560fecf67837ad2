"""Finding stored documents by identifier or by the words on their pages.

Full text is matched with or without Vietnamese diacritics: SQLite FTS5 over folded text (đ
folded as the index does), PostgreSQL text search over `sohoa_fold(text)`.
"""

from __future__ import annotations

import re

from sqlalchemy import func, text
from sqlmodel import Session, select

from models.tables import STORED, Document, Scan


def search_documents(
    session: Session,
    *,
    dossier_code: str | None = None,
    citizen_id: str | None = None,
    gcn_serial: str | None = None,
    parcel_number: str | None = None,
    map_sheet: str | None = None,
    text_query: str | None = None,
    limit: int = 50,
) -> list[tuple[Document, Scan]]:
    """Stored documents matching every given criterion, newest first. `text_query` searches
    page text, with or without Vietnamese diacritics (SQLite FTS5 with folded đ; PostgreSQL
    text search over `sohoa_fold(text)`)."""
    q = select(Document, Scan).join(Scan, Scan.id == Document.scan_id)
    q = q.where(Scan.status == STORED)
    for column, value in (
        (Document.dossier_code, dossier_code),
        (Document.citizen_id, citizen_id),
        (Document.gcn_serial, gcn_serial),
        (Document.parcel_number, parcel_number),
        (Document.map_sheet, map_sheet),
    ):
        if value:
            q = q.where(column == value)
    if not text_query:
        return list(session.exec(q.order_by(Document.id.desc()).limit(limit)).all())
    hits = _text_hits(session, text_query, limit * 20)
    if not hits:
        return []
    scans = {scan_id for scan_id, _ in hits}
    out = []
    for doc, scan in session.exec(
        q.where(Document.scan_id.in_(scans)).order_by(Document.id.desc())
    ):
        if any((doc.scan_id, n) in hits for n in doc.pages or []):
            out.append((doc, scan))
    return out[:limit]


def position_in_scan(session: Session, doc: Document) -> int:
    """1-based position of the document in its scan: the pipeline names its PDF `NN-<type>.pdf`."""
    earlier = select(func.count()).where(
        Document.scan_id == doc.scan_id, Document.first_page < doc.first_page
    )
    return 1 + session.exec(earlier).one()


def _text_hits(session: Session, query: str, limit: int) -> set[tuple[int, int]]:
    """(scan_id, page number) of pages whose text matches every word of the query."""
    words = [w for w in re.findall(r"\w+", query) if w]
    if not words:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        sql = text(
            "SELECT scan_id, number FROM page WHERE to_tsvector('simple', sohoa_fold(text)) @@ "
            "plainto_tsquery('simple', sohoa_fold(:q)) LIMIT :n"
        )
        params = {"q": " ".join(words), "n": limit}
    else:
        sql = text(
            "SELECT p.scan_id, p.number FROM page_fts JOIN page p ON p.id = page_fts.rowid "
            "WHERE page_fts MATCH :q LIMIT :n"
        )
        folded = (w.replace("đ", "d").replace("Đ", "D") for w in words)  # as the index does
        params = {"q": " ".join(f'"{w}"' for w in folded), "n": limit}
    return {(row[0], row[1]) for row in session.execute(sql, params)}
