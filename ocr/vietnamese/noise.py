"""A deterministic model of Tesseract's Vietnamese diacritic errors, for tests and benchmarks.

Each syllable is damaged with probability `rate` by one of the confusions seen on degraded scans:
a tone mark lost or swapped (hỏi/sắc over a circumflex), a vowel mark lost (ơ→o, ư→u, â→a),
đ→d, the dot below lost, the tone on the wrong vowel, "tr"→"ư" and "đ"→"l" at the start.
"""

from __future__ import annotations

import random
import re
import unicodedata

from .syllables import place_tone, split_tone

HOOK, ACUTE, DOT = "\u0309", "\u0301", "\u0323"
_CHUNK = re.compile(r"(?<!\S)([^\w\s]*)([^\W\d_]+)(?=[^\w\s]*(?!\S))")
_MARK_LOSS = {"ơ": "o", "ư": "u", "â": "a", "ê": "e", "ô": "o", "ă": "a", "đ": "d"}


def _is_vowel(letter: str) -> bool:
    return unicodedata.normalize("NFD", letter)[0] in "aeiouy"


def _retone(word: str, tone: str, index: int | None = None) -> str:
    letters, _, where = split_tone(word)
    return place_tone(letters, tone, where if index is None else index)


def _damages(word: str) -> list[str]:
    """Every single-confusion damaged form of a lower-case syllable."""
    letters, tone, where = split_tone(word)
    out = []
    if tone:
        out.append(letters)
        if tone in (HOOK, ACUTE):
            out.append(_retone(word, ACUTE if tone == HOOK else HOOK))
        others = [i for i, ch in enumerate(letters) if _is_vowel(ch) and i != where]
        if others:
            out.append(_retone(word, tone, others[0]))
    for i, ch in enumerate(letters):
        if ch in _MARK_LOSS:
            damaged = letters[:i] + _MARK_LOSS[ch] + letters[i + 1 :]
            out.append(place_tone(damaged, tone, where) if tone else damaged)
    if word.startswith("tr"):
        out.append("ư" + word[2:])
    if word.startswith("đ"):
        out.append("l" + word[1:])
    return [d for d in out if d != word]


def _same_case(damaged: str, original: str) -> str:
    if original.isupper() and len(original) > 1:
        return damaged.upper()
    if original[:1].isupper():
        return damaged[:1].upper() + damaged[1:]
    return damaged


def corrupt(text: str, rate: float = 0.15, seed: int = 0) -> str:
    """`text` with about `rate` of its syllables damaged; everything else byte-identical."""
    rng = random.Random(seed)

    def damage(match: re.Match[str]) -> str:
        lead, original = match.group(1), match.group(2)
        if rng.random() >= rate:
            return match.group(0)
        options = _damages(unicodedata.normalize("NFC", original).lower())
        if not options:
            return match.group(0)
        return lead + _same_case(unicodedata.normalize("NFC", rng.choice(options)), original)

    return _CHUNK.sub(damage, text)
