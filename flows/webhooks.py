"""Webhooks: each token with a webhook URL gets a signed POST when one of its dossiers has a
scan stored, marked for review, or quarantined.

The ingest only *queues* the events (`notify`: one `webhook_event` row per event and token, a
quick local write after the scans are recorded) and starts a sender in the background; it never
waits for a receiver, so a receiver that is down or hangs costs an ingest nothing. The sender
(`send_webhooks`, its own `webhook-send` flow run: in a background thread of the process that
ingested, from `sohoa webhooks send`, or every minute from `sohoa serve`) claims the queued
events, sends each from a `webhook` task (short timeouts, all submitted at once), and marks it
delivered or failed. A process that exits waits for its sender (at most the retry budget,
about 20 s); one killed meanwhile leaves its claims, taken again by the next sender after
`models.tokens.STALE_CLAIM`.

The body is JSON with an idempotency `id` (the same on every retry: the receiver drops
repeats); the header `X-Sohoa-Signature` is `sha256=<hex HMAC-SHA256 of the body with the
token's webhook secret>`. A failed attempt (timeout, refused, status ≥ 300) raises for Prefect's
retries (RETRIES, with exponential backoff); every attempt is a `webhook_delivery` row
(`sohoa webhooks`) and each sender run ends with a `webhook-deliveries` table artifact.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass

import httpx
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run
from prefect.tasks import exponential_backoff
from sqlmodel import select

from models.accounts import office_subtree
from models.db import session_scope
from models.tables import utcnow
from models.tokens import (
    ApiToken,
    WebhookDelivery,
    WebhookEvent,
    claim_events,
    finish_event,
    queue_events,
    record_delivery,
    scan_needs_review,
    webhook_tokens,
)

RETRIES = 3  # after the first attempt: 4 in all
BACKOFF = exponential_backoff(backoff_factor=1)(RETRIES)  # 1, 2, 4 seconds
TIMEOUT = httpx.Timeout(3.0, connect=2.0)
EVENTS = ("scan.stored", "scan.review", "scan.quarantined")


@dataclass(frozen=True)
class Hook:
    """One event for one token's URL."""

    token_id: int
    token_name: str
    url: str
    secret: str
    delivery_id: str
    kind: str
    dossier_code: str | None
    scan_sha256: str | None
    body: bytes


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def hooks_for(engine, outcomes) -> list[Hook]:
    """The deliveries a run's outcomes call for (stored, review, quarantined; not skipped)."""
    found: list[Hook] = []
    with session_scope(engine) as session:
        targets = [
            (t, office_subtree(session, t.office_code))
            for t in webhook_tokens(session)
            if "dossiers:read" in t.scope_set
        ]
        if not targets:
            return []
        for o in outcomes:
            office = o.office_code or _office_folder(o.source)
            if o.status not in ("stored", "quarantined") or not office:
                continue
            kinds = ["scan.stored"] if o.status == "stored" else ["scan.quarantined"]
            if o.status == "stored" and o.sha256 and scan_needs_review(session, o.sha256):
                kinds.append("scan.review")
            for token, offices in targets:
                if office not in offices:
                    continue
                for kind in kinds:
                    found.append(_hook(token, kind, o, office))
    return found


def _office_folder(source: str) -> str | None:
    """A quarantined scan has no recognised office: the inbox folder it came from names it
    (`INBOX/<office>/…`, the layout uploads and counter staff use)."""
    first = source.replace("\\", "/").split("/")[0]
    return first if "/" in source and "." in first else None


def _hook(token, kind: str, o, office: str) -> Hook:
    delivery_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{token.id}|{kind}|{o.sha256 or o.source}"))
    body = json.dumps(
        {
            "id": delivery_id,
            "event": kind,
            "dossier_code": o.dossier_code,
            "office_code": office,
            "scan_sha256": o.sha256,
            "source": o.source,
            "pages": o.pages,
            "documents": list(o.documents),
            "reason": o.reason,
            "occurred_at": utcnow().isoformat(),
        },
        ensure_ascii=False,
    ).encode()
    return Hook(
        token.id,
        token.name,
        token.webhook_url,
        token.webhook_secret or "",
        delivery_id,
        kind,
        o.dossier_code,
        o.sha256,
        body,
    )


@task(
    name="webhook",
    task_run_name="webhook {hook.kind} → {hook.token_name}",
    retries=RETRIES,
    retry_delay_seconds=BACKOFF,
    cache_policy=NO_CACHE,
)
def deliver(hook: Hook, engine) -> int:
    """POST one event; raises (for a retry) unless the receiver answers 2xx."""
    attempt = task_run.get_run_count() or 1
    status, error = None, None
    try:
        response = httpx.post(
            hook.url,
            content=hook.body,
            timeout=TIMEOUT,
            headers={
                "Content-Type": "application/json",
                "X-Sohoa-Signature": sign(hook.secret, hook.body),
                "X-Sohoa-Event": hook.kind,
                "X-Sohoa-Delivery": hook.delivery_id,
            },
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    with session_scope(engine) as session:
        record_delivery(
            session,
            WebhookDelivery(
                token_id=hook.token_id,
                delivery_id=hook.delivery_id,
                kind=hook.kind,
                dossier_code=hook.dossier_code,
                scan_sha256=hook.scan_sha256,
                attempt=attempt,
                status_code=status,
                error=error,
                ok=error is None,
            ),
        )
    if error:
        get_run_logger().warning("webhook %s attempt %d: %s", hook.url, attempt, error)
        raise RuntimeError(error)
    return attempt


def queue(engine, outcomes) -> int:
    """Queue the events the outcomes call for; returns how many were new."""
    hooks = hooks_for(engine, outcomes)
    if not hooks:
        return 0
    with session_scope(engine) as session:
        return queue_events(
            session,
            [
                WebhookEvent(
                    token_id=h.token_id,
                    delivery_id=h.delivery_id,
                    kind=h.kind,
                    dossier_code=h.dossier_code,
                    scan_sha256=h.scan_sha256,
                    body=h.body.decode(),
                )
                for h in hooks
            ],
        )


def notify(engine, outcomes) -> int:
    """After an ingest's scans are recorded: queue their events and start the background sender
    (never waits for it). Never raises: webhooks must not fail an ingest that succeeded."""
    try:
        queued = queue(engine, outcomes)
    except Exception:  # noqa: BLE001 (webhooks must never fail an ingest that succeeded)
        get_run_logger().exception("webhooks: not queued")
        return 0
    if queued:
        get_run_logger().info("webhooks: %d event(s) queued, sent in the background", queued)
        start_sender(engine.url.render_as_string(hide_password=False))
    return queued


def send_queued(engine, limit: int = 200) -> list[dict]:
    """Claim up to `limit` queued events, send them (concurrently, each with its retries), mark
    each delivered or failed, publish the artifact. Inside a flow run. Returns one row per event
    (empty: nothing was queued)."""
    with session_scope(engine) as session:
        events = claim_events(session, limit)
        if not events:
            return []
        tokens = {
            t.id: t
            for t in session.exec(
                select(ApiToken).where(ApiToken.id.in_({e.token_id for e in events}))
            )
        }
        for event in events:
            session.expunge(event)
        for token in tokens.values():
            session.expunge(token)
    started, rows = [], []
    for event in events:
        token = tokens.get(event.token_id)
        if token is None or token.revoked_at is not None or not token.webhook_url:
            with session_scope(engine) as session:
                finish_event(session, event.id, "dropped", 0)
            continue
        hook = _hook_of(event, token)
        started.append((event, hook, deliver.submit(hook, engine)))
    for event, hook, future in started:
        future.wait()
        delivered = future.state.is_completed()
        attempts = future.result() if delivered else RETRIES + 1
        with session_scope(engine) as session:
            finish_event(session, event.id, "delivered" if delivered else "failed", attempts)
        rows.append(
            {
                "token": hook.token_name,
                "event": hook.kind,
                "dossier_code": hook.dossier_code,
                "delivery_id": hook.delivery_id,
                "delivered": delivered,
                "attempts": attempts,
            }
        )
    if rows:
        create_table_artifact(
            key="webhook-deliveries",
            table=rows,
            description=(
                f"{sum(r['delivered'] for r in rows)} of {len(rows)} webhook events delivered"
            ),
        )
    return rows


def _hook_of(event: WebhookEvent, token: ApiToken) -> Hook:
    return Hook(
        token.id,
        token.name,
        token.webhook_url or "",
        token.webhook_secret or "",
        event.delivery_id,
        event.kind,
        event.dossier_code,
        event.scan_sha256,
        event.body.encode(),
    )


_sender = threading.local()  # the engine a background sender thread hands to its flow run


@flow(name="webhook-send", validate_parameters=False)
def send_webhooks() -> list[dict]:
    """Send every queued webhook event (batch after batch until the queue is empty)."""
    engine = getattr(_sender, "engine", None)
    own = engine is None
    if own:
        from sohoa.runtime import open_database
        from sohoa.settings import get_settings

        engine = open_database(get_settings())
    try:
        rows: list[dict] = []
        while batch := send_queued(engine):
            rows += batch
        get_run_logger().info(
            "%d of %d webhook events delivered", sum(r["delivered"] for r in rows), len(rows)
        )
        return rows
    finally:
        if own:
            engine.dispose()


_lock = threading.Lock()
_thread: threading.Thread | None = None  # the running sender
_started: list[threading.Thread] = []
_again = False


def start_sender(database_url: str) -> threading.Thread:
    """Run `send_webhooks` in a background thread (non-daemon: the process waits for it before
    exiting) unless one is running, which then makes one more pass for the new events."""
    global _thread, _again
    with _lock:
        if _thread is not None:
            _again = True
            return _thread
        _again = False
        _thread = threading.Thread(
            target=_send_in_background, args=(database_url,), name="sohoa-webhooks"
        )
        _started[:] = [t for t in _started if t.is_alive()] + [_thread]
        _thread.start()
        return _thread


def sender_running() -> bool:
    return any(t.is_alive() for t in _started)


def wait_for_sender(timeout: float | None = None) -> bool:
    """Wait for the background senders; True if none is running any more."""
    for thread in list(_started):
        thread.join(timeout)
    return not any(t.is_alive() for t in _started)


def _send_in_background(database_url: str) -> None:
    global _again, _thread
    import logging

    from models.db import make_engine

    engine = None
    try:
        engine = _sender.engine = make_engine(database_url)
        while True:
            try:
                send_webhooks()
            except Exception:  # noqa: BLE001 (logged; the events stay queued for the next sender)
                logging.getLogger("sohoa.webhooks").exception("webhook sender failed")
            with _lock:
                if not _again:
                    _thread = None  # in the same lock: a later start_sender starts a new one
                    break
                _again = False
    finally:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)  # the run's logs reach the server before it may stop
        with _lock:
            if _thread is threading.current_thread():
                _thread = None
        _sender.engine = None
        if engine is not None:
            engine.dispose()
