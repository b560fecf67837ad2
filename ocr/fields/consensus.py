"""Dossier-wide consensus for free-text fields (names, project names, subjects).

A dossier prints the same name several times: the label line, the signature block, the other
documents (receipt, application, certificate, ID card, contract). OCR damages each print
independently (a lost tone, `h` read as `b`), so the value read at one place is repaired syllable
by syllable from the majority of all the prints that match it: `Nguyễn Hồng Moi` printed once
beside three `Nguyễn Hồng Mai` becomes `Nguyễn Hồng Mai`. A syllable only changes to one with
other letters (not just other marks) when its own reading is no Vietnamese syllable or the other
spelling clearly outnumbers it, so a different person with a similar name does not overwrite it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ocr import identifiers
from ocr.fields import EXTRACTORS, ids, land
from ocr.fields.ids import BOOK_PREFIXES
from ocr.fields.text import DocText, find_labels, fold, nfc
from ocr.result import Document
from ocr.vietnamese import is_valid_syllable
from ocr.vietnamese.correct import apply_case, candidates
from ocr.vietnamese.lexicon import lexicon
from ocr.vietnamese.syllables import skeleton

# Free-text fields worth a vote (identifiers and numbers are validated, not voted).
FREE_TEXT = frozenset(
    {
        "applicant_name", "owner_name", "taxpayer_name", "full_name", "transferor_name",
        "transferee_name", "principal_name", "agent_name", "project_name", "project_owner",
        "subject",
    }
)  # fmt: skip
# Fields that may name a body, printed in capitals on its letterhead and in running text elsewhere.
BODY_KEYS = frozenset({"applicant_name", "project_owner"})
ONE_SLIP = 2.0  # edit cost (ocr.vietnamese.correct) of one confusable letter read wrong
MATCH_CUTOFF = 85.0  # rapidfuzz ratio (folded, space-free) for a print to count as the value
_EDGE = ".,;:()[]\"'“”«»|_~-—"


@dataclass(frozen=True)
class Token:
    text: str  # as printed, NFC, edge punctuation removed
    folded: str
    weight: float = 1.0  # how much OCR believed it (the word's confidence); breaks tied votes


@lru_cache(maxsize=65536)
def split_glued(word: str) -> tuple[str, ...]:
    """A word that is no syllable but two syllables glued ("dụngđất", "Nhàmáy") → the two,
    choosing the most likely cut; anything else unchanged."""
    if len(word) < 4 or not word.isalpha() or is_valid_syllable(word.lower()):
        return (word,)
    lex = lexicon()
    if lex.by_skeleton.get(skeleton(word)):  # "Nguyen": one syllable with its marks lost
        return (word,)
    if any(cost <= ONE_SLIP for _, cost in candidates(word.lower(), wide=True)):
        return (word,)  # "Nguvễn": one misread letter from "Nguyễn", not "Ngu" + "vễn"
    best, best_score = (word,), None
    for i in range(1, len(word)):
        a, b = word[:i], word[i:]
        if (
            len(a) > 1
            and len(b) > 1
            and is_valid_syllable(a.lower())
            and is_valid_syllable(b.lower())
        ):
            score = lex.unigram(a.lower()) + lex.unigram(b.lower())
            if best_score is None or score > best_score:
                best, best_score = (a, b), score
    return best


def tokens_of(text: str, weight: float = 1.0) -> list[Token]:
    """Words of a text, split where OCR glued a capitalised word on ("KimChung")."""
    out: list[Token] = []
    text = nfc(text).replace("Ð", "Đ")
    glued = "".join(
        " " + c if c.isupper() and i and text[i - 1].islower() else c for i, c in enumerate(text)
    )
    for raw in glued.split():
        for part in re.split(r"[,;]", raw):
            word = part.strip(_EDGE)
            for piece in split_glued(word) if word else ():
                out.append(Token(piece, fold(piece), weight))
    return out


def page_tokens(text: str, words: list | None = None) -> list[Token]:
    """A page's tokens, weighted by Tesseract's confidence when its words are at hand (the
    page text is those words in reading order)."""
    if not words:
        return tokens_of(text)
    return [t for w in words for t in tokens_of(w.text, w.confidence)]


class Corpus:
    """A dossier's tokens with what the print search needs precomputed once: summed folded
    lengths (a run's length without joining it) and the folded text (a run is a slice)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.ends = np.fromiter(
            accumulate((len(t.folded) for t in tokens), initial=0), dtype=np.int64
        )
        self.flat = "".join(t.folded for t in tokens)  # a run's folded text is a slice of it


def prints_of(value: str, tokens: list[Token] | Corpus) -> list[list[Token]]:
    """Every non-overlapping run of tokens that reads like `value`, best first. A run may have
    one word more or less than the value read here (OCR split "T hương" or glued "Congty")."""
    corpus = tokens if isinstance(tokens, Corpus) else Corpus(tokens)
    toks, ends = corpus.tokens, corpus.ends
    own = tokens_of(value)
    n = len(own)
    target = "".join(t.folded for t in own)
    if n == 0 or len(target) < 4:
        return []
    slack = max(2, len(target) // 6)
    hits: list[tuple[float, int, int]] = []
    for size in {max(1, n - 1), n, n + 1}:
        if size > len(toks):
            continue
        lengths = ends[size:] - ends[:-size]  # every run of `size` tokens at once
        where = np.flatnonzero(np.abs(lengths - len(target)) <= slack).tolist()
        flat = corpus.flat
        runs = [flat[ends[i] : ends[i + size]] for i in where]
        if not runs:
            continue
        scores = process.cdist([target], runs, scorer=fuzz.ratio, score_cutoff=MATCH_CUTOFF)[0]
        hits += [(float(scores[k]), where[k], size) for k in np.flatnonzero(scores).tolist()]
    taken: list[tuple[int, int]] = []
    for _, i, size in sorted(hits, key=lambda h: (-h[0], h[1])):
        if all(i + size <= j or j + k <= i for j, k in taken):
            taken.append((i, size))
    return [toks[i : i + size] for i, size in taken]


def _style(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "upper"
    return "title" if word[:1].isupper() else "lower"


def _pick(own: str, seen: Counter[str], belief: Counter[str] | None = None) -> str:
    """The spelling of one syllable (lower case) the prints support best: most prints, then a
    valid syllable, then the spelling OCR was surer of (summed confidences), then more marks."""
    own_l = own.lower()
    valid = {w: is_valid_syllable(w) for w in seen}
    belief = belief or Counter()

    def score(w: str) -> tuple[int, bool, float, int]:
        marks = sum(1 for a, b in zip(w, fold(w), strict=True) if a != b)
        return seen[w], valid[w], round(belief[w], 6), marks

    same = [w for w in seen if fold(w) == fold(own_l)]
    if any(valid[w] for w in same):  # a spelling that is no syllable cannot be what was printed
        same = [w for w in same if valid[w]]
    best = max(same, key=score) if same else own_l
    own_count = sum(seen[w] for w in same)
    others = Counter()
    for w, c in seen.items():
        if fold(w) != fold(own_l) and valid[w]:
            others[fold(w)] += c
    if others:
        base, count = others.most_common(1)[0]
        own_ok = any(valid[w] for w in same)
        if (not own_ok and count >= own_count) or count >= max(2, 2 * own_count):
            best = max((w for w in seen if fold(w) == base and valid[w]), key=score)
    return best


CHUNK = 6  # a long value (a decision's subject) votes in pieces of this many words


def _chunked(value: str, tokens: list[Token] | Corpus) -> tuple[str, int]:
    """A long value voted piece by piece: its parts are printed more often than the whole
    (the project name inside a subject), and a damaged piece does not sink the rest."""
    text = nfc(value)
    spans, pos = [], 0
    for tok in tokens_of(text):
        at = text.find(tok.text, pos)
        if at < 0:
            return value, 0
        spans.append((at, at + len(tok.text)))
        pos = at + len(tok.text)
    out, last, prints = [], 0, 0
    for i in range(0, len(spans), CHUNK):
        part = spans[i : i + CHUNK]
        start, end = part[0][0], part[-1][1]
        voted, n = vote(text[start:end], tokens)
        out.append(text[last:start] + voted)
        last, prints = end, max(prints, n)
    return "".join(out) + text[last:], prints


def vote(value: str, tokens: list[Token] | Corpus) -> tuple[str, int]:
    """`value` repaired by the majority of its prints among `tokens`; (value, prints used).

    The prints are grouped by word count and the largest group votes (the value's own word
    count wins ties), one word position at a time; a print whose words do not line up with the
    group's best print at some position is left out."""
    from ocr.fields.people import family_name, is_organisation

    tokens = tokens if isinstance(tokens, Corpus) else Corpus(tokens)
    own = tokens_of(value)
    prints = prints_of(value, tokens)
    if len(own) > CHUNK + 2 and len(prints) < 3:  # printed whole too rarely to outvote damage
        return _chunked(value, tokens)  # vote the pieces
    groups: dict[int, list[list[Token]]] = {}
    for p in prints:
        groups.setdefault(len(p), []).append(p)
    size = max(groups, key=lambda k: (len(groups[k]), k == len(own))) if groups else len(own)
    ref = groups[size][0] if groups else own
    group = [
        p
        for p in groups.get(size, [])
        if all(fuzz.ratio(a.folded, b.folded) >= 50 for a, b in zip(p, ref, strict=True))
    ]
    if len(group) < 2:  # nothing to vote with: the reading, glued words taken apart
        return _rebuild(value, own, [t.text for t in own]), len(group)
    upper = value.isupper()
    person = (2 <= len(own) <= 6 and all(t.text[:1].isupper() for t in own)
              and not is_organisation(value))  # fmt: skip
    words: list[str] = []
    for j in range(size):
        seen = Counter(p[j].text.lower() for p in group)
        belief: Counter[str] = Counter()  # summed confidences of each spelling
        for p in group:
            belief[p[j].text.lower()] += p[j].weight
        like = own[j].text if size == len(own) else ref[j].text
        if size == len(own) and like.lower() not in seen:
            seen[like.lower()] += 1  # the reading itself (a value cut from a wrapped line),
            belief[like.lower()] = sum(p[j].weight for p in group) / len(group)  # believed
            # as much as the prints on average: it is one of them, its confidence unknown here
        if size == len(own):
            style = _style(like)
            styles = Counter(_style(p[j].text) for p in group).most_common(1)[0]
            if j and style == "lower" and styles[0] == "title" and styles[1] > len(group) / 2:
                style = "title"  # a capital read small inside ("vân Nội"): most prints have it
        elif j == 0:
            style = _style(own[0].text)
        else:
            style = Counter(_style(p[j].text) for p in group).most_common(1)[0][0]
        word = _pick(like, seen, belief)
        if j == 0 and person:  # a tone lost on the family name in some prints ("Lệ", "Đăng")
            word = family_name(word)
        words.append(word.upper() if upper else apply_case(word, style))
    if size != len(own):
        return " ".join(words), len(group)
    return _rebuild(value, own, words), len(group)


def as_printed_elsewhere(value: str, tokens: list[Token] | Corpus) -> str:
    """A body's name read in capitals (a letterhead) as the dossier prints it in running text
    ("CÔNG TY TNHH BÌNH MINH" → "Công ty TNHH Bình Minh"): the most common print of the same
    words that is not all capitals; the value itself when there is none."""
    own = tokens_of(value)
    if not value.isupper() or len(own) < 2:
        return value
    seen = Counter(
        " ".join(t.text for t in p)
        for p in prints_of(value, tokens)
        if len(p) == len(own)
        and not all(t.text.isupper() for t in p)
        and all(fold(a.text) == fold(b.text) for a, b in zip(p, own, strict=True))
    )
    return seen.most_common(1)[0][0] if seen else value


def _rebuild(value: str, own: list[Token], words: list[str]) -> str:
    """`value` with its words replaced, its own punctuation and spacing kept around them."""
    text, out, pos = nfc(value), [], 0
    for tok, word in zip(own, words, strict=True):
        at = text.find(tok.text, pos)
        if at < 0:
            return " ".join(words)
        gap = text[pos:at]
        out.append((" " if out and not gap else gap) + word)  # glued words come apart
        pos = at + len(tok.text)
    return "".join(out) + text[pos:]


# The dossier's filer as each paper names them: the receipt's applicant is the application's
# filer, the tax form's payer, the environmental papers' project owner.
FILER_KEYS = ("applicant_name", "taxpayer_name", "project_owner")
_BODY_WORDS = {"tong", "cong", "ty", "tnhh", "mtv", "cp", "co", "phan", "doanh", "nghiep"}
_JUNK = re.compile(r"[^\w\s&.,()\-]|\.\.|_|\d")


def well_formed(value: str) -> bool:
    """A person's name of valid syllables starting with a family name, or a body's name in
    words only, its kind first (no stray marks, no head lost: what is left of a hand-written
    value OCR could not read)."""
    from ocr.fields.people import ORGANISATION, is_organisation, name_form

    if is_organisation(value):  # headed by its kind, with a name of its own ("Công ty TNHH
        own = set(fold(value).replace(".", " ").split()) - _BODY_WORDS  # MTV" alone is not)
        return (not _JUNK.search(value) and len(value.split()) >= 3 and bool(own)
                and bool(ORGANISATION.match(fold(value))))  # fmt: skip
    return name_form(value) == 1.0


def fill_filer(documents: list[Document]) -> None:
    """An applicant's name that OCR left malformed ("Công ty CP...:2¿", ". Hương") replaced by
    the dossier's well-formed print of the filer that contains what was read (a body for a
    body, a person for a person; most documents first); the reading is kept as `read`."""
    from ocr.fields.people import is_organisation

    for doc in documents:
        value = doc.fields.get("applicant_name")
        if value is None or well_formed(str(value)):
            continue
        readable = " ".join(re.findall(r"[^\W\d_]{2,}", fold(str(value))))
        if len(readable) < 4:
            continue
        body = is_organisation(str(value))
        seen = Counter(
            str(other.fields[k])
            for other in documents
            if other is not doc
            for k in FILER_KEYS
            if k in other.fields
            and well_formed(str(other.fields[k]))
            and is_organisation(str(other.fields[k])) == body
        )
        fits = [(n, v) for v, n in seen.items()
                if fuzz.partial_ratio(readable, fold(v)) >= MATCH_CUTOFF]  # fmt: skip
        fits.sort(reverse=True)
        if not fits or (len(fits) > 1 and fits[0][0] == fits[1][0]):  # none, or no majority
            continue
        n, best = fits[0]
        details = doc.field_details["applicant_name"]
        details["read"], details["from_dossier"] = value, n
        doc.fields["applicant_name"] = best
    _body_filer(documents)


def _body_filer(documents: list[Document]) -> None:
    """A receipt's applicant read as a person's name or malformed, in a dossier whose papers
    agree (two or more) on the body that owns the project: that body (an environmental
    procedure is filed by the project owner; the person is its representative, or OCR's
    damage)."""
    from ocr.fields.people import is_organisation

    owners = Counter(str(d.fields["project_owner"]) for d in documents
                     if "project_owner" in d.fields and well_formed(str(d.fields["project_owner"]))
                     and is_organisation(str(d.fields["project_owner"])))  # fmt: skip
    ranked = owners.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return
    body, n = ranked[0]
    for doc in documents:
        value = doc.fields.get("applicant_name")
        if doc.doc_type != "phieu_tiep_nhan" or value is None or value == body:
            continue
        if is_organisation(str(value)) and well_formed(str(value)):
            continue
        _replace(doc, "applicant_name", body, n)


# A person's name on each paper (the filer's, the owner's, a party's): what `fill_names` repairs.
PERSON_KEYS = ("owner_name", "taxpayer_name", "full_name", "transferor_name", "transferee_name",
               "principal_name", "agent_name")  # fmt: skip


def fill_names(documents: list[Document]) -> None:
    """A person's name OCR left malformed ("Fề Điệu", "Tiến Xuân": a mark for a letter, the
    family name lost) or cut short ("Nguyễn Thành" of four words) replaced by the one
    well-formed person's name of the dossier that holds what was read (as the dossier writes
    it: an ID card's capitals only on a card); the reading is kept as `read`."""
    from ocr.fields.people import is_organisation

    spellings: dict[str, Counter[str]] = {}
    for d in documents:
        for k in (*PERSON_KEYS, *FILER_KEYS):
            value = str(d.fields.get(k, ""))
            if k in d.fields and well_formed(value) and not is_organisation(value):
                spellings.setdefault(fold(value).lower(), Counter())[value] += 1
    for doc in documents:
        for key in PERSON_KEYS:
            value = doc.fields.get(key)
            own = fold(str(value)).lower()
            if value is None or sum(spellings.get(own, Counter()).values()) > 1:
                continue
            fits = [n for n in spellings if n != own and _holds(n, str(value))]
            fits = [n for n in fits if not any(m.startswith(n + " ") for m in fits)]  # "Lê
            if len(fits) != 1:  # Diệu" read cut short beside "Lê Diệu Hoa": the whole one
                continue
            seen = spellings[fits[0]]
            mixed = [v for v, _ in seen.most_common() if not v.isupper()]
            name = mixed[0] if mixed else next(iter(seen)).title()
            _replace(doc, key, name.upper() if str(value).isupper() else name, sum(seen.values()))


def _holds(name: str, read: str) -> bool:
    """Whether a well-formed `name` is what a damaged or cut reading `read` was: the reading
    malformed and most of it found in the name, or its words the name's first ones."""
    mine, theirs = fold(read).split(), fold(name).split()
    if len(mine) < len(theirs) and theirs[: len(mine)] == mine and len(mine) >= 2:
        return True
    if 2 <= len(mine) < len(theirs) and mine[0] == theirs[0] and mine[-1] == theirs[-1]:
        rest = iter(theirs)  # a middle name lost ("Nguyễn Hương" of "Nguyễn Thị Hương"): the
        return all(w in rest for w in mine)  # family and given names, the rest in order
    readable = " ".join(re.findall(r"[^\W\d_]{2,}", fold(read)))
    return (not well_formed(read) and len(readable) >= 4
            and fuzz.partial_ratio(readable, fold(name)) >= MATCH_CUTOFF)  # fmt: skip


# Fields of the one parcel a dossier is about: printed on the application, the certificate, the
# contract, the extract, the tax form. (A certificate issued as the result carries a new serial and
# register number, so those are only repaired towards a close majority reading, never filled.)
SHARED_LABELS: dict[str, tuple[str, ...]] = {
    "parcel_number": ("thua dat so", "thua so"),
    "map_sheet": ("to ban do so", "to ban do"),
    "area_m2": ("dien tich",),
    "gcn_serial": (),
    "gcn_book_number": (),
}
FILL_CONFIDENCE = 0.7  # a value taken from the other documents of the dossier


def _replace(doc: Document, key: str, value: object, support: int) -> None:
    """`key` read on `doc` replaced by the dossier's `value` (`support` documents behind it);
    the reading is kept as `read`."""
    doc.field_details[key]["read"] = doc.fields[key]
    doc.field_details[key]["from_dossier"] = support
    doc.fields[key] = value


def _fill(
    doc: Document, text: DocText, key: str, value: object, support: int, raw: str = ""
) -> None:
    """`key`, unread on `doc`, filled with the dossier's `value` at the fill confidence."""
    page = text.pages[0].number if text.pages else doc.pages[0]
    doc.fields[key] = value
    doc.field_details[key] = {
        "page": page, "confidence": FILL_CONFIDENCE, "raw": raw, "from_dossier": support,
    }  # fmt: skip


AGREED = 2  # other documents reading one parcel value alike: it fills without its label seen


def _close(a: object, b: object) -> bool:
    """Two readings that one or two OCR slips apart (`700T`/`700`, `765.2`/`1765.2`)."""
    return Levenshtein.distance(str(a), str(b)) <= 2


def shared_fields(docs: list[tuple[Document, DocText]]) -> None:
    """Parcel fields: a value printed but unreadable on one document is taken from the others,
    and a reading that a close majority of the other documents contradicts is replaced."""
    for key, labels in SHARED_LABELS.items():
        readings = Counter(d.fields[key] for d, _ in docs if key in d.fields)
        if not readings:
            continue
        for doc, text in docs:
            if key not in EXTRACTORS.get(doc.doc_type, {}):
                continue
            own = doc.fields.get(key)
            others = readings.copy()
            if own is not None:
                others[own] -= 1
            ranked = [(v, n) for v, n in others.most_common() if n > 0]
            if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
                continue
            best, n = ranked[0]
            if key in CITED_LABELS and _cites(doc, docs) and (own is None or _malformed(key, own)):
                _fill_cited(doc, text, docs, key)
            elif own is None:  # printed but unread: its label is seen, or two documents
                # agree on the dossier's value (the label damaged too)
                if labels and (n >= AGREED or find_labels(text.lines, labels, 0.85)):
                    _fill(doc, text, key, best, n)
            elif (
                best != own
                and others[own] == 0
                and _close(own, best)
                and (n >= 2 or (_malformed(key, own) and not _malformed(key, best)))
            ) or (best != own and others[own] == 0 and n >= 2 and _surer(docs, key, best, doc)):
                _replace(doc, key, best, n)


def _surer(docs: list[tuple[Document, DocText]], key: str, value: object, doc: Document) -> bool:
    """Whether every other document reading `value` read it SURER more surely than `doc` read
    its own (a hand-written figure misread beyond a slip, the dossier's typed prints agreeing:
    one parcel per dossier)."""
    sure = [
        _read_confidence(d, key) for d, _ in docs if d is not doc and d.fields.get(key) == value
    ]
    return bool(sure) and min(sure) >= _read_confidence(doc, key) + SURER


# Where a document may print a parcel or certificate figure more than once (a form line and the
# table of changes, the certificate cited in a contract's first article): every value under the
# field's labels.
PRINTED = {
    "parcel_number": land.parcel_numbers,
    "map_sheet": land.map_sheets,
    "area_m2": land.areas,
    "gcn_serial": ids.gcn_serials,
    "gcn_book_number": ids.gcn_book_numbers,
}


def vote_printed(docs: list[tuple[Document, DocText]]) -> None:
    """A figure read on one document that no other document of the dossier prints, while
    another value printed under the same label on this document is printed elsewhere: the
    other value (a hand-written "1096" read "7" on the form line, printed again in the table).
    Only values printed on the document itself are chosen, so a result certificate's new serial
    stays its own."""
    for key, printed in PRINTED.items():
        values = [printed(text) if key in EXTRACTORS.get(doc.doc_type, {}) else []
                  for doc, text in docs]  # fmt: skip
        for i, (doc, _) in enumerate(docs):
            own = doc.fields.get(key)
            if own is None or len(values[i]) < 2 or _support(docs, values, key, i, own):
                continue
            best = max(values[i], key=lambda v, i=i: _support(docs, values, key, i, v))
            n = _support(docs, values, key, i, best)
            if n:
                _replace(doc, key, best, n)


def serial_prefixes(docs: list[tuple[Document, DocText]]) -> None:
    """A serial whose two letters OCR lost ("Số phát hành: 292328") takes them from the serial
    of the same digits another document of the dossier reads ("CS 292328")."""
    known = Counter(str(d.fields["gcn_serial"]) for d, _ in docs if "gcn_serial" in d.fields)
    for doc, text in docs:
        if "gcn_serial" in doc.fields or "gcn_serial" not in EXTRACTORS.get(doc.doc_type, {}):
            continue
        for digits in ids.serial_digits(text):
            same = [(n, s) for s, n in known.items() if s.split()[-1] == digits]
            if len(same) == 1:
                _fill(doc, text, "gcn_serial", same[0][1], same[0][0], raw=digits)
                break


# The other figure that names the same certificate: two documents printing one of them alike
# cite one certificate, so they print the other alike too.
SAME_CERTIFICATE = {"gcn_serial": "gcn_book_number", "gcn_book_number": "gcn_serial"}
SURER = 0.1  # OCR confidence by which the other print of a value must beat this one


def surer_reading(docs: list[tuple[Document, DocText]]) -> None:
    """Two documents printing one value (the dossier's parcel; the certificate both cite) that
    read it a slip or two apart, no third reading to vote: the reading OCR was surer of (a
    typed print beside a hand-written one) is taken for both. The certificate itself counts as
    that much surer of its own serial and register number than a paper citing them (it prints
    them typed; a form copies them, often by hand). Documents split between two such readings
    of the parcel, as many for each: the readings' summed confidences decide the same way."""
    for key in (*SHARED, *SAME_CERTIFICATE):
        have = [d for d, _ in docs if key in d.fields]
        for doc in have:
            own = doc.fields[key]
            peers = [d for d in have if d is not doc and _same_thing(key, doc, d)]
            readings = {d.fields[key] for d in peers}
            if len(readings) > 1 and key in SHARED:
                _weighed(doc, key, peers)
                continue
            if len(readings) != 1 or own in readings:
                continue
            other = peers[0].fields[key]
            surest = max(_surety(d, key, doc) for d in peers)
            if _close(own, other) and surest >= _read_confidence(doc, key) + SURER:
                _replace(doc, key, other, len(peers))


def _surety(doc: Document, key: str, reader: Document) -> float:
    """How sure `doc`'s reading of `key` is, beside `reader`'s: the certificate's own figures
    against a paper citing them count SURER more."""
    own = key in SAME_CERTIFICATE and doc.doc_type == CERTIFICATE and reader.doc_type in CITING
    return _read_confidence(doc, key) + (SURER if own else 0.0)


CERTIFICATE = "giay_chung_nhan_qsdd"


def _weighed(doc: Document, key: str, peers: list[Document]) -> None:
    """`doc`'s reading replaced by a close one that as many documents read, with summed read
    confidences SURER higher."""
    own = doc.fields[key]
    count: Counter[object] = Counter({own: 1})
    surety: Counter[object] = Counter({own: _read_confidence(doc, key)})
    for peer in peers:
        count[peer.fields[key]] += 1
        surety[peer.fields[key]] += _read_confidence(peer, key)
    best = max((v for v in count if v != own and _close(v, own)), default=None,
               key=lambda v: (count[v], surety[v]))  # fmt: skip
    if best is not None and count[best] >= count[own] and surety[best] >= surety[own] + SURER:
        _replace(doc, key, best, count[best])


SHARED = ("parcel_number", "map_sheet", "area_m2")


def surer_ids(docs: list[tuple[Document, DocText]]) -> None:
    """A citizen ID a few slips from another ID the dossier reads (one person's number printed
    twice: two people's numbers differ in more digits), read less surely than that one: the
    surer reading (a typed contract beside a hand-written tax form). An ID card counts as SURER
    more sure of its holder's number than any other paper (the state prints it; a form copies
    it, often by hand). Several such readings: the surest, when SURER ahead of the next."""
    reads = [(d, k) for d, _ in docs for k in d.fields if k == "citizen_id" or k.endswith("_id")]
    for doc, key in reads:
        own = str(doc.fields[key])
        near: dict[str, float] = {}
        for other, k in reads:
            value = str(other.fields[k])
            if value != own and Levenshtein.distance(own, value) <= ID_SLIPS:
                card = other.doc_type == CARD and doc.doc_type != CARD
                sure = _read_confidence(other, k) + (SURER if card else 0.0)
                near[value] = max(near.get(value, 0.0), sure)
        ranked = sorted(near.items(), key=lambda v: -v[1])
        if not ranked or (len(ranked) > 1 and ranked[1][1] > ranked[0][1] - SURER):
            continue
        value, surest = ranked[0]
        if surest >= _read_confidence(doc, key) + SURER:
            _replace(doc, key, value, 1)


CARD = "can_cuoc"


def same_certificate(docs: list[tuple[Document, DocText]]) -> None:
    """A certificate's serial or register number not read on a document that prints the other
    alike with another document (one certificate, cited twice): that document's reading."""
    for key, pair in SAME_CERTIFICATE.items():
        for doc, text in docs:
            if key in doc.fields or key not in EXTRACTORS.get(doc.doc_type, {}):
                continue
            if pair not in doc.fields or doc.field_details[pair].get("from_dossier"):
                continue
            values = {d.fields[key] for d, _ in docs if d is not doc and key in d.fields
                      and d.fields.get(pair) == doc.fields[pair]}  # fmt: skip
            if len(values) == 1:
                _fill(doc, text, key, values.pop(), 1)


def _same_thing(key: str, a: Document, b: Document) -> bool:
    """Whether the two documents print the same value of `key`: one parcel per dossier; one
    certificate when they print its other figure alike."""
    pair = SAME_CERTIFICATE.get(key)
    if pair is None or (pair in a.fields and a.fields[pair] == b.fields.get(pair)):
        return True
    # both figures a slip or two apart: one certificate misread (a result certificate's new
    # serial and register number differ from the cited one's in far more characters)
    return (pair in a.fields and pair in b.fields and _close(a.fields[pair], b.fields[pair])
            and _close(a.fields[key], b.fields[key]))  # fmt: skip


def _read_confidence(doc: Document, key: str) -> float:
    details = doc.field_details.get(key) or {}
    if details.get("from_dossier"):
        return 0.0  # not read here
    return float(details.get("read_confidence", details.get("confidence", 1.0)))


def _support(docs: list[tuple[Document, DocText]], values: list[list[object]], key: str,
             i: int, value: object) -> int:  # fmt: skip
    """How many documents other than the i-th print `value` for `key` (read or under its
    label)."""
    return sum(value in values[j] or d.fields.get(key) == value
               for j, (d, _) in enumerate(docs) if j != i)  # fmt: skip


# Documents that cite the certificate a dossier is about (the change registration, the contract):
# they print the same register number, which a result certificate does not (it gets a new one).
CITING = ("don_dang_ky_bien_dong", "hop_dong_chuyen_nhuong")


def _cites(doc: Document, docs: list[tuple[Document, DocText]]) -> bool:
    """Whether the document prints the register number of the certificate the dossier cites:
    a citing document, or the certificate itself (its serial is the one they cite)."""
    if doc.doc_type in CITING:
        return True
    serial = doc.fields.get("gcn_serial")
    return serial is not None and any(
        d.doc_type in CITING and d.fields.get("gcn_serial") == serial for d, _ in docs
    )


# The certificate's figures a citing document prints, and their labels.
CITED_LABELS = {"gcn_book_number": ("so vao so",), "gcn_serial": ("so phat hanh", "so seri")}


def _fill_cited(
    doc: Document, text: DocText, docs: list[tuple[Document, DocText]], key: str
) -> None:
    """The register number or serial printed but unread (or misread beyond its form) on a
    document citing the certificate: the one the other citing documents read (its label seen,
    or two of them agreeing)."""
    readings = Counter(d.fields[key] for d, _ in docs
                       if key in d.fields and d.doc_type in CITING and d is not doc)  # fmt: skip
    ranked = readings.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return
    if _malformed(key, ranked[0][0]):
        return
    if ranked[0][1] < AGREED and not find_labels(text.lines, CITED_LABELS[key], 0.85):
        return
    page = text.pages[0].number if text.pages else doc.pages[0]
    details = doc.field_details.setdefault(key, {"raw": ""})
    if key in doc.fields:
        details["read"] = doc.fields[key]
    doc.fields[key] = ranked[0][0]
    details.update(page=page, confidence=FILL_CONFIDENCE, from_dossier=ranked[0][1])


def _malformed(key: str, value: object) -> bool:
    """A register number that is not a known issuer's prefix and five or six digits (one other
    document's well-formed reading a slip or two away is then the better one)."""
    if key != "gcn_book_number":
        return False
    text = str(value)
    return not (text[:2] in BOOK_PREFIXES and re.fullmatch(r"\d{5,6}", text[2:]))


# A label of a citizen ID (not "Số:", which heads document numbers too).
_ID_LABEL = re.compile(
    r"c\s?c\s?c\s?[a-z0-9]\b|c[a-z0-9]cd\b|can cuoc|d\S{0,2}nh\s?d\S{0,2}nh|cmnd"
)  # "định danh" with a letter misread ("đmh danb")
_DIGITISH = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "|": "1",
                           "i": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                           "G": "6", "b": "6", "g": "9", "q": "9", "T": "7"})  # fmt: skip
ID_SLIPS = 3  # edits between a damaged ID reading and an ID printed elsewhere in the dossier


def _damaged_ids(text: DocText) -> list[str]:
    """What follows each ID label of a document, as digits (look-alikes read as digits): the
    number printed there, however damaged, when it was not read as a valid ID."""
    out = []
    for line in text.lines:
        m = _ID_LABEL.search(line.folded)
        if m:
            rest = line.text[m.end() :].translate(_DIGITISH)
            run = re.search(r"[0-9](?:[\s.,]?[0-9?]){5,14}", rest)
            if run:
                out.append(re.sub(r"[^0-9?]", "", run.group(0)))
    return out


# Types whose citizen ID is the applicant's (the one who files the dossier), and the name keys
# that go with a document's citizen ID.
APPLICANT_ID_TYPES = ("phieu_tiep_nhan", "don_dang_ky_dat_dai", "don_dang_ky_bien_dong")
NAME_KEYS = ("applicant_name", "owner_name", "taxpayer_name", "full_name")


def shared_citizen_ids(docs: list[tuple[Document, DocText]]) -> None:
    """A citizen ID printed after an ID label but not read is taken from the other documents:
    the ID it is a few slips from (a digit lost or read as a letter), else the ID the dossier
    pairs with the same name (the card, the application), else, on a receipt or an
    application, the applicant's: the ID most documents of the dossier give their main party
    (or the only one)."""
    known = Counter(i for _, t in docs for ln in t.lines for i in identifiers.find_cccds(ln.text))
    if not known:
        return
    named = [(str(d.fields[k]), str(d.fields["citizen_id"])) for d, _ in docs
             for k in NAME_KEYS if k in d.fields and "citizen_id" in d.fields]  # fmt: skip
    main = Counter(str(d.fields["citizen_id"]) for d, _ in docs if "citizen_id" in d.fields)
    for doc, _ in docs:
        for key in [k for k in doc.fields if k == "citizen_id" or k.endswith("_citizen_id")]:
            _repair_id(doc, key, known)
    for doc, text in docs:
        if "citizen_id" not in EXTRACTORS.get(doc.doc_type, {}) or "citizen_id" in doc.fields:
            continue
        readings = _damaged_ids(text)
        value = _near_id(readings, known)
        if value is None and any(_ID_LABEL.search(ln.folded) for ln in text.lines):
            value = _id_of_name(doc, named) or _applicant_id(doc, main)
        elif value is None and doc.doc_type != "phieu_tiep_nhan":  # no ID label read: the
            value = _id_of_name(doc, named)  # number the dossier pairs with its person's name
            # (a receipt often prints no ID at all)
        if value is not None:
            _fill(doc, text, "citizen_id", value, 1)
    _party_ids(docs, named)


# The parties of a contract or power of attorney: each names a person and prints their ID.
PARTIES = ("transferor", "transferee", "principal", "agent")


def _party_ids(docs: list[tuple[Document, DocText]], named: list[tuple[str, str]]) -> None:
    """A party's citizen ID not read (a hand-written number OCR left no valid ID of) is the
    one the dossier pairs with the party's name elsewhere (the certificate, the application,
    the card), when exactly one is."""
    named = named + [(str(d.fields[f"{p}_name"]), str(d.fields[f"{p}_citizen_id"]))
                     for d, _ in docs for p in PARTIES
                     if f"{p}_name" in d.fields and f"{p}_citizen_id" in d.fields]  # fmt: skip
    for doc, text in docs:
        for party in PARTIES:
            key, name = f"{party}_citizen_id", doc.fields.get(f"{party}_name")
            if (
                key in doc.fields
                or name is None
                or f"{party}_name" not in _NAMED_TYPES.get(doc.doc_type, ())
            ):
                continue
            ids = {i for n, i in named if _similar(n, str(name))}
            if len(ids) == 1:
                _fill(doc, text, key, ids.pop(), 1)
                if party in ("transferor", "principal") and "citizen_id" not in doc.fields:
                    doc.fields["citizen_id"] = doc.fields[key]
                    doc.field_details["citizen_id"] = dict(doc.field_details[key])


_NAMED_TYPES = {
    "hop_dong_chuyen_nhuong": ("transferor_name", "transferee_name"),
    "giay_uy_quyen": ("principal_name", "agent_name"),
}


def _repair_id(doc: Document, key: str, known: Counter[str]) -> None:
    """An ID read once in the whole dossier, a slip or two from one printed at least twice, is
    a misread of that one (two people's numbers differ in far more digits)."""
    own = str(doc.fields[key])
    if known[own] > 1:
        return
    near = [k for k, n in known.items() if n >= 2 and 0 < Levenshtein.distance(own, k) <= 2]
    if len(near) == 1:
        _replace(doc, key, near[0], known[near[0]])


def _near_id(readings: list[str], known: Counter[str]) -> str | None:
    for reading in readings:
        near = sorted((Levenshtein.distance(reading, k), -n, k) for k, n in known.items())
        if near[0][0] <= ID_SLIPS and (len(near) == 1 or near[1][0] > near[0][0]):
            return near[0][2]
    return None


def _id_of_name(doc: Document, named: list[tuple[str, str]]) -> str | None:
    own = [str(doc.fields[k]) for k in NAME_KEYS if k in doc.fields]
    ids = {i for name, i in named for o in own if _similar(name, o)}
    return ids.pop() if len(ids) == 1 else None


def _applicant_id(doc: Document, main: Counter[str]) -> str | None:
    if doc.doc_type not in APPLICANT_ID_TYPES or not main:
        return None
    ranked = main.most_common(2)
    if len(ranked) == 1 or ranked[1][1] < ranked[0][1] >= 2:
        return ranked[0][0]
    return None


PROJECT_LABELS = ("ten du an", "ten co so", "cua du an")


def shared_project(docs: list[tuple[Document, DocText]]) -> None:
    """One dossier, one project: a document whose project label is printed but whose name was
    not read takes the name the other documents agree on, and so does one whose reading the
    others contradict while the agreed name is printed on it. Its owner likewise
    (`shared_owner`)."""
    shared_owner(docs)
    names = [str(d.fields["project_name"]) for d, _ in docs if "project_name" in d.fields]
    if not names:
        return
    same = [[o for o in names if _similar(n, o)] for n in names]
    best = max(range(len(names)), key=lambda i: len(same[i]))
    agreed, support = names[best], len(same[best])
    for doc, text in docs:
        if "project_name" not in EXTRACTORS.get(doc.doc_type, {}):
            continue
        own = doc.fields.get("project_name")
        if own is not None and _similar(str(own), agreed):
            continue
        doc_tokens = [t for ln in text.lines for t in tokens_of(ln.text)]
        printed = bool(prints_of(agreed, doc_tokens))
        if own is None and (printed or find_labels(text.lines, PROJECT_LABELS, 0.85)):
            _fill(doc, text, "project_name", agreed, support)
        elif own is not None and printed and support >= 2:
            _replace(doc, "project_name", agreed, support)


def shared_owner(docs: list[tuple[Document, DocText]]) -> None:
    """One dossier, one project owner, and it is the body that files it (the receipt's
    applicant when a body files): a document whose owner is not read, or read in a form no
    body's name has (a cut lost, stray marks), takes the owner the dossier's other documents
    agree on when that name is printed on it; and so does one whose reading two others
    contradict."""
    from ocr.fields.people import is_organisation

    names = [str(d.fields[k]) for d, _ in docs for k in ("project_owner", "applicant_name")
             if k in d.fields and well_formed(str(d.fields[k]))
             and is_organisation(str(d.fields[k]))]  # fmt: skip
    if not names:
        return
    exact = Counter(n.lower() for n in names)  # a letterhead's capitals are the same name
    agreed_key, support = max(
        exact.items(), key=lambda v: (v[1], sum(_similar(v[0], n) for n in names))
    )
    spelled = [n for n in names if n.lower() == agreed_key]
    agreed = next((n for n in spelled if not n.isupper()), spelled[0])
    for doc, text in docs:
        if "project_owner" not in EXTRACTORS.get(doc.doc_type, {}):
            continue
        own = doc.fields.get("project_owner")
        if own is not None and str(own).lower() == agreed_key:
            continue
        if own is not None and support < 2 and _similar(str(own), agreed):
            continue  # (a reading a mark away from one other: the vote has had its say)
        doc_tokens = [t for ln in text.lines for t in tokens_of(ln.text)]
        if not prints_of(agreed, doc_tokens):
            continue
        if own is None:
            _fill(doc, text, "project_owner", agreed, support)
        elif exact[str(own).lower()] < support and (support >= 2 or not well_formed(str(own))):
            _replace(doc, "project_owner", agreed, support)


def _similar(a: str, b: str) -> bool:
    return fuzz.ratio(fold(a).replace(" ", ""), fold(b).replace(" ", "")) >= MATCH_CUTOFF
