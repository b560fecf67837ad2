"""Dates as printed on Vietnamese documents → ISO `YYYY-MM-DD`.

"Hà Nội, ngày 15 tháng 10 năm 2023", "ngày 05/3/2024", "15-10-2023", "15.10.2023". Matching runs on
folded text (no diacritics) and tolerates OCR's usual damage: "ngay 15 thang l0 nam 2O23".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_D = r"[0-9OoIil|]"  # folded text lowercases an I read for 1
_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "i": "1", "l": "1", "|": "1"})

# "ngay 15 thang 10 nam 2023" with OCR variants of the words (thang → tbang, nam → narn).
_WORDS = re.compile(
    rf"(?:ngay|ngav|nqay)?\s*(?P<d>{_D}{{1,2}})\s*[,.]?\s*"
    rf"(?:thang|t[a-z4]{{1,4}}[gq])\s*(?P<m>{_D}{{1,2}})\s*[,.]?\s*"  # thúng, tbang, tharig
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


# "5. Thời gian trả kết quả giải quyết hồ sơ: ngày …", "Hẹn trả kết quả ngày …", "Ngày hẹn trả: …"
APPOINTMENT = r"hen tr.|.r. ke.? qua|thoi gian tr. ke|quyet ho so\s*[:;.]\s*ngay"
_APPOINTMENT_LABELS = ("thoi gian tra ket qua", "hen tra ket qua", "ngay hen tra")
# "15 ngày làm việc", also with a word lost ("15 ¡việc")
_WORKING_DAYS = re.compile(r"(?<![0-9/])([0-9]{1,3})\s*(?:ngay\s*l\S{0,2}m|\W{0,2}\s*vi\S?c\b)")
LONGEST_PROCEDURE = timedelta(days=200)  # a receipt's appointment is weeks or months away
HOLIDAY_SHIFT = timedelta(days=12)  # public holidays (Tết: up to 9 days off) push a due date on
DERIVED_CONFIDENCE = 0.6  # a due date computed from the printed time limit, not read


def add_working_days(start: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `start`. Public holidays are not counted
    out (a due date across one is a day or more later than this), so a computed date is only a
    fallback when no plausible date is read, with a lower read confidence (DERIVED_CONFIDENCE)."""
    d = start
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def due_date(doc, received: date | None) -> date | None:
    """Reception date + the time limit printed on a receipt ("… là: 15 ngày làm việc")."""
    if received is None:
        return None
    for line in doc.lines:
        m = _WORKING_DAYS.search(line.folded)
        if m and 0 < int(m[1]) <= 120:
            return add_working_days(received, int(m[1]))
    return None


def appointment_date(doc, received: date | None = None):
    """The date a receipt promises the result: the date after its label ("Thời gian trả kết
    quả …: ngày …"; the label found fuzzily when OCR damaged it; with no label read, the one
    later date the receipt prints). A reading that cannot be the
    due date (on or before reception, months after it) is no appointment; when the reading is
    missing or impossible, or does not fit the date the printed time limit gives (not a working
    day, before it or long after it) while one or two digits away from it (a hand-written
    "05/09" read "25/09"), that computed date is taken, less sure."""
    found = labelled_date(doc, APPOINTMENT) or _fuzzy_labelled(doc)
    if found is None and received is not None:
        found = _only_later_date(doc, received)
    due = due_date(doc, received)
    if found is not None and received is not None:
        read = date.fromisoformat(str(found.value))
        if not received < read <= received + LONGEST_PROCEDURE:
            found = None
        elif due is not None and not _fits(read, due) and _digit_slips(read, due) <= 2:
            return _derived(doc, due, found)
    if found is not None or due is None:
        return found
    return _derived(doc, due, None)


UNLABELLED_CONFIDENCE = 0.7  # an appointment known by its place among the dates, not its label


def _only_later_date(doc, received: date):
    """With no appointment label read: the one date the receipt prints after the reception
    and within a procedure's longest time (a receipt prints no other future date)."""
    later = []
    for line in doc.lines:
        for value, start, end in find_dates(line.folded):
            if received < value <= received + LONGEST_PROCEDURE:
                later.append((value, line.text[start:end], line))
    if len({v for v, _, _ in later}) != 1:
        return None
    value, raw, line = later[0]
    return doc.found(value.isoformat(), raw, line, UNLABELLED_CONFIDENCE)


def _fuzzy_labelled(doc):
    from ocr.fields.text import label_hits

    for hit in label_hits(doc.lines, _APPOINTMENT_LABELS, 0.85):
        if hit.line.text.isupper():  # the title "… VÀ HẸN TRẢ KẾT QUẢ" is no label
            continue
        dates = find_dates(hit.after_folded)
        if dates:
            value, s, e = dates[0]
            start = len(hit.line.text) - len(hit.after)
            return doc.found(value.isoformat(), hit.line.text[start + s : start + e], hit.line,
                             hit.score)  # fmt: skip
    return None


def _fits(read: date, due: date) -> bool:
    """A due date as an office sets it: a working day, the computed one or later by holidays."""
    return read.weekday() < 5 and due <= read <= due + HOLIDAY_SHIFT


def _digit_slips(a: date, b: date) -> int:
    """Digits that differ between two dates written dd/mm/yyyy."""
    return sum(x != y for x, y in zip(a.strftime("%d%m%Y"), b.strftime("%d%m%Y"), strict=True))


def _derived(doc, due: date, read):
    """The computed due date as a Found: on the reading's line when there is one."""
    from ocr.fields.text import Found

    page = read.page if read is not None else (doc.pages[0].number if doc.pages else 1)
    raw = read.raw if read is not None else ""
    return Found(due.isoformat(), raw, page, DERIVED_CONFIDENCE)
