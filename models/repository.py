"""What the ingest flow and the CLI call to read and write the database.

Every function takes a `Session` and only flushes: the caller owns the transaction
(`with session_scope(engine) as s: ...` commits once, at the end). `record_scan` is called last
in a scan's flow, after its objects are stored, so a row in `scan` with status `stored` means the
objects exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, text, update
from sqlmodel import Session, select

from models.codes import parse_dossier_code
from models.offices import (  # noqa: F401  (re-exported: one import for callers)
    BadRow,
    OfficeImport,
    ensure_office,
    import_offices_csv,
    insert_ignore,
    seed_provinces,
)
from models.register import RegisterImport, import_register  # noqa: F401
from models.tables import (
    RESULT_DOC_TYPES,
    Document,
    Dossier,
    Event,
    Page,
    ReuseLink,
    Scan,
    utcnow,
)

INDEXED_FIELDS = ("citizen_id", "gcn_serial", "parcel_number", "map_sheet")
MAX_REUSE_LINKS = 10  # per document and reason: enough to explain, bounded on hot serials


class UnknownOffice(ValueError):
    """A dossier whose office cannot be told (no office in its code and none given)."""


def scan_exists(session: Session, sha256: str) -> bool:
    """True when a scan with this SHA-256 was stored (quarantined/failed ones may be retried)."""
    found = session.exec(
        select(Scan.id).where(Scan.sha256 == sha256, Scan.status == "stored")
    ).first()
    return found is not None


def ensure_dossier(
    session: Session,
    code: str,
    office_code: str | None = None,
    received_at: date | None = None,
) -> Dossier:
    """The dossier with this code, created from what its code says if missing: the office in the
    code wins over `office_code` (a dossier belongs to the office in its code)."""
    dossier = session.get(Dossier, code)
    if dossier is not None:
        if dossier.received_at is None and received_at is not None:
            dossier.received_at = received_at
        return dossier
    parsed = parse_dossier_code(code)
    if parsed is not None:
        office_code, received_at = parsed[0], received_at or parsed[1]
    if not office_code:
        raise UnknownOffice(f"dossier {code!r}: no office in its code and none given")
    ensure_office(session, office_code)
    insert_ignore(
        session,
        Dossier,
        [dict(code=code, office_code=office_code, received_at=received_at, source="scan")],
    )
    return session.get(Dossier, code)


def _indexed(fields: dict[str, Any]) -> dict[str, str | None]:
    out = {}
    for key in INDEXED_FIELDS:
        value = fields.get(key)
        out[key] = str(value).strip() or None if value not in (None, "") else None
    return out


def _page_row(scan_id: int, p: dict[str, Any]) -> Page:
    return Page(
        scan_id=scan_id,
        number=int(p["number"]),
        doc_type=p.get("doc_type") or "khac",
        doc_type_confidence=float(p.get("doc_type_confidence") or 0.0),
        mean_confidence=float(p.get("mean_confidence") or 0.0),
        rotation=int(p.get("rotation") or 0),
        skew_degrees=float(p.get("skew_degrees") or 0.0),
        blank=bool(p.get("blank")),
        text=p.get("text") or "",
    )


def _document_row(scan_id: int, dossier_code: str | None, d: dict[str, Any]) -> Document:
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
        **_indexed(fields),
    )


def record_scan(
    session: Session,
    *,
    sha256: str,
    source_name: str,
    dossier_code: str | None,
    office_code: str | None,
    page_count: int,
    original_key: str | None,
    digitized_prefix: str | None,
    manifest_key: str | None,
    pages: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    tool_versions: dict[str, str] | None = None,
    ingested_at: datetime | None = None,
) -> Scan:
    """Record a stored scan with its pages and documents, update its dossier's facts, link reuse,
    and log the event. Idempotent: a scan already stored is returned unchanged. `pages` and
    `documents` are the `sohoa.ocr/v1` dicts (extra keys ignored)."""
    scan = session.exec(select(Scan).where(Scan.sha256 == sha256)).first()
    if scan is not None and scan.status == "stored":
        return scan
    dossier = None
    if dossier_code:
        dossier = ensure_dossier(session, dossier_code, office_code)
        office_code = dossier.office_code
    elif office_code:
        ensure_office(session, office_code)
    if scan is None:
        scan = Scan(sha256=sha256)
    else:  # a quarantined/failed attempt of the same bytes now succeeded
        _clear_scan_contents(session, scan.id)
    scan.source_name = source_name
    scan.dossier_code = dossier_code
    scan.office_code = office_code
    scan.status = "stored"
    scan.page_count = page_count
    scan.original_key = original_key
    scan.digitized_prefix = digitized_prefix
    scan.manifest_key = manifest_key
    scan.error = None
    scan.ingested_at = ingested_at or utcnow()
    scan.tool_versions = tool_versions or {}
    session.add(scan)
    session.flush()
    session.add_all([_page_row(scan.id, p) for p in pages])
    docs = [_document_row(scan.id, dossier_code, d) for d in documents]
    session.add_all(docs)
    session.flush()
    if dossier is not None:
        dossier.components_digitized = True
        dossier.result_digitized = dossier.result_digitized or any(d.is_result for d in docs)
        for doc in docs:
            link_reuse(session, doc)
    log_event(
        session,
        action="store",
        outcome="ok",
        scan_sha256=sha256,
        dossier_code=dossier_code,
        tool="sohoa",
        tool_version=(tool_versions or {}).get("sohoa"),
        detail={"pages": page_count, "documents": len(docs), "source": source_name},
    )
    session.flush()
    return scan


def _clear_scan_contents(session: Session, scan_id: int) -> None:
    doc_ids = select(Document.id).where(Document.scan_id == scan_id)
    session.execute(
        delete(ReuseLink).where(
            ReuseLink.document_id.in_(doc_ids) | ReuseLink.earlier_document_id.in_(doc_ids)
        )
    )
    session.execute(delete(Document).where(Document.scan_id == scan_id))
    session.execute(delete(Page).where(Page.scan_id == scan_id))


def record_quarantine(
    session: Session,
    *,
    sha256: str,
    source_name: str,
    reason: str,
    status: str = "quarantined",
    dossier_code: str | None = None,
    office_code: str | None = None,
    tool_versions: dict[str, str] | None = None,
) -> Scan:
    """Record a scan that was not stored (`quarantined`: bad input; `failed`: our side failed)
    and log the event. A quarantined scan makes no dossier known: its claimed dossier code is
    kept on the row only when that dossier is already registered."""
    scan = session.exec(select(Scan).where(Scan.sha256 == sha256)).first()
    if scan is not None and scan.status == "stored":
        return scan
    known = dossier_code if dossier_code and session.get(Dossier, dossier_code) else None
    scan = scan or Scan(sha256=sha256)
    scan.source_name = source_name
    scan.status = status
    scan.error = reason
    scan.dossier_code = known
    scan.office_code = office_code
    scan.ingested_at = utcnow()
    scan.tool_versions = tool_versions or {}
    session.add(scan)
    log_event(
        session,
        action="quarantine" if status == "quarantined" else "store",
        outcome=status,
        scan_sha256=sha256,
        dossier_code=dossier_code,
        tool="sohoa",
        tool_version=(tool_versions or {}).get("sohoa"),
        detail={"reason": reason, "source": source_name},
    )
    session.flush()
    return scan


_ID_RUN = re.compile(r"(?<!\d)\d{8}(\d{4})(?!\d)")


def _mask(value: Any) -> Any:
    """Mask 12-digit citizen IDs anywhere in an event detail (keep the last 4 digits)."""
    if isinstance(value, str):
        return _ID_RUN.sub(lambda m: "********" + m.group(1), value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    return value


def log_event(
    session: Session,
    *,
    action: str,
    outcome: str,
    scan_sha256: str | None = None,
    dossier_code: str | None = None,
    tool: str | None = None,
    tool_version: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Append to the event log (rows are never updated or deleted: triggers refuse it)."""
    event = Event(
        scan_sha256=scan_sha256,
        dossier_code=dossier_code,
        action=action,
        outcome=outcome,
        tool=tool,
        tool_version=tool_version,
        detail=_mask(detail or {}),
    )
    session.add(event)
    return event


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
                Scan.status == "stored",
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
    another type no longer counts as the dossier's digitized result."""
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
    indexed = _indexed(values)
    relink = any(getattr(doc, key) != value for key, value in indexed.items())
    for key, value in indexed.items():
        setattr(doc, key, value)
    doc.needs_review = False
    doc.reviewed_by, doc.reviewed_at = reviewer, utcnow()
    session.add(doc)
    session.flush()
    dossiers = {doc.dossier_code} - {None}
    if relink:
        dossiers |= _relink(session, doc)
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


def _relink(session: Session, doc: Document) -> set[str]:
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


def refresh_facts(session: Session, dossier_codes: Iterable[str] | None = None) -> None:
    """Recompute the dossier facts from scans, documents and reuse links (in SQL). The
    repository keeps them current; this repairs them after bulk loads or manual edits."""
    d, s, doc, r = (
        Dossier.__table__,
        Scan.__table__,
        Document.__table__,
        ReuseLink.__table__,
    )
    components = exists().where(s.c.dossier_code == d.c.code, s.c.status == "stored")
    result = (
        exists()
        .select_from(doc.join(s, s.c.id == doc.c.scan_id))
        .where(doc.c.dossier_code == d.c.code, doc.c.is_result, s.c.status == "stored")
    )
    reused = (
        exists()
        .select_from(r.join(doc, doc.c.id == r.c.document_id))
        .where(doc.c.dossier_code == d.c.code)
    )
    stmt = update(d).values(components_digitized=components, result_digitized=result, reused=reused)
    if dossier_codes is not None:
        stmt = stmt.where(d.c.code.in_(list(dossier_codes)))
    session.execute(stmt)


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
    q = q.where(Scan.status == "stored")
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


def dossier_counts(session: Session) -> dict[str, int]:
    """Small health figures for the CLI: dossiers, scans stored, documents, reuse links."""
    count = lambda model, *where: session.exec(  # noqa: E731
        select(func.count()).select_from(model).where(*where)
    ).one()
    return {
        "dossiers": count(Dossier),
        "scans_stored": count(Scan, Scan.status == "stored"),
        "scans_quarantined": count(Scan, Scan.status == "quarantined"),
        "documents": count(Document),
        "reuse_links": count(ReuseLink),
    }
