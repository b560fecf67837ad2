"""Syllable statistics for the corrector: unigram log-probabilities and domain bigrams.

Unigrams come from `wordfreq`'s Vietnamese list (about 4,700 valid syllables with frequencies)
keyed by the old-style spelling, so "hoà" and "hòa" share one count. Bigrams come from the
hand-written administrative phrases in `phrases.py`: wordfreq has no multi-syllable tokens for
Vietnamese. Without wordfreq installed the domain phrases alone give the unigrams.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .phrases import PHRASES
from .syllables import all_syllables, canonical, is_valid_syllable, nfc_lower, skeleton

UNSEEN_LOGP = math.log(3e-8)  # a valid syllable neither wordfreq nor the phrases know
DOMAIN_MIN_FREQ = 2e-5  # floor for syllables of the administrative phrases
BIGRAM_WEIGHT = 0.5  # interpolation weight of the domain bigram against the unigram
MAX_BONUS = 8.0

_WORD = re.compile(r"[^\W\d_]+")
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”/]|\s-\s")


@dataclass(frozen=True)
class Lexicon:
    logp: dict[str, float]  # canonical syllable -> natural log probability
    known_words: frozenset[str]  # every wordfreq token (loanwords, abbreviations too)
    bonus: dict[str, dict[str, float]]  # prev -> next -> log-ratio bonus of the bigram
    context_vocab: frozenset[str]  # syllables that occur in some bigram
    by_skeleton: dict[str, tuple[str, ...]]  # skeleton -> valid syllables (both tone styles)
    source: str
    broad: bool  # False without wordfreq: then an unseen syllable is not evidence of an error

    def unigram(self, syllable: str) -> float:
        return self.logp.get(canonical(syllable), UNSEEN_LOGP)

    def is_known(self, syllable: str) -> bool:
        return canonical(syllable) in self.logp


def phrase_syllables(phrase: str) -> list[list[str]]:
    """The phrase's runs of syllables, cut at punctuation (no bigram across a comma)."""
    runs = []
    for part in _BREAK.split(phrase):
        words = [canonical(w) for w in _WORD.findall(part)]
        if words:
            runs.append(words)
    return runs


def _wordfreq_unigrams() -> tuple[dict[str, float], frozenset[str], str]:
    try:
        import wordfreq
    except ImportError:
        return {}, frozenset(), "phrases only (wordfreq not installed)"
    freqs: dict[str, float] = defaultdict(float)
    words = set()
    for bucket in wordfreq.get_frequency_list("vi"):
        for word in bucket:
            words.add(word)
            if is_valid_syllable(word):
                freqs[canonical(word)] += wordfreq.word_frequency(word, "vi")
    version = getattr(wordfreq, "__version__", "") or _dist_version("wordfreq")
    return dict(freqs), frozenset(words), f"wordfreq {version} + phrases"


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Built once per process (about 0.5 s with wordfreq's import)."""
    freqs, known_words, source = _wordfreq_unigrams()
    runs = [run for phrase in PHRASES for run in phrase_syllables(phrase)]
    domain = Counter(w for run in runs for w in run if is_valid_syllable(w))
    for word in domain:
        freqs[word] = max(freqs.get(word, 0.0), DOMAIN_MIN_FREQ)
    total = sum(freqs.values())
    logp = {w: math.log(f / total) for w, f in freqs.items()}

    pairs = Counter((a, b) for run in runs for a, b in zip(run, run[1:], strict=False))
    outgoing = Counter(a for a, _ in pairs.elements())
    bonus: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), n in pairs.items():
        if a not in logp or b not in logp:
            continue
        ratio = BIGRAM_WEIGHT * (n / outgoing[a]) / ((1 - BIGRAM_WEIGHT) * math.exp(logp[b]))
        bonus[a][b] = min(MAX_BONUS, math.log1p(ratio))
    context_vocab = frozenset(bonus) | frozenset(b for nxt in bonus.values() for b in nxt)

    by_skeleton: dict[str, list[str]] = defaultdict(list)
    for syllable in all_syllables():
        by_skeleton[skeleton(syllable)].append(syllable)
    return Lexicon(
        logp=logp,
        known_words=frozenset(nfc_lower(w) for w in known_words),
        bonus=dict(bonus),
        context_vocab=context_vocab,
        by_skeleton={k: tuple(v) for k, v in by_skeleton.items()},
        source=source,
        broad=bool(known_words),
    )
