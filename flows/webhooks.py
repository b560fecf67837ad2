"""Webhooks after ingest: each token with a webhook URL gets a signed POST when one of its
dossiers has a scan stored, marked for review, or quarantined.

Runs after the scans are recorded (`flows.ingest.run_units`), so a receiver never delays or
fails a scan: short timeouts, one task per delivery, all submitted at once. The body is JSON
with an idempotency `id` (the same on every retry: the receiver drops repeats); the header
`X-Sohoa-Signature` is `sha256=<hex HMAC-SHA256 of the body with the token's webhook secret>`.
A failed attempt (timeout, refused, status ≥ 300) raises for Prefect's retries (RETRIES, with
exponential backoff); every attempt is a `webhook_delivery` row (`sohoa webhooks`) and the run
ends with a `webhook-deliveries` table artifact.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass

import httpx
from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run
from prefect.tasks import exponential_backoff

from models.accounts import office_subtree
from models.db import session_scope
from models.tables import utcnow
from models.tokens import WebhookDelivery, record_delivery, scan_needs_review, webhook_tokens

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


def notify(engine, outcomes) -> list[dict]:
    """Deliver every hook the outcomes call for (concurrently), wait, publish the artifact.
    Never raises: a receiver's failure (or ours) is logged and recorded, not the run's."""
    try:
        hooks = hooks_for(engine, outcomes)
        futures = [(h, deliver.submit(h, engine)) for h in hooks]
    except Exception:  # noqa: BLE001 (webhooks must never fail an ingest that succeeded)
        get_run_logger().exception("webhooks: not sent")
        return []
    if not futures:
        return []
    rows = []
    for hook, future in futures:
        future.wait()
        delivered = future.state.is_completed()
        rows.append(
            {
                "token": hook.token_name,
                "event": hook.kind,
                "dossier_code": hook.dossier_code,
                "delivery_id": hook.delivery_id,
                "delivered": delivered,
                "attempts": future.result() if delivered else RETRIES + 1,
            }
        )
    create_table_artifact(
        key="webhook-deliveries",
        table=rows,
        description=f"{sum(r['delivered'] for r in rows)} of {len(rows)} webhook events delivered",
    )
    return rows
