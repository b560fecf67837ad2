"""`backfill`: digitize an archive (a folder or an S3 prefix) in resumable, parallel chunks.

Resumable by construction: what is finished is in the database (scan rows by SHA-256), so a
backfill stopped at any point and started again hashes the source, skips what is finished
(stored or quarantined: `models.scans.finished`), and carries on. Chunks run in this flow run
(`distributed=False`), or as flow runs of the `backfill-chunk` deployment that any number of
workers pull from a work pool. A chunk whose worker dies stops making progress; after
`stall_seconds` without progress its unfinished items are dispatched again (a scan stored twice
is impossible: rows are unique by SHA-256 and objects are content-addressed and write-once).
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.utilities.annotations import quote
from sqlalchemy.engine import Engine

from flows import progress as watch
from flows.ingest import ocr_slots, outcome_of, outcome_state, scan_run_name
from flows.scan import IngestContext, ingest_scan, retry_if_transient
from flows.sources import Item, is_s3, list_items, select, split_s3, staged
from models import scans
from models.db import session_scope
from ocr.load import sha256_of
from ocr.pipeline import make_executor
from sohoa.runtime import open_database, open_store
from sohoa.settings import Settings, get_settings
from storage.objects import ObjectStore

CHUNK_DEPLOYMENT = "backfill-chunk/backfill-chunk"
WAITING_STATES = ("Scheduled", "Late", "AwaitingRetry")
# Scans of a chunk in flight at once. A scan's pages run in the page pool, then this process
# assembles, stores and records it alone (fields, outputs, uploads: a fifth of the scan's time
# or more) while the pool would idle; with two in flight the next scan's pages fill that gap.
IN_FLIGHT = 2


@dataclass
class BackfillSummary:
    source: str
    listed: int = 0
    already_done: int = 0
    outcomes: list[dict] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o["status"] == status for o in self.outcomes)


@task(
    name="backfill-scan",
    task_run_name=scan_run_name,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_if_transient,
    cache_policy=NO_CACHE,
)
def backfill_scan(item: Item, ctx: IngestContext) -> State:
    with (
        tempfile.TemporaryDirectory(prefix="sohoa-stage-") as staging,
        staged(item, ctx.store, Path(staging)) as unit,
    ):
        watch.scan_started(item.relative)
        return outcome_state(ingest_scan(unit, ctx, get_run_logger()))


@flow(name="backfill-chunk", flow_run_name="chunk {label}", validate_parameters=False)
def backfill_chunk(items: list[dict], label: str = "") -> list[dict]:
    """One chunk of a backfill: scans overlapped two at a time, pages in parallel processes.

    The chunk holds its share of the global `ocr` limit (`SOHOA_OCR_WORKERS` slots) from its
    first scan to its last: its page processes are busy all along, and taking the slots per scan
    would make the overlapped scan wait for its own chunk's slots."""
    settings = get_settings()
    outcomes: list[dict] = []
    with _context(settings) as ctx, ocr_slots(ctx):
        for item, state in run_scans([Item.from_param(i) for i in items], ctx):
            if (outcome := outcome_of(state)) is not None:
                outcomes.append(asdict(outcome))
            else:
                outcomes.append(
                    {"source": item.relative, "status": "failed", "reason": str(state.message)}
                )
    return outcomes


def run_scans(
    items: list[Item], ctx: IngestContext, sha_of: Callable[[Item], str | None] | None = None
) -> list[tuple[Item, State]]:
    """`backfill_scan` over `items`, `IN_FLIGHT` at a time, in order; (item, final state) each.

    Two items with the same bytes (`sha_of`, by default the SHA-256 the dispatcher put in the
    item) are never in flight together: the second must find the first's row and be skipped."""
    sha_of = sha_of or (lambda item: item.sha256)
    waiting, running, done = list(items), [], []
    while waiting or running:
        while waiting and len(running) < IN_FLIGHT:
            busy = {sha_of(i) for i, _ in running} - {None}
            item = next((i for i in waiting if sha_of(i) is None or sha_of(i) not in busy), None)
            if item is None:
                break
            waiting.remove(item)
            running.append((item, backfill_scan.submit(item, quote(ctx))))
        item, future = running.pop(0)
        future.wait()
        done.append((item, future.state))
    return done


def backfill_run_name() -> str:
    """`backfill /archive/2021 office H44 2021-01-01..2021-06-30`: what the run covers."""
    from prefect.runtime import flow_run

    p = flow_run.parameters
    name = f"backfill {p.get('source')}"
    if p.get("office"):
        name += f" office {p['office']}"
    if p.get("since") or p.get("until"):
        name += f" {p.get('since') or ''}..{p.get('until') or ''}"
    return name


@flow(name="backfill", flow_run_name=backfill_run_name, validate_parameters=False)
def backfill(
    source: str,
    office: str | None = None,
    since: str | None = None,
    until: str | None = None,
    batch_size: int = 20,
    distributed: bool = False,
    max_passes: int = 3,
    stall_seconds: float = 900.0,
) -> BackfillSummary:
    """List the source, skip finished scans, process the rest in chunks of `batch_size`."""
    log = get_run_logger()
    settings = get_settings()
    summary = BackfillSummary(source=source)
    with ExitStack() as stack:
        store = stack.enter_context(open_store(settings))
        engine = open_database(settings)
        items = select(
            list_items(source, store),
            office=office,
            since=date.fromisoformat(since) if since else None,
            until=date.fromisoformat(until) if until else None,
        )
        summary.listed = len(items)
        hashes = _Hashes(store)
        pending = _pending(items, hashes, engine)
        summary.already_done = len(items) - len(pending)
        log.info(
            "%d scan(s) listed, %d already done, %d to process",
            len(items),
            summary.already_done,
            len(pending),
        )
        progress = create_progress_artifact(
            progress=_percent(items, pending),
            key="backfill-progress",
            description=f"Backfill of {source}",
        )
        for attempt in range(1, max_passes + 1):
            if not pending:
                break
            chunks = [pending[i : i + batch_size] for i in range(0, len(pending), batch_size)]
            log.info("pass %d: %d chunk(s)", attempt, len(chunks))
            watch.scans(len(pending))
            if distributed:
                summary.outcomes += _run_distributed(
                    chunks,
                    hashes,
                    engine,
                    stall_seconds,
                    on_progress=lambda left: update_progress_artifact(
                        progress, _percent(items, left)
                    ),
                )
            else:
                with _context(settings, store=store, engine=engine) as ctx:
                    for chunk in chunks:
                        for item, state in run_scans(chunk, ctx, hashes):
                            if (outcome := outcome_of(state)) is not None:
                                summary.outcomes.append(asdict(outcome))
                            watch.scan_finished(item.relative, outcome.status if outcome else "")
                        update_progress_artifact(
                            progress, _percent(items, _pending(items, hashes, engine))
                        )
            pending = _pending(items, hashes, engine)
        summary.unfinished = [i.relative for i in pending]
        update_progress_artifact(progress, _percent(items, pending))
        engine.dispose()
    _publish(summary)
    return summary


class _context(ExitStack):
    """Store, database and page-process pool for a run of scans, closed together."""

    def __init__(
        self, settings: Settings, *, store: ObjectStore | None = None, engine: Engine | None = None
    ):
        super().__init__()
        self.settings, self.store, self.engine = settings, store, engine

    def __enter__(self) -> IngestContext:
        super().__enter__()
        store = self.store or self.enter_context(open_store(self.settings))
        engine = self.engine or open_database(self.settings)
        # make_executor: page processes with one OpenCV thread each and ocr/ preloaded, the
        # pool `sohoa ocr` uses (a bare pool let OpenCV start a thread per core in every one)
        pool = self.enter_context(make_executor(self.settings.workers))
        return IngestContext(self.settings, store, engine, pool, keep_source=True)


class _Hashes:
    """SHA-256 of each item, computed once per backfill run (the same rule as `sha256_of`)."""

    def __init__(self, store: ObjectStore):
        self.store, self.known = store, {}

    def __call__(self, item: Item) -> str | None:
        if item.relative not in self.known:
            self.known[item.relative] = self._hash(item)
        return self.known[item.relative]

    def _hash(self, item: Item) -> str | None:
        try:
            if not is_s3(item.source):
                return sha256_of(Path(item.source) / item.relative)
            bucket = self.store.for_bucket(split_s3(item.source)[0])
            digests = [bucket.rehash(k) for k in item.keys]
            if len(item.keys) == 1:
                return digests[0]
            return hashlib.sha256("\n".join(digests).encode()).hexdigest()
        except Exception:  # unreadable: the chunk will quarantine it with the reason
            return None


def _pending(items: list[Item], hashes: _Hashes, engine: Engine) -> list[Item]:
    """The items not finished yet (an unreadable one, with no hash, is never finished)."""
    shas = {item.relative: hashes(item) for item in items}
    with session_scope(engine) as session:
        done = scans.finished(session, shas.values())
    return [item for item in items if shas[item.relative] not in done]


def _run_distributed(chunks, hashes, engine, stall_seconds, on_progress) -> list[dict]:
    """Dispatch chunks as flow runs for the work pool's workers; wait while they progress.

    A chunk run is given up (marked crashed, its scans left for the next pass) only when every
    unfinished run was claimed by a worker (Pending or Running) and no scan finished for
    `stall_seconds`: runs still queued mean the workers are busy, not lost."""
    from prefect.deployments import run_deployment

    from flows.runs import mark_crashed, run_state

    log = get_run_logger()
    runs: dict[UUID, list[Item]] = {}
    for n, chunk in enumerate(chunks, start=1):
        params = [replace(i, sha256=hashes(i)).to_param() for i in chunk]
        run = run_deployment(
            CHUNK_DEPLOYMENT,
            parameters={"items": params, "label": f"{n}/{len(chunks)}"},
            timeout=0,
            as_subflow=True,
        )
        runs[run.id] = chunk
    items = [i for c in chunks for i in c]
    last_left, last_change = None, time.monotonic()
    while runs:
        time.sleep(2)
        queued = False
        for run_id in list(runs):
            name, final = run_state(run_id)
            if final:
                log.info("chunk run %s ended %s", run_id, name)
                del runs[run_id]
            queued = queued or name in WAITING_STATES  # no worker has claimed it yet
        left = sum(len(_pending(chunk, hashes, engine)) for chunk in runs.values())
        if left != last_left:
            on_progress(_pending(items, hashes, engine))
        if left != last_left or queued:
            last_left, last_change = left, time.monotonic()
        elif time.monotonic() - last_change > stall_seconds:
            for run_id in runs:
                mark_crashed(run_id, f"no progress for {stall_seconds:.0f} s: worker lost?")
            log.warning("%d chunk run(s) stalled; their scans go to the next pass", len(runs))
            break
    return _outcomes(items, hashes, engine)


def _outcomes(items: list[Item], hashes: _Hashes, engine: Engine) -> list[dict]:
    """What the database says happened to each item (the chunks ran in other processes)."""
    shas = {hashes(item): item.relative for item in items if hashes(item)}
    with session_scope(engine) as session:
        rows = {r.sha256: r for r in scans.outcomes(session, shas)}
    return [
        {"source": source, "status": rows[sha].status, "reason": rows[sha].error}
        for sha, source in shas.items()
        if sha in rows
    ]


def _percent(items: list[Item], pending: list[Item]) -> float:
    return 100.0 if not items else round(100.0 * (len(items) - len(pending)) / len(items), 1)


def _publish(summary: BackfillSummary) -> None:
    reasons: dict[str, int] = {}
    for o in summary.outcomes:
        if o["status"] == "quarantined":
            reasons[o.get("reason") or "?"] = reasons.get(o.get("reason") or "?", 0) + 1
    table = [
        {"what": "listed", "count": summary.listed},
        {"what": "already done before this run", "count": summary.already_done},
        {"what": "stored", "count": summary.count("stored")},
        {"what": "skipped (duplicate)", "count": summary.count("skipped")},
        {"what": "quarantined", "count": summary.count("quarantined")},
        {"what": "unfinished", "count": len(summary.unfinished)},
    ] + [{"what": f"quarantined: {r}", "count": n} for r, n in sorted(reasons.items())]
    create_table_artifact(
        key="backfill-summary", table=table, description=f"Backfill of {summary.source}"
    )
