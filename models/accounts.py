"""Staff accounts, web sessions, login attempts and uploads (the web app's tables, migration 0004).

- `web_user`: a staff account: role (ROLES), the office it works for (none for an admin),
  argon2 password hash, disabled flag.
- `web_session`: a signed-in browser: the SHA-256 of the random session token (the cookie holds
  the token, never stored as is), its CSRF token, expiry.
- `login_attempt`: every login try by user name and client address, for the rate limit.
- `upload`: one scan sent through the web app, from arrival to outcome: `state` one of
  UPLOAD_STATES, the inbox path it was written to, the reason when quarantined, the flow run.

Queries the web app needs over these tables and the scan tables live here too (all SQL in models/).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, delete, func, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col, select

from models.tables import Document, Dossier, Office, Page, Scan, utcnow

ROLES = ("counter", "reviewer", "manager", "admin")
UPLOAD_STATES = ("queued", "reading", "stored", "review", "quarantined", "duplicate", "failed")
FINAL_STATES = ("stored", "review", "quarantined", "duplicate", "failed")


class WebUser(SQLModel, table=True):
    __tablename__ = "web_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = ""
    role: str = Field(max_length=12)
    office_code: str | None = Field(default=None, foreign_key="office.code", index=True)
    password_hash: str
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    password_changed_at: datetime = Field(default_factory=utcnow)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="web_user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    address: str | None = None


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    username: str = Field(max_length=64)
    address: str = Field(max_length=64)
    ok: bool = False


class Upload(SQLModel, table=True):
    __tablename__ = "upload"
    __table_args__ = (
        Index("ix_upload_office_created", "office_code", "created_at"),
        Index("ix_upload_state", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="web_user.id")
    office_code: str | None = Field(default=None, max_length=40)
    dossier_hint: str | None = Field(default=None, max_length=60)
    filename: str = ""  # what the user sent (display only)
    relative: str = ""  # the path in the inbox the ingest flow reads
    size: int = 0
    files: int = 1
    state: str = Field(default="queued", max_length=12)
    reason: str | None = None
    sha256: str | None = Field(default=None, max_length=64, index=True)
    dossier_code: str | None = Field(default=None, max_length=60)
    flow_run_id: str | None = Field(default=None, max_length=40)


# ------------------------------------------------------------------ accounts and sessions


def user_by_name(session: Session, username: str) -> WebUser | None:
    return session.exec(select(WebUser).where(WebUser.username == username)).first()


def list_users(session: Session) -> list[WebUser]:
    return list(session.exec(select(WebUser).order_by(WebUser.username)).all())


def session_by_token(session: Session, token_sha256: str, now: datetime) -> WebSession | None:
    return session.exec(
        select(WebSession).where(
            WebSession.token_sha256 == token_sha256, WebSession.expires_at > now
        )
    ).first()


def drop_sessions(session: Session, *, user_id: int | None = None, token: str | None = None):
    """Sign out one session (by token hash) or every session of a user."""
    query = delete(WebSession)
    if token is not None:
        query = query.where(WebSession.token_sha256 == token)
    if user_id is not None:
        query = query.where(WebSession.user_id == user_id)
    session.execute(query)


def drop_expired_sessions(session: Session, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))


def failed_logins(session: Session, *, username: str, address: str, since: datetime):
    """(failures for this user name, failures from this address) since `since`."""

    def count(column, value) -> int:
        return session.exec(
            select(func.count())
            .select_from(LoginAttempt)
            .where(column == value, LoginAttempt.at >= since, LoginAttempt.ok.is_(False))
        ).one()

    return count(LoginAttempt.username, username), count(LoginAttempt.address, address)


def office_exists(session: Session, code: str) -> bool:
    return session.get(Office, code) is not None


def office_subtree(session: Session, code: str) -> set[str]:
    """The office and every office below it (parent_code chain), by a recursive query."""
    tree = select(Office.code).where(Office.code == code).cte("tree", recursive=True)
    child = aliased(Office)
    tree = tree.union_all(select(child.code).where(child.parent_code == tree.c.code))
    return set(session.exec(select(tree.c.code)).all())


# ------------------------------------------------------------------ uploads


def uploads_in_state(session: Session, state: str) -> list[Upload]:
    return list(session.exec(select(Upload).where(Upload.state == state)).all())


def recent_uploads(session: Session, offices: set[str] | None, limit: int = 50) -> list[Upload]:
    """The newest uploads of these offices (all offices when None)."""
    query = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc()).limit(limit)
    if offices is not None:
        query = query.where(col(Upload.office_code).in_(offices))
    return list(session.exec(query).all())


def scan_outcome(session: Session, sha256: str) -> tuple[Scan | None, bool]:
    """The scan row of this hash and whether any of its documents waits for review."""
    scan = session.exec(select(Scan).where(Scan.sha256 == sha256)).first()
    if scan is None or scan.id is None:
        return scan, False
    review = session.exec(
        select(literal(True))
        .select_from(Document)
        .where(Document.scan_id == scan.id, Document.needs_review.is_(True))
        .limit(1)
    ).first()
    return scan, bool(review)


# ------------------------------------------------------------------ dossier view


def scan_documents(session: Session, scan_ids: list[int]) -> list[Document]:
    if not scan_ids:
        return []
    return list(
        session.exec(
            select(Document)
            .where(col(Document.scan_id).in_(scan_ids))
            .order_by(Document.scan_id, Document.first_page, Document.id)
        ).all()
    )


def scan_pages(session: Session, scan_id: int) -> list[Page]:
    """Pages of a scan in order."""
    return list(
        session.exec(select(Page).where(Page.scan_id == scan_id).order_by(Page.number)).all()
    )


def page(session: Session, scan_id: int, number: int) -> Page | None:
    return session.exec(select(Page).where(Page.scan_id == scan_id, Page.number == number)).first()


def recent_dossiers(
    session: Session, offices: set[str] | None, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest dossiers with stored scans in these offices, with their document count."""
    latest = (
        select(Scan.dossier_code, func.max(Scan.ingested_at).label("at"))
        .where(Scan.status == "stored", Scan.dossier_code.is_not(None))
        .group_by(Scan.dossier_code)
    )
    if offices is not None:
        latest = latest.where(
            or_(
                col(Scan.office_code).in_(offices),
                col(Scan.dossier_code).in_(
                    select(Dossier.code).where(col(Dossier.office_code).in_(offices))
                ),
            )
        )
    latest = latest.order_by(func.max(Scan.ingested_at).desc()).limit(limit).subquery()
    rows = session.exec(
        select(latest.c.dossier_code, latest.c.at, Dossier.office_code)
        .join(Dossier, Dossier.code == latest.c.dossier_code)
        .order_by(latest.c.at.desc())
    ).all()
    return [{"code": r[0], "at": r[1], "office_code": r[2]} for r in rows]


def busiest_office(session: Session) -> str | None:
    """The office with the most stored scans (the demo account's office)."""
    return session.exec(
        select(Scan.office_code)
        .where(Scan.status == "stored", Scan.office_code.is_not(None))
        .group_by(Scan.office_code)
        .order_by(func.count().desc(), Scan.office_code)
        .limit(1)
    ).first()
