"""manifest.json: what was stored for one scan (every object with its checksum) and what it is.

The flow uploads a scan's outputs (`upload_folder`), then builds the manifest from the stored
objects plus the facts it passes in (page types, fields, tool versions) and stores it last
(`store_manifest`), so a manifest never names an object that was not verified first.
`check_manifest` re-checks the listed objects later (fixity).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.errors import StorageError
from storage.objects import ObjectStore, StoredObject, content_type_for, sha256_file

SCHEMA = "sohoa.manifest/v1"
MANIFEST_NAME = "manifest.json"
_RESERVED = {"schema", "created_at", "source", "objects"}


@dataclass(frozen=True)
class LocalFile:
    path: str  # relative to the folder, `/`-separated
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class Problem:
    key: str
    kind: str  # "missing" | "corrupt"
    detail: str


def checksum_folder(folder: Path | str, *, exclude: Iterable[str] = ()) -> list[LocalFile]:
    """Every file under `folder` (recursively, in path order) with its SHA-256 and size."""
    root = Path(folder)
    skip = set(exclude)
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative in skip:
            continue
        files.append(
            LocalFile(relative, sha256_file(path), path.stat().st_size, content_type_for(path.name))
        )
    return files


def upload_folder(
    store: ObjectStore,
    folder: Path | str,
    prefix: str,
    *,
    exclude: Iterable[str] = (MANIFEST_NAME,),
) -> list[StoredObject]:
    """Upload a folder of outputs under `prefix` (ending in `/`), each object verified."""
    if prefix and not prefix.endswith("/"):
        raise ValueError(f"prefix must end with '/': {prefix!r}")
    root = Path(folder)
    return [
        store.put_file(prefix + item.path, root / item.path, content_type=item.content_type)
        for item in checksum_folder(root, exclude=exclude)
    ]


def build_manifest(
    objects: Iterable[StoredObject | LocalFile],
    *,
    source: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    prefix: str = "",
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The manifest document. `source` describes the original (key, sha256, size, name);
    `metadata` adds the flow's facts (e.g. `pages`, `documents`, `tool_versions`) at top level.
    Local files get `prefix` in front of their path so every entry is a full key."""
    extra = dict(metadata or {})
    clash = _RESERVED & extra.keys()
    if clash:
        raise ValueError(f"manifest metadata may not set {sorted(clash)}")
    entries = [_entry(item, prefix) for item in objects]
    return {
        "schema": SCHEMA,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "source": dict(source or {}),
        "objects": sorted(entries, key=lambda entry: entry["key"]),
        **extra,
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n"


def store_manifest(store: ObjectStore, prefix: str, manifest: Mapping[str, Any]) -> StoredObject:
    """Write `<prefix>manifest.json` (verified like every object)."""
    return store.put_bytes(
        prefix + MANIFEST_NAME, manifest_bytes(manifest), content_type="application/json"
    )


def check_manifest(
    store: ObjectStore, manifest: Mapping[str, Any], *, full: bool = False
) -> list[Problem]:
    """Objects of a manifest that are missing or differ (size, recorded sha256; with `full`,
    the bytes themselves are re-hashed)."""
    problems = []
    for entry in manifest.get("objects", []):
        key, sha256, size = entry.get("key", "?"), entry.get("sha256"), entry.get("size")
        try:
            problem = _check_entry(store, key, sha256, size, full=full)
        except StorageError as error:  # a damaged volume: the read breaks off (IncompleteRead)
            problem = Problem(key, "corrupt", f"unreadable: {_short(error)}")
        if problem is not None:
            problems.append(problem)
    return problems


def _check_entry(
    store: ObjectStore, key: str, sha256: str | None, size: int | None, *, full: bool
) -> Problem | None:
    stored = store.stat(key)
    if stored is None:
        return Problem(key, "missing", "not in the bucket")
    if size is not None and stored.size != size:
        return Problem(key, "corrupt", f"size {stored.size}, manifest {size}")
    actual = store.rehash(key) if full else stored.sha256
    if sha256 and actual != sha256:
        return Problem(key, "corrupt", f"sha256 {actual}, manifest {sha256}")
    return None


def _short(error: BaseException) -> str:
    return " ".join(str(error).split())[:200]


def _entry(item: StoredObject | LocalFile, prefix: str) -> dict[str, Any]:
    if isinstance(item, LocalFile):
        return {
            "key": prefix + item.path,
            "sha256": item.sha256,
            "size": item.size,
            "content_type": item.content_type,
        }
    return {
        "key": item.key,
        "sha256": item.sha256,
        "size": item.size,
        "content_type": item.content_type,
    }
