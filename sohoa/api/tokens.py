"""API tokens: made once (the bearer token is printed once and only its SHA-256 is kept), listed,
revoked (refused from the next request on: every request looks the digest up), and checked.

A token sees its office and every office below it (the same subtree a manager sees). Its rate
limit is a sliding minute kept per process (`RateLimiter`, held by the app, not global).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from sqlalchemy import Engine

from models.accounts import office_exists, office_subtree
from models.db import session_scope
from models.tables import utcnow
from models.tokens import (
    SCOPES,
    ApiToken,
    add_token,
    list_tokens,
    live_token,
    token_by_name,
)

PREFIX = "sohoa_"


class TokenError(ValueError):
    """A bad name, office, scope or URL (message in the user's terms)."""


@dataclass(frozen=True)
class Identity:
    """Who is calling the API: a live token, its scopes and the offices it sees."""

    id: int
    name: str
    office_code: str
    scopes: frozenset[str]
    offices: frozenset[str]
    rate_per_minute: int

    def sees(self, office_code: str | None) -> bool:
        return office_code is not None and office_code in self.offices


@dataclass(frozen=True)
class NewToken:
    name: str
    token: str  # shown once
    webhook_secret: str | None  # shown once too: the receiver checks signatures with it


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_scopes(text: str) -> list[str]:
    scopes = sorted({s.strip() for s in text.split(",") if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise TokenError(f"unknown scope {', '.join(unknown) or '(none)'}: use {', '.join(SCOPES)}")
    return scopes


def create(
    engine: Engine,
    name: str,
    *,
    office: str,
    scopes: str,
    webhook: str | None = None,
    rate_per_minute: int = 600,
) -> NewToken:
    """A new token (TokenError: name taken, unknown office or scope, webhook not http(s))."""
    if not name or len(name) > 64:
        raise TokenError("a token name is 1 to 64 characters")
    scope_list = parse_scopes(scopes)
    if webhook and not webhook.startswith(("http://", "https://")):
        raise TokenError(f"webhook {webhook!r} is not an http(s) URL")
    token = PREFIX + secrets.token_urlsafe(32)
    secret = secrets.token_hex(32) if webhook else None
    with session_scope(engine) as session:
        if token_by_name(session, name) is not None:
            raise TokenError(f"a token named {name!r} exists")
        if not office_exists(session, office):
            raise TokenError(f"unknown office {office}")
        add_token(
            session,
            ApiToken(
                name=name,
                office_code=office,
                scopes=",".join(scope_list),
                token_sha256=digest(token),
                webhook_url=webhook,
                webhook_secret=secret,
                rate_per_minute=rate_per_minute,
            ),
        )
    return NewToken(name, token, secret)


def tokens(engine: Engine) -> list[ApiToken]:
    with session_scope(engine) as session:
        return list_tokens(session)


def revoke(engine: Engine, name: str) -> None:
    with session_scope(engine) as session:
        found = token_by_name(session, name)
        if found is None:
            raise TokenError(f"no token named {name!r}")
        if found.revoked_at is None:
            found.revoked_at = utcnow()
            session.add(found)


def identify(engine: Engine, token: str) -> Identity | None:
    """The live token's identity, or None (unknown or revoked): one query, no transaction
    kept open (every API call starts here)."""
    if not token.startswith(PREFIX):
        return None
    with engine.connect() as conn:
        found = live_token(conn, digest(token))
    if found is None:
        return None
    id_, name, office_code, scopes, rate, offices = found
    return Identity(
        id=id_,
        name=name,
        office_code=office_code,
        scopes=frozenset(s for s in scopes.split(",") if s),
        offices=frozenset(offices),
        rate_per_minute=rate,
    )


def _identity(session, found) -> Identity:
    """A token row as the identity a request acts with (its office subtree resolved)."""
    return Identity(
        id=found.id,
        name=found.name,
        office_code=found.office_code,
        scopes=found.scope_set,
        offices=frozenset(office_subtree(session, found.office_code)),
        rate_per_minute=found.rate_per_minute,
    )


def live_identity(engine: Engine, token_id: int) -> Identity | None:
    """The identity of a token by id if it is still live (download links are checked again)."""
    from models.tokens import ApiToken as Row

    with session_scope(engine) as session:
        found = session.get(Row, token_id)
        if found is None or found.revoked_at is not None:
            return None
        return _identity(session, found)


class RateLimiter:
    """At most `limit` calls per token in any 60 seconds (per process)."""

    def __init__(self) -> None:
        self._calls: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, token_id: int, limit: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            calls = self._calls.setdefault(token_id, deque())
            while calls and calls[0] <= now - 60:
                calls.popleft()
            if len(calls) >= limit:
                return False
            calls.append(now)
            return True
