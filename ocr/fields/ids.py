"""Numbers that identify things: dossier codes, citizen IDs, certificate serials and register
numbers, document numbers (`Số: 123/QĐ-UBND`) and form numbers (`Mẫu số 01/LPTB`)."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz.distance import Levenshtein

from ocr import identifiers
from ocr.fields.text import DocText, Found, Line, fold, label_hits, value_after, values_after

# Abbreviations that carry a Đ, which OCR often reads as D: restored in document/form numbers.
_D_WORDS = {
    "qd": "QĐ", "dk": "ĐK", "vpdk": "VPĐK", "td": "TĐ", "bds": "BĐS", "dkmt": "ĐKMT",
    "hdgd": "HĐGD", "nd": "NĐ", "hdnd": "HĐND", "ubnd": "UBND", "gpmt": "GPMT",
    "ubno": "UBND", "vpdx": "VPĐK", "qo": "QĐ",
}  # fmt: skip


_ONE_DIGIT = re.compile(r"[^\W\d_]+\d[^\W\d_]+")  # one digit between letters
_DIGIT_AS_LETTER = str.maketrans({"8": "B", "5": "S", "1": "I", "6": "G", "2": "Z", "0": "O"})


def canonical_code(raw: str) -> str:
    """`123 / qd-ubnd` → `123/QĐ-UBND`: no spaces, letters upper-case, Đ restored."""
    s = re.sub(r"\s+", "", raw).strip(".,;:").replace("Ð", "Đ").replace("ð", "đ")
    s = re.sub(r"[⁄∕／]+/?|//+", "/", s)  # fraction slash and doubled slashes read for "/"
    parts = re.split(r"([/\-])", s)
    out = []
    for i, part in enumerate(parts):
        if i >= 2 and _ONE_DIGIT.fullmatch(part):  # "U8ND": an issuer's letters, one read as
            part = part.translate(_DIGIT_AS_LETTER)  # a digit (after the number, letters only)
        key = fold(part)
        single = re.sub(r"(.)\1+", r"\1", key)  # "QĐĐ", "ĐĐĐK": a letter read twice or more
        doubled_d = re.sub(r"d+", "d", key) == single  # "ĐĐKMT": only the Đ read twice
        if key in _D_WORDS or (single in _D_WORDS and single != key
                               and (len(key) <= 4 or doubled_d)):  # fmt: skip
            out.append(_D_WORDS[key if key in _D_WORDS else single])
        elif re.fullmatch(r"[0-9OoIl]+", part) and any(c.isdigit() for c in part):
            out.append(part.translate(str.maketrans("OoIl", "0011")))
        elif re.fullmatch(r"\d+[a-zA-Z]", part):  # 04a
            out.append(part[:-1] + part[-1].lower())
        else:
            out.append(part.upper())
    return "".join(out)


def receipt_hints(doc: DocText) -> tuple[date | None, str | None]:
    """What a receipt prints besides the code: the reception date and the register's
    "Số thứ tự" (the code's daily sequence), to check the code's date and sequence against."""
    from ocr.fields.dates import labelled_date

    received = labelled_date(doc, r"thoi gian nhan ho so|ngay nhan ho so")
    day = date.fromisoformat(str(received.value)) if received else None
    sequence = None
    for line in doc.lines:
        m = re.search(r"s[o0]\s*th[u]\s*t[u]\s*[:;.]?\s*([0-9OoIl]{1,8})(?![0-9])", line.folded)
        if m:
            sequence = line.text[m.start(1) : m.end(1)].translate(str.maketrans("OoIl", "0011"))
    return day, sequence


def dossier_code(doc: DocText, qr_codes: list[str] | None = None) -> Found | None:
    """Mã hồ sơ: from a decoded QR payload first (it carries a checksum), else the text near
    "Mã hồ sơ", else any line; text readings are checked against the receipt's reception date
    and register sequence."""
    for payload in qr_codes or []:
        codes = identifiers.find_dossier_codes(payload)
        if codes:
            page = doc.pages[0].number if doc.pages else 1
            return Found(codes[0].code, payload, page, 1.0)
    received, sequence = receipt_hints(doc)
    lines = doc.lines
    for i, line in enumerate(lines):
        if re.search(r"m[a4]\s*h[o0]\s*s[o0]", line.folded.replace(" ", "")):
            window = " ".join(ln.text for ln in lines[i : i + 2])
            codes = identifiers.find_dossier_codes(window, received=received, sequence=sequence)
            if codes:
                return doc.found(codes[0].code, codes[0].code, line, 1.0)
    for line in lines:
        codes = identifiers.find_dossier_codes(line.text, received=received, sequence=sequence)
        if codes:
            return doc.found(codes[0].code, codes[0].code, line, 0.8)
    return None


_ID_LABELS = ("so cccd", "cccd so", "can cuoc", "so dinh danh", "cmnd", "so cmnd", "ma so thue")


# An ID label, one OCR slip tolerated in "CCCD" ("CCCO", "CCÇD", "CCC D").
_ID_LABEL = re.compile(r"c\s?c\s?c\s?[a-z0-9]\b|c[a-z0-9]cd\b|can cuoc|dinh danh|cmnd|so\s?:")


def cccd_in(doc: DocText, lines: list[Line]) -> Found | None:
    """First valid 12-digit ID in these lines, preferring ones after an ID label."""
    for line in lines:
        if _ID_LABEL.search(line.folded):
            ids = identifiers.find_cccds(line.text)
            if ids:
                return doc.found(ids[0], ids[0], line)
    for line in lines:
        ids = identifiers.find_cccds(line.text)
        if ids:
            return doc.found(ids[0], ids[0], line, 0.9)
    return None


def citizen_id(doc: DocText) -> Found | None:
    return cccd_in(doc, doc.lines)


# A serial's two letters as OCR misreads them (a hand-written "CS" read "€5"): marks that look
# like the letter, digits that look like one.
_SERIAL_LETTER = str.maketrans({"€": "C", "¢": "C", "©": "C", "(": "C", "$": "S", "5": "S",
                                "0": "O", "1": "I", "|": "I", "8": "B", "2": "Z", "6": "G",
                                "4": "A", "@": "A", "7": "T"})  # fmt: skip
_SERIAL_HEAD = re.compile(r"\s*([^\s\d]\s?\S|\S\s?[^\s\d])\s?[-.]?\s?([0-9OoQDIl|iSBZ]{8}|"
                          r"[0-9OoQDIl|iSBZ]{6})(?![0-9])")  # fmt: skip


def _serial(text: str):
    """`CS 123456` / `AA 01234567` after the label, its letters read through their
    look-alikes when OCR left no two letters there (not two digits: a lost prefix)."""
    label = re.search(r"\d[^:;]*[:;]", text)  # the next label read on ("CT 64673 Số vào sổ
    found = identifiers.find_serials(text[: label.end() - 1] if label else text)  # cấp GCN: …")
    if found:
        return found[0], found[0]
    m = _SERIAL_HEAD.match(text)
    if not m:
        return None
    letters = re.sub(r"\s", "", m.group(1)).translate(_SERIAL_LETTER)
    value = identifiers.normalize_serial(f"{letters} {m.group(2)}")
    return (value, m.group(0).strip()) if value else None


SERIAL_LABELS = ("so phat hanh", "so seri", "serial")
_DIGITS_ONLY = re.compile(r"\W{0,3}([0-9]{8}|[0-9]{6})(?![0-9])")


def serial_digits(doc: DocText) -> list[str]:
    """The digits printed under a serial label without their two letters (lost to OCR)."""
    out = []
    for hit in label_hits(doc.lines, SERIAL_LABELS, 0.85):
        m = _DIGITS_ONLY.match(hit.after)
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


def gcn_serial(doc: DocText) -> Found | None:
    """After its label; with no label read, a value of a serial's shape (two capitals, a
    space, six or eight digits: nothing else on these papers looks like it) on any line."""
    found = value_after(doc, SERIAL_LABELS, _serial, next_line=False)
    if found:
        return found
    for line in doc.lines:
        serials = [s for s in identifiers.find_serials(line.text) if s.split()[0] != "MS"]
        if serials and re.search(r"[A-Z]{2} \d{6}", line.text):  # as printed, not repaired
            return doc.found(serials[0], serials[0], line, 0.7)
    return None


def gcn_serials(doc: DocText) -> list[object]:
    """Every serial the document prints under its label (the vote's candidates)."""
    return values_after(doc, SERIAL_LABELS, _serial)


# Register numbers ("Số vào sổ cấp GCN", Circular 23/2014/TT-BTNMT art. 18): who issued the
# certificate (CT province, CH district, CS department, VP registration office, CN its branch)
# and a five-digit sequence (CH00001), longer once a book runs past 99999.
BOOK_PREFIXES = ("CH", "CS", "CT", "VP", "CN")
_AS_LETTER = str.maketrans({"5": "S", "8": "B", "0": "O", "6": "G", "1": "I", "2": "Z"})
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1",
                           "|": "1", "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2",
                           "G": "6", "b": "6"})  # fmt: skip
_BOOK_RAW = re.compile(
    r"\s*([A-Za-z0-9|]{2}\s?[-$/'!*]?\s?[0-9OoQDIl|iSsBZGb]{5,6})(?![0-9A-Za-z])"
)  # a stroke or speck between the prefix and the digits ("CH$30804")


def _known_book(text: str):
    """`CNS3953` → `CN53953`, `C568347` → `CS68347`: a known issuer prefix, then five or six
    digits, each read through its look-alikes (a letter where a digit belongs and back)."""
    m = _BOOK_RAW.match(text)
    if not m:
        return None
    raw = m.group(1)
    compact = re.sub(r"[\s\-$/'!*]", "", raw)
    prefix = compact[:2].upper().translate(_AS_LETTER)
    digits = compact[2:].translate(_AS_DIGIT)
    letters = [i for i, c in enumerate(compact[2:]) if c.isalpha()]
    if len(digits) == 6 and len(letters) == 1:  # a letter among six: a speck, not a sixth digit
        digits = digits[: letters[0]] + digits[letters[0] + 1 :]
    if prefix in BOOK_PREFIXES and digits.isdigit() and sum(c.isdigit() for c in compact) >= 4:
        return f"{prefix}{digits}", raw
    return None


def _book(text: str):
    """`CS51186`; the rest of a damaged label may come first ("eap GCN: CN29879")."""
    text = re.sub(r"(?<=[A-Z])[^\x00-\x7F](?=[0-9])", "", text)  # "CHö82232": a speck
    known = _known_book(text)
    if known:
        return known
    m = re.match(r"\s*([A-Za-z]{1,3}\s?-?\s?[0-9OoIl]{3,7})(?![0-9])", text)
    if not m:
        m = re.search(r"(?<![A-Za-z])([A-Z]{1,3}\s?-?\s?[0-9][0-9OoIl]{2,6})(?![0-9])", text[:40])
        if m and not re.search(r"(?:cap|g\w{0,3}n)\W*$", fold(text[: m.start()])):
            return None  # only the rest of this label ("cấp GCN:", "GẦN:", "GCÑN:") may come first
    if not m:
        return None
    raw = m.group(1)
    letters = re.match(r"[A-Za-z]+", raw.replace(" ", "")).group(0).upper()
    digits = re.sub(r"[^0-9OoIl]", "", raw[len(letters) :].replace(" ", ""))
    digits = digits.translate(str.maketrans("OoIl", "0011"))
    return f"{letters}{digits}", raw


BOOK_LABELS = ("so vao so cap gcn", "so vao so cap giay chung nhan", "so vao so")


def gcn_book_numbers(doc: DocText) -> list[object]:
    """Every register number the document prints under its label (the vote's candidates)."""
    return values_after(doc, BOOK_LABELS, _book)


def gcn_book_number(doc: DocText) -> Found | None:
    """After "Số vào sổ cấp GCN"; with that label too damaged to match, a register number of a
    known issuer on a line that still reads "GCN" ("5ốvàcsổ cấp GCN: VP31512")."""
    found = value_after(doc, BOOK_LABELS, _book, next_line=False)
    if found:
        return found
    for line in doc.lines:
        if not re.search(r"g\s?c\s?n\b", line.folded) or "phat hanh" in line.folded:
            continue
        for m in re.finditer(r"(?<![A-Za-z0-9|])(?=[A-Za-z])", line.text):
            known = _known_book(line.text[m.start() :])
            if known:
                return doc.found(known[0], known[1], line, 0.8)
    for line in doc.lines:  # no label read: a register number's shape as printed, anywhere
        m = _BOOK_SHAPE.search(line.text)
        if m:
            return doc.found(m.group(1) + m.group(2), m.group(0), line, 0.7)
    return None


# A register number as printed: a known issuer and five digits (a serial has six or eight).
_BOOK_SHAPE = re.compile(rf"(?<![A-Za-z0-9])({'|'.join(BOOK_PREFIXES)})-?(\d{{5}})(?![0-9])")


_NUMBER = re.compile(
    r"\s*([0-9OoIl]{1,5}\s?/\s?[^\W_]{1,8}(?: [^\W_]{1,3}(?=\s?-))?(?:\s?-\s?[^\W_]{1,10})*)"
)  # "4294/Q Đ-UBND": a space OCR put inside the abbreviation
# "6GPMT-STNMT": the slash lost between the number and an upper-case issuer abbreviation.
_NO_SLASH = re.compile(r"\s*([0-9]{1,5})([A-ZĐ]{2,8}(?:\s?-\s?[A-ZĐ]{2,10})+)(?![\w/])")


def _doc_number(text: str):
    text = re.sub(r"[⁄∕／]", "/", text)
    glued = _NO_SLASH.match(text)
    if glued:
        text = f"{glued.group(1)}/{glued.group(2)}" + text[glued.end() :]
    m = _NUMBER.match(text)
    if not m or not any(c.isdigit() for c in m.group(1)[:3]):
        return None
    return canonical_code(m.group(1)), m.group(1).strip()


def document_number(doc: DocText) -> Found | None:
    """`Số: 123/QĐ-UBND` in the header (first page, top lines)."""
    head = [ln for ln in doc.lines if ln.page == doc.pages[0].number][:15] if doc.pages else []
    for line in head:
        m = re.search(r"(?:^|\s)[s5][o0o6ố]\s*[:;.]\s*", line.folded)
        if m:
            result = _doc_number(line.text[m.end() :])
            if result:
                return doc.found(result[0], result[1], line)
    return None


_FORM = re.compile(r"\s*([0-9OoIl]{1,2}[a-z]?\s?/\s?[A-Za-zĐđ]{1,6}(?:\s?-\s?[A-Za-zĐđ]{1,6})?)")


# Form numbers in use (TAXONOMY.md and the forms of Decrees 43/2014, 101/2024, 151/2025).
KNOWN_FORMS = ("04a/ĐK", "04b/ĐK", "04/ĐK", "09/ĐK", "11/ĐK", "15/ĐK", "18/ĐK", "01/LPTB",
               "02/LPTB", "03/BĐS-TNCN", "11/KK-TNCN")  # fmt: skip


def _form(text: str):
    m = _FORM.match(re.sub(r"[⁄∕／]+/?", "/", text))
    if not m:
        return None
    value = canonical_code(m.group(1))
    if value not in KNOWN_FORMS:  # one misread character ("19/ĐK", "18/ĐĐK") snaps to the form
        near = [k for k in KNOWN_FORMS if Levenshtein.distance(k, value) == 1]
        if len(near) == 1:
            value = near[0]
    return value, m.group(1)


_FORM_LABEL = re.compile(r"(?:^|\s)m\S{1,4}\s*s\S{0,2}\s*[:.]?\s*")  # "Mẫv sô", "Maii số"


def form_number(doc: DocText) -> Found | None:
    """`Mẫu số 01/LPTB`; with the label damaged beyond fuzzy matching ("Mẫii so"), a form
    number is still taken when it is one of the known forms."""
    found = value_after(doc, ("mau so", "mau"), _form, min_score=0.9, next_line=False)
    if found:
        return found
    for line in doc.lines[:40]:
        for m in _FORM_LABEL.finditer(line.folded):
            result = _form(line.text[m.end() :])
            if result and result[0] in KNOWN_FORMS:
                return doc.found(result[0], result[1], line, 0.9)
    return None
