"""Repair Tesseract's Vietnamese diacritic errors with the syllable set, a noisy-channel edit
model and syllable-bigram context.

Each alphabetic token gets candidates: itself when it is a valid syllable, the valid syllables with
the same base letters (other tone/vowel marks, đ/d), and for tokens that are not valid or not known
also one-letter edits and the known multi-letter confusions (ư for "tr", l for "đ"). A Viterbi pass
over each run of tokens maximises  log P(syllable) + bigram bonus - k(confidence) * edit cost.
A syllable the lexicon knows changes only for bigram context or a much more frequent look-alike
(its unigram ratio counts at PRIOR_WEIGHT); a valid syllable read with SURE_CONFIDENCE and the words
of personal and place names are kept; numbers, codes, abbreviations, mixed-case tokens and
punctuation are never touched, and an unchanged token is returned byte for byte."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import UNSEEN_LOGP, Lexicon, lexicon
from .syllables import (
    all_syllables,
    canonical,
    is_new_style,
    nfc_lower,
    skeleton,
    split_tone,
    split_words,
)

DEFAULT_CONFIDENCE = 0.9  # for plain text without Tesseract's per-word confidence
SURE_CONFIDENCE = 0.97  # a valid syllable read at least this sure is never changed
MAX_COST = 4.0  # raw edit cost beyond which a candidate is not considered
TOP_K = 6  # candidates per token kept for the Viterbi pass
KNOWN_CHANGE_PENALTY = 0.3  # extra cost for changing a syllable the lexicon knows
UNKNOWN_CHANGE_PENALTY = 0.3  # ... a valid syllable the lexicon does not know
PRIOR_WEIGHT = 0.35  # how much a known syllable yields to a more frequent look-alike
INVALID_KEEP_LOGP = UNSEEN_LOGP - 3.0  # keeping a token that is not a syllable
STYLE_PENALTY = 0.1  # tone placement not in the document's style ("hòa" vs "hoà")

# Costs of what the OCR read given what was printed.
MARK_LOST, MARK_ADDED, MARK_CHANGED = 1.0, 1.2, 1.0  # â ă ê ô ơ ư and đ's stroke
SUB_CONFUSABLE, SUB_OTHER, INDEL = 1.6, 3.0, 2.5
TONE_LOST, TONE_ADDED, TONE_OTHER, TONE_MOVED = 1.0, 1.2, 1.4, 0.7
ACCENT_AS_CIRCUMFLEX = 1.0  # a grave/acute read as a circumflex on a bare vowel
TONE_PAIRS = {  # (read, printed): cost; symmetric look-up
    frozenset(("\u0309", "\u0301")): 0.8,  # hỏi / sắc (ẩ/ấ)
    frozenset(("\u0309", "\u0303")): 1.0,  # hỏi / ngã
    frozenset(("\u0303", "\u0301")): 1.1,  # ngã / sắc
    frozenset(("\u0300", "\u0309")): 1.2,  # huyền / hỏi
}
CONFUSABLE = {
    "l": "itđh",
    "i": "lth",
    "t": "lif",
    "n": "uhm",
    "u": "nv",
    "h": "bnk",
    "b": "h",
    "c": "eoa",
    "e": "co",
    "o": "ace",
    "a": "o",
    "m": "n",
    "v": "uy",
    "y": "v",
    "r": "t",
    "f": "t",
    "g": "q",
    "q": "g",
    "k": "h",
}
INSERTABLE = "hngiurt"
# Multi-letter confusions at the start of a syllable: (read, printed, cost).
PREFIX_CONFUSIONS = (("ư", "tr", 1.0), ("l", "đ", 1.0), ("u", "tr", 1.8), ("rn", "m", 1.2))

FAMILY_NAMES = frozenset(
    split_words(
        "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương "
        "trịnh trương lâm phùng mai tô hà tạ đinh lương cao lưu quách châu thái kiều đàm chu giang "
        "tăng mạc lại khổng triệu thân hứa lã tôn từ nghiêm âu doãn lò quàng"
    )
)
ADDRESS_WORDS = frozenset(split_words("ông bà anh chị cô chú bác em cháu cụ"))

_CHUNK = re.compile(r"([^\w]*)([^\W\d_]+)([^\w]*)")
_SPACE = re.compile(r"(\s+)")


@lru_cache(maxsize=4096)
def _letter(ch: str) -> tuple[str, str]:
    """(base letter, vowel/stroke mark) of a toneless letter: "ư" -> ("u", horn)."""
    if ch == "đ":
        return "d", "stroke"
    parts = unicodedata.normalize("NFD", ch)
    return parts[0], parts[1:]


@lru_cache(maxsize=65536)
def _sub_cost(read: str, printed: str) -> float:
    if read == printed:
        return 0.0
    (rb, rm), (pb, pm) = _letter(read), _letter(printed)
    if rb == pb:
        return MARK_LOST if not rm else MARK_ADDED if not pm else MARK_CHANGED
    base = SUB_CONFUSABLE if pb in CONFUSABLE.get(rb, "") else SUB_OTHER
    return base + (0.0 if rm == pm else 0.5)


def _letters_cost(read: str, printed: str) -> float:
    """Weighted edit distance between toneless spellings (prefix confusions included)."""
    best = MAX_COST * 2
    for r, p, cost in PREFIX_CONFUSIONS:
        if read.startswith(r) and printed.startswith(p):
            rest_r, rest_p = read[len(r) :], printed[len(p) :]
            if len(rest_r) == len(rest_p):
                best = min(best, cost + _letters_cost(rest_r, rest_p))
    if len(read) == len(printed):
        return min(best, sum(_sub_cost(a, b) for a, b in zip(read, printed, strict=True)))
    n, m = len(read), len(printed)
    row = [j * INDEL for j in range(m + 1)]
    for i in range(1, n + 1):
        prev, row[0] = row[0], i * INDEL
        for j in range(1, m + 1):
            swap = prev + _sub_cost(read[i - 1], printed[j - 1])
            cur = min(row[j] + INDEL, row[j - 1] + INDEL, swap)
            prev, row[j] = row[j], cur
    return min(best, row[m])


def _tone_cost(read: str, printed: str) -> float:
    if read == printed:
        return 0.0
    if read == "?":
        return TONE_LOST
    if not read:
        return TONE_LOST
    if not printed:
        return TONE_ADDED
    return TONE_PAIRS.get(frozenset((read, printed)), TONE_OTHER)


def edit_cost(read: str, printed: str) -> float:
    """How unlikely it is that OCR read `read` where `printed` (a valid syllable) was printed."""
    r_letters, r_tone, r_where = split_tone(read)
    p_letters, p_tone, p_where = split_tone(printed)
    cost = _tone_cost(r_tone, p_tone)
    if len(r_letters) != len(p_letters) and cost + PREFIX_CONFUSIONS[0][2] > MAX_COST:
        return cost + PREFIX_CONFUSIONS[0][2]  # a cheap lower bound: too far anyway
    cost += _letters_cost(r_letters, p_letters)
    if not r_tone and p_tone and len(r_letters) == len(p_letters) and p_where >= 0:
        read_mark = _letter(r_letters[p_where])[1]
        if read_mark == "\u0302" and not _letter(p_letters[p_where])[1]:
            cost -= MARK_ADDED + TONE_LOST - ACCENT_AS_CIRCUMFLEX  # "Hôa" for "Hòa"
    if r_tone == p_tone and r_tone and len(read) == len(printed) and r_where != p_where:
        cost += TONE_MOVED
    return cost


# An edit of the read skeleton: (new skeleton, cost, letters cut from the read word at `at`,
# letters cut from the printed word at `at`); the rest is compared letter by letter.
_Edit = tuple[str, float, int, int, int]


def _edits(skel: str, letters: str) -> list[_Edit]:
    """Skeletons one OCR-like edit away: confusable letters, a lost or extra letter, and the
    multi-letter prefix confusions."""
    out: list[_Edit] = []
    for i, ch in enumerate(skel):
        for sub in CONFUSABLE.get(ch, ""):
            out.append((skel[:i] + skeleton(sub) + skel[i + 1 :], 0.0, 0, 0, 0))
        out.append((skel[:i] + skel[i + 1 :], INDEL, i, 1, 0))
    for i in range(len(skel) + 1):
        for ins in INSERTABLE:
            out.append((skel[:i] + ins + skel[i:], INDEL, i, 0, 1))
    for read, printed, cost in PREFIX_CONFUSIONS:
        if letters.startswith(read):
            new = skeleton(printed) + skel[len(read) :]
            out.append((new, cost, 0, len(read), len(printed)))
    return out


def _aligned_cost(read: str, printed: str) -> float:
    return sum(_sub_cost(a, b) for a, b in zip(read, printed, strict=True))


@lru_cache(maxsize=50_000)
def candidates(word: str, *, wide: bool) -> tuple[tuple[str, float], ...]:
    """Valid syllables that OCR may have read as `word` (lower-case NFC), with edit costs.

    `wide` adds one-letter edits and prefix confusions to the same-base-letter variants."""
    by_skeleton = lexicon().by_skeleton
    skel = skeleton(word)
    letters, tone, _ = split_tone(word)
    scored = {c: edit_cost(word, c) for c in by_skeleton.get(skel, ()) if c != word}
    if len(letters) == len(skel):  # else stray combining marks: no letter alignment
        for new, op_cost, at, cut_read, cut_printed in _edits(skel, letters) if wide else ():
            read = letters[:at] + letters[at + cut_read :]
            for c in by_skeleton.get(new, ()):
                c_letters, c_tone, _ = split_tone(c)
                cost = op_cost + _tone_cost(tone, c_tone)
                if cost > MAX_COST or c == word:
                    continue
                cost += _aligned_cost(read, c_letters[:at] + c_letters[at + cut_printed :])
                if cost < scored.get(c, MAX_COST + 1):
                    scored[c] = cost
    return tuple(sorted((c, cost) for c, cost in scored.items() if cost <= MAX_COST))


@dataclass
class _Token:
    prefix: str
    core: str  # the letters as read
    suffix: str
    confidence: float
    name: bool = False  # inside a personal or place name: kept when it is a valid syllable


def _case_of(core: str) -> str:
    if core == core.lower():
        return "lower"
    if core == core.upper():
        return "upper" if len(core) > 1 else "title"
    if core[0].isupper() and core[1:] == core[1:].lower():
        return "title"
    return "mixed"


def apply_case(word: str, case: str) -> str:
    """`word` (lower case) in `case`: upper, title, or as it is."""
    if case == "upper":
        return word.upper()
    if case == "title":
        return word[:1].upper() + word[1:]
    return word


def _weight(confidence: float) -> float:
    """Edit costs count more for words Tesseract is sure of."""
    return 0.5 + 2.0 * min(1.0, max(0.0, confidence))


@dataclass(frozen=True)
class _Option:
    text: str  # lower-case syllable
    key: str  # its canonical spelling (bigram key)
    logp: float  # unigram log-probability
    cost: float  # edit cost from what was read
    style: bool | None  # new-style tone placement (None: style makes no difference)


@dataclass(frozen=True)
class _Reading:
    """What one lower-case token could stand for; independent of confidence, so cached."""

    word: _Option
    kind: str  # "fixed", "protected" (known syllable), "unknown" (valid, rare), "invalid"
    alternatives: tuple[_Option, ...]


def _option(lex: Lexicon, text: str, cost: float) -> _Option:
    return _Option(text, canonical(text), lex.unigram(text), cost, is_new_style(text))


@lru_cache(maxsize=50_000)
def _reading(word: str, case: str) -> _Reading:
    lex = lexicon()
    itself = _option(lex, word, 0.0)
    valid = word in all_syllables()
    fixed = _Reading(itself, "fixed", ())
    if case == "mixed" or len(word) < 2 or not any(ch in "aeiouy" for ch in skeleton(word)):
        return fixed
    if not valid and word in lex.known_words:
        return fixed  # a loanword or abbreviation wordfreq has seen
    if valid and (lex.is_known(word) or case == "title" or not lex.broad):
        wide = not lex.is_known(word)  # unseen: also other letters, but only into context
        pool = [_option(lex, c, cost) for c, cost in candidates(word, wide=wide)]
        more_frequent = itself.logp + 1.0 if lex.broad else 0.0  # no broad counts: context only
        pool = [o for o in pool if o.key in lex.context_vocab or o.logp > more_frequent]
        return _Reading(itself, "protected", tuple(pool))
    wide = valid or case != "upper"  # all-caps non-syllables (abbreviations): marks only
    pool = [_option(lex, c, cost) for c, cost in candidates(word, wide=wide)]
    pool.sort(key=lambda o: o.cost - o.logp / 4)  # a rough pre-order; scores decide
    return _Reading(itself, "unknown" if valid else "invalid", tuple(pool[: 4 * TOP_K]))


def _options(token: _Token, new_style: bool) -> list[tuple[_Option, float]]:
    """(option, score) for one token; the first is the token as read."""
    reading = _reading(nfc_lower(token.core), _case_of(token.core))
    itself = reading.word
    if reading.kind == "fixed" or not reading.alternatives:
        return [(itself, itself.logp)]
    if reading.kind != "invalid" and (token.confidence >= SURE_CONFIDENCE or token.name):
        return [(itself, itself.logp)]
    k = _weight(token.confidence)
    if reading.kind == "protected":
        prior = PRIOR_WEIGHT if lexicon().broad else 0.0
        scored = [
            (
                o,
                itself.logp + prior * (o.logp - itself.logp) - k * (o.cost + KNOWN_CHANGE_PENALTY),
            )
            for o in reading.alternatives
        ]
        keep = itself.logp
    else:
        penalty = UNKNOWN_CHANGE_PENALTY if reading.kind == "unknown" else 0.0
        scored = [(o, o.logp - k * (o.cost + penalty)) for o in reading.alternatives]
        keep = itself.logp if reading.kind == "unknown" else INVALID_KEEP_LOGP
    styled = [
        (o, score - k * STYLE_PENALTY if o.style is not None and o.style != new_style else score)
        for o, score in scored
    ]
    styled.sort(key=lambda item: -item[1])
    return [(itself, keep), *styled[:TOP_K]]


def _viterbi(nodes: list[list[tuple[_Option, float]]], lex: Lexicon) -> list[str]:
    bonus = lex.bonus
    best = [score for _, score in nodes[0]]
    back: list[list[int]] = []
    for i in range(1, len(nodes)):
        prev_follow = [bonus.get(o.key) for o, _ in nodes[i - 1]]
        top_prev = max(range(len(best)), key=best.__getitem__)
        row, ptr = [], []
        for cand, score in nodes[i]:
            top, arg = best[top_prev], top_prev
            for j, follow in enumerate(prev_follow):
                if follow is not None and cand.key in follow:
                    value = best[j] + follow[cand.key]
                    if value > top:
                        top, arg = value, j
            row.append(top + score)
            ptr.append(arg)
        best = row
        back.append(ptr)
    index = max(range(len(best)), key=best.__getitem__)
    path = [index]
    for ptr in reversed(back):
        index = ptr[index]
        path.append(index)
    path.reverse()
    return [nodes[i][j][0].text for i, j in enumerate(path)]


def _document_style(tokens: list[_Token]) -> bool:
    """True when the text places tones the new way ("hoà", "thuỷ"); old style by default."""
    votes = [is_new_style(t.core) for t in tokens]
    return votes.count(True) > votes.count(False)


def _mark_names(tokens: list[_Token | None]) -> None:
    """Flag runs of capitalised words that are names: they start with a family name
    ("Đỗ Thị Hòa", "Hà Nội") or follow a form of address ("ông", "bà Trần Thị Lịnh")."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in [*tokens, None]:
        if token is None or token.prefix or _case_of(token.core) != "title":
            runs.append(current)
            current = []
        if token is not None and _case_of(token.core) == "title":
            current.append(token)
            if token.suffix:
                runs.append(current)
                current = []
    by_id = {id(t): i for i, t in enumerate(tokens) if t is not None}
    for run in runs:
        if not run:
            continue
        first = nfc_lower(run[0].core)
        before = tokens[by_id[id(run[0])] - 1] if by_id[id(run[0])] else None
        addressed = (
            before is not None and not before.suffix and nfc_lower(before.core) in ADDRESS_WORDS
        )
        if first in ADDRESS_WORDS and len(run) > 1:
            run = run[1:]
            addressed = True
        if addressed or (len(run) > 1 and canonical(nfc_lower(run[0].core)) in FAMILY_NAMES):
            for token in run:
                token.name = True


def _correct_tokens(tokens: list[_Token | None]) -> list[str | None]:
    """Corrected core for each token (None: a breaker such as a number or code)."""
    lex = lexicon()
    _mark_names(tokens)
    words = [t for t in tokens if t is not None]
    new_style = _document_style(words)
    out: list[str | None] = [None] * len(tokens)
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        nodes = [_options(tokens[i], new_style) for i in run]  # type: ignore[arg-type]
        if any(len(n) > 1 for n in nodes):
            for i, choice in zip(run, _viterbi(nodes, lex), strict=True):
                token = tokens[i]
                assert token is not None
                if choice != nfc_lower(token.core):
                    out[i] = apply_case(choice, _case_of(token.core))
        run.clear()

    for i, token in enumerate(tokens):
        if token is None:
            flush()
            continue
        if token.prefix:
            flush()
        run.append(i)
        if token.suffix:
            flush()
    flush()
    return out


def _tokenize(chunk: str, confidence: float) -> _Token | None:
    match = _CHUNK.fullmatch(chunk)
    if match is None:
        return None
    return _Token(match.group(1), match.group(2), match.group(3), confidence)


def correct_words(words: list[tuple[str, float]]) -> list[str]:
    """Corrected text of each Tesseract word (text, confidence 0..1), in the same order.

    Words are read as one running text; low-confidence words are corrected more eagerly."""
    tokens = [_tokenize(text, conf) if text else None for text, conf in words]
    fixed = _correct_tokens(tokens)
    out = []
    for (text, _), token, core in zip(words, tokens, fixed, strict=True):
        out.append(text if core is None or token is None else token.prefix + core + token.suffix)
    return out


def correct_text(text: str, confidence: float = DEFAULT_CONFIDENCE) -> str:
    """`text` with Vietnamese diacritic errors repaired; whitespace and line breaks preserved."""
    parts = _SPACE.split(text)
    chunks = [(i, p) for i, p in enumerate(parts) if p and not p.isspace()]
    fixed = correct_words([(p, confidence) for _, p in chunks])
    for (i, _), new in zip(chunks, fixed, strict=True):
        parts[i] = new
    return "".join(parts)
