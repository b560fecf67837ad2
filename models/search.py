"""Finding stored documents by identifier or by the words on their pages.

Full text is matched with or without Vietnamese diacritics: SQLite FTS5 over folded text (đ
folded as the index does), PostgreSQL text search over
the stored `page.text_search` = `to_tsvector('simple', sohoa_fold(text))`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, select

from models.tables import STORED, Document, Page, Scan


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
    offices: set[str] | None = None,
) -> list[tuple[Document, Scan]]:
    """Stored documents matching every given criterion, newest first (by scan, then document).
    `text_query` searches
    page text, with or without Vietnamese diacritics (SQLite FTS5 with folded đ; PostgreSQL
    text search over `sohoa_fold(text)`). `offices` keeps documents of scans received by these
    offices (None: all)."""
    q = select(Document, Scan).join(Scan, Scan.id == Document.scan_id)
    q = q.where(Scan.status == STORED)
    if offices is not None:
        q = q.where(Scan.office_code.in_(sorted(offices)))
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
    hits = _text_hits(session, text_query, limit * 20, offices)
    if not hits:
        return []
    # Newest scans first, a few at a time: the documents of every hit scan (thousands for a
    # common name) are not loaded to show the first `limit`.
    scans = sorted({scan_id for scan_id, _ in hits}, reverse=True)
    out = []
    for start in range(0, len(scans), max(limit, 10)):
        chunk = scans[start : start + max(limit, 10)]
        for doc, scan in session.exec(
            q.where(Document.scan_id.in_(chunk)).order_by(
                Document.scan_id.desc(), Document.id.desc()
            )
        ):
            if any((doc.scan_id, n) in hits for n in doc.pages or []):
                out.append((doc, scan))
        if len(out) >= limit:
            break
    return out[:limit]


def positions_in_scans(session: Session, docs: list[Document]) -> dict[int, int]:
    """{document id: position_in_scan} for many documents, in one query."""
    scan_ids = sorted({d.scan_id for d in docs})
    if not scan_ids:
        return {}
    rows = session.exec(
        select(Document.id, Document.scan_id, Document.first_page).where(
            Document.scan_id.in_(scan_ids)
        )
    ).all()
    out = {}
    for doc in docs:
        out[doc.id] = 1 + sum(1 for _, s, f in rows if s == doc.scan_id and f < doc.first_page)
    return out


def position_in_scan(session: Session, doc: Document) -> int:
    """1-based position of the document in its scan: the pipeline names its PDF `NN-<type>.pdf`."""
    earlier = select(func.count()).where(
        Document.scan_id == doc.scan_id, Document.first_page < doc.first_page
    )
    return 1 + session.exec(earlier).one()


def _text_hits(
    session: Session, query: str, limit: int, offices: set[str] | None = None
) -> set[tuple[int, int]]:
    """(scan_id, page number) of pages whose text matches every word of the query, in scans of
    these offices (None: all; filtered here, so the limit counts only pages that may be shown)."""
    # a word typed twice is one condition, not two: the same hits, but PostgreSQL would count
    # its selectivity twice and plan for a rare query ('quang quang dong': 10x too few rows)
    words = list(dict.fromkeys(w for w in re.findall(r"\w+", query) if w))
    if not words:
        return set()
    scope = (
        "" if offices is None else " AND p.scan_id IN (SELECT id FROM scan WHERE office_code IN :o)"
    )
    if session.get_bind().dialect.name == "postgresql":
        # A plan for these words, every time: psycopg prepares a statement run five times, and
        # PostgreSQL may then switch to a generic plan that cannot see how common the words are
        # (at a million pages it scanned all of a common name's pages, ~1 s, instead of the
        # office's). SET LOCAL: this transaction only.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        sql = text(
            # text_search: the stored to_tsvector('simple', sohoa_fold(text)) (migration 0007)
            "SELECT p.scan_id, p.number FROM page p WHERE p.text_search "
            f"@@ plainto_tsquery('simple', sohoa_fold(:q)){scope} LIMIT :n"
        )
        params = {"q": " ".join(words), "n": limit}
    else:
        sql = text(
            "SELECT p.scan_id, p.number FROM page_fts JOIN page p ON p.id = page_fts.rowid "
            f"WHERE page_fts MATCH :q{scope} LIMIT :n"
        )
        folded = (w.replace("đ", "d").replace("Đ", "D") for w in words)  # as the index does
        params = {"q": " ".join(f'"{w}"' for w in folded), "n": limit}
    if offices is not None:
        sql = sql.bindparams(bindparam("o", expanding=True))
        params["o"] = sorted(offices) or [""]
    return {(row[0], row[1]) for row in session.execute(sql, params)}


@functools.lru_cache(maxsize=1 << 16)
def fold(value: str) -> str:
    """Lower case without diacritics, đ as d: how the full-text indexes compare words.
    Memoised: snippets fold every word of the pages shown, the same few thousand words."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_snippet(page_text: str, query: str, width: int = 80) -> tuple[str, list[tuple[int, int]]]:
    """A stretch of `page_text` (composed, NFC) around the first word of `query` found in it,
    with the (start, end) spans of the query's words inside the stretch, compared folded."""
    composed = unicodedata.normalize("NFC", page_text or "")
    words = {fold(w) for w in re.findall(r"\w+", query)}
    spans = [m.span() for m in re.finditer(r"\w+", composed) if fold(m.group()) in words]
    if not spans:
        return composed[: 2 * width].strip(), []
    start = max(0, spans[0][0] - width)
    end = min(len(composed), spans[0][1] + width)
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return composed[start:end], inside


def page_texts_of(session: Session, scan_ids: list[int]) -> dict[tuple[int, int], str]:
    """{(scan_id, number): text} of every page of these scans, in one query."""
    if not scan_ids:
        return {}
    rows = session.exec(
        select(Page.scan_id, Page.number, Page.text).where(Page.scan_id.in_(sorted(set(scan_ids))))
    )
    return {(scan_id, number): text or "" for scan_id, number, text in rows}
