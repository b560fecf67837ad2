"""Fixity: re-hash stored objects against the database and their manifests.

Finds `missing` (a stored scan's object or manifest is gone), `corrupt` (bytes differ from the
recorded SHA-256, or the store cannot read them back: a damaged volume) and `orphan` (an object
no row accounts for, e.g. left by a crash between writing objects and committing the row).
The original is checked against `Scan.sha256` itself, so an original altered together with its
manifest is still found.

`repair` destroys nothing: it never touches an object any row points at (original, digitized
prefix, manifest; any status), re-creates a lost manifest from the database and the objects
still under the scan's prefix, and moves true orphans (older than `orphan_grace`, so an ingest
in flight is not robbed) under `orphans/`. Only `purge` deletes, and only `orphans/` objects
parked longer than `purge_after`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.fixity import manifest_facts, references
from models.scans import StoredScan, stored_scans
from storage.errors import StorageError
from storage.manifest import build_manifest, check_manifest, store_manifest
from storage.objects import ObjectStore

ROOTS = ("originals/", "digitized/")
ORPHANS = "orphans/"


@dataclass
class Finding:
    kind: str  # missing | corrupt | orphan
    key: str
    detail: str
    scan_sha256: str | None = None


@dataclass
class FixityReport:
    scans_checked: int = 0
    objects_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # orphans moved under orphans/
    manifests_rebuilt: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


def verify(
    store: ObjectStore,
    engine: Engine,
    *,
    full: bool = True,
    repair: bool = False,
    purge: bool = False,
    orphan_grace: timedelta = timedelta(0),
    purge_after: timedelta = timedelta(days=30),
    on_scan: Callable[[int], None] | None = None,
) -> FixityReport:
    """Check every stored scan's original, manifest and objects (`full`: re-hash the bytes),
    then list the bucket for objects nobody references."""
    report = FixityReport()
    with session_scope(engine) as session:
        checked = stored_scans(session)
    for n, scan in enumerate(checked, start=1):
        report.scans_checked += 1
        try:
            _check_scan(store, engine, scan, report, full=full, repair=repair)
        except StorageError as error:  # the store broke off mid-scan: report, go on
            report.findings.append(
                Finding("corrupt", scan.manifest_key or "?", f"unreadable: {error}", scan.sha256)
            )
        if on_scan:
            on_scan(n)
    _find_orphans(store, engine, report, repair=repair, grace=orphan_grace)
    if purge:
        _purge(store, report, older_than=purge_after)
    return report


def _check_scan(
    store: ObjectStore,
    engine: Engine,
    scan: StoredScan,
    report: FixityReport,
    *,
    full: bool,
    repair: bool,
) -> None:
    sha = scan.sha256
    original = scan.original_key
    if original and not original.endswith("/"):
        report.objects_checked += 1
        report.findings += _check_original(store, original, sha, full=full)
    manifest = _manifest(store, scan.manifest_key)
    if manifest is None:
        report.findings.append(Finding("missing", scan.manifest_key or "?", "manifest", sha))
        if repair and scan.manifest_key and scan.digitized_prefix:
            manifest = _rebuild_manifest(store, engine, scan)
            report.manifests_rebuilt.append(scan.manifest_key)
        else:
            return
    recorded = (manifest.get("source") or {}).get("sha256")
    if recorded and recorded != sha:
        detail = f"manifest names source sha256 {recorded}, database {sha}"
        report.findings.append(Finding("corrupt", scan.manifest_key or "?", detail, sha))
    entries = [e for e in manifest.get("objects", []) if e.get("key") != original]
    report.objects_checked += len(entries)
    report.findings += [
        Finding(p.kind, p.key, p.detail, sha)
        for p in check_manifest(store, {"objects": entries}, full=full)
    ]


def _check_original(store: ObjectStore, key: str, sha: str, *, full: bool) -> list[Finding]:
    """The original's bytes against the scan's own SHA-256 (not the manifest's copy of it)."""
    try:
        stored = store.stat(key)
        if stored is None:
            return [Finding("missing", key, "original", sha)]
        actual = store.rehash(key) if full else stored.sha256
    except StorageError as error:
        return [Finding("corrupt", key, f"original unreadable: {error}", sha)]
    if actual and actual != sha:
        return [Finding("corrupt", key, f"original hashes to {actual}, scan sha256 {sha}", sha)]
    return []


def _rebuild_manifest(store: ObjectStore, engine: Engine, scan: StoredScan) -> dict:
    """A lost manifest, again: the objects under the scan's prefix (their recorded sha256) and
    the original, with the facts the database holds."""
    prefix = scan.digitized_prefix or ""
    objects = [o for o in store.list(prefix, with_sha256=True) if o.key != scan.manifest_key]
    if scan.original_key and not scan.original_key.endswith("/"):
        original = store.stat(scan.original_key)
        objects += [original] if original else []
    elif scan.original_key:
        objects += list(store.list(scan.original_key, with_sha256=True))
    metadata = manifest_facts(engine, scan.sha256)
    metadata["rebuilt_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = build_manifest(
        objects,
        source={"name": scan.source_name, "sha256": scan.sha256, "key": scan.original_key},
        metadata=metadata,
    )
    store_manifest(store, prefix, manifest)
    return manifest


def _find_orphans(
    store: ObjectStore, engine: Engine, report: FixityReport, *, repair: bool, grace: timedelta
) -> None:
    refs = references(engine)
    now = datetime.now(UTC)
    for root in ROOTS:
        for obj in store.list(root):
            if refs.cover(obj.key):
                continue
            if obj.last_modified and now - obj.last_modified < grace:
                continue  # maybe an ingest between its objects and its row: not yet an orphan
            report.findings.append(Finding("orphan", obj.key, "no row references it"))
            if repair:
                store.move(obj.key, ORPHANS + obj.key)
                report.repaired.append(obj.key)


def _purge(store: ObjectStore, report: FixityReport, *, older_than: timedelta) -> None:
    now = datetime.now(UTC)
    for obj in store.list(ORPHANS):
        if obj.last_modified and now - obj.last_modified >= older_than:
            store.delete(obj.key)
            report.purged.append(obj.key)


def _manifest(store: ObjectStore, key: str | None) -> dict | None:
    if not key or store.stat(key) is None:
        return None
    try:
        return json.loads(store.get_bytes(key))
    except ValueError:
        return None
