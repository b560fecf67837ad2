"""A deterministic OCR-noise model: what Tesseract does to clean generated text.

Training on the generator's clean text alone teaches the classifier a tidy world; scans arrive as
OCR output with lost or wrong diacritics, rn/m l/1 O/0 confusions, merged and split words, dropped
or garbage lines (stamps, signatures), and header columns read in a different order. The same
(seed, level) always gives the same noisy text.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

LEVELS = ("clean", "mild", "medium", "hard")  # the generator's defect levels


@dataclass(frozen=True)
class Noise:
    diacritic: float  # per letter with a diacritic: dropped or changed
    confuse: float  # per character: a look-alike substitution
    merge: float  # per space: dropped
    split: float  # per word: a space inserted
    drop_line: float  # per line
    junk_line: float  # per line: a garbage line inserted (stamp, signature, speckles)
    swap_head: float  # per page: header columns read interleaved
    truncate: float  # per page: the bottom part lost


PROFILES = {
    "clean": Noise(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "mild": Noise(0.03, 0.004, 0.01, 0.005, 0.01, 0.02, 0.2, 0.02),
    "medium": Noise(0.10, 0.015, 0.03, 0.015, 0.04, 0.06, 0.4, 0.05),
    "hard": Noise(0.25, 0.04, 0.06, 0.03, 0.08, 0.12, 0.5, 0.10),
}

_CONFUSIONS = {
    "m": ["rn", "nn"], "n": ["ri", "h"], "l": ["1", "I", "|"], "1": ["l", "I"], "I": ["l", "1"],
    "O": ["0", "Q"], "0": ["O", "o"], "o": ["0", "c"], "e": ["c"], "c": ["e"], "h": ["b", "li"],
    "u": ["ii", "v"], "i": ["l", "í"], "t": ["f"], "5": ["S"], "S": ["5"], "8": ["B"],
    "B": ["8"], ".": [",", ""], ",": [".", ""], ":": [";", "."], "g": ["q"], "y": ["v"],
    "a": ["o", "ä"], "d": ["cl"], "rn": ["m"], "D": ["O"], "Đ": ["D", "Ð"], "đ": ["d"],
}  # fmt: skip
_TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
_JUNK = ["~", "'", "..", "—", "| |", "ị", "ầ", "Ẹ", "=", "_", "°", "»", "«", "î"]


def _strip_one(c: str, rng: random.Random) -> str:
    """Lose or alter the diacritics of one letter."""
    if c in "đĐ":
        return "d" if c == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", c)
    if len(decomposed) == 1:
        return c
    base, marks = decomposed[0], decomposed[1:]
    r = rng.random()
    if r < 0.5:
        return base
    if r < 0.75:  # keep the vowel mark, lose the tone (or the reverse)
        kept = [m for m in marks if m not in _TONES] if rng.random() < 0.5 else marks[:1]
        return unicodedata.normalize("NFC", base + "".join(kept))
    return unicodedata.normalize("NFC", base + rng.choice(_TONES))


def _noisy_line(line: str, p: Noise, rng: random.Random) -> str:
    out: list[str] = []
    i = 0
    while i < len(line):
        c = line[i]
        two = line[i : i + 2]
        if two == "rn" and rng.random() < p.confuse * 3:
            out.append("m")
            i += 2
            continue
        if c == " ":
            if rng.random() >= p.merge:
                out.append(c)
        elif c in _CONFUSIONS and rng.random() < p.confuse:
            out.append(rng.choice(_CONFUSIONS[c]))
        elif not c.isascii() and c.isalpha() and rng.random() < p.diacritic:
            out.append(_strip_one(c, rng))
        else:
            out.append(c)
            if c.isalpha() and rng.random() < p.split / 6:
                out.append(" ")
        i += 1
    return "".join(out)


def _junk(rng: random.Random) -> str:
    return " ".join(rng.choice(_JUNK) for _ in range(rng.randint(1, 4)))


def add_noise(text: str, level: str, rng: random.Random) -> str:
    """`text` as OCR might read it at this defect level."""
    p = PROFILES[level]
    if level == "clean" or not text:
        return text
    lines = text.splitlines()
    if len(lines) > 6 and rng.random() < p.swap_head:  # two header columns interleaved
        head = lines[:6]
        left, right = head[: len(head) // 2], head[len(head) // 2 :]
        mixed = [x for pair in zip(left, right, strict=False) for x in pair]
        lines = mixed + lines[6:]
    if len(lines) > 10 and rng.random() < p.truncate:
        lines = lines[: int(len(lines) * rng.uniform(0.6, 0.95))]
    out: list[str] = []
    for line in lines:
        if rng.random() < p.drop_line:
            continue
        if rng.random() < p.junk_line:
            out.append(_junk(rng))
        out.append(_noisy_line(line, p, rng))
    return "\n".join(out)
