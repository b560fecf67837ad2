"""The change feed of the exchange API: dossiers of some offices by the time they last changed.

A dossier changes when the register writes it (`dossier.updated_at`, else `created_at`), when a
scan of it is recorded (`scan.ingested_at`: stored or quarantined) and when one of its documents
is reviewed (`document.reviewed_at`). Each part is filtered by the lower bound first (indexed
columns, migration 0005), so a page costs what changed since the cursor, not the whole table.
Pages are ordered by (changed_at, code): a cursor is the last item's pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, or_, union_all
from sqlmodel import Session, select

from models.tables import Document, Dossier, Scan


@dataclass(frozen=True)
class Change:
    code: str
    office_code: str
    changed_at: datetime
    received_at: date | None
    components_digitized: bool
    result_digitized: bool
    reused: bool


def changed_dossiers(
    session: Session,
    offices: set[str],
    *,
    since: datetime | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int = 100,
) -> list[Change]:
    """Dossiers of `offices` changed at or after `since` and strictly after the cursor `after`,
    oldest change first."""
    bound = max(b for b in (since, after[0] if after else None) if b) if (since or after) else None
    touched = func.coalesce(Dossier.updated_at, Dossier.created_at)
    parts = [
        select(Dossier.code.label("code"), touched.label("t")).where(
            Dossier.office_code.in_(offices), *([touched >= bound] if bound else [])
        ),
        select(Scan.dossier_code.label("code"), Scan.ingested_at.label("t")).where(
            Scan.dossier_code.is_not(None), *([Scan.ingested_at >= bound] if bound else [])
        ),
        select(Document.dossier_code.label("code"), Document.reviewed_at.label("t")).where(
            Document.dossier_code.is_not(None),
            Document.reviewed_at.is_not(None),
            *([Document.reviewed_at >= bound] if bound else []),
        ),
    ]
    every = union_all(*parts).subquery()
    latest = (
        select(every.c.code, func.max(every.c.t).label("changed_at"))
        .group_by(every.c.code)
        .subquery()
    )
    q = select(
        latest.c.changed_at,
        Dossier.code,
        Dossier.office_code,
        Dossier.received_at,
        Dossier.components_digitized,
        Dossier.result_digitized,
        Dossier.reused,
    ).join(Dossier, Dossier.code == latest.c.code)
    q = q.where(Dossier.office_code.in_(offices))
    if since:
        q = q.where(latest.c.changed_at >= since)
    if after:
        t, code = after
        q = q.where(
            or_(latest.c.changed_at > t, and_(latest.c.changed_at == t, latest.c.code > code))
        )
    q = q.order_by(latest.c.changed_at, latest.c.code).limit(limit)
    return [
        Change(
            code=r.code,
            office_code=r.office_code,
            changed_at=_aware(r.changed_at),
            received_at=r.received_at,
            components_digitized=r.components_digitized,
            result_digitized=r.result_digitized,
            reused=r.reused,
        )
        for r in session.exec(q).all()
    ]


def _aware(value: datetime | str) -> datetime:
    """SQLite hands back naive UTC (or, through a union, text): make it an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
