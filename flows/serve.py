"""`sohoa serve`: the deployments operators see in the Prefect dashboard.

The five scheduled/parameterised deployments are served by this process. `backfill-chunk` is
registered on a work pool instead, so any number of `prefect worker start --pool <pool>` workers
(on any machine that shares the database and object store) pull backfill chunks.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectAlreadyExists
from prefect.schedules import Cron, Interval

from flows.backfill import backfill, backfill_chunk
from flows.fixity import fixity_check
from flows.inbox import inbox_watch
from flows.rates import rates_refresh
from flows.webhooks import send_webhooks

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Ho_Chi_Minh"  # offices' hours: 01:00 here is 18:00 UTC the day before


def deployments() -> list:
    return [
        inbox_watch.to_deployment(
            name="inbox-watch",
            schedules=[Interval(60, timezone=TIMEZONE)],
            description="Process stable scans in the inbox every minute",
        ),
        backfill.to_deployment(name="backfill", description="Digitize an archive in chunks"),
        rates_refresh.to_deployment(
            name="rates-refresh",
            schedules=[Cron("0 1 * * *", timezone=TIMEZONE)],
            description="Nightly (01:00 Vietnam time) rates and dashboard artifacts",
        ),
        fixity_check.to_deployment(
            name="fixity-check",
            schedules=[Cron("0 3 * * 0", timezone=TIMEZONE)],
            description="Weekly (Sunday 03:00 Vietnam time) re-hash of every stored object",
        ),
        send_webhooks.to_deployment(
            name="webhook-send",
            schedules=[Interval(60, timezone=TIMEZONE)],
            description="Send queued webhook events (the ingest's own sender may have died)",
        ),
    ]


def register_chunk_deployment(pool: str, *, limit: int | None = None) -> None:
    """Create the process work pool if needed and register `backfill-chunk` on it."""
    ensure_pool(pool)
    backfill_chunk.from_source(
        source=str(REPO_ROOT), entrypoint="flows/backfill.py:backfill_chunk"
    ).deploy(
        name="backfill-chunk", work_pool_name=pool, concurrency_limit=limit, print_next_steps=False
    )


def ensure_pool(pool: str, pool_type: str = "process") -> None:
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type=pool_type))


def serve_all(pool: str | None = None) -> None:
    if pool:
        register_chunk_deployment(pool)
    serve(*deployments())
