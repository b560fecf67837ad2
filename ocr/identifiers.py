"""Identifiers printed on dossiers: dossier codes, office codes, CCCD numbers, certificate serials.

Dossier code (Circular 01/2018/TT-VPCP art. 19): office identifier, reception date, daily sequence,
e.g. `000.00.24.H18-231015-0042`; systems also emit `G09.20-20260609-0092637` (short office code,
8-digit date, longer sequence). OCR mangles them (O for 0, l for 1, spaces around separators,
dropped dashes), so the finder is loose and every candidate is then parsed strictly and its date
validated: a wrong read is dropped rather than reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Characters OCR reads in place of digits (only applied where a digit is expected).
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "S": "5",
        "B": "8",
        "Z": "2",
    }
)
_D = r"[0-9OoQDIl|i!SBZ]"
_DC = r"[0-9OoQDIl|i!SBZc]"  # in a dossier code also c (Tesseract's o for a 0)
_CODE_LOOKALIKES = str.maketrans({**{k: v for k, v in _DIGIT_LOOKALIKES.items()}, ord("c"): "0"})
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212_~"

OFFICE_FULL = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}")
OFFICE_SHORT = re.compile(r"[A-Z]\d{2}(?:\.\d{1,3}){0,2}")
_OFFICE = rf"(?:{OFFICE_FULL.pattern}|{OFFICE_SHORT.pattern})"
_STRICT_CODE = re.compile(rf"(?P<office>{_OFFICE})-(?P<date>\d{{8}}|\d{{6}})-(?P<seq>\d{{4,8}})")

# Loose: digit look-alikes, spaces around separators, missing separators before date / sequence.
_SEP = r"\s*[.,]\s*"
_SEP_OPT = r"\s*[.,]?\s*"  # a dot OCR dropped
_DASH = rf"\s*[{_DASHES}]?\s*"
_LOOSE_CODE = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9]\.)"
    rf"(?P<office>{_DC}{{3}}{_SEP_OPT}{_DC}{{2}}{_SEP_OPT}{_DC}{{2}}{_SEP_OPT}[A-Za-z] ?{_D}{{2}}"
    rf"|[A-Za-z] ?{_D}{{2}}(?:{_SEP}{_D}{{1,3}}){{0,2}}"
    rf"|[A-Za-z] ?{_D}{{2}}{_D}{{1,3}}(?=\s*[{_DASHES}]))"
    rf"{_DASH}(?P<rest>{_DC}(?: ?{_DC}){{5,7}}(?:{_DASH}{_DC}(?: ?{_DC}){{3,7}})?)(?![0-9])"
)  # the level-1 letter may be read lower-case ("h18"), a sequence with a space ("00 42")


@dataclass(frozen=True, slots=True)
class DossierCode:
    code: str  # canonical: office-date-sequence with the date as printed (6 or 8 digits)
    office_code: str
    received_date: date
    sequence: str


def _parse_date(digits: str) -> date | None:
    """YYMMDD or YYYYMMDD, a real calendar date in 2000..2099."""
    try:
        if len(digits) == 6:
            return date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
        if len(digits) == 8 and digits.startswith("20"):
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return None


def parse_dossier_code(s: str) -> DossierCode | None:
    """Strictly parse one dossier code (whole string, surrounding spaces allowed)."""
    m = _STRICT_CODE.fullmatch(s.strip())
    if not m:
        return None
    received = _parse_date(m["date"])
    if received is None:
        return None
    return DossierCode(m.group(0), m["office"], received, m["seq"])


def is_office_code(s: str) -> bool:
    return bool(OFFICE_FULL.fullmatch(s) or OFFICE_SHORT.fullmatch(s))


def _clean_office(raw: str) -> str:
    """Map digit look-alikes in the digit positions; the level-1 letter stays a letter."""
    compact = re.sub(r"[\s.,]", "", raw)
    full = re.fullmatch(r"(.{3})(.{2})(.{2})([A-Za-z].{2})", compact)
    glued = re.fullmatch(r"([A-Za-z].{2})(.{1,3})", compact)  # "G0920": level-1 code 3 long
    if full:
        parts = list(full.groups())
    elif glued and not re.search(r"[.,]", raw):
        parts = list(glued.groups())
    else:
        parts = re.split(r"\s*[.,]\s*", re.sub(r"(?<=[A-Za-z]) (?=\S)", "", raw.strip()))
    letter_at = 3 if len(parts) == 4 and len(parts[0]) == 3 else 0
    out = []
    for i, part in enumerate(parts):
        if i == letter_at:
            out.append(part[:1].upper() + part[1:].translate(_CODE_LOOKALIKES))
        else:
            out.append(part.translate(_CODE_LOOKALIKES))
    return ".".join(out)


def _candidates_from_rest(rest: str) -> list[tuple[str, str]]:
    """Split "date[-]sequence" into (date, sequence) options, separated ones first."""
    options: list[tuple[str, str]] = []
    halves = [p for p in re.split(rf"\s*[{_DASHES}]\s*", rest.strip()) if p]
    if len(halves) == 2 and " " in halves[1]:  # a space inside the sequence ("00 42"), or a
        # number printed after the code ("0042 12"): the pieces joined when that gives the
        # sequence length of the code's date form (4 after YYMMDD, 7 after YYYYMMDD)
        day = re.sub(r"\s", "", halves[0]).translate(_CODE_LOOKALIKES)
        first, *more = halves[1].split()
        joined = (first + "".join(more)).translate(_CODE_LOOKALIKES)
        if len(joined) != (4 if len(day) == 6 else 7) and len(first) >= 4:
            options.append((day, first.translate(_CODE_LOOKALIKES)))
        options.append((day, joined))
    pieces = [p for p in re.split(rf"\s*[{_DASHES}]\s*|\s+", rest) if p]
    digits = "".join(pieces).translate(_CODE_LOOKALIKES)
    if len(pieces) == 2:
        day, seq = (p.translate(_CODE_LOOKALIKES) for p in pieces)
        options.append((day, seq))
    for n in (6, 8):
        if 4 <= len(digits) - n <= 8:
            options.append((digits[:n], digits[n:]))
    return options


def _near(read: str, printed: str | None) -> str | None:
    """`printed` (zero-padded to the read length) when the read differs from it by a slip or two."""
    if printed is None:
        return None
    printed = printed.zfill(len(read))
    slips = sum(a != b for a, b in zip(read, printed, strict=False)) + abs(len(read) - len(printed))
    return printed if 0 < slips <= 2 and len(printed) == len(read) else None


def find_dossier_codes(
    text: str, *, received: date | None = None, sequence: str | None = None
) -> list[DossierCode]:
    """Every valid dossier code in OCR text, in reading order, without duplicates.

    `received` and `sequence` are what the same receipt prints elsewhere (the reception date,
    "Số thứ tự"): when no reading of a code validates, a date or sequence one or two characters
    off them is taken to be a misread of them. A valid reading is never overridden (the hint is
    OCR text too)."""
    found: list[DossierCode] = []
    for m in _LOOSE_CODE.finditer(text):
        office = _clean_office(m["office"])
        if not is_office_code(office):
            continue
        options = _candidates_from_rest(m["rest"])
        repaired = []
        for day, seq in options:  # only when no reading as printed is a valid code
            if received is not None:
                day = _near(day, received.strftime("%y%m%d" if len(day) == 6 else "%Y%m%d")) or day
            repaired.append((day, _near(seq, sequence) or seq))
        for day, seq in options + repaired:
            code = parse_dossier_code(f"{office}-{day}-{seq}")
            if code is not None:
                if code not in found:
                    found.append(code)
                break
    return found


def office_code_of(dossier_code: str) -> str | None:
    parsed = parse_dossier_code(dossier_code)
    return parsed.office_code if parsed else None


# --- CCCD -------------------------------------------------------------------------------------

_CCCD_LOOSE = re.compile(rf"(?<![0-9A-Za-z])({_D}(?:[ .]?{_D}){{11}})(?![0-9])")


def is_valid_cccd(s: str) -> bool:
    """12 digits whose first three are a province code 001..096."""
    return bool(re.fullmatch(r"\d{12}", s)) and 1 <= int(s[:3]) <= 96


# Birth-registration province codes, the first three CCCD digits (Circular 07/2016/TT-BCA,
# amended by 59/2021/TT-BCA): the 63 provinces as they were when the numbers were issued.
PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
        37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
        75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip


def cccd_problems(cccd: str, birth: date | None = None, sex: str | None = None) -> list[str]:
    """Why a 12-digit citizen ID cannot be this person's ([] when it can).

    Digits 1-3 are the birth province, digit 4 the century and sex (0/1: born 1900-1999,
    male/female; 2/3: 2000-2099; ...), digits 5-6 the last two digits of the birth year. The
    province is always checked; century and year against `birth`, sex against `sex` ("Nam" /
    "Nữ") when given. The reasons never quote the whole number (it is personal data)."""
    if not re.fullmatch(r"\d{12}", cccd):
        return ["not 12 digits"]
    problems = []
    if cccd[:3] not in PROVINCE_CODES:
        problems.append(f"province code {cccd[:3]} does not exist")
    gender_century = int(cccd[3])
    if birth is not None:
        century = 1900 + 100 * (gender_century // 2)
        if not century <= birth.year < century + 100:
            problems.append(f"century digit {gender_century} does not fit birth year {birth.year}")
        if cccd[4:6] != f"{birth.year % 100:02d}":
            problems.append(f"birth-year digits {cccd[4:6]} do not fit birth year {birth.year}")
    if sex in ("Nam", "Nữ") and (gender_century % 2 == 1) != (sex == "Nữ"):
        problems.append(f"sex digit {gender_century} does not fit sex {sex}")
    return problems


def normalize_cccd(s: str) -> str | None:
    digits = re.sub(r"[ .]", "", s).translate(_DIGIT_LOOKALIKES)
    return digits if is_valid_cccd(digits) else None


def find_cccds(text: str) -> list[str]:
    """Valid 12-digit citizen IDs in text (spaces/dots between digit groups tolerated)."""
    out: list[str] = []
    for m in _CCCD_LOOSE.finditer(text):
        raw = m.group(1)
        if sum(c.isdigit() for c in raw) < 8:  # mostly look-alikes: a word, not a number
            continue
        value = normalize_cccd(raw)
        if value and value not in out:
            out.append(value)
    return out


def mask_id(s: str) -> str:
    """For logs: keep only the last 4 digits."""
    return "*" * max(0, len(s) - 4) + s[-4:]


# A 12-digit CCCD or 9-digit CMND number standing alone: not a run of digits inside a longer
# number or inside hexadecimal (a SHA-256 in a log line or an event's detail).
_ID_NUMBER = re.compile(r"(?<![0-9a-f])(?:\d{12}|\d{9})(?![0-9a-f])")


def mask_id_numbers(text: str) -> str:
    """`text` with every CCCD/CMND-shaped number cut to its last 4 digits (`********2345`): the
    one rule for log lines, run names and the event table."""
    return _ID_NUMBER.sub(lambda m: mask_id(m.group()), text)


# --- Certificate serial -----------------------------------------------------------------------

_SERIAL_LOOSE = re.compile(
    rf"(?<![A-Za-z0-9])([A-Z]{{2}})\s?[-.]?\s?({_D}{{8}}|{_D}{{6}})(?![0-9])"
)
_LETTER_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"})


def normalize_serial(s: str) -> str | None:
    """`cs123456` / `CS  123456` → `CS 123456`; None unless 2 letters + 6 or 8 digits."""
    m = re.fullmatch(rf"\s*([A-Za-z0-9]{{2}})\s*[-.]?\s*({_D}{{6}}|{_D}{{8}})\s*", s)
    if not m:
        return None
    letters = m.group(1).upper().translate(_LETTER_LOOKALIKES)
    digits = m.group(2).translate(_DIGIT_LOOKALIKES)
    if not (letters.isalpha() and digits.isdigit()):
        return None
    return f"{letters} {digits}"


def find_serials(text: str) -> list[str]:
    out: list[str] = []
    for m in _SERIAL_LOOSE.finditer(text):
        value = normalize_serial(m.group(1) + " " + m.group(2))
        if value and value not in out:
            out.append(value)
    return out
