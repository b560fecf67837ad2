"""People: the main party's name, the two parties of a contract or power of attorney, and the
ID-card fields (date of birth, sex).

A name is read as the run of capitalised words after its label ("Họ và tên:", "Ông:", "Bà:",
"1.1. Tên (viết chữ in hoa):"); a name printed in capitals is given in title case, the way the
register stores it.
"""

from __future__ import annotations

import re

from ocr.fields import ids
from ocr.fields.dates import find_dates
from ocr.fields.text import (
    DocText,
    Found,
    Line,
    clean_name,
    find_labels,
    fold,
    label_hits,
    value_after,
)

NAME_LABELS = (
    "ho va ten",
    "ho ten",
    "ten (viet chu in hoa)",
    "ong/ba",
    "full name",
)
_STOP_PAIRS = {"sinh ngay", "so cccd", "dia chi", "gioi tinh", "quoc tich", "ngay sinh",
               "dien thoai", "ma so", "nam sinh", "noi thuong", "noi cu", "thuong tru",
               "cho o", "noi o"}  # fmt: skip
# (a label OCR pulled onto the name's line: "Ông: Nguyễn Xuân Tài Nơi thường trú: ...")
_STOP_WORDS = {"cccd", "cmnd"}
_STOP_EXACT = {"tại", "là", "và", "số", "sinh", "của", "ngày"}
_TITLES = {"ong", "ba", "ong/ba", "ong/", "/ba", "mr", "mrs"}


def parse_name(text: str):
    """Leading run of 2..6 capitalised words → (title-cased name, raw)."""
    words = text.replace(",", " , ").replace(";", " ; ").split()
    while words and fold(words[0]).strip(":.") in _TITLES | {"", "-"}:
        words = words[1:]
    if words:
        words[0] = _family_glyphs(words[0])
    taken: list[str] = []
    for i, raw in enumerate(words):
        w = raw.lstrip(".").rstrip("?!'\"”’")  # a speck read as a dot before a word (".Thịnh"),
        # a pen's flourish as a mark after it ("Trần?")
        if taken and w.endswith(".") and re.fullmatch(r"[^\W\d_]+\.", w) and w[0].isupper():
            taken.append(w[:-1])  # "THOA." : the name ends with the sentence
            break
        f = fold(w).strip(":")
        nxt = words[i + 1] if i + 1 < len(words) else ""
        pair = f + " " + fold(nxt).strip(":")
        if pair in _STOP_PAIRS and not (pair == "nam sinh" and w.lower() == "nam"):
            break
        if (
            f in _STOP_WORDS
            or w.lower() in _STOP_EXACT
            or not re.fullmatch(r"[^\W\d_]+", w)
            or not w[0].isupper()
        ):
            break
        taken.append(w)
        if len(taken) == 6:
            break
    if len(taken) < 2:
        return None
    taken[0] = family_name(taken[0])
    raw = " ".join(taken)
    if raw.isupper():
        name = raw.title()
    else:  # "LÊ Diệu Hoa": one word in capitals
        name = " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in taken)
    return clean_name(name), raw


_AS_LETTER = str.maketrans({"7": "T", "0": "O", "1": "L", "5": "S", "8": "B", "6": "G",
                            "$": "S", "€": "C", "(": "C"})  # fmt: skip


def _family_glyphs(word: str) -> str:
    """A family name whose first letter OCR read as a digit or mark ("7ô" for "Tô", "8ùi" for
    "Bùi"): the family name, when the look-alike makes one; the word as read otherwise."""
    from ocr.vietnamese.correct import FAMILY_NAMES
    from ocr.vietnamese.syllables import canonical, nfc_lower

    if len(word) < 2 or word[0].isalpha() or not word[1:].isalpha():
        return word
    fixed = word[0].translate(_AS_LETTER) + word[1:]
    return fixed if canonical(nfc_lower(fixed)) in FAMILY_NAMES else word


# The family names of most Vietnamese (about nine in ten people carry one of these): a name's
# first word read with a mark lost or changed ("Lệ", "Đăng", "Nguyên") is one of them.
COMMON_FAMILIES = ("nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng",
                   "bùi", "đỗ", "hồ", "ngô", "dương", "lý")  # fmt: skip
_COMMON_BY_FOLD = {fold(f): f for f in COMMON_FAMILIES}


def family_name(word: str) -> str:
    """A name's first word, its marks repaired when it is no family name but reads like one of
    the common family names with other marks; case kept ("LỆ" → "LÊ")."""
    from ocr.vietnamese.correct import FAMILY_NAMES
    from ocr.vietnamese.syllables import canonical, nfc_lower

    if canonical(nfc_lower(word)) in FAMILY_NAMES:
        return word
    common = _COMMON_BY_FOLD.get(fold(word))
    if common is None:
        return word
    return common.upper() if word.isupper() and len(word) > 1 else common.capitalize()


def _title_line_name(doc: DocText, lines: list[Line]) -> Found | None:
    """ "Ông: Nguyễn Văn An" / "Bà Trần Thị Hoa" at the start of a line."""
    for line in lines:
        m = re.match(r"[\s_\-.,'~|]*(?:ong\s*/\s*ba|on[gq]|ba)(?:\s*[:.;-]\s*|\s+)", line.folded)
        if m:
            result = parse_name(line.text[m.end() :])
            if result:
                return doc.found(result[0], result[1], line)
    return None


# A person's name label by its key words, whatever else an edition or office puts in it: "họ"
# then "tên" ("Họ tên", "Họ, tên", "Họ tên chủ hộ"), "tên" of a person ("Tên người sử dụng
# đất"), the person's role ("Người đề nghị:", "Người kê khai:", "Chủ hộ:"); always before a
# colon (OCR reads it ";" or "-"), so running text ("ghi rõ họ tên") is no label.
_PERSON_LABEL = re.compile(
    r"(?:^|(?<=[\s.)\]/]))(?:ho\b[^:;\d]{0,24}?\bten\b|ten\s+(?:nguoi|chu|ca\s*nhan)\b"
    r"|nguoi\s+(?:nop|de\s*nghi|yeu\s*cau|dang\s*ky|viet\s*don|ke\s*khai|su\s*dung)\b"
    r"|chu\s+(?:ho|so\s*huu|su\s*dung)\b)[^:;]{0,30}?\s*[:;-]\s*"
)


def keyword_name(doc: DocText, lines: list[Line] | None = None) -> Found | None:
    """The first name after a label found by its key words (`_PERSON_LABEL`): the labels of
    other form editions, and of ours with a word OCR damaged beyond fuzzy matching."""
    for line in doc.lines if lines is None else lines:
        for m in _PERSON_LABEL.finditer(line.folded):
            result = parse_name(line.text[m.end() :])
            if result:
                return doc.found(result[0], result[1], line, 0.9)
    return None


def main_name(doc: DocText, labels: tuple[str, ...] = NAME_LABELS) -> Found | None:
    found = value_after(doc, labels, parse_name, min_score=0.88)
    return found or _title_line_name(doc, doc.lines) or keyword_name(doc)


SIGNERS = ("nguoi viet don", "nguoi nop thue", "nguoi nop ho so", "nguoi ke khai")


def signed_name(doc: DocText) -> Found | None:
    """The name under the filer's signature ("NGƯỜI VIẾT ĐƠN / (Ký, ghi rõ họ tên) / name"):
    on applications and tax forms the filer is the main party, when the labelled line is lost."""
    lines = doc.lines
    for i, line in enumerate(lines):
        letters = [c for c in line.text if c.isalpha()]
        caps = letters and sum(c.isupper() for c in letters) / len(letters) > 0.7
        if not caps or not _heading(line, SIGNERS):  # the signature heading is in capitals
            continue
        column = _column(line)
        below = [ln for ln in lines[i + 1 : i + 7] if sum(c.isalpha() for c in ln.text) >= 2]
        for nxt in below[:3]:  # (a signature's scribble read as "=" or "«" is no line)
            if re.search(r"ky\W*(?:va\s*)?ghi|ho\s*ten\)", nxt.folded) or _heading(nxt, SIGNERS):
                continue
            if _SIGN_HEADING.search(nxt.folded):  # the other column's heading ("NGƯỜI TIẾP
                break  # NHẬN HỒ SƠ") read below this one: no name here
            text = _column_name(nxt.text, column) if column else nxt.text
            result = parse_name(text)
            if result and len(text.split()) <= 6:
                return doc.found(result[0], result[1], nxt, 0.8)
    return None


def _column(line: Line) -> str:
    """ "left"/"right" when the heading line holds two signature columns read as one line
    ("NGƯỜI NỘP HỒ SƠ  NGƯỜI TIẾP NHẬN HỒ SƠ") and the filer's is that one; else ""."""
    roles = [m.start() for m in re.finditer(r"\bnguo\S\b", line.folded)]
    own = next((line.folded.find(s) for s in SIGNERS if s in line.folded), -1)
    if len(roles) < 2 or own < 0:
        return ""
    return "left" if own <= roles[0] else "right"


def _column_name(text: str, column: str) -> str:
    """The filer's name out of two names read as one line ("Trần Hữu Huy Nguyễn Kim Hường"):
    cut before a family name so both parts are names of 2-4 words (3 preferred)."""
    from ocr.vietnamese.correct import FAMILY_NAMES
    from ocr.vietnamese.syllables import canonical, nfc_lower

    words = text.split()
    family = [canonical(nfc_lower(w)) in FAMILY_NAMES for w in words]
    cuts = [k for k in range(2, min(5, len(words) - 1)) if family[k] and 2 <= len(words) - k <= 4]
    if not cuts:
        return text
    k = min(cuts, key=lambda k: abs(k - 3) + abs(len(words) - k - 3))
    return " ".join(words[:k] if column == "left" else words[k:])


_SIGN_HEADING = re.compile(r"\bnguo\S\b|tiep\s*nhan|\bho\s*so\b")


def filer_name(doc: DocText, labels: tuple[str, ...] = NAME_LABELS) -> Found | None:
    """The labelled name, unless OCR left it no well-formed name and the signature block
    prints one (a value written by hand on the form, the signer's name typed under it)."""
    return better_name(main_name(doc, labels), lambda: signed_name(doc))


ORGANISATION = re.compile(
    r"(?:tong\s*)?cong\s*ty|cty|doanh\s*nghiep|hop\s*tac\s*xa|chi\s*nhanh|ngan\s*hang"
    r"|trung\s*tam|ban\s*quan\s*ly|nha\s*may|truong|benh\s*vien|ho\s*kinh\s*doanh"
)


_COMPANY_WORDS = {"tnhh", "cp", "mtv", "jsc", "co phan"}


_FORMS = ("TNHH", "MTV", "CP")  # limited liability, one member, joint-stock


def company_forms(value: str) -> str:
    """A company's name with its legal-form abbreviations repaired where OCR changed a letter
    ("INHH", "TNHM" → "TNHH"): a word in capitals one letter away from one and no syllable."""
    from rapidfuzz.distance import Levenshtein

    from ocr.vietnamese import is_valid_syllable

    def fix(word: str) -> str:
        if not word.isupper() or len(word) < 3 or word in _FORMS or is_valid_syllable(word):
            return word
        near = [f for f in _FORMS if len(f) >= 3 and Levenshtein.distance(word, f) == 1]
        return near[0] if len(near) == 1 else word

    return " ".join(fix(w) for w in value.split())


def is_organisation(value: str) -> bool:
    """A company or body (what a receipt names for an environment procedure), not a person;
    also behind OCR damage ("Côrig ty TNHH", "Cong fy CP")."""
    from rapidfuzz import fuzz

    folded = fold(value).strip()
    words = folded.split()
    pairs = {" ".join(words[i : i + 2]) for i in range(len(words))}
    return bool(
        ORGANISATION.match(folded)
        or words[:1] == ["cong"]  # no family name "Công": "Công" and the rest lost
        or fuzz.ratio(" ".join(words[:2]), "cong ty") >= 75
        or _COMPANY_WORDS & (set(words) | pairs)
    )


def name_form(value: str) -> float:
    """How well a value reads as a Vietnamese personal name, 0..1: 2-6 capitalised words,
    each a valid syllable (tones and all), the first a family name. OCR's damage to a name
    written by hand shows here (a lost word, "Hươug", "Thi", stray marks)."""
    from ocr.vietnamese import is_valid_syllable
    from ocr.vietnamese.correct import FAMILY_NAMES
    from ocr.vietnamese.syllables import canonical, nfc_lower

    words = value.split()
    if not 2 <= len(words) <= 6 or not all(w.isalpha() and w[0].isupper() for w in words):
        return 0.0
    valid = sum(is_valid_syllable(w) for w in words) / len(words)
    family = canonical(nfc_lower(words[0])) in FAMILY_NAMES
    return 0.5 * valid + 0.5 * float(family and valid == 1.0)


def better_name(first: Found | None, other) -> Found | None:
    """`first` unless it is no well-formed name and `other()` (a callable) is one, or `other()`
    is the same name read whole ("Lê Ngọc" beside "Lê Ngọc Tuyết": a value written by hand and
    cut short, the name typed under the signature)."""
    second = other()
    if first is None or second is None:
        return first or second
    mine, theirs = fold(str(first.value)).split(), fold(str(second.value)).split()
    if len(mine) < len(theirs) == len(mine) + 1 and theirs[: len(mine)] == mine:
        return second if name_form(str(second.value)) == 1.0 else first
    if name_form(str(first.value)) == 1.0:
        return first
    return second if name_form(str(second.value)) == 1.0 else first


def card_name(doc: DocText) -> Found | None:
    """On an ID card the name is printed in capitals and kept so."""
    found = value_after(doc, NAME_LABELS, lambda t: _raw_name(t), min_score=0.88)
    return found


def _raw_name(text: str):
    parsed = parse_name(text)
    return (clean_name(parsed[1]), parsed[1]) if parsed else None


def _heading(line: Line, labels: tuple[str, ...]) -> float:
    """How well a short line reads as one of the headings (fuzzy: "Bên được ủy qvyền")."""
    if len(line.folded.strip()) > 60:
        return 0.0
    if any(s in line.folded for s in labels):
        return 1.0
    long = tuple(s for s in labels if len(s) >= 12)  # a short label fuzzily matches anything
    hits = find_labels([line], long, 0.9) if long else []
    return hits[0].score if hits else 0.0


def section_lines(lines: list[Line], start: tuple[str, ...], stop: tuple[str, ...],
                  limit: int = 9) -> list[Line]:  # fmt: skip
    """Lines after a short heading matching `start`, up to a `stop` heading or `limit` lines.
    Exact headings first; a fuzzy one (OCR damage) only when no heading reads exactly."""
    for exact in (True, False):
        for i, line in enumerate(lines):
            score = _heading(line, start)
            if not score or (exact and score < 1.0) or _heading(line, stop) >= score:
                continue
            out = []
            for nxt in lines[i + 1 : i + 1 + limit]:
                if _heading(nxt, stop) > _heading(nxt, start):
                    break
                out.append(nxt)
            return out
    return []


def party(
    doc: DocText, start: tuple[str, ...], stop: tuple[str, ...]
) -> tuple[Found | None, Found | None]:
    """(name, citizen ID) of the party whose section heading matches `start`."""
    lines = section_lines(doc.lines, start, stop)
    if not lines:
        return None, None
    name = _title_line_name(doc, lines) or value_after(doc, NAME_LABELS, parse_name, lines=lines)
    own = next((lines[:i] for i, ln in enumerate(lines) if _SPOUSE.search(ln.folded)), lines)
    return name, ids.cccd_in(doc, own)  # the spouse's ID is not the party's, even when the
    # party's own line is unreadable


_SPOUSE = re.compile(r"\bva\s*(?:vo|chong)\b")  # "Và vợ là bà: ...", "Và chồng là ông: ..."


PARTY_A = ("ben chuyen nhuong", "ben tang cho", "ben a)", "(ben a", "ben uy quyen",
           "nguoi uy quyen", "ben the chap")  # fmt: skip
PARTY_B = ("ben nhan chuyen nhuong", "ben duoc tang cho", "ben b)", "(ben b",
           "ben duoc uy quyen", "nguoi duoc uy quyen", "ben nhan the chap")  # fmt: skip


def parties(doc: DocText) -> dict[str, Found | None]:
    a_name, a_id = party(doc, PARTY_A, PARTY_B)
    b_name, b_id = party(doc, PARTY_B, PARTY_A + ("dieu 1", "hai ben"))
    if b_name is None and b_id is None:  # the second party's heading not read: by order
        b_name, b_id = _next_party(doc, a_name)
    return {"a_name": a_name, "a_id": a_id, "b_name": b_name, "b_id": b_id}


def _next_party(doc: DocText, first: Found | None) -> tuple[Found | None, Found | None]:
    """The person named after the first party (a contract or power of attorney names its two
    parties in order, each with their ID under the name): the next person's line after the
    first party's, not a spouse's, and the ID between it and the person after."""
    if first is None:
        return None, None
    lines = doc.lines
    start = next((i for i, ln in enumerate(lines) if ln.page == first.page
                  and first.raw and first.raw in ln.text), None)  # fmt: skip
    if start is None:
        return None, None
    people = []
    for i in range(start + 1, len(lines)):
        if _SPOUSE.search(lines[i].folded):
            continue
        found = _title_line_name(doc, [lines[i]]) or value_after(
            doc, NAME_LABELS, parse_name, lines=[lines[i]], next_line=False
        )
        if found and fold(str(found.value)) != fold(str(first.value)):
            people.append((i, found))
            if len(people) == 2:
                break
    if not people:
        return None, None
    i, name = people[0]
    end = people[1][0] if len(people) > 1 else min(len(lines), i + 6)
    return name, ids.cccd_in(doc, lines[i + 1 : end])


def _sex(text: str):
    f = fold(text).strip()
    m = re.match(r"(n[ao]m|narn|nu|nir|male|female)\b", f)
    if not m:
        return None
    male = m.group(1) not in ("nu", "nir", "female")
    return ("Nam" if male else "Nữ"), text.strip().split()[0]


def sex(doc: DocText) -> Found | None:
    return value_after(doc, ("gioi tinh", "sex"), _sex, min_score=0.85)


def _dob(text: str):
    dates = find_dates(fold(text), lo=1900, hi=2030)
    return (dates[0][0].isoformat(), text[dates[0][1] : dates[0][2]]) if dates else None


_BIRTH = re.compile(r"s\S{1,3}h\b|birth")  # the label must say "sinh" (or "sirih"): an ID card
# also prints "Ngày, tháng, năm: <issue date>"


def date_of_birth(doc: DocText) -> Found | None:
    lines = [ln for ln in doc.lines if _BIRTH.search(ln.folded)]
    return value_after(doc, ("ngay sinh", "ngay, thang, nam sinh", "sinh ngay", "date of birth"),
                       _dob, min_score=0.85, lines=lines)  # fmt: skip


_NEXT_LABEL = re.compile(r"[\s,]+(?:dia\s?ch|bo\s?phan|so\s?cccd|so\s?dien|noi\s?dung)")


# Who files, by the label's key words: a person or body that submits ("nộp") the dossier
# ("Tổ chức, cá nhân nộp hồ sơ:", "Người nộp:"), before a colon.
_FILER_LABEL = re.compile(r"(?:^|(?<=[\s.)\]]))(?:nguoi|to\s*chuc|ca\s*nhan)\b[^:;]{0,20}?"
                          r"\bnop\b[^:;]{0,16}?[:;]")  # fmt: skip


def receipt_applicant(doc: DocText) -> Found | None:
    """ "Tiếp nhận hồ sơ của: <person or company>" (a company name is kept whole), or after a
    label naming who submits the dossier (`_FILER_LABEL`)."""
    for hit in label_hits(doc.lines, ("tiep nhan ho so cua",), 0.88):
        if hit.line.text.isupper():  # the title "GIẤY TIẾP NHẬN HỒ SƠ ..." is no label
            continue
        found = _applicant(doc, hit.line, hit.after, hit.score)
        if found:
            return found
    for line in doc.lines:
        m = _FILER_LABEL.search(line.folded)
        if m and not line.text.isupper():
            found = _applicant(doc, line, line.text[m.end() :], 0.9)
            if found:
                return found
    return filer_name(doc)


_TITLE_FIRST = re.compile(r"^(?:[ÔôOo]ng\s*/\s*[Bb]à|[ÔôOo]ng|[Bb]à)\s*[:.]?\s+(?=[A-ZĐÀ-Ỹ])")


def _applicant(doc: DocText, line: Line, after: str, score: float) -> Found | None:
    value = re.split(r"\s{3,}|;", after.lstrip(" :;.,"))[0]  # "của;Công ty"
    cut = _NEXT_LABEL.search(fold(value))  # the next line read onto this one
    value = clean_name(value[: cut.start()] if cut else value)
    titled = _TITLE_FIRST.match(value)  # "Ông Nguyễn Văn An": the title is no part of the name
    if titled and name_form(value[titled.end() :]) == 1.0:  # (not "Bà Rịa …")
        value = value[titled.end() :]
    if len(value) < 4:
        return None
    parsed = parse_name(value)
    if parsed and len(parsed[1].split()) == len(value.split()):  # all of it a name
        value = parsed[0]
    found = doc.found(value, value, line, score)
    if is_organisation(value):  # the signer is its representative, not the applicant
        found.value = company_forms(value)
        return found
    return better_name(found, lambda: signed_name(doc))
