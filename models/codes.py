"""Exact parsing of office identifiers and dossier codes, as stored in the database.

Formats (TAXONOMY.md "Identifiers"; QCVN 102:2016, Circular 01/2018/TT-VPCP art. 19):

- office, full form `V1V2V3.Z1Z2.Y1Y2.MX1X2`, e.g. `000.46.24.H44` (read right to left:
  `H44` level 1, `24` level 2, `46` level 3, `000` level 4);
- office, the portal's short form `MX1X2[.Y[.Z]]`, e.g. `H44`, `H44.45`, `G09.20`, `H29.100`;
- dossier code `<office>-<date>-<sequence>`: `000.00.24.H18-231015-0042` (YYMMDD, 4 digits)
  or `G09.20-20260609-0092637` (YYYYMMDD, longer sequence).

Strict on purpose (no OCR look-alike repair: that is `ocr/identifiers.py`'s job); the accepted
shapes are the same as there, so one can later call the other. Codes are stored verbatim; the
helpers below only derive a code's level-1 unit and its ancestors.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_FULL = re.compile(r"(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})")
_SHORT = re.compile(r"([A-Z]\d{2})((?:\.\d{1,3}){0,2})")
_DOSSIER = re.compile(
    rf"(?P<office>{_FULL.pattern}|{_SHORT.pattern})-(?P<date>\d{{8}}|\d{{6}})-(?P<seq>\d{{4,8}})"
)


@lru_cache(maxsize=8192)  # a register repeats a few thousand dates a million times
def _date(digits: str) -> date | None:
    """YYMMDD or YYYYMMDD (20YY), a real calendar date."""
    try:
        if len(digits) == 6:
            return date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
        if digits.startswith("20"):
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return None


def parse_dossier_code(code: str) -> tuple[str, date] | None:
    """`000.00.24.H18-231015-0042` -> (`000.00.24.H18`, 2023-10-15); None if not a dossier code."""
    m = _DOSSIER.fullmatch(code.strip())
    if not m:
        return None
    received = _date(m["date"])
    return (m["office"], received) if received else None


def is_office_code(code: str) -> bool:
    return bool(_FULL.fullmatch(code) or _SHORT.fullmatch(code))


def _units(code: str) -> list[str] | None:
    """Units from level 1 down: `000.46.24.H44` -> [H44, 24, 46]; `H44.45` -> [H44, 45]."""
    if m := _FULL.fullmatch(code):
        v, z, y, top = m.groups()
        units = [top, y, z, v]
    elif m := _SHORT.fullmatch(code):
        units = [m.group(1), *[p for p in m.group(2).split(".") if p]]
    else:
        return None
    while len(units) > 1 and int(units[-1]) == 0:
        units.pop()
    if any(int(u) == 0 for u in units[1:]):  # `000.46.00.H44`: a hole in the hierarchy
        return [units[0], *[u for u in units[1:] if int(u)]]
    return units


def level1_of(code: str) -> str | None:
    """The level-1 unit (`H44` a province, `G09` a central body) of an office code."""
    units = _units(code)
    return units[0] if units else None


def full_form(units: list[str]) -> str:
    """[H44, 24, 46] -> `000.46.24.H44` (zero-padded to the standard widths)."""
    padded = [*units[1:], "0", "0", "0"][:3]
    y, z, v = (p.zfill(w) for p, w in zip(padded, (2, 2, 3), strict=True))
    return f"{v}.{z}.{y}.{units[0]}"


def short_form(units: list[str]) -> str:
    return ".".join(units)


def province_office_code(level1: str) -> str:
    """The code a level-1 body (province People's Committee, ministry) is registered under."""
    return full_form([level1])


def ancestor_candidates(code: str) -> list[tuple[str, ...]]:
    """Codes an office's ancestors may be registered under, nearest first, each level in both
    forms: `000.46.24.H44` -> [(`000.00.24.H44`, `H44.24`), (`000.00.00.H44`, `H44`)]."""
    units = _units(code)
    if not units:
        return []
    out = []
    for depth in range(len(units) - 1, 0, -1):
        parent = units[:depth]
        forms = tuple(dict.fromkeys((full_form(parent), short_form(parent))))
        out.append(tuple(f for f in forms if f != code))
    return [c for c in out if c]
