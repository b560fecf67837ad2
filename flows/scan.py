"""One scan from inbox to stored record: hash, recognise, store objects, record rows, file away.

Order matters for consistency: objects are written first (originals write-once, verified), the
manifest after them, the database row last. A crash in between leaves stored objects without a row
(`sohoa verify` reports and repairs orphans), never a dossier counted whose files are missing.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import Executor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from flows import progress
from flows.discover import ScanUnit
from flows.filing import archive, quarantine
from flows.verify import ORPHANS
from models import duplicates, events, scans
from models.codes import parse_dossier_code
from models.db import session_scope
from models.dossiers import known_dossiers
from models.tables import FAILED, STORED
from ocr.errors import BadInput
from ocr.load import sha256_of
from ocr.pipeline import Recognised, recognised
from ocr.result import OcrResult
from sohoa.runtime import ocr_options
from sohoa.settings import Settings
from storage import keys
from storage.errors import StorageError, WriteOnceError
from storage.manifest import MANIFEST_NAME, build_manifest, store_manifest
from storage.objects import ObjectStore, content_type_for

Logger = logging.Logger | logging.LoggerAdapter


@dataclass
class IngestContext:
    settings: Settings
    store: ObjectStore
    engine: Engine
    executor: Executor | None = None
    keep_source: bool = False  # backfill: the source is an archive, read it and leave it be


@dataclass
class Outcome:
    source: str
    status: str  # stored | skipped | quarantined
    sha256: str | None = None
    office_code: str | None = None
    dossier_code: str | None = None
    pages: int = 0
    documents: list[str] = field(default_factory=list)
    reason: str | None = None


def ingest_scan(unit: ScanUnit, ctx: IngestContext, log: Logger) -> Outcome:
    """Identify the bytes, recognise them, store the objects, record the rows, file the source
    away: each step once, in that order. Bad input is quarantined with its reason (an Outcome,
    not an exception); outages raise, for the task's retries."""
    source = str(unit.relative)
    if unit.refusal:  # a link or a hard link: quarantined as it is, nothing read
        return _quarantine(unit, ctx, None, unit.refusal, log)
    try:
        sha = _identify(unit)
    except (BadInput, OSError) as exc:
        return _quarantine(unit, ctx, None, f"unreadable: {exc}", log)
    if _already_stored(ctx.engine, sha):
        if not ctx.keep_source:
            archive(unit, ctx.settings.archive_dir / "duplicates")
        log.info("%s: already ingested (sha256 %s…), skipped", source, sha[:12])
        return Outcome(source, "skipped", sha)
    planned: StoredKeys | None = None
    with tempfile.TemporaryDirectory(prefix="sohoa-") as tmp:
        try:
            with _recognise(unit, ctx) as done:
                result = done.result
                place = _place(unit, result, ctx, log)
                planned = _planned_keys(unit, sha, place, _now().date())
                try:
                    stored = _store_objects(ctx.store, unit, done, Path(tmp), place, planned)
                except StorageError as exc:  # never retried by Prefect: that would redo the OCR
                    reason = f"S3 unreachable, scan left for the next run: {exc}"
                    _record_failed(ctx.engine, sha, source, reason, planned, log)
                    raise StoreAfterOcr(reason) from exc
        except BadInput as exc:  # unreadable, or an output could not be written from it
            return _quarantine(unit, ctx, sha, str(exc), log, planned)
    try:
        earlier, debris = _record(ctx.engine, sha, source, result, place, stored)
    except (OperationalError, InterfaceError) as exc:  # as above: the objects wait for their row
        raise StoreAfterOcr(f"database unreachable, scan left for the next run: {exc}") from exc
    if debris:
        _park_debris(ctx.store, debris, stored, log)
    if earlier:
        log.warning("%s: reads like scan %s… of its dossier: sent to review", source, earlier[:12])
    if not ctx.keep_source:
        archive(unit, ctx.settings.archive_dir)
    types = [d.doc_type for d in result.documents]
    log.info(
        "%s: stored %d pages as %s (%s)",
        source,
        result.page_count,
        place.dossier or "?",
        ", ".join(types),
    )
    return Outcome(source, "stored", sha, place.office, place.dossier, result.page_count, types)


@dataclass(frozen=True)
class Place:
    """Where a scan belongs: its office, dossier and the dossier's reception date."""

    office: str | None
    dossier: str | None
    received: date | None


@dataclass(frozen=True)
class StoredKeys:
    original: str  # the original's key (a folder prefix for a folder of page images)
    prefix: str  # the digitized outputs' prefix
    manifest: str


def _identify(unit: ScanUnit) -> str:
    """The scan's SHA-256 (`ocr.load.sha256_of`); BadInput when there is nothing to read."""
    sha = sha256_of(unit.path)
    if not unit.files:
        raise BadInput("folder holds no page images")
    return sha


def _already_stored(engine: Engine, sha: str) -> bool:
    """Stored before: skip it. A quarantined scan is read again (putting the file back in the
    inbox is how staff retry it); `models.scans.finished` is the one definition."""
    with session_scope(engine) as session:
        return scans.finished(session, [sha]).get(sha) == STORED


def _recognise(unit: ScanUnit, ctx: IngestContext) -> AbstractContextManager[Recognised]:
    """The scan recognised, its page artifacts kept until the block ends (the outputs are
    written and uploaded one at a time inside it, under the prefix the result decides)."""
    return recognised(
        unit.path,
        ocr_options(ctx.settings),
        workers=ctx.settings.workers,
        executor=ctx.executor,
        on_page=progress.page_callback(str(unit.relative)),
    )


def _record(
    engine: Engine, sha: str, source: str, result: OcrResult, place: Place, stored: StoredKeys
) -> tuple[str | None, list[str]]:
    """The scan's rows, last: a `stored` row means its objects exist. Returns the stored scan
    this one probably duplicates (same dossier, same page texts), if any, and the keys and
    prefixes an earlier, failed attempt wrote elsewhere (its `failed` row pointed at them)."""
    data = result.to_json()
    with session_scope(engine) as session:
        before = scans.unfinished_keys(session, sha)
        scans.record_scan(
            session,
            sha256=sha,
            source_name=source,
            office_code=place.office,
            dossier_code=place.dossier,
            page_count=result.page_count,
            original_key=stored.original,
            digitized_prefix=stored.prefix,
            manifest_key=stored.manifest,
            pages=data["pages"],
            documents=data["documents"],
            tool_versions=result.tool_versions,
        )
        earlier = duplicates.flag_probable_duplicate(session, sha)
    debris = [k for k in before if k and k not in (stored.original, stored.prefix)]
    return earlier, debris


def _record_failed(
    engine: Engine, sha: str, source: str, reason: str, planned: StoredKeys, log: Logger
) -> None:
    """An upload broke off: a `failed` row points at the keys it was writing, so its objects
    are accounted for (not orphans) until the next run stores the scan."""
    try:
        with session_scope(engine) as session:
            scans.record_quarantine(
                session,
                sha256=sha,
                source_name=source,
                reason=reason,
                status=FAILED,
                original_key=planned.original,
                digitized_prefix=planned.prefix,
            )
    except (OperationalError, InterfaceError) as exc:  # the database is gone too
        log.warning("%s: could not record the failed upload: %s", source, exc)


def _park_debris(store: ObjectStore, debris: list[str], stored: StoredKeys, log: Logger) -> None:
    """Objects a failed attempt wrote under other keys (another month's prefix) are moved under
    `orphans/` (never deleted: `sohoa verify --purge` does that after its delay). The stored
    scan's own keys are never touched."""
    for key in debris:
        found = list(store.list(key)) if key.endswith("/") else [store.stat(key)]
        for obj in found:
            if obj is None or obj.key in (stored.original, stored.manifest):
                continue
            if obj.key.startswith((stored.prefix, stored.original)):
                continue
            try:
                store.move(obj.key, ORPHANS + obj.key)
            except StorageError as exc:  # verify reports it as an orphan
                log.warning("%s: could not park a failed upload's object: %s", obj.key, exc)


TRANSIENT_ERRORS = (StorageError, OperationalError, InterfaceError, ConnectionError, TimeoutError)


class StoreAfterOcr(Exception):
    """The store failed after the scan was read: the run goes on, the scan stays for the next."""


def retry_if_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry object-store and database outages, not our own bugs or
    bad input (those would fail the same way again, after re-reading every page)."""
    try:
        state.result()
    except (WriteOnceError, StoreAfterOcr):
        return False
    except TRANSIENT_ERRORS:
        return True
    except Exception:
        return False
    return False


def _place(unit: ScanUnit, result: OcrResult, ctx: IngestContext, log: Logger) -> Place:
    """Office, dossier and reception date: the code read on the scan (receipt, QR) first, the
    inbox path as fallback. When both exist and differ, the one the register knows wins."""
    dossier = result.dossier_code or unit.dossier_hint
    if result.dossier_code and unit.dossier_hint and result.dossier_code != unit.dossier_hint:
        with session_scope(ctx.engine) as session:
            known = known_dossiers(session, (result.dossier_code, unit.dossier_hint))
        if known == {unit.dossier_hint}:
            dossier = unit.dossier_hint
        log.warning(
            "%s: scan reads dossier %s, path says %s; using %s",
            unit.relative,
            result.dossier_code,
            unit.dossier_hint,
            dossier,
        )
    parsed = parse_dossier_code(dossier) if dossier else None
    office = (parsed[0] if parsed else None) or result.office_code or unit.office_hint
    received = parsed[1] if parsed else None
    return Place(office, dossier, received)


def _now() -> datetime:
    return datetime.now(UTC)


def _planned_keys(unit: ScanUnit, sha: str, place: Place, today: date) -> StoredKeys:
    """Where the scan's objects go: its original (a prefix for a folder), its outputs' prefix
    and the manifest (the month is the reception date's, else today's)."""
    office, dossier, received = place.office, place.dossier, place.received
    if unit.path.is_dir():
        original = keys.original_folder_prefix(office, received, dossier, sha, ingested=today)
    else:
        original = keys.original_key(
            office, received, dossier, sha, _ext(unit.path), ingested=today
        )
    prefix = keys.digitized_prefix(office, received, dossier, sha, ingested=today)
    return StoredKeys(original, prefix, prefix + MANIFEST_NAME)


def _store_objects(
    store: ObjectStore,
    unit: ScanUnit,
    done: Recognised,
    out_dir: Path,
    place: Place,
    planned: StoredKeys,
) -> StoredKeys:
    """Originals (write-once), then recognised outputs (each uploaded as soon as it is written,
    then removed from `out_dir`), then the manifest that lists them all."""
    result = done.result
    sha = result.sha256
    office, dossier = place.office, place.dossier
    original, prefix = planned.original, planned.prefix
    objects = []
    if unit.path.is_dir():
        for number, page in enumerate(unit.files, start=1):
            key = keys.page_in_folder(original, number, _ext(page))
            objects.append(store.put_file(key, page, write_once=True))
    else:
        objects.append(store.put_file(original, unit.path, write_once=True))

    def upload(path: Path, name: str) -> None:
        objects.append(store.put_file(prefix + name, path, content_type=content_type_for(name)))

    done.write_outputs(out_dir, sink=upload)
    manifest = build_manifest(
        objects,
        source={"name": str(unit.relative), "sha256": sha, "key": original},
        metadata={
            "office_code": office,
            "dossier_code": dossier,
            "page_count": result.page_count,
            "pages": [
                {"number": p.number, "doc_type": p.doc_type, "blank": p.blank} for p in result.pages
            ],
            "documents": [
                {"doc_type": d.doc_type, "pages": d.pages, "fields": d.fields}
                for d in result.documents
            ],
            "tool_versions": result.tool_versions,
        },
    )
    return StoredKeys(original, prefix, store_manifest(store, prefix, manifest).key)


def _quarantine(
    unit: ScanUnit,
    ctx: IngestContext,
    sha: str | None,
    reason: str,
    log: Logger,
    planned: StoredKeys | None = None,
) -> Outcome:
    """Move a bad scan to quarantine with its reason; the row (when hashable) lets staff find it.
    `planned`: where its objects were being uploaded when an output failed (the row points at
    them, so they are accounted for, not orphans)."""
    reason = " ".join(reason.split())
    target = quarantine(unit, ctx.settings.quarantine_dir, reason, move=not ctx.keep_source)
    with session_scope(ctx.engine) as session:
        if sha is not None:
            scans.record_quarantine(
                session,
                sha256=sha,
                source_name=str(unit.relative),
                reason=reason,
                original_key=planned.original if planned else None,
                digitized_prefix=planned.prefix if planned else None,
            )
        else:  # unhashable (a link, an unreadable file): the event still says where it went
            detail = {"reason": reason, "source": str(unit.relative)}
            events.log_event(session, action="quarantine", outcome="quarantined", detail=detail)
    log.warning("%s: quarantined to %s: %s", unit.relative, target, reason)
    return Outcome(str(unit.relative), "quarantined", sha, reason=reason)


def _ext(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "bin"
