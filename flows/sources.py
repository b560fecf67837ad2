"""Backfill sources: a local folder or an S3 prefix, listed as scan units and filtered.

A unit is described by a small JSON-able `Item` so chunks can travel as flow-run parameters to
other workers; a worker turns an item back into a local `ScanUnit` (downloading S3 objects into a
staging folder first). The source itself is never modified.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from flows.discover import DOCUMENT_EXTS, PAGE_IMAGE_EXTS, ScanUnit, discover
from models.codes import parse_dossier_code
from storage.objects import ObjectStore


@dataclass(frozen=True)
class Item:
    source: str  # the backfill source: a folder path or s3://bucket/prefix
    relative: str  # unit path relative to the source
    keys: tuple[str, ...] = field(default_factory=tuple)  # S3 keys (a folder unit has several)
    office_hint: str | None = None
    dossier_hint: str | None = None
    sha256: str | None = None  # when the dispatcher hashed it (see backfill.run_scans)

    def to_param(self) -> dict:
        return {**asdict(self), "keys": list(self.keys)}

    @classmethod
    def from_param(cls, data: dict) -> Item:
        return cls(**{**data, "keys": tuple(data.get("keys") or ())})


def is_s3(source: str) -> bool:
    return source.startswith("s3://")


def split_s3(source: str) -> tuple[str, str]:
    bucket, _, prefix = source.removeprefix("s3://").partition("/")
    return bucket, prefix


def list_items(source: str, store: ObjectStore | None = None) -> list[Item]:
    if is_s3(source):
        if store is None:
            raise ValueError("an S3 source needs the object store")
        return list(_s3_items(source, store))
    return [_local_item(source, u) for u in discover(Path(source))]


def select(
    items: list[Item],
    *,
    office: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Item]:
    """Items of `office` (or an office below it, by code suffix) received in [since, until]; an
    item whose path names no date passes the date filter (it may carry its code on the receipt)."""
    out = []
    for item in items:
        parsed = parse_dossier_code(item.dossier_hint) if item.dossier_hint else None
        item_office = (parsed[0] if parsed else None) or item.office_hint
        if office and not (item_office and _under(item_office, office)):
            continue
        received = parsed[1] if parsed else None
        if received and ((since and received < since) or (until and received > until)):
            continue
        out.append(item)
    return out


@contextlib.contextmanager
def staged(item: Item, store: ObjectStore | None, staging: Path) -> Iterator[ScanUnit]:
    """The item as a local unit: the source path itself, or its S3 objects downloaded."""
    if not is_s3(item.source):
        path = Path(item.source) / item.relative
        yield ScanUnit(path, Path(item.relative), item.office_hint, item.dossier_hint)
        return
    if store is None:
        raise ValueError("an S3 source needs the object store")
    bucket, _ = split_s3(item.source)
    source_store = store.for_bucket(bucket)
    target = staging / item.relative
    for key in item.keys:
        local = target / PurePosixPath(key).name if len(item.keys) > 1 else target
        local.parent.mkdir(parents=True, exist_ok=True)
        source_store.download(key, local)
    yield ScanUnit(target, Path(item.relative), item.office_hint, item.dossier_hint)


def _local_item(source: str, unit: ScanUnit) -> Item:
    return Item(source, unit.relative.as_posix(), (), unit.office_hint, unit.dossier_hint)


def _s3_items(source: str, store: ObjectStore) -> Iterator[Item]:
    bucket, prefix = split_s3(source)
    pages: dict[str, list[str]] = defaultdict(list)
    for obj in store.for_bucket(bucket).list(prefix):
        key = PurePosixPath(obj.key)
        relative = key.relative_to(prefix) if prefix else key
        ext = key.suffix.lower()
        if ext in PAGE_IMAGE_EXTS and len(relative.parts) > 1:
            pages[str(relative.parent)].append(obj.key)
        elif ext in DOCUMENT_EXTS or ext in PAGE_IMAGE_EXTS or not key.name.startswith("."):
            yield _hinted(source, str(relative), (obj.key,))
    for folder, keys_ in sorted(pages.items()):
        yield _hinted(source, folder, tuple(sorted(keys_)))


def _hinted(source: str, relative: str, keys: tuple[str, ...]) -> Item:
    unit = ScanUnit(Path(relative), Path(relative))
    from flows.discover import _unit  # the same path rules as the inbox

    hinted = _unit(Path("/"), Path("/") / unit.relative)
    return Item(source, relative, keys, hinted.office_hint, hinted.dossier_hint)


def _under(code: str, office: str) -> bool:
    """`000.46.24.H44` is under `H44` and `24.H44`; short codes compare the same way."""
    return code == office or code.endswith("." + office)
