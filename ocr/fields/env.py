"""Environment documents and decisions: project / facility name, its owner, a decision's subject
("Về việc …"), a permit's expiry date."""

from __future__ import annotations

import re

from ocr.fields.dates import find_dates
from ocr.fields.text import DocText, Found, Line, clean_name, continuation, fold

_PROJECT = re.compile(
    r"(?:ten\s*(?:du\s*an|co\s*so)[^:;]{0,26}|cua\s*du\s*an|^\s*du\s*an)\s*[:;.]\s*"
)
_OWNER = re.compile(
    r"(?:ten chu (?:du an|co so)[^:;]{0,26}|(?<!ten )chu (?:du an|co so)|chu dau tu)\s*[:;]\s*"
    r"|^\s*chu (?:du an|co so)\s*$"
)
_CUT = re.compile(
    r"\s*(?:(?<!\btp)\.\s|\(|;\s|\.$|;|,\s*dia c|, nguoi dai dien|, duoc thuc hien"
    r"|\s(?:thuc|thực) hi)"
)
_COMPANY = re.compile(r"(?<![a-z])cong\s?ty\s")  # "Công ty …", "Congty …"


def _value(text: str) -> str | None:
    m = _CUT.search(fold(text))
    value = clean_name(text[: m.start()] if m else text)
    return value if len(value) >= 5 and "{" not in value else None


def _labelled(doc: DocText, pattern: re.Pattern, lines: list[Line]) -> Found | None:
    for i, line in enumerate(lines):
        m = pattern.search(line.folded)
        if not m:
            continue
        value = _value((line.text[m.end() :] + " " + continuation(lines, i, 45)).strip())
        if value is None and m.end() >= len(line.folded.rstrip()) - 1 and i + 1 < len(lines):
            value = _value(lines[i + 1].text)  # label alone on its line ("CHỦ DỰ ÁN" / name)
        if value:
            return doc.found(value, value, line)
    return None


def subject(doc: DocText) -> Found | None:
    """The "Về việc …" line(s) under a decision's title, joined (without "Về việc")."""
    lines = doc.lines[:40]
    for i, line in enumerate(lines):
        m = re.match(r"\s*v[eê]\s*vi[eê]c\s*:?\s*", line.folded)
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


def project_name(doc: DocText) -> Found | None:
    found = _labelled(doc, _PROJECT, doc.lines)
    if found:
        return found
    flat = " ".join(ln.text for ln in doc.lines)
    m = re.search(r"xuat xu cua du an\s+(.{5,150}?) do .{3,90}? lam chu dau tu", fold(flat))
    if m:
        value = clean_name(flat[m.start(1) : m.end(1)])
        return doc.found(value, value, _line_at(doc, m.start(1)), 0.9)
    subj = subject(doc)
    if subj:
        m = re.search(
            r"tac\s*dong\s*moi\s*tru\S{1,3}\s*(?:cua|doi\s*voi)\s*", fold(str(subj.value))
        )
        if m:
            value = clean_name(str(subj.value)[m.end() :])
            return Found(value, value, subj.page, subj.confidence)
    return None


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


def _line_at(doc: DocText, offset: int) -> Line:
    pos = 0
    for line in doc.lines:
        pos += len(line.text) + 1
        if pos > offset:
            return line
    return doc.lines[-1]


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
