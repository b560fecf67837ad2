"""Moving scans out of the inbox: claimed while read, then archived once stored or quarantined
with a reason.

Nothing is ever deleted: a name that is taken gets a numbered suffix instead of overwriting.
Moves are renames (atomic when the inbox and the data dir share a file system; otherwise a copy
under a hidden name renamed into place, then the source removed). A symbolic link is moved or
copied as the link itself: what it points at is never read, moved or deleted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from dataclasses import replace
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


def claim(unit: ScanUnit, claims_dir: Path) -> ScanUnit | None:
    """Take the unit out of the inbox by renaming it into this process's claim folder, so two
    ingests never read the same file. None when another process claimed it first."""
    target = claims_dir / unit.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(unit.path, target)
    except FileNotFoundError:
        return None  # another ingest took it
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        return unit  # inbox on another file system: read in place (no concurrent claim there)
    return replace(unit, path=target)


def unclaim(claimed: ScanUnit, original: ScanUnit) -> None:
    """Put a claimed unit that is still in the claim folder back where it was found."""
    if claimed.path == original.path or not os.path.lexists(claimed.path):
        return
    original.path.parent.mkdir(parents=True, exist_ok=True)
    os.rename(claimed.path, _free_path(original.path))


def release_stale_claims(claims_root: Path, inbox: Path) -> list[Path]:
    """Put back into the inbox what a dead ingest (its pid gone) had claimed."""
    restored: list[Path] = []
    if not claims_root.is_dir():
        return restored
    for folder in sorted(claims_root.iterdir()):
        pid = folder.name.split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() or path.is_file():
                target = _free_path(inbox / path.relative_to(folder))
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)
                restored.append(target)
        shutil.rmtree(folder, ignore_errors=True)
    return restored


def _move(unit: ScanUnit, root: Path, *, copy: bool = False) -> Path:
    target = _free_path(root / unit.relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if unit.link or not unit.path.is_dir():
        _transfer(unit.path, target, copy=copy)
        return target
    target.mkdir(parents=True)
    for page in unit.files:
        _transfer(page, target / page.name, copy=copy)
    if not copy:
        _remove_if_empty(unit.path)
    return target


def _transfer(source: Path, target: Path, *, copy: bool) -> None:
    """One file or link: renamed into place, or copied under a hidden name then renamed."""
    if not copy:
        try:
            os.rename(source, target)
            return
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
    partial = target.with_name(f".{target.name}.part")
    if source.is_symlink():
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        os.symlink(os.readlink(source), partial)
    else:
        shutil.copy2(source, partial, follow_symlinks=False)
    os.rename(partial, target)
    if not copy:
        source.unlink()


def _free_path(path: Path) -> Path:
    if not os.path.lexists(path):
        return path
    for n in range(1, 10_000):
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise FileExistsError(path)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
