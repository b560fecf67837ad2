"""Moving scans out of the inbox: to the archive once stored, to quarantine with a reason.

Nothing is ever deleted: a name that is taken gets a numbered suffix instead of overwriting.
"""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from flows.discover import ScanUnit


def archive(unit: ScanUnit, archive_dir: Path) -> Path:
    """Move the unit's files under `archive_dir`, keeping their inbox-relative layout."""
    return _move(unit, archive_dir)


def quarantine(unit: ScanUnit, quarantine_dir: Path, reason: str) -> Path:
    """Move the unit to quarantine and write `<name>.reason.txt` beside it."""
    target = _move(unit, quarantine_dir)
    note = target.with_name(target.name + ".reason.txt")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    note.write_text(f"{stamp}\t{unit.relative}\t{reason}\n", encoding="utf-8")
    return target


def _move(unit: ScanUnit, root: Path) -> Path:
    target = _free_path(root / unit.relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if unit.path.is_dir():
        target.mkdir(parents=True)
        for page in unit.files:
            shutil.move(str(page), target / page.name)
        _remove_if_empty(unit.path)
    else:
        shutil.move(str(unit.path), target)
    return target


def _free_path(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(1, 10_000):
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(path)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()
