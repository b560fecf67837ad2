"""Dates as printed on Vietnamese documents → ISO `YYYY-MM-DD`.

"Hà Nội, ngày 15 tháng 10 năm 2023", "ngày 05/3/2024", "15-10-2023", "15.10.2023". Matching runs on
folded text (no diacritics) and tolerates OCR's usual damage: "ngay 15 thang l0 nam 2O23".
"""

from __future__ import annotations

import re
from datetime import date

_D = r"[0-9OoIil|]"  # folded text lowercases an I read for 1
_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "i": "1", "l": "1", "|": "1"})

# "ngay 15 thang 10 nam 2023" with OCR variants of the words (thang → tbang, nam → narn).
_WORDS = re.compile(
    rf"(?:ngay|ngav|nqay)?\s*(?P<d>{_D}{{1,2}})\s*[,.]?\s*"
    rf"(?:thang|t[hb][a-z4]{{1,3}}[gq])\s*(?P<m>{_D}{{1,2}})\s*[,.]?\s*"  # thúng, tbang, tharig
    rf"(?:nam|(?:n|ri|h)[a-z]{{0,2}}(?:m|rn|nn))\s*(?P<y>{_D}{{4}})"  # narn, riăm, hăm, riănn
)
_NUMERIC = re.compile(
    rf"(?<![0-9])(?P<d>{_D}{{1,2}})\s?[/.\-]\s?(?P<m>{_D}{{1,2}})\s?[/.\-]\s?(?P<y>{_D}{{4}})(?![0-9])"
)


_SLASHES = str.maketrans("⁄∕／", "///")


def make_date(d: str, m: str, y: str, *, lo: int = 1900, hi: int = 2100) -> date | None:
    try:
        value = date(int(y.translate(_FIX)), int(m.translate(_FIX)), int(d.translate(_FIX)))
    except ValueError:
        return None
    return value if lo <= value.year <= hi else None


def find_dates(folded: str, *, lo: int = 1900, hi: int = 2100) -> list[tuple[date, int, int]]:
    """Every plausible date in a folded line: (date, start, end), in order."""
    found = []
    folded = folded.translate(_SLASHES)  # "01⁄08⁄2023": OCR's fraction slash (same length)
    for pattern in (_WORDS, _NUMERIC):
        for m in pattern.finditer(folded):
            value = make_date(m["d"], m["m"], m["y"], lo=lo, hi=hi)
            if value:
                found.append((value, m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    # Drop a numeric match nested in a worded one.
    out: list[tuple[date, int, int]] = []
    for item in found:
        if out and item[1] < out[-1][2]:
            continue
        out.append(item)
    return out


def parse_date(text: str, *, lo: int = 1900, hi: int = 2100) -> date | None:
    """The first date in a (folded or printed) string."""
    from ocr.fields.text import fold

    dates = find_dates(fold(text), lo=lo, hi=hi)
    return dates[0][0] if dates else None


# "<place>, ngay 15 thang 10 nam 2023": the signing/issue line of most documents.
_PLACE_DATE = re.compile(r"[a-z)\]]\s*[,.]\s*(?:ngay|ngav|nqay)\s*" + _D)


def _first_date(doc, lines, pattern=None, *, lo: int = 1990, hi: int = 2100):
    for line in lines:
        if pattern is not None and not re.search(pattern, line.folded):
            continue
        dates = find_dates(line.folded, lo=lo, hi=hi)
        if dates:
            value, start, end = dates[0]
            return doc.found(value.isoformat(), line.text[start:end], line)
    return None


_NOT_ISSUE = re.compile(
    r"sinh ngay|ngay sinh|nam sinh|cap ngay|ngay cap|can cu|\bluat\b|nghi dinh|thong tu"
    r"|to trinh|ky tinh|gia tri den|\bden ngay"
)


def issue_date(doc):
    """The signing date: the "<place>, ngày … tháng … năm …" line, else "Hôm nay, ngày …",
    else the first worded date that is not a birth/ID-issue/legal-basis date."""
    lines = doc.lines
    found = _first_date(doc, [ln for ln in lines if _PLACE_DATE.search(ln.folded)
                              and not _NOT_ISSUE.search(ln.folded)])  # fmt: skip
    if found:
        return found
    worded = [
        ln for ln in lines if re.search(r"thang", ln.folded) and not _NOT_ISSUE.search(ln.folded)
    ]
    return _first_date(doc, worded)


def labelled_date(doc, pattern: str, *, lo: int = 1990, hi: int = 2100):
    """First date on (or right after) a line matching a folded-text pattern."""
    lines = doc.lines
    for i, line in enumerate(lines):
        if re.search(pattern, line.folded):
            window = lines[i : i + 2]
            for ln in window:
                m = re.search(pattern, ln.folded)
                start = m.end() if m else 0
                dates = find_dates(ln.folded[start:], lo=lo, hi=hi)
                if dates:
                    value, s, e = dates[0]
                    return doc.found(value.isoformat(), ln.text[start + s : start + e], line)
    return None
