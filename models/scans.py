"""Scans: one input file by SHA-256, recorded stored or quarantined, and what is finished.

Every write takes a `Session` and only flushes: the caller owns the transaction. `record_scan` is
called last in a scan's flow, after its objects are stored, so a row with status `stored` means
the objects exist.

A scan is *finished* (`FINISHED_STATUSES`) when nothing is left to do with its bytes unless
someone asks: `stored`, or `quarantined` (bad input: reading the same bytes again fails the same
way). A `failed` scan (our side failed: storage or database outage) is not. `finished` is the one
query for it: the backfill skips every finished scan; the inbox skips a stored one and reads a
quarantined one again (putting a file back in the inbox is how staff ask to retry it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from models.documents import document_row
from models.dossiers import ensure_dossier
from models.events import log_event
from models.offices import ensure_office
from models.reuse import drop_links_of_scan, link_reuse
from models.tables import (
    FINISHED_STATUSES,
    QUARANTINED,
    STORED,
    Document,
    Dossier,
    Page,
    Scan,
    utcnow,
)

_IN_CHUNK = 500  # SHA-256s per IN (...) query


@dataclass(frozen=True)
class StoredScan:
    """What fixity needs of a stored scan: its hash, its source's name and the keys its row
    points to."""

    sha256: str
    source_name: str
    original_key: str | None
    digitized_prefix: str | None
    manifest_key: str | None


@dataclass(frozen=True)
class ScanOutcome:
    sha256: str
    status: str
    error: str | None


def finished(session: Session, shas: Iterable[str]) -> dict[str, str]:
    """{sha256: status} for those of `shas` that are finished (stored or quarantined)."""
    wanted = sorted({s for s in shas if s})
    found: dict[str, str] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        rows = session.exec(
            select(Scan.sha256, Scan.status).where(
                Scan.sha256.in_(wanted[i : i + _IN_CHUNK]), Scan.status.in_(FINISHED_STATUSES)
            )
        )
        found.update((sha, status) for sha, status in rows)
    return found


def unfinished_keys(session: Session, sha256: str) -> list[str]:
    """The original key and outputs prefix an unstored (failed) row of `sha256` points at: where
    an upload that broke off wrote its objects."""
    row = session.exec(
        select(Scan.original_key, Scan.digitized_prefix).where(
            Scan.sha256 == sha256, Scan.status != STORED
        )
    ).first()
    return [key for key in row or () if key]


def outcomes(session: Session, shas: Iterable[str]) -> list[ScanOutcome]:
    """The recorded status and error of each of `shas` that has a row (any status)."""
    wanted = sorted({s for s in shas if s})
    out: list[ScanOutcome] = []
    for i in range(0, len(wanted), _IN_CHUNK):
        rows = session.exec(
            select(Scan.sha256, Scan.status, Scan.error).where(
                Scan.sha256.in_(wanted[i : i + _IN_CHUNK])
            )
        )
        out += [ScanOutcome(sha, status, error) for sha, status, error in rows]
    return out


def stored_scans(session: Session) -> list[StoredScan]:
    """Every stored scan (the ones whose objects must exist), in row order: what `sohoa verify`
    checks."""
    rows = session.exec(
        select(
            Scan.sha256,
            Scan.source_name,
            Scan.original_key,
            Scan.digitized_prefix,
            Scan.manifest_key,
        )
        .where(Scan.status == STORED)
        .order_by(Scan.id)
    )
    return [StoredScan(*row) for row in rows]


def list_scans(
    session: Session,
    *,
    status: str | None = None,
    dossier_code: str | None = None,
    limit: int = 100,
) -> list[Scan]:
    """Scans newest first, optionally of one status or one dossier."""
    q = select(Scan)
    if status:
        q = q.where(Scan.status == status)
    if dossier_code:
        q = q.where(Scan.dossier_code == dossier_code)
    return list(session.exec(q.order_by(Scan.ingested_at.desc(), Scan.id.desc()).limit(limit)))


def documents_of_dossier(session: Session, dossier_code: str) -> list[tuple[Document, Scan]]:
    """A dossier's documents in stored scans, in scan then page order, with their scan."""
    return list(
        session.exec(
            select(Document, Scan)
            .join(Scan, Scan.id == Document.scan_id)
            .where(Document.dossier_code == dossier_code, Scan.status == STORED)
            .order_by(Scan.id, Document.first_page, Document.id)
        ).all()
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
    if scan is not None and scan.status == STORED:
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
    scan.status = STORED
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
    docs = [document_row(scan.id, dossier_code, d) for d in documents]
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


def record_quarantine(
    session: Session,
    *,
    sha256: str,
    source_name: str,
    reason: str,
    status: str = QUARANTINED,
    dossier_code: str | None = None,
    office_code: str | None = None,
    tool_versions: dict[str, str] | None = None,
    original_key: str | None = None,
    digitized_prefix: str | None = None,
) -> Scan:
    """Record a scan that was not stored (`quarantined`: bad input; `failed`: our side failed)
    and log the event. A quarantined scan makes no dossier known: its claimed dossier code is
    kept on the row only when that dossier is already registered. `original_key` and
    `digitized_prefix`: where an upload that broke off wrote (its objects stay accounted for);
    keys an earlier attempt recorded are kept when none are given."""
    scan = session.exec(select(Scan).where(Scan.sha256 == sha256)).first()
    if scan is not None and scan.status == STORED:
        return scan
    known = dossier_code if dossier_code and session.get(Dossier, dossier_code) else None
    scan = scan or Scan(sha256=sha256)
    scan.original_key = original_key or scan.original_key
    scan.digitized_prefix = digitized_prefix or scan.digitized_prefix
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
        action="quarantine" if status == QUARANTINED else "store",
        outcome=status,
        scan_sha256=sha256,
        dossier_code=dossier_code,
        tool="sohoa",
        tool_version=(tool_versions or {}).get("sohoa"),
        detail={"reason": reason, "source": source_name},
    )
    session.flush()
    return scan


def _clear_scan_contents(session: Session, scan_id: int) -> None:
    drop_links_of_scan(session, scan_id)
    session.execute(delete(Document).where(Document.scan_id == scan_id))
    session.execute(delete(Page).where(Page.scan_id == scan_id))


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


def get_scan(session: Session, scan_id: int) -> Scan | None:
    return session.get(Scan, scan_id)
