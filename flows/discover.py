"""Find scan units in an inbox: what counts as one scan, and what its path says about it.

A PDF or TIFF is one scan. JPEG/PNG pages inside a folder form one scan (the folder, pages in name
order); a loose image in the inbox root is a one-page scan. Anything else is still a unit, so it
reaches quarantine with a reason instead of lying in the inbox forever.
Layout hints: `INBOX/<office_code>/<dossier_code>/...` names the office and the dossier.

Containment: the walk never follows a symbolic link. A link (to a file or a folder, inside or
outside the inbox) is a unit of its own marked `link`, so it is quarantined as the link itself:
nothing it points at is read, moved or deleted. Its `refusal` says which: a link pointing out of
the inbox, or one pointing inside it (its target, if a scan, is read under its own name).
A file with other names (a hard link, `st_nlink > 1`) is quarantined unread too: its other name
may lie anywhere on the machine, and archiving it would leave the archived original writable
through that name. Moving the inbox name never touches the others.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_EXTS = {".pdf", ".tif", ".tiff"}
PAGE_IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".jp2"}
SKIPPED_SUFFIXES = {".part", ".crdownload", ".tmp", ".reason"}

LINK_OUTSIDE = "liên kết trỏ ra ngoài hộp thư (link points outside the inbox)"
LINK_INSIDE = "liên kết trong hộp thư, không đọc theo (link inside the inbox, not followed)"
HARD_LINK = (
    "tệp có tên khác ngoài hộp thư (liên kết cứng), không đọc "
    "(hard link: the file has other names, not read)"
)

_OFFICE = re.compile(r"^(?:\d{3}\.\d{2}\.\d{2}\.)?[GH]\d{2}(?:\.\d{1,3})*$")
_DOSSIER = re.compile(r"^[0-9A-Z.]+-\d{6}(?:\d{2})?-\d{3,8}$")


@dataclass(frozen=True)
class ScanUnit:
    path: Path  # a file, or a folder of page images
    relative: Path  # relative to the inbox, for archive/quarantine paths and logs
    office_hint: str | None = None
    dossier_hint: str | None = None
    link: bool = False  # a symbolic link: quarantined as is, never followed
    refusal: str | None = None  # why it is quarantined unread (a link, a hard link)

    @property
    def files(self) -> list[Path]:
        if self.link:
            return []
        if _is_real_dir(self.path):
            return sorted(p for p in self.path.iterdir() if _is_page_image(p) and _is_real_file(p))
        return [self.path]


def discover(
    inbox: Path, *, stable_seconds: float = 0.0, now: float | None = None
) -> list[ScanUnit]:
    """Scan units under `inbox`, oldest layout first; units still being written are left alone."""
    inbox = inbox.resolve()
    if not inbox.is_dir():
        return []
    units: list[ScanUnit] = []
    for folder in _folders(inbox):
        try:
            listed = sorted(p for p in folder.iterdir() if not _skipped(p))
        except OSError:  # vanished or unreadable meanwhile: the next run sees it again
            continue
        links = [p for p in listed if p.is_symlink()]
        entries = [p for p in listed if _is_real_file(p)]
        images = [p for p in entries if _is_page_image(p)]
        others = [p for p in entries if not _is_page_image(p)]
        if images and folder != inbox:
            units.append(_unit(inbox, folder))
        else:
            others.extend(images)
        units.extend(_unit(inbox, p) for p in sorted(others))
        units.extend(_unit(inbox, p) for p in links)
    if stable_seconds > 0:
        now = time.time() if now is None else now
        units = [u for u in units if _stable(u, stable_seconds, now)]
    return units


def _folders(root: Path) -> list[Path]:
    """`root` and every real folder below it, in path order; linked folders are not entered."""
    found = [root]
    for top, dirs, _ in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(top) / d for d in dirs if not (Path(top) / d).is_symlink())
    return sorted(found)


def _unit(inbox: Path, path: Path) -> ScanUnit:
    relative = path.relative_to(inbox)
    parts = relative.parts
    office = parts[0] if len(parts) > 1 and _OFFICE.match(parts[0]) else None
    dossier = next((p for p in parts[:-1] if _DOSSIER.match(p)), None)
    link = path.is_symlink()
    if not link and path.is_dir() and _DOSSIER.match(path.name):
        dossier = path.name
    return ScanUnit(
        path=path,
        relative=relative,
        office_hint=office,
        dossier_hint=dossier,
        link=link,
        refusal=_refusal(inbox, path, link),
    )


def _refusal(inbox: Path, path: Path, link: bool) -> str | None:
    """Why a unit must not be read: a symbolic link (where it points decides the wording; the
    target is resolved by name only, never opened), or a file with other names (hard link)."""
    if link:
        target = Path(os.path.realpath(path))
        return LINK_INSIDE if target.is_relative_to(inbox) else LINK_OUTSIDE
    try:
        files = [path] if not path.is_dir() else [p for p in path.iterdir() if _is_page_image(p)]
        if any(f.lstat().st_nlink > 1 for f in files if _is_real_file(f)):
            return HARD_LINK
    except OSError:  # vanished meanwhile: reading it fails with its own reason
        return None
    return None


def _is_real_file(path: Path) -> bool:
    return not path.is_symlink() and path.is_file()


def _is_real_dir(path: Path) -> bool:
    return not path.is_symlink() and path.is_dir()


def _is_page_image(path: Path) -> bool:
    return path.suffix.lower() in PAGE_IMAGE_EXTS


def _skipped(path: Path) -> bool:
    return path.name.startswith(".") or path.suffix.lower() in SKIPPED_SUFFIXES


def _stable(unit: ScanUnit, seconds: float, now: float) -> bool:
    """A unit is stable when nothing in it changed for `seconds` (a half-copied file is not)."""
    files = unit.files or [unit.path]
    try:
        stats = [f.lstat() for f in files]
        newest = max(max(st.st_mtime, st.st_ctime) for st in stats)
    except (FileNotFoundError, ValueError):
        return False
    return now - newest >= seconds
