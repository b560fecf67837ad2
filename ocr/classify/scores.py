"""Page scores: the model's P(type) and P(starts a document), sharpened by the title rules; a
receipt (QR or dossier code on top) forced to start a document; blank and unreadable pages set
apart (they carry no evidence and are attached to a neighbour)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ocr import identifiers
from ocr.classify.features import PageInput, is_blank_text
from ocr.classify.model import DEFAULT_PATH, PageModel
from ocr.classify.rules import DOC_TYPES, RuleResult, classify_page, generic_title
from ocr.classify.structure import Evidence, evidence, number_opens
from ocr.errors import MissingDependency
from ocr.result import Page
from ocr.split import PageScores


@lru_cache(maxsize=4)
def _load(path: str) -> PageModel:
    return PageModel.load(Path(path))


def load_model(path: Path | str | None = None) -> PageModel:
    """The shipped model (`ocr/classify/model-v1.npz`) or another trained one; cached."""
    target = Path(path) if path else DEFAULT_PATH
    if not target.exists():
        raise MissingDependency(f"{target}: page model not found (run `sohoa train`)")
    return _load(str(target.resolve()))


def _page_input(page: Page) -> PageInput:
    return PageInput(page.text or "", tuple(page.qr_codes))


def is_blank(page: Page) -> bool:
    return page.blank or is_blank_text(page.text or "")


def is_unreadable(page: Page) -> bool:
    """OCR produced garbage (e.g. a page left upside down): few tokens are Vietnamese syllables.

    Such a page carries no evidence of type or boundary; it is handled like a blank page
    (attached to its neighbour) and its document goes to review."""
    if is_blank(page):
        return False
    if 0 < page.mean_confidence < 0.35:
        return True
    from ocr.vietnamese import is_valid_syllable

    tokens = [t for t in re.findall(r"[^\W\d_]+", page.text or "") if len(t) >= 2]
    if len(tokens) < 5:
        return False
    valid = sum(is_valid_syllable(t.lower()) for t in tokens)
    return valid / len(tokens) < 0.4


def _receipt_start(page: Page) -> bool:
    """A QR code or a dossier code at the top: a receipt, which always starts a document."""
    if any(identifiers.find_dossier_codes(q) for q in page.qr_codes):
        return True
    top = "\n".join((page.text or "").splitlines()[:14])
    return bool(identifiers.find_dossier_codes(top)) and "ma ho so" in _fold(top)


def _fold(text: str) -> str:
    from ocr.fields.text import fold

    return fold(text)


def rule_probs(result: RuleResult) -> tuple[np.ndarray, float]:
    """Rules alone as probabilities (the baseline): the matched title's type, else unknown."""
    probs = np.full(len(DOC_TYPES), 0.2 / (len(DOC_TYPES) - 1))
    if result.has_title:
        probs[DOC_TYPES.index(result.best)] = 0.8
        return probs, 0.95
    return np.full(len(DOC_TYPES), 1 / len(DOC_TYPES)), 0.05


def rule_scores(pages: list[Page]) -> list[PageScores]:
    """Page scores from the title rules only (baseline, and fallback without a model)."""
    out = []
    for page in pages:
        probs, p_start = rule_probs(classify_page(page.text or "", page.qr_codes))
        forced = _receipt_start(page)
        if forced:
            probs = np.full(len(DOC_TYPES), 0.01)
            probs[DOC_TYPES.index("phieu_tiep_nhan")] = 1.0
            probs /= probs.sum()
        out.append(PageScores(probs, p_start, is_blank(page) or is_unreadable(page), forced))
    return out


def score_pages(pages: list[Page], model: PageModel | None = None) -> list[PageScores]:
    """Model page scores; a receipt (QR / dossier code header) is forced to start a document."""
    model = model or load_model()
    scores: list[PageScores] = []
    content = [i for i, p in enumerate(pages) if not (is_blank(p) or is_unreadable(p))]
    probs, starts = model.predict([_page_input(pages[i]) for i in content])
    row = {i: k for k, i in enumerate(content)}
    previous: tuple[Evidence, int] | None = None  # the last content page's evidence and type
    for i, page in enumerate(pages):
        if i not in row:
            scores.append(PageScores(np.full(len(DOC_TYPES), 1 / len(DOC_TYPES)), 0.0, True))
            continue
        rules = classify_page(page.text or "", page.qr_codes)
        s = float(starts[row[i]])
        letter = not rules.has_title and opens_letter(page.text or "")
        if letter:
            s = max(s, LETTER_START)
        forced = _receipt_start(page)
        text = page.text or ""
        ev = evidence(text, rules.has_title or generic_title(text))
        if ev.page_number == 1 and not ev.strong and previous is not None:
            kind = int(np.argmax(combine(probs[row[i]], 0.0, rules, letter)))
            if not number_opens(ev, previous[0], same_type=kind == previous[1]):
                ev = replace(ev, page_number=None)  # a report's body after its cover
        s = structural_start(ev, s, rules, letter or forced)
        p = combine(probs[row[i]], s, rules, letter)
        previous = (ev, int(np.argmax(p)))
        if forced and p[DOC_TYPES.index("phieu_tiep_nhan")] < 0.5:
            forced = False  # a dossier code quoted in another document's text
        weight = 1.0 if s >= 0.5 or forced else CONTINUATION_WEIGHT
        scores.append(PageScores(p, s, False, forced, weight))
    return scores


RULE_BOOST = 3.0  # log-odds added to the type whose printed title the rules recognise
UNTITLED_START_BOOST = 2.5  # log-odds for `khac` on a page that starts a document without title
CONTINUATION_WEIGHT = 0.15
LETTER_KHAC_BOOST = 5.0
LETTER_START = 0.85  # P(start) of a page opening like a letter (date line / "Kính gửi" on top)


NO_EVIDENCE_START = 0.1  # P(start) cap of a page with no sign of a document's first page
CONTINUES_START = 0.02  # P(start) of a page numbered 2.., an appendix, a signature-only page
OPENS_START = 0.6  # P(start) floor of a page under the motto, a title, a form number, ...


def structural_start(ev: Evidence, p_start: float, rules: RuleResult, opened: bool) -> float:
    """The model's P(start) bounded by the page's structure: a page opens a document only on
    positive evidence (ocr.classify.structure) and continues one on evidence of continuing."""
    if ev.continues and not rules.has_title:
        return min(p_start, CONTINUES_START)
    if ev.opens or opened:
        return max(p_start, OPENS_START)
    return min(p_start, NO_EVIDENCE_START)


def opens_letter(text: str) -> bool:
    """A letter's opening in the first three lines: "<place>, ngày …" or "Kính gửi: …".

    Continuation pages begin mid-text; a page that opens like this starts a paper of its own
    even without a printed title."""
    head = _fold("\n".join([ln for ln in text.splitlines() if ln.strip()][:3]))
    opening = re.search(r"^\s*kinh g|^[^\n]{2,40}, ngay\s*\d", head, re.M)
    return bool(opening or _DATE_LINE.search(head))


# The place-and-date line alone on its line, as OCR may leave it: comma lost, "ngày" read
# "nqay", the year's last digit a letter ("202S"). Whole line, so a sentence quoting a date
# ("... cấp ngày 12 tháng 3 năm 2020 tại ...") does not count.
_DATE_LINE = re.compile(
    r"^(?!\s*(?:cap|sinh|lap|ky)\b)[^\n,]{2,30},?\s*n[gq]a[yv]\s*\d{1,2}\s*thang\s*\d{1,2}"
    r"\s*nam\s*\d{3}\w\s*$",
    re.M,
)


def combine(
    model_probs: np.ndarray, p_start: float, rules: RuleResult, letter: bool = False
) -> np.ndarray:
    """Model probabilities, sharpened towards a recognised title (titles of layouts the model
    never saw still read as their type). A page that starts a document but carries no title
    of any type is most likely a paper of no listed type (`khac`); an untitled letter
    ("Kính gửi …" with no title at all) even more so."""
    p = model_probs.copy()
    if rules.has_title:
        p[DOC_TYPES.index(rules.best)] *= np.exp(RULE_BOOST)
    elif letter and not rules.scores or letter and max(rules.scores.values()) < 0.6:
        p[DOC_TYPES.index("khac")] *= np.exp(LETTER_KHAC_BOOST)
    elif p_start > 0.5:
        p[DOC_TYPES.index("khac")] *= np.exp(UNTITLED_START_BOOST)
    return p / p.sum()
