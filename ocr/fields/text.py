"""Text helpers shared by field extraction and classification.

`fold` strips diacritics and lowercases *character by character*, so an offset in the folded
line is the same offset in the printed line: labels are matched on folded text and values are cut
from the printed text with their diacritics intact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ocr.result import Page


class _FoldTable(dict):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        if c in "đĐÐð":
            out = "d"
        else:
            base = unicodedata.normalize("NFD", c)[0].lower()
            out = base if len(base) == 1 else c
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lowercase without diacritics, same length as the NFC input (đ → d)."""
    return text.translate(_FOLD)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_name(text: str) -> str:
    """Names as printed: NFC, single spaces, no trailing punctuation; words OCR glued together
    ("NguyễnVăn") split again at the lower→upper case change."""
    text = nfc(text).replace("Ð", "Đ")
    out = [c if not (c.isupper() and i and (text[i - 1].islower() or _caps_glued(text, i)))
           else " " + c for i, c in enumerate(text)]  # fmt: skip
    # (also "TNHHBình": an abbreviation in capitals glued to the next word)
    text = _RULE_MARK.sub(" ", "".join(out))  # "tại | xã": a table rule or page edge read as "|"
    return re.sub(r"\s+", " ", text).strip(" .,;:-_")


def _caps_glued(text: str, i: int) -> bool:
    """A capital that starts a word glued to an abbreviation before it ("TNHHBình": two or
    more capitals and no vowel, which no Vietnamese syllable lacks; not "NGUYỄn")."""
    if not (i + 1 < len(text) and text[i + 1].islower()):
        return False
    j = i
    while j and text[j - 1].isupper():
        j -= 1
    return i - j >= 2 and not set(fold(text[j:i])) & set("aeiouy")


_RULE_MARK = re.compile(r"(?:(?<=\s)|^)[|¦‖]+(?=\s|$)")


@dataclass
class Line:
    page: int
    index: int
    text: str
    folded: str


@dataclass
class PageText:
    """One page's lines (printed and folded) plus word confidences for scoring values."""

    number: int
    lines: list[Line]
    word_conf: dict[str, float] = field(default_factory=dict)
    default_conf: float = 1.0

    @classmethod
    def of(cls, page: Page) -> PageText:
        text = nfc(page.text or "")
        lines = [Line(page.number, i, t, fold(t)) for i, t in enumerate(text.splitlines())]
        conf: dict[str, list[float]] = {}
        for w in page.words:
            conf.setdefault(nfc(w.text), []).append(w.confidence)
        word_conf = {k: sum(v) / len(v) for k, v in conf.items()}
        default = page.mean_confidence if page.words and page.mean_confidence > 0 else 1.0
        return cls(page.number, lines, word_conf, default)

    def confidence_of(self, raw: str) -> float:
        """Mean OCR confidence of the words making up `raw` (1.0 when no word boxes)."""
        if not self.word_conf:
            return self.default_conf
        scores = [self.word_conf[t] for t in raw.split() if t in self.word_conf]
        return sum(scores) / len(scores) if scores else self.default_conf


@dataclass(frozen=True)
class LabelHit:
    line: Line
    start: int
    end: int
    score: float  # 0..1

    @property
    def after(self) -> str:
        """Printed text after the label, without the `:` and spaces that follow it."""
        return self.line.text[self.end :].lstrip(" :.-–\t")

    @property
    def after_folded(self) -> str:
        rest = self.line.text[self.end :]
        cut = len(rest) - len(rest.lstrip(" :.-–\t"))
        return self.line.folded[self.end + cut :]


def _compact(folded: str) -> tuple[str, list[int]]:
    """The folded line without whitespace, and each kept character's offset in the line."""
    keep = [i for i, c in enumerate(folded) if not c.isspace()]
    return "".join(folded[i] for i in keep), keep


def find_label(line: Line, label: str, min_score: float = 0.85) -> LabelHit | None:
    """Fuzzy-locate a folded label in a line: exact substring first, then the same with spaces
    ignored (OCR glues "sổcấp" and splits "s ổ", which is no evidence of another label), then
    rapidfuzz on the line and on its space-free text (the better score wins)."""
    pos = line.folded.find(label)
    if pos >= 0:
        return LabelHit(line, pos, pos + len(label), 1.0)
    if len(line.folded) < len(label) * 0.6:
        return None
    compact, offsets = _compact(line.folded)
    target = label.replace(" ", "")
    if not compact or not target:
        return None
    pos = compact.find(target)
    if pos >= 0:
        return LabelHit(line, offsets[pos], offsets[pos + len(target) - 1] + 1, 1.0)
    best = None
    al = fuzz.partial_ratio_alignment(label, line.folded, score_cutoff=min_score * 100)
    if al is not None and al.dest_end > al.dest_start:
        best = LabelHit(line, al.dest_start, al.dest_end, al.score / 100)
    if len(compact) >= len(target) * 0.6:
        al = fuzz.partial_ratio_alignment(target, compact, score_cutoff=min_score * 100)
        if (
            al is not None
            and al.dest_end > al.dest_start
            and (best is None or al.score / 100 > best.score)
        ):
            best = LabelHit(
                line, offsets[al.dest_start], offsets[al.dest_end - 1] + 1, al.score / 100
            )
    if best is not None and label[-1:].isalpha():  # a fuzzy end inside a word ("tínli"): the word
        end = best.end
        while end < len(line.folded) and line.folded[end].isalpha():
            end += 1
        best = LabelHit(line, best.start, end, best.score)
    return best


def find_labels(
    lines: list[Line], labels: tuple[str, ...], min_score: float = 0.85
) -> list[LabelHit]:
    """Best hit per line for any of the labels, in reading order."""
    hits = []
    for line in lines:
        best = None
        for label in labels:
            hit = find_label(line, label, min_score)
            if hit and (best is None or hit.score > best.score):
                best = hit
        if best:
            hits.append(best)
    return hits


def label_hits(lines: list[Line], labels: tuple[str, ...], min_score: float) -> list[LabelHit]:
    """Exact (folded) label hits in reading order, then fuzzy ones: a clean label elsewhere
    beats a fuzzy lookalike earlier on the page (a title that resembles a label)."""
    exact = find_labels(lines, labels, 1.0)
    return exact + [h for h in find_labels(lines, labels, min_score) if h.score < 1.0]


@dataclass
class Found:
    """One extracted value with where it came from."""

    value: object
    raw: str
    page: int
    confidence: float


@dataclass
class DocText:
    """A document's pages as one stream of lines (fields may sit on any page)."""

    pages: list[PageText]

    @classmethod
    def of(cls, pages: list[Page]) -> DocText:
        return cls([PageText.of(p) for p in pages])

    @property
    def lines(self) -> list[Line]:
        return [ln for p in self.pages for ln in p.lines]

    def page_text(self, number: int) -> PageText:
        return next(p for p in self.pages if p.number == number)

    def found(self, value: object, raw: str, line: Line, score: float = 1.0) -> Found:
        conf = self.page_text(line.page).confidence_of(raw) if raw else 1.0
        return Found(value, raw, line.page, round(min(1.0, score) * conf, 3))


def value_after(
    doc: DocText,
    labels: tuple[str, ...],
    parse,
    *,
    min_score: float = 0.85,
    lines: list[Line] | None = None,
    next_line: bool = True,
) -> Found | None:
    """The first parseable value printed after one of the labels (or on the next line)."""
    all_lines = doc.lines if lines is None else lines
    for hit in label_hits(all_lines, labels, min_score):
        result = parse(hit.after)
        if result is None and next_line:
            i = all_lines.index(hit.line)
            if i + 1 < len(all_lines):
                result = parse((hit.after + " " + all_lines[i + 1].text).strip())
        if result is not None:
            value, raw = result
            return doc.found(value, raw, hit.line, hit.score)
    return _flat_value(doc, all_lines, labels, parse)


def values_after(
    doc: DocText,
    labels: tuple[str, ...],
    parse,
    *,
    min_score: float = 0.85,
    lines: list[Line] | None = None,
) -> list[object]:
    """Every value parsed after one of the labels, in reading order, each once: what a
    document prints under a label more than once (its form line and its table), for the
    dossier's vote (`ocr.fields.consensus.vote_printed`)."""
    out: list[object] = []
    for hit in label_hits(doc.lines if lines is None else lines, labels, min_score):
        result = parse(hit.after)
        if result is not None and result[0] not in out:
            out.append(result[0])
    return out


def _flat_value(doc: DocText, lines: list[Line], labels: tuple[str, ...], parse) -> Found | None:
    """Labels wrapped over two lines ("... tờ / bản đồ số 69"): search the joined text."""
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln.text) + 1
    text = " ".join(ln.text for ln in lines)
    folded = " ".join(ln.folded for ln in lines)
    for label in labels:
        for m in re.finditer(re.escape(label), folded):
            result = parse(text[m.end() :][:200].lstrip(" :.-–\t"))
            if result is not None:
                i = max(j for j, s in enumerate(starts) if s <= m.start())
                return doc.found(result[0], result[1], lines[i], 0.95)
    return None


_HEADER = re.compile(r"doc\s*l\s*ap\s*-|tu\s*do\s*-\s*h|cong\s*hoa\s*xa|xa\s*hoi\s*chu\s*ngh")
_NEW_ITEM = re.compile(r"\s*(?:[-+•*]|\d+[.)]|[a-zđ]\)|[IVX]+\.|dieu \d|chuong)", re.I)


def continuation(lines: list[Line], i: int, min_len: int = 60) -> str:
    """The next line when line i looks wrapped (long, and the next is not a new item/label)."""
    if i + 1 >= len(lines) or len(lines[i].text.rstrip()) < min_len:
        return ""
    nxt = lines[i + 1]
    if nxt.page != lines[i].page or _NEW_ITEM.match(nxt.folded) or ":" in nxt.text[:40]:
        return ""
    if _HEADER.search(nxt.folded):  # the national motto read into the middle of the page
        return ""
    letters = [c for c in nxt.text if c.isalpha()]
    if len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        return ""  # a heading in capitals; a lone "A" is the tail of "Vĩnh Lộc A" wrapped
    return nxt.text.strip()
