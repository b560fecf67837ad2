"""Page features for the statistical model: n-grams of folded text, words of the page head, and a
few layout cues (title-rule scores, "Trang 2/3", national header at the top, QR / dossier code).

The vectorizers are stored as plain arrays (vocabulary strings, idf) so the shipped model is a
small `.npz` that loads without pickle and without network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ocr import identifiers
from ocr.classify.rules import DOC_TYPES, classify_page, generic_title
from ocr.fields.text import fold

HEAD_LINES = 10
CHAR_LINES = 16
CUE_NAMES = [f"rule_{t}" for t in DOC_TYPES if t != "khac"] + [
    "rule_max",
    "has_title",
    "page_first",  # "Trang 1/n"
    "page_later",  # "Trang k/n", k > 1
    "motto_top",
    "qr",
    "dossier_code",
    "caps_head",
    "short_page",
    "card_cues",
    "generic_title",
    "letter_top",  # "Kính gửi" or a place-and-date line in the first lines: a letter starts
]


@dataclass(frozen=True)
class PageInput:
    text: str
    qr_codes: tuple[str, ...] = ()


def is_blank_text(text: str) -> bool:
    return sum(c.isalnum() for c in text) < 12


def head_text(text: str, n: int = HEAD_LINES) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:n]
    return fold("\n".join(lines))


def cues(page: PageInput) -> np.ndarray:
    """Dense layout cues in 0..1 (order: CUE_NAMES)."""
    rules = classify_page(page.text, list(page.qr_codes))
    scores = [rules.scores[t] for t in DOC_TYPES if t != "khac"]
    folded = fold(page.text)
    lines = [ln for ln in page.text.splitlines() if ln.strip()]
    m = re.search(r"trang\s*(\d{1,2})\s*/\s*(\d{1,2})", folded)
    first = bool(m and m.group(1) == "1")
    later = bool(m and m.group(1) not in ("1", ""))
    top = fold(" ".join(lines[:6]))
    motto = "cong hoa xa hoi" in top or "doc lap" in top
    head = lines[:HEAD_LINES]
    caps = [
        ln
        for ln in head
        if sum(c.isupper() for c in ln) > 0.7 * max(1, sum(c.isalpha() for c in ln))
    ]
    card = sum(k in folded for k in ("quoc tich", "que quan", "noi thuong tru", "co gia tri den"))
    return np.array(
        scores
        + [
            max(scores),
            float(rules.has_title),
            float(first),
            float(later),
            float(motto),
            float(bool(page.qr_codes)),
            float(bool(identifiers.find_dossier_codes(page.text[:1500]))),
            len(caps) / max(1, len(head)),
            float(len(lines) < 12),
            card / 4,
            float(generic_title(page.text)),
            float(bool(re.search(r"kinh gui|^[^\n]{2,40}, ngay \d", fold("\n".join(lines[:4]))))),
        ],
        dtype=np.float64,
    )


def _vectorizers(config: dict) -> dict[str, TfidfVectorizer]:
    return {
        "char": TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(config.get("char_ngrams", (2, 5))),
            max_features=config.get("char_features", 20000),
            sublinear_tf=True,
            min_df=2,
            dtype=np.float32,
        ),
        "word": TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            max_features=config.get("word_features", 8000),
            sublinear_tf=True,
            min_df=2,
            token_pattern=r"(?u)\b\w+\b",
            dtype=np.float32,
        ),
        "head": TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            max_features=config.get("head_features", 3000),
            sublinear_tf=True,
            min_df=2,
            token_pattern=r"(?u)\b\w+\b",
            dtype=np.float32,
        ),
    }


def _docs(name: str, pages: list[PageInput]) -> list[str]:
    if name in (
        "head",
        "char",
    ):  # character n-grams of the head only: cheap, and it holds the title
        return [head_text(p.text, CHAR_LINES if name == "char" else HEAD_LINES) for p in pages]
    return [fold(p.text) for p in pages]


class Featurizer:
    """Fitted text vectorizers + dense cues → one sparse matrix."""

    def __init__(self, vectorizers: dict[str, TfidfVectorizer], cue_weight: float = 1.0):
        self.vectorizers = vectorizers
        self.cue_weight = cue_weight

    @classmethod
    def fit(cls, pages: list[PageInput], config: dict) -> tuple[Featurizer, sparse.csr_matrix]:
        vecs = _vectorizers(config)
        blocks = [vec.fit_transform(_docs(name, pages)) for name, vec in vecs.items()]
        self = cls(vecs, config.get("cue_weight", 1.0))
        blocks.append(sparse.csr_matrix(np.stack([cues(p) for p in pages]) * self.cue_weight))
        return self, sparse.hstack(blocks, format="csr")

    def transform(self, pages: list[PageInput]) -> sparse.csr_matrix:
        blocks = [vec.transform(_docs(name, pages)) for name, vec in self.vectorizers.items()]
        dense = np.stack([cues(p) for p in pages]) * self.cue_weight
        blocks.append(sparse.csr_matrix(dense))
        return sparse.hstack(blocks, format="csr")

    def to_arrays(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {"cue_weight": np.array(self.cue_weight)}
        for name, vec in self.vectorizers.items():
            vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            out[f"{name}_vocab"] = np.array(vocab, dtype=str)
            out[f"{name}_idf"] = vec.idf_.astype(np.float32)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], config: dict) -> Featurizer:
        vecs = _vectorizers(config)
        for name, vec in vecs.items():
            vocab = [str(v) for v in arrays[f"{name}_vocab"]]
            vec.vocabulary_ = {v: i for i, v in enumerate(vocab)}
            vec.fixed_vocabulary_ = True
            vec.idf_ = arrays[f"{name}_idf"].astype(np.float64)
        return cls(vecs, float(arrays["cue_weight"]))
