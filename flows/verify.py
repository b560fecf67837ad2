"""Fixity: re-hash stored objects against the database and their manifests.

Finds three kinds of trouble: `missing` (a stored scan's object is gone), `corrupt` (bytes differ
from the recorded SHA-256) and `orphan` (an object no stored scan accounts for, e.g. left by a
crash between writing objects and committing the row). `repair` deletes orphaned *derived*
objects only; an orphaned original is kept (it is reused when its scan is ingested again).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.db import session_scope
from models.tables import Scan
from storage.manifest import check_manifest
from storage.objects import ObjectStore

ROOTS = ("originals/", "digitized/")


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
    repaired: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]


def verify(
    store: ObjectStore,
    engine: Engine,
    *,
    full: bool = True,
    repair: bool = False,
    on_scan: Callable[[int], None] | None = None,
) -> FixityReport:
    """Check every stored scan's manifest and objects (`full`: re-hash the bytes), then list the
    bucket for objects nobody references."""
    report = FixityReport()
    referenced: set[str] = set()
    with session_scope(engine) as session:
        scans = session.execute(
            select(Scan.sha256, Scan.manifest_key, Scan.original_key).where(Scan.status == "stored")
        ).all()
    for n, (sha, manifest_key, original_key) in enumerate(scans, start=1):
        report.scans_checked += 1
        referenced.update(k for k in (manifest_key, original_key) if k)
        manifest = _manifest(store, manifest_key)
        if manifest is None:
            report.findings.append(Finding("missing", manifest_key or "?", "manifest", sha))
        else:
            entries = manifest.get("objects", [])
            referenced.update(e["key"] for e in entries)
            report.objects_checked += len(entries)
            report.findings += [
                Finding(p.kind, p.key, p.detail, sha)
                for p in check_manifest(store, manifest, full=full)
            ]
        if on_scan:
            on_scan(n)
    folders = {ref for ref in referenced if ref.endswith("/")}
    for root in ROOTS:
        for obj in store.list(root):
            if obj.key in referenced or obj.key.rsplit("/", 1)[0] + "/" in folders:
                continue
            report.findings.append(Finding("orphan", obj.key, "no stored scan lists it"))
            if repair and obj.key.startswith("digitized/"):
                store.delete(obj.key)
                report.repaired.append(obj.key)
    return report


def _manifest(store: ObjectStore, key: str | None) -> dict | None:
    if not key or store.stat(key) is None:
        return None
    try:
        return json.loads(store.get_bytes(key))
    except ValueError:
        return None
