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


def quarantine(unit: ScanUnit, quarantine_dir: Path, reason: str, *, move: bool = True) -> Path:
    """Move (or, for a backfill source that must stay intact, copy) the unit to quarantine and
    write `<name>.reason.txt` beside it."""
    target = _move(unit, quarantine_dir, copy=not move)
    note = target.with_name(target.name + ".reason.txt")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    note.write_text(f"{stamp}\t{unit.relative}\t{reason}\n", encoding="utf-8")
    return target


def _move(unit: ScanUnit, root: Path, *, copy: bool = False) -> Path:
    target = _free_path(root / unit.relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    transfer = shutil.copy2 if copy else shutil.move
    if unit.path.is_dir():
        target.mkdir(parents=True)
        for page in unit.files:
            transfer(str(page), target / page.name)
        if not copy:
            _remove_if_empty(unit.path)
    else:
        transfer(str(unit.path), target)
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
