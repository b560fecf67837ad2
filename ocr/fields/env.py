"""Environment documents and decisions: project / facility name, its owner, a decision's subject
("Về việc …"), a permit's expiry date."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ocr.fields.dates import find_dates
from ocr.fields.text import DocText, Found, Line, PageText, clean_name, continuation, fold

_PROJECT = re.compile(
    r"ten\s*(?:du\s*an|co\s*so)[^:;]{0,26}\s*[:;.]\s*|(?:cua\s*du\s*an|^\s*du\s*an)\s*[:;]\s*"
)
_OWNER = re.compile(
    r"(?:ten chu (?:du an|co so)[^:;]{0,26}|(?<!ten )chu (?:du an|co so)|chu dau tu)\s*[:;]\s*"
    r"|^\s*chu (?:du an|co so)\s*$"
)
_CUT = re.compile(
    r"\s*(?:(?<!\btp)\.\s|\(|;\s|\.$|;|,\s*dia c|, nguoi dai dien|, duoc thuc hien"
    r"|\s(?:thuc|thực) hi"
    r"|\s+s[o0]\s*[:;]\s*\d|\s+cong\s*hoa\s*x|\s+doc\s*lap\s*-|\s+lap\s*-\s*tu\s*do)"
)  # a letterhead read on after the body's name: its number ("Số: 184/CV"), the national motto
# (its first word lost too: "Lập - Tự do")
_COMPANY = re.compile(r"(?<![a-z])cong\s?ty\s")  # "Công ty …", "Congty …"


def _value(text: str) -> str | None:
    m = _CUT.search(fold(text))
    value = clean_name(text[: m.start()] if m else text)
    value = re.sub(r"[^\w)]+$", "", value)  # a speck or a quote read after the name ("~ '")
    value = re.sub(r"(?:\s+[^\W\d_]){2,}$", "", value)  # specks read as letters ("ị ị Ẹ")
    if "(" not in value:  # a bracket closing nothing is a speck ("Nhà máy) sản xuất")
        value = re.sub(r"\s*\)", "", value)
    return value if len(value) >= 5 and "{" not in value else None


def _labelled(doc: DocText, pattern: re.Pattern, lines: list[Line]) -> Found | None:
    return next(iter(_all_labelled(doc, pattern, lines)), None)


def _all_labelled(
    doc: DocText, pattern: re.Pattern, lines: list[Line] | None = None
) -> list[Found]:
    """Every value printed after the label, in reading order."""
    lines = doc.lines if lines is None else lines
    out = []
    for i, line in enumerate(lines):
        m = pattern.search(line.folded)
        if not m:
            continue
        value = _value((line.text[m.end() :] + " " + continuation(lines, i, 45)).strip())
        if value is None and m.end() >= len(line.folded.rstrip()) - 1 and i + 1 < len(lines):
            value = _value(lines[i + 1].text)  # label alone on its line ("CHỦ DỰ ÁN" / name)
        if value:
            out.append(doc.found(value, value, line))
    return out


def subject(doc: DocText) -> Found | None:
    """The "Về việc …" (or "V/v …") line(s) under a decision's title, joined (without the
    label)."""
    lines = doc.lines[:40]
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:v[eê]\s*vi[eê]c|v\s*/\s*v\b)\s*[:.]?\s*", line.folded)
        if not m:
            continue
        parts = [line.text[m.end() :]]
        for nxt in lines[i + 1 : i + 5]:
            t = nxt.text.strip()
            letters = [c for c in t if c.isalpha()]
            caps = len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.7
            if not t or caps or nxt.folded.lstrip().startswith(("can cu", "xet")):
                break
            parts.append(t)
        value = clean_name(" ".join(parts))
        if len(value) > 5:
            return doc.found(value, value, line)
    return None


# Where a project's name stands in running text: "Xuất xứ của dự án: <name> do <owner> làm chủ
# đầu tư", a permit's "… hoạt động bảo vệ môi trường của <name>.", and a decision's "… của <name>
# (sau đây gọi là Dự án)" (the name runs from the last "của" before that bracket).
_ORIGIN = re.compile(r"xuat\s*xu\s*cua\s*du\s*an\s+(.{5,150})\s+do\s+.{3,90}?\s*lam\s*chu\s*dau")
_PERMITTED = re.compile(r"bao\s*ve\s*moi\s*tr\S{2,5}\s*cua\s+(?!du\s*an\b)(.{5,150}?)\.(?:\s|$)")
_CALLED = re.compile(r"\(\s*s\S{1,3}\s*d\S{1,3}y\s*g\S{1,3}\s*l\S{1,2}\s*d\S{0,2}\s*a\S{0,2}n\s*\)")
_OF = re.compile(r"cua\s+")  # also glued on: "môi trườngcủa"


def _in_text(doc: DocText) -> list[Found]:
    """The name read from the sentences that cite it (page by page: a long window would join
    unrelated text)."""
    out = []
    for page in doc.pages:
        flat = " ".join(ln.text for ln in page.lines)
        folded = fold(flat)
        spans = [m.span(1) for p in (_ORIGIN, _PERMITTED) for m in p.finditer(folded)]
        for m in _CALLED.finditer(folded):
            before = folded[max(0, m.start() - 160) : m.start()]
            of = list(_OF.finditer(before))
            if of:
                spans.append((m.start() - len(before) + of[-1].end(), m.start()))
        for start, end in spans:
            value = _value(flat[start:end])
            if value:
                out.append(doc.found(value, value, _line_at(doc, start, page), 0.9))
    return out


SUPPORT = 85.0  # rapidfuzz ratio (folded, no spaces) for two readings to be one name


def _support(value: str, others: list[str]) -> tuple[int, float]:
    """How many readings agree with this one, then how closely (a damaged letter costs)."""
    key = fold(value).replace(" ", "")
    ratios = [fuzz.ratio(key, fold(o).replace(" ", "")) for o in others]
    return sum(r >= SUPPORT for r in ratios), round(sum(ratios), 6)


def project_name(doc: DocText) -> Found | None:
    """The project or facility: every place the document names it (labels "Tên dự án …",
    "của Dự án:", and the sentences citing it) is read, and the reading the most others agree
    with, and most closely, wins (labelled ones first on a tie): one damaged or misread place
    does not decide."""
    found = _all_labelled(doc, _PROJECT)
    found += _in_text(doc)
    subj = subject(doc)
    if subj:
        m = re.search(r"moi\s*tr\S{2,5}\s*(?:cua|doi\s*voi)\s*", fold(str(subj.value)))
        if m:
            value = _value(str(subj.value)[m.end() :])
            if value:
                found.append(Found(value, value, subj.page, subj.confidence))
    if not found:
        return None
    values = [str(f.value) for f in found]
    best = max(range(len(found)), key=lambda i: (_support(values[i], values), -i))
    return found[best]


def project_owner(doc: DocText) -> Found | None:
    found = _labelled(doc, _OWNER, doc.lines)
    if found:
        return found
    flat = " ".join(ln.text for ln in doc.lines)
    folded = fold(flat)
    for pattern in (r"cap phep cho ", r"\) cua "):
        m = re.search(pattern, folded)
        if m:
            value = _value(flat[m.end() :][:120])
            if value:
                line = _line_at(doc, m.start())
                return doc.found(value, value, line, 0.9)
    m = _COMPANY.search(folded)  # the labels unreadable: the first company the document names
    if m:
        value = _value(flat[m.start() :][:120])
        if value:
            return doc.found(value, value, _line_at(doc, m.start()), 0.7)
    return None


def _line_at(doc: DocText, offset: int, page: PageText | None = None) -> Line:
    """The line at `offset` of the lines (of `page`, else of the document) joined by spaces."""
    lines = page.lines if page is not None else doc.lines
    pos = 0
    for line in lines:
        pos += len(line.text) + 1
        if pos > offset:
            return line
    return lines[-1]


def expiry_date(doc: DocText) -> Found | None:
    """The end of a permit's term: "… kể từ ngày … đến ngày …" (or "có hiệu lực đến …")."""
    lines = doc.lines
    for i, line in enumerate(lines):
        if not re.search(r"thoi han|hieu luc den|co gia tri den", line.folded):
            continue
        window = " ".join(ln.folded for ln in lines[i : i + 3])
        m = re.search(r"\bden\b", window)
        start = m.end() if m else 0
        dates = find_dates(window[start:], lo=2000, hi=2100)
        if not m and len(dates) >= 2:  # "đến" misread: the term runs from one date to the next
            dates = dates[1:2]
        elif not m:
            continue
        if dates:
            raw = window[start + dates[0][1] : start + dates[0][2]]
            return doc.found(dates[0][0].isoformat(), raw, line)
    return None
