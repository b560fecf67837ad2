"""Structural evidence on a page: does it open a document, or continue one?

A clerk splits a stack by the paper's structure, not by its wording: a new document starts under
the national motto, a printed title or form number, an issuing body's header, or a page number
back at 1; a page that only holds a signature block, an appendix citing its document ("Kèm
theo Quyết định số …"), or a page numbered 2, 3, … continues the document before it (Decree
30/2020/NĐ-CP puts page numbers top centre from the second page).

    ev = evidence(text, has_title=True)
    ev.opens, ev.continues
    number_opens(ev, previous_ev, same_type=True)  # a page 1 with nothing else: a restart?
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.fields.text import fold

HEAD_LINES = 8
MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc")
_MOTTO_BARE = tuple(" ".join(re.sub(r"[^a-z ]", " ", m).split()) for m in MOTTO)
_ISSUER = re.compile(
    r"^(?:uy ban nhan dan|ubnd|so tai nguyen|van phong dang ky|chi nhanh van phong|bo |cuc "
    r"|phong tai nguyen|chi cuc|tong cuc)"
)
_FORM_NO = re.compile(r"^\s*m[a-z]u\s*(?:so)?\s*[:.]?\s*\d{1,2}[a-z]?\s*/", re.M)
# OCR drops the space before "số" ("PHỤ LỤCSỐ 3", "Giấy ủy quyềnsố 349"): glued, it still counts
_APPENDIX = re.compile(
    r"^\s*phu\s*[l1i]\s*uc(?:\b|\d|so\b)|\(?\s*kem\s*theo\s+[^\n]{0,80}(?:\bso\b|so\s*\d)", re.M
)
_SIGNATURE = re.compile(
    r"^\s*(?:kt\.|tm\.|tl\.|q\.|nguoi lap|nguoi ke khai|nguoi viet don|giam doc|pho giam doc"
    r"|chu tich|pho chu tich|chanh van phong|noi\s*nhan|(?:thu |pho )?truong(?: phong)?$"
    r"|cong chung vien|ben [ab]\b|loi chung"
    r"|\(ky,? ghi ro|\(ky va ghi ro|\(ky ten)"
)
_SPECKS = re.compile(r"[^a-z0-9]*(?:[a-z][^a-z0-9]+)*[a-z]?[^a-z0-9]*")  # no 2 letters together
_PAGE_TOP = re.compile(r"^\s*[-–]?\s*(\d{1,3})\s*[-–]?\s*$")
_PAGE_WORD = re.compile(r"\btrang\s*(\d{1,3})\s*(?:/\s*(\d{1,3}))?")


@dataclass(frozen=True)
class Evidence:
    motto: bool  # the national motto in the head of the page
    title: bool  # a printed title (any type's, or a capitalised heading the rules see)
    form_number: bool  # "Mẫu số 04a/ĐK" near the top
    issuer: bool  # an issuing body's header in the first lines
    page_number: int | None  # the page's own number (top centre, "Trang i/n", or a last line)
    appendix: bool  # "PHỤ LỤC" / "(Kèm theo … số …)" at the top
    signature_only: bool  # little but a signature block (and "Nơi nhận")

    @property
    def strong(self) -> bool:
        """A sign of a start other than the page number: motto, title, form number, issuer."""
        return self.motto or self.title or self.form_number or self.issuer

    @property
    def opens(self) -> bool:
        """Positive evidence that a document starts here."""
        if self.page_number is not None and self.page_number > 1 or self.appendix:
            return False
        return self.motto or self.title or self.form_number or self.issuer or self.page_number == 1

    @property
    def continues(self) -> bool:
        """Positive evidence that the page belongs to the document before it."""
        numbered_later = self.page_number is not None and self.page_number > 1
        return numbered_later or self.appendix or (self.signature_only and not self.motto)


def evidence(text: str, has_title: bool = False) -> Evidence:
    lines = [fold(ln).strip() for ln in text.splitlines() if ln.strip()]
    head = lines[:HEAD_LINES]
    motto = any(is_motto(ln) for ln in head)
    issuer = any(_ISSUER.match(ln) for ln in head[:4])
    form = bool(_FORM_NO.search("\n".join(head[:4])))
    appendix = bool(_APPENDIX.search("\n".join(head[:5])))
    return Evidence(
        motto=motto,
        title=has_title,
        form_number=form,
        issuer=issuer,
        page_number=page_number(lines),
        appendix=appendix,
        signature_only=signature_only(lines),
    )


def number_opens(ev: Evidence, previous: Evidence | None, same_type: bool) -> bool:
    """Does a page numbered 1 open a document? On its own the number is weak evidence: a
    report's cover (and its table of contents) is unnumbered and the body starts at "Trang 1".
    So a page 1 with no other sign of a start (`strong`) opens one only when the numbering
    restarts (the page before carries a number of its own) or its type differs from the page
    before; `previous` is the evidence of the page before (None: this is the first page)."""
    if ev.page_number != 1 or ev.strong or previous is None:
        return ev.page_number == 1 or ev.strong
    return previous.page_number is not None or not same_type


def is_motto(line: str) -> bool:
    """A line of the national motto (folded). partial_ratio aligns the shorter string inside the
    longer: a stray mark or a digit would match anywhere, so the line must be about as long."""
    bare = " ".join(re.sub(r"[^a-z ]", " ", line).split())
    return len(line) < 60 and any(
        len(bare) >= 0.7 * len(m) and fuzz.partial_ratio(m, bare) >= 85 for m in _MOTTO_BARE
    )


def page_number(lines: list[str]) -> int | None:
    """A page number: a lone number on the first line (top centre) or the last, or 'Trang i/n'.
    Scan specks above or below it ("a i =": no word of two letters) are passed over."""
    lines = [ln for ln in lines if not _SPECKS.fullmatch(ln)]
    if not lines:
        return None
    for ln in (lines[-1], lines[0]):
        m = _PAGE_WORD.search(ln)
        if m and len(ln) < 20:
            return int(m.group(1))
    for ln in (lines[0], lines[-1]):
        m = _PAGE_TOP.match(ln)
        if m and 0 < int(m.group(1)) < 200:
            return int(m.group(1))
    return None


def signature_only(lines: list[str]) -> bool:
    """A short page whose lines are mostly a signature block: capacity, title, name, seal."""
    body = [ln for ln in lines if not _PAGE_TOP.match(ln) and not _PAGE_WORD.search(ln)]
    if not body or len(body) > 12:
        return False
    cues = sum(bool(_SIGNATURE.match(ln)) for ln in body)
    return cues >= 1 and cues * 4 >= len(body) - 4
