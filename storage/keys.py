"""Object keys (issue 5): office, month received and dossier readable in the key, content by hash.

  originals/<office>/<yyyy>/<mm>/<dossier>/<sha256>.<ext>          one scan file
  originals/<office>/<yyyy>/<mm>/<dossier>/<sha256>/0001.jpg       a folder of page images
  digitized/<office>/<yyyy>/<mm>/<dossier>/<sha256>/...            searchable.pdf, text.txt,
                                                                   alto/0001.xml, manifest.json

`<sha256>` is the scan's hash (for a folder: `ocr.load.sha256_of`), so one scan maps to one key
however often it is ingested. The month is the dossier's reception date, or the ingest date when
that is unknown. Unknown office or dossier codes become `_unknown`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

UNKNOWN = "_unknown"
_SEGMENT_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_SEGMENT = 120


def segment(value: str | None) -> str:
    """One safe path segment: letters, digits, `.`, `_`, `-`; never empty, `.`, `..`, or hidden.

    Office and dossier codes (`000.00.24.H18`, `000.00.24.H18-231015-0042`) pass unchanged;
    Vietnamese letters lose their marks (`Sở` -> `So`); anything else (`/`, spaces) becomes `_`."""
    if value is None:
        return UNKNOWN
    cleaned = _SEGMENT_UNSAFE.sub("_", _ascii(value.strip())).strip("_")
    cleaned = cleaned.lstrip("._")  # no `.`/`..`, no hidden names
    if not cleaned:
        return UNKNOWN
    return cleaned[:_MAX_SEGMENT]


def original_key(
    office: str | None,
    received: date | None,
    dossier: str | None,
    sha256: str,
    ext: str,
    *,
    ingested: date | None = None,
) -> str:
    """Key of an original scan file."""
    return f"{_base('originals', office, received, dossier, ingested)}/{_hash(sha256)}.{_ext(ext)}"


def original_page_key(
    office: str | None,
    received: date | None,
    dossier: str | None,
    sha256: str,
    page: int,
    ext: str,
    *,
    ingested: date | None = None,
) -> str:
    """Key of page `page` (1-based) of a scan that arrived as a folder of page images."""
    folder = original_folder_prefix(office, received, dossier, sha256, ingested=ingested)
    return page_in_folder(folder, page, ext)


def page_in_folder(folder: str, page: int, ext: str) -> str:
    """Key of page `page` (1-based) under a folder scan's prefix (`original_folder_prefix`)."""
    if page < 1:
        raise ValueError(f"page numbers start at 1, got {page}")
    return f"{folder}{page:04d}.{_ext(ext)}"


def original_folder_prefix(
    office: str | None,
    received: date | None,
    dossier: str | None,
    sha256: str,
    *,
    ingested: date | None = None,
) -> str:
    """Prefix (ending in `/`) holding the pages of a folder scan."""
    return f"{_base('originals', office, received, dossier, ingested)}/{_hash(sha256)}/"


def digitized_prefix(
    office: str | None,
    received: date | None,
    dossier: str | None,
    sha256: str,
    *,
    ingested: date | None = None,
) -> str:
    """Prefix (ending in `/`) for everything recognised from one scan."""
    return f"{_base('digitized', office, received, dossier, ingested)}/{_hash(sha256)}/"


def _base(
    root: str, office: str | None, received: date | None, dossier: str | None, ingested: date | None
) -> str:
    when = received or ingested or date.today()
    return f"{root}/{segment(office)}/{when.year:04d}/{when.month:02d}/{segment(dossier)}"


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _hash(sha256: str) -> str:
    value = sha256.strip().lower()
    if not _SHA256.match(value):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return value


def _ext(ext: str) -> str:
    value = ext.strip().lstrip(".").lower()
    if not value or not value.isalnum() or not value.isascii() or len(value) > 10:
        raise ValueError(f"not a file extension: {ext!r}")
    return value
