"""Vietnamese syllable phonotactics: the closed set of written syllables, built from rules.

A syllable is onset + rhyme + tone. The rules below (onsets, rhymes with their medial/nucleus/final,
the k/gh/ngh spelling rules, stop finals taking only sắc or nặng, and where the tone mark sits in
both the old "hòa" and the new "hoà" style) generate every valid lower-case NFC syllable once, so
validation is a set look-up and the same set is the candidate space of the corrector.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

ONSETS = (
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip


def split_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


OPEN_RHYMES = split_words(
    "a ai ao au ay âu ây e eo ê êu i ia iu y iêu yêu o oi ô ôi ơ ơi u ua ui uôi ư ưa ưi ưu ươi "
    "ươu oa oai oay oao oe oeo uê uy uya uyu uơ uây"
)

CLOSED_RHYMES = split_words(
    "ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât ec em en eng ep et "
    "êch êm ên ênh êp êt ich im in inh ip it oc om on ong op ot ooc oong ôc ôm ôn ông ôp ôt "
    "ơm ơn ơp ơt uc um un ung up ut ưc ưm ưn ưng ưt iêc iêm iên iêng iêp iêt yêm yên yêt "
    "uôc uôm uôn uông uôt ươc ươm ươn ương ươp ươt oac oach oam oan oang oanh oap oat "
    "oăc oăm oăn oăng oăt oen oet uân uâng uât uêch uênh uych uynh uyp uyt uyên uyêt"
)

RHYMES = frozenset(OPEN_RHYMES + CLOSED_RHYMES)
STOP_FINALS = ("ch", "c", "p", "t")

# Combining tone marks in NFD; index 0 is the level tone (no mark).
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # ngang sắc huyền hỏi ngã nặng
TONE_MARKS = frozenset(TONES[1:])
VOWELS = frozenset("aăâeêioôơuưy")
MARKED_VOWELS = frozenset("ăâêôơư")
FRONT = frozenset("ieêy")  # letters that take k/gh/ngh
MEDIAL_PAIRS = frozenset(("oa", "oă", "oe", "uâ", "uê", "uy", "uơ"))
NO_MEDIAL_ONSETS = frozenset(("b", "m", "p", "ph", "v", "c", "k", "gh", "ngh", "gi", "qu", "r"))


def nfc_lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


@lru_cache(maxsize=65536)
def split_tone(syllable: str) -> tuple[str, str, int]:
    """(toneless NFC text, tone mark or "", index of the letter carrying it or -1).

    Several tone marks make the tone ambiguous: the tone is then "?"."""
    letters: list[str] = []
    tone, where = "", -1
    for ch in unicodedata.normalize("NFC", syllable):
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts[1:] if m in TONE_MARKS]
        if marks:
            tone = "?" if tone or len(marks) > 1 else marks[0]
            where = len(letters)
            parts = "".join(m for m in parts if m not in TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", parts))
    return "".join(letters), tone, where


def _onset_rhyme_ok(onset: str, rhyme: str) -> bool:
    if onset == "gi":
        return (
            rhyme == ""
            or (rhyme in RHYMES and rhyme[:2] not in MEDIAL_PAIRS)
            or ("i" + rhyme in RHYMES and rhyme[:1] not in VOWELS - {"ê"})
        )
    if onset == "qu":
        if rhyme.startswith("y"):
            return "u" + rhyme in RHYMES
        return (
            rhyme in RHYMES
            and rhyme[0] not in "ouư"
            and rhyme[:2] not in MEDIAL_PAIRS
            and not rhyme.startswith("iê")
        )
    if rhyme not in RHYMES:
        return False
    first = rhyme[0]
    if onset in ("k", "gh", "ngh") and first not in (FRONT if onset == "k" else FRONT - {"y"}):
        return False
    if onset in ("c", "g", "ng") and first in FRONT:
        return False
    if rhyme[:2] in MEDIAL_PAIRS and onset in NO_MEDIAL_ONSETS:
        return False
    if rhyme.startswith("yê") and onset:
        return False
    return not (rhyme.startswith("iê") and not onset)


def _final(rhyme: str) -> str:
    for final in ("ch", "nh", "ng", "c", "m", "n", "p", "t"):
        if rhyme.endswith(final):
            return final
    return ""


def tone_positions(onset: str, rhyme: str) -> tuple[int, int]:
    """Index (in onset+rhyme) of the letter carrying the tone: (old style, new style)."""
    base = len(onset)
    final = _final(rhyme)
    nucleus = rhyme[: len(rhyme) - len(final)] if final else rhyme
    if not nucleus:  # "gì", "gìn": the i of gi
        return base - 1, base - 1
    if "ươ" in nucleus:
        pos = nucleus.index("ươ") + 1
        return base + pos, base + pos
    marked = [i for i, ch in enumerate(nucleus) if ch in MARKED_VOWELS]
    if marked:
        return base + marked[-1], base + marked[-1]
    if final or len(nucleus) == 1:
        return base + len(nucleus) - 1, base + len(nucleus) - 1
    if len(nucleus) == 3:
        return base + 1, base + 1
    if nucleus in ("oa", "oe", "uy"):
        return base, base + 1
    return base, base


def place_tone(toneless: str, tone: str, index: int) -> str:
    if not tone:
        return toneless
    ch = unicodedata.normalize("NFC", unicodedata.normalize("NFD", toneless[index]) + tone)
    return toneless[:index] + ch + toneless[index + 1 :]


class Syllable(NamedTuple):
    toneless: str
    tone: str
    onset: str
    rhyme: str
    old_index: int  # letter carrying the tone, old style ("hòa")
    new_index: int  # new style ("hoà")


@lru_cache(maxsize=1)
def all_syllables() -> dict[str, Syllable]:
    """Every valid lower-case NFC syllable, both tone styles, mapped to its parts."""
    table: dict[str, Syllable] = {}
    gi_rhymes = {""} | {r[1:] for r in RHYMES if r.startswith("i") and r[1:2] not in VOWELS - {"ê"}}
    qu_rhymes = {r[1:] for r in RHYMES if r.startswith("uy")}
    for onset in ONSETS:
        rhymes = {"gi": RHYMES | gi_rhymes, "qu": RHYMES | qu_rhymes}.get(onset, RHYMES)
        for rhyme in sorted(rhymes):
            if not _onset_rhyme_ok(onset, rhyme):
                continue
            toneless = onset + rhyme
            stop = _final(rhyme) in STOP_FINALS
            old, new = tone_positions(onset, rhyme)
            for tone in TONES:
                if stop and tone not in ("\u0301", "\u0323"):
                    continue
                info = Syllable(toneless, tone, onset, rhyme, old, new)
                for index in (old, new):
                    table[place_tone(toneless, tone, index)] = info
    return table


def is_valid_syllable(text: str) -> bool:
    """True when `text` (any case, NFC or not) is a well-formed Vietnamese syllable."""
    return nfc_lower(text) in all_syllables()


@lru_cache(maxsize=65536)
def canonical(syllable: str) -> str:
    """The old-style spelling ("hoà" -> "hòa"), used as the lexicon key; unchanged if invalid."""
    s = nfc_lower(syllable)
    info = all_syllables().get(s)
    if info is None:
        return s
    return place_tone(info.toneless, info.tone, info.old_index)


@lru_cache(maxsize=65536)
def is_new_style(syllable: str) -> bool | None:
    """True for "hoà"-style placement, False for "hòa"-style, None when both styles agree."""
    s = nfc_lower(syllable)
    info = all_syllables().get(s)
    if info is None or not info.tone or info.old_index == info.new_index:
        return None
    return split_tone(s)[2] == info.new_index


def skeleton(text: str) -> str:
    """Base letters only: all marks removed and đ read as d ("Định" -> "dinh")."""
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
