"""API tokens and webhook delivery attempts (the exchange API's tables, migration 0005).

- `api_token`: one integrating system (a one-stop system, usually): a name, the office whose
  subtree it sees, its scopes (SCOPES, comma-separated), the SHA-256 of the bearer token (the
  token itself is shown once and never stored), an optional webhook URL with its HMAC secret,
  its rate limit, and when it was revoked.
- `webhook_event`: the queue of events to send (migration 0006): the ingest adds a row per
  event and token (`queue_events`), a separate sender claims and sends them (`claim_events`,
  `finish_event`): `pending` → `sending` → `delivered` or `failed` (or `dropped`: the token was
  revoked or lost its webhook meanwhile). A claim older than STALE_CLAIM (a sender that died) is
  claimed again.
- `webhook_delivery`: every attempt to POST an event to a token's webhook: which event
  (`delivery_id`, the idempotency id the receiver sees), the attempt number, the HTTP status or
  the error, and whether it was accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Index, Text, or_, text, update
from sqlmodel import Field, Session, SQLModel, select

from models.tables import utcnow

SCOPES = ("register:write", "dossiers:read", "pii:read")


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    office_code: str = Field(foreign_key="office.code")
    scopes: str
    token_sha256: str = Field(max_length=64, unique=True)
    webhook_url: str | None = None
    webhook_secret: str | None = Field(default=None, max_length=64)
    rate_per_minute: int = 600
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="api_token.id")
    delivery_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=20)
    dossier_code: str | None = None
    scan_sha256: str | None = None
    attempt: int
    status_code: int | None = None
    error: str | None = None
    ok: bool = False
    at: datetime = Field(default_factory=utcnow)


class WebhookEvent(SQLModel, table=True):
    __tablename__ = "webhook_event"

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="api_token.id")
    delivery_id: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=20)
    dossier_code: str | None = None
    scan_sha256: str | None = None
    body: str = Field(sa_type=Text)
    state: str = Field(default="pending", max_length=12, index=True)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    done_at: datetime | None = None


STALE_CLAIM = timedelta(minutes=10)  # longer than any sender needs for one batch


def queue_events(session: Session, events: list[WebhookEvent]) -> int:
    """Add the events not queued before (by `delivery_id`: a scan ingested again, or a retried
    run, does not send its events twice). Returns how many were added."""
    if not events:
        return 0
    ids = [e.delivery_id for e in events]
    known = set(
        session.exec(select(WebhookEvent.delivery_id).where(WebhookEvent.delivery_id.in_(ids)))
    )
    added = 0
    for event in events:
        if event.delivery_id not in known:
            known.add(event.delivery_id)
            session.add(event)
            added += 1
    session.flush()
    return added


def claim_events(session: Session, limit: int = 200) -> list[WebhookEvent]:
    """Mark up to `limit` pending events (or stale claims) as this sender's, oldest first. Each
    row is claimed by a conditional UPDATE, so two senders never send the same event."""
    now = utcnow()
    claimable = or_(
        WebhookEvent.state == "pending",
        (WebhookEvent.state == "sending") & (WebhookEvent.claimed_at < now - STALE_CLAIM),
    )
    candidates = list(
        session.exec(select(WebhookEvent).where(claimable).order_by(WebhookEvent.id).limit(limit))
    )
    claimed = []
    for event in candidates:
        result = session.connection().execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == event.id, claimable)
            .values(state="sending", claimed_at=now)
        )
        if result.rowcount == 1:
            claimed.append(event)
    session.flush()
    for event in claimed:
        session.refresh(event)
    return claimed


def finish_event(session: Session, event_id: int, state: str, attempts: int) -> None:
    session.connection().execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == event_id)
        .values(state=state, attempts=attempts, done_at=utcnow())
    )


def queue_counts(session: Session) -> dict[str, int]:
    """Events by state."""
    from sqlalchemy import func

    rows = session.exec(select(WebhookEvent.state, func.count()).group_by(WebhookEvent.state)).all()
    return {state: n for state, n in rows}


def add_token(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token


def token_by_name(session: Session, name: str) -> ApiToken | None:
    return session.exec(select(ApiToken).where(ApiToken.name == name)).first()


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(ApiToken.name)))


def webhook_tokens(session: Session) -> list[ApiToken]:
    """Live tokens with a webhook URL."""
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.webhook_url.is_not(None), ApiToken.revoked_at.is_(None))
        )
    )


def record_delivery(session: Session, delivery: WebhookDelivery) -> None:
    session.add(delivery)
    session.flush()


def recent_deliveries(session: Session, limit: int = 50) -> list[tuple[WebhookDelivery, str]]:
    """The newest delivery attempts with their token's name."""
    return list(
        session.exec(
            select(WebhookDelivery, ApiToken.name)
            .join(ApiToken, ApiToken.id == WebhookDelivery.token_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
    )


def scan_needs_review(session: Session, sha256: str) -> bool:
    """Whether a stored scan has a document the machine was unsure of."""
    from models.tables import Document, Scan

    return (
        session.exec(
            select(Document.id)
            .join(Scan, Scan.id == Document.scan_id)
            .where(Scan.sha256 == sha256, Document.needs_review.is_(True))
            .limit(1)
        ).first()
        is not None
    )


_LIVE_TOKEN = text(
    "WITH RECURSIVE tree(code) AS ("
    " SELECT o.code FROM office o JOIN api_token t ON o.code = t.office_code"
    " WHERE t.token_sha256 = :digest AND t.revoked_at IS NULL"
    " UNION ALL SELECT c.code FROM office c JOIN tree ON c.parent_code = tree.code)"
    " SELECT t.id, t.name, t.office_code, t.scopes, t.rate_per_minute, tree.code"
    " FROM api_token t LEFT JOIN tree ON true"
    " WHERE t.token_sha256 = :digest AND t.revoked_at IS NULL"
)


def live_token(conn: Connection, digest: str) -> tuple[int, str, str, str, int, set[str]] | None:
    """The live (not revoked) token with this SHA-256 as (id, name, office_code, scopes,
    rate_per_minute, the offices of its subtree as `models.accounts.office_subtree` gives
    them), or None; in one query, as every API call starts with it."""
    rows = conn.execute(_LIVE_TOKEN, {"digest": digest}).all()
    if not rows:
        return None
    return (*rows[0][:5], {r[5] for r in rows if r[5] is not None})
