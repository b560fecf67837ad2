"""The page model: P(type | page) and P(page starts a document), two logistic regressions over
the same features (`features.py`). Logistic regression's probabilities are close to calibrated;
the benchmark reports the reliability of the document confidences built from them.

Stored as a compressed `.npz` of plain arrays (no pickle): vocabularies, idf weights, coefficients,
and a JSON string with the version and training configuration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ocr.classify.features import Featurizer, PageInput
from ocr.classify.rules import DOC_TYPES

MODEL_VERSION = "v1"
DEFAULT_PATH = Path(__file__).with_name(f"model-{MODEL_VERSION}.npz")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class PageModel:
    featurizer: Featurizer
    classes: list[str]
    type_coef: np.ndarray  # (n_classes, n_features)
    type_intercept: np.ndarray
    start_coef: np.ndarray  # (n_features,)
    start_intercept: float
    config: dict = field(default_factory=dict)

    def predict(self, pages: list[PageInput]) -> tuple[np.ndarray, np.ndarray]:
        """(type probabilities over DOC_TYPES (n, 14), P(start) (n,))."""
        if not pages:
            return np.zeros((0, len(DOC_TYPES))), np.zeros(0)
        x = self.featurizer.transform(pages)
        probs = _softmax(np.asarray(x @ self.type_coef.T) + self.type_intercept)
        full = np.zeros((len(pages), len(DOC_TYPES)))
        for j, cls in enumerate(self.classes):
            full[:, DOC_TYPES.index(cls)] = probs[:, j]
        z = np.asarray(x @ self.start_coef).ravel() + self.start_intercept
        return full, 1 / (1 + np.exp(-z))

    def save(self, path: Path) -> None:
        arrays = self.featurizer.to_arrays()
        arrays |= {
            "classes": np.array(self.classes, dtype=str),
            "type_coef": self.type_coef.astype(np.float32),
            "type_intercept": self.type_intercept.astype(np.float32),
            "start_coef": self.start_coef.astype(np.float32),
            "start_intercept": np.array(self.start_intercept, dtype=np.float32),
            "config": np.array(json.dumps(self.config, sort_keys=True)),
        }
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:  # a file object: np.savez would append ".npz" to the name
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: Path) -> PageModel:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        config = json.loads(str(arrays["config"]))
        return cls(
            featurizer=Featurizer.from_arrays(arrays, config),
            classes=[str(c) for c in arrays["classes"]],
            type_coef=arrays["type_coef"].astype(np.float64),
            type_intercept=arrays["type_intercept"].astype(np.float64),
            start_coef=arrays["start_coef"].astype(np.float64),
            start_intercept=float(arrays["start_intercept"]),
            config=config,
        )
