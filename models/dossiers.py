"""Dossiers as scans make them known, and their digitization facts.

A scan's dossier is created from what its code says when the register does not list it yet. The
facts (`components_digitized`, `result_digitized`, `reused`) are kept current by the writes in
`models.scans` and `models.documents`; `refresh_facts` recomputes them in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import exists, update
from sqlmodel import Session, select

from models.codes import parse_dossier_code
from models.offices import ensure_office, insert_ignore
from models.tables import STORED, Document, Dossier, ReuseLink, Scan


class UnknownOffice(ValueError):
    """A dossier whose office cannot be told (no office in its code and none given)."""


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


def known_dossiers(session: Session, codes: Iterable[str]) -> set[str]:
    """Those of `codes` the database holds a dossier for (registered or seen on a scan)."""
    wanted = sorted(set(codes))
    if not wanted:
        return set()
    return set(session.exec(select(Dossier.code).where(Dossier.code.in_(wanted))).all())


def get_dossier(session: Session, code: str) -> Dossier | None:
    return session.get(Dossier, code)


def refresh_facts(session: Session, dossier_codes: Iterable[str] | None = None) -> None:
    """Recompute the dossier facts from scans, documents and reuse links (in SQL). The
    writes keep them current; this repairs them after bulk loads or manual edits."""
    d, s, doc, r = (
        Dossier.__table__,
        Scan.__table__,
        Document.__table__,
        ReuseLink.__table__,
    )
    components = exists().where(s.c.dossier_code == d.c.code, s.c.status == STORED)
    result = (
        exists()
        .select_from(doc.join(s, s.c.id == doc.c.scan_id))
        .where(doc.c.dossier_code == d.c.code, doc.c.is_result, s.c.status == STORED)
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
