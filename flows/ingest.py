"""The ingest flow: every new scan in the inbox is recognised, stored and recorded.

One task per scan (never per page: pages run in the shared process pool inside the task), so the
Prefect UI shows one row per file with its outcome. Bad input is quarantined inside the task: the
task ends Failed, named "Quarantined", with the reason as its message (red in the dashboard), but
the run carries on and stays Completed; its message counts what happened ("n stored, m
quarantined, k skipped"). Infrastructure errors are retried, then leave the scan in the inbox.

Each unit is first claimed: renamed out of the inbox into this run's claim folder under the data
dir, so two ingests at once never read the same file (the loser of a claim skips it quietly). A
unit that ends neither archived nor quarantined is put back; a dead run's claims are put back by
the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.concurrency.sync import concurrency
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from flows import prefect_env, privacy, progress
from flows.discover import ScanUnit, discover
from flows.filing import claim, release_stale_claims, unclaim
from flows.scan import IngestContext, Outcome, ingest_scan, retry_if_transient
from ocr.pipeline import make_executor
from sohoa.runtime import open_database, open_store
from sohoa.settings import Settings, get_settings


@dataclass
class IngestSummary:
    inbox: str
    outcomes: list[Outcome] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def message(self) -> str:
        """What the run did, in the words its final state shows."""
        text = (
            f"{self.count('stored')} stored, {self.count('quarantined')} quarantined, "
            f"{self.count('skipped')} skipped"
        )
        return text + (f", {len(self.failed)} failed" if self.failed else "")

    @property
    def troubled(self) -> int:
        """Units quarantined or failed: the run exits 1 when there are any."""
        return self.count("quarantined") + len(self.failed)


def scan_run_name() -> str:
    """`scan <relative path>` of an ingest or backfill task, citizen IDs in it masked (staff
    name files after them)."""
    from prefect.runtime import task_run

    parameters = task_run.parameters
    unit = parameters.get("unit") or parameters.get("item")
    return "scan " + privacy.mask_ids(str(unit.relative))


@task(
    name="process-scan",
    task_run_name=scan_run_name,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_if_transient,
    cache_policy=NO_CACHE,
)
def process_scan(unit: ScanUnit, ctx: IngestContext) -> State:
    with ocr_slots(ctx):
        return outcome_state(ingest_scan(unit, ctx, get_run_logger()))


def outcome_state(outcome: Outcome) -> State:
    """A quarantined scan's task ends Failed ("Quarantined", the reason as message), not green."""
    if outcome.status == "quarantined":
        return Failed(name="Quarantined", message=outcome.reason, data=outcome)
    return Completed(message=f"{outcome.status}: {outcome.dossier_code or ''}", data=outcome)


def outcome_of(state: State) -> Outcome | None:
    """The scan's outcome from its task's final state; None when the task itself failed."""
    if state.is_completed() or state.name == "Quarantined":
        return state.result(raise_on_failure=False)
    return None


def ocr_slots(ctx: IngestContext):
    """Hold `SOHOA_OCR_WORKERS` slots of the global `ocr` limit while a scan's pages are read,
    so flow runs sharing the cores queue instead of oversubscribing them. Only with a Prefect
    server: a temporary server belongs to one command, there is nothing to share."""
    url = os.environ.get("PREFECT_API_URL")
    if not url or prefect_env.is_temporary(url):
        return contextlib.nullcontext()
    return concurrency("ocr", occupy=ctx.settings.workers, strict=False)


def inbox_run_name(prefix: str = "ingest") -> str:
    """`ingest <inbox folder>` (the default inbox spelled out), with the office when the folder
    is one office's (`INBOX/<office_code>`)."""
    inbox = flow_run.parameters.get("inbox")
    folder = Path(inbox) if inbox else get_settings().inbox_dir
    name = f"{prefix} {folder}"
    office = _office_of(folder)
    return f"{name} (office {office})" if office else name


def _office_of(folder: Path) -> str | None:
    from models.codes import level1_of

    return folder.name if level1_of(folder.name) and "." in folder.name else None


@flow(name="ingest-inbox", flow_run_name=inbox_run_name, validate_parameters=False)
def ingest_inbox(inbox: str | None = None, stable_seconds: float = 0.0) -> IngestSummary:
    """Process every (stable) scan under `inbox`; returns what happened to each (Prefect unwraps
    the final state `finished` makes into its data, the summary)."""
    settings = get_settings()
    folder = Path(inbox) if inbox else settings.inbox_dir
    units = discover(folder, stable_seconds=stable_seconds)
    return finished(run_units(units, settings, label=str(folder), inbox=folder))


def finished(summary: IngestSummary) -> State:
    """The run's final state: Completed with what it did as the message (the summary as data,
    so calling the flow still returns the summary)."""
    get_run_logger().info("%s: %s", summary.inbox, summary.message())
    return Completed(message=summary.message(), data=summary)


def refresh_dashboards(summary: IngestSummary) -> None:
    """New scans move the rates: republish the dashboard artifacts after a run that stored any."""
    if summary.count("stored"):
        from flows.rates import rates_refresh

        rates_refresh()


def run_units(
    units: list[ScanUnit], settings: Settings, *, label: str, inbox: Path | None = None
) -> IngestSummary:
    """Claim each unit, then run `process_scan` over them with one store, one database and
    one page pool."""
    log = get_run_logger()
    summary = IngestSummary(inbox=label)
    claims_root = settings.data_dir / "claims"
    if inbox is not None:
        for path in release_stale_claims(claims_root, inbox):
            log.warning("%s: put back into the inbox (claimed by an ingest that died)", path)
    log.info("%d scan(s) to process in %s", len(units), label)
    progress.scans(len(units))
    if not units:
        return summary
    claims = claims_root / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        _run_claimed(units, settings, summary, claims)
    finally:
        shutil.rmtree(claims, ignore_errors=True)  # empty by now: every unit was filed or put back
    _publish(summary)
    refresh_dashboards(summary)
    return summary


def _run_claimed(
    units: list[ScanUnit], settings: Settings, summary: IngestSummary, claims: Path
) -> None:
    log = get_run_logger()
    with ExitStack() as stack:
        store = stack.enter_context(open_store(settings))
        store.ensure_bucket()
        engine = open_database(settings)
        # the pool `sohoa ocr` uses: one OpenCV thread per page process, ocr/ preloaded
        pool = stack.enter_context(make_executor(settings.workers))
        ctx = IngestContext(settings=settings, store=store, engine=engine, executor=pool)
        for unit in units:
            claimed = claim(unit, claims)
            if claimed is None:
                log.info("%s: taken by another ingest", unit.relative)
                continue
            progress.scan_started(str(unit.relative))
            try:
                state = process_scan(claimed, ctx, return_state=True)
            finally:
                unclaim(claimed, unit)  # a unit neither archived nor quarantined goes back
            outcome = outcome_of(state)
            if outcome is not None:
                summary.outcomes.append(outcome)
            else:
                reason = str(state.message or state.name)
                summary.failed.append({"source": str(unit.relative), "error": reason})
                log.error("%s: failed, left in place: %s", unit.relative, reason)
            progress.scan_finished(str(unit.relative), outcome.status if outcome else "failed")
        from flows.webhooks import notify  # after the rows are recorded: queued, sent apart

        notify(engine, summary.outcomes)  # never waits for a receiver
        engine.dispose()


def _publish(summary: IngestSummary) -> None:
    rows = [
        {
            k: v
            for k, v in asdict(o).items()
            if k in ("source", "status", "dossier_code", "pages", "reason")
        }
        for o in summary.outcomes
    ] + [{"source": f["source"], "status": "failed", "reason": f["error"]} for f in summary.failed]
    create_table_artifact(
        key="ingest-last-run",
        table=rows,
        description=f"Ingest of {summary.inbox}: {summary.message()}",
    )
