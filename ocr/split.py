"""Turn a page sequence into documents with a small dynamic programme over page scores.

Each page has P(type) and P(starts a document). States are (type, start|continue); a
continuation keeps the type of the page before it, a start may follow anything. Viterbi finds the
most probable labelling of the whole sequence, so one page with a weak title does not break a
contract in two, and a contract-like page after an ID card is read as a new document.
Blank pages are set aside and attach to the document before them (or the next one when the stack
begins with blanks). A page carrying a receipt QR code or dossier-code header always starts one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ocr.classify.rules import DOC_TYPES

_EPS = 1e-6


@dataclass
class PageScores:
    type_probs: np.ndarray  # over DOC_TYPES, sums to 1
    p_start: float
    blank: bool = False
    forced_start: bool = False
    weight: float = 1.0  # how much this page's type counts (a title page more than a continuation)


@dataclass
class Segment:
    doc_type: str
    pages: list[int]  # 0-based indices into the input sequence
    confidence: float
    type_confidence: float
    split_confidence: float


def _potentials(scores: list[PageScores]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log potentials: weighted log P(type) per page, log P(start), log P(continue)."""
    log_t = np.log(np.clip(np.stack([s.type_probs for s in scores]), _EPS, 1.0))
    log_t *= np.array([s.weight for s in scores])[:, None]
    p_start = np.array(
        [1.0 if s.forced_start else min(max(s.p_start, _EPS), 1 - _EPS) for s in scores]
    )
    log_c = np.log(np.clip(1 - p_start, _EPS, 1.0))
    log_c[[i for i, s in enumerate(scores) if s.forced_start]] = -np.inf
    return log_t, np.log(p_start), log_c


def start_marginals(scores: list[PageScores]) -> np.ndarray:
    """P(page i starts a document | the whole sequence), by forward-backward over the same
    states as the Viterbi: the calibrated boundary probability, using context on both sides."""
    n = len(scores)
    log_t, log_s, log_c = _potentials(scores)
    fwd = np.full((n, len(DOC_TYPES), 2), -np.inf)
    fwd[0, :, 0] = log_t[0] + log_s[0]
    for i in range(1, n):
        prev = np.logaddexp(fwd[i - 1, :, 0], fwd[i - 1, :, 1])
        fwd[i, :, 0] = np.logaddexp.reduce(prev) + log_t[i] + log_s[i]
        fwd[i, :, 1] = prev + log_t[i] + log_c[i]
    bwd = np.zeros((n, len(DOC_TYPES), 2))
    for i in range(n - 2, -1, -1):
        start_next = np.logaddexp.reduce(log_t[i + 1] + log_s[i + 1] + bwd[i + 1, :, 0])
        cont_next = log_t[i + 1] + log_c[i + 1] + bwd[i + 1, :, 1]
        bwd[i, :, 0] = bwd[i, :, 1] = np.logaddexp(start_next, cont_next)
    joint = fwd + bwd
    total = np.logaddexp.reduce(joint.reshape(n, -1), axis=1)
    out = np.exp(np.logaddexp.reduce(joint[:, :, 0], axis=1) - total)
    out[0] = 1.0
    return out


def _viterbi(scores: list[PageScores]) -> tuple[list[int], list[bool]]:
    """Most probable (type index, starts?) per page."""
    n, k = len(scores), len(DOC_TYPES)
    log_t, log_s, log_c = _potentials(scores)
    # best[i, t, 0] ending page i in type t having started at i; best[i, t, 1] continuing.
    best = np.full((n, k, 2), -np.inf)
    back_start = np.zeros((n, k), dtype=int)  # previous state's flat index for a start
    best[0, :, 0] = log_t[0] + log_s[0]
    for i in range(1, n):
        prev = best[i - 1].max(axis=1)  # best previous per type (start or continue)
        j = int(np.argmax(prev))
        best[i, :, 0] = prev[j] + log_t[i] + log_s[i]
        back_start[i, :] = j
        best[i, :, 1] = prev + log_t[i] + log_c[i]
    types, starts = [0] * n, [False] * n
    t = int(np.argmax(best[n - 1].max(axis=1)))
    for i in range(n - 1, -1, -1):
        types[i] = t
        is_start = i == 0 or best[i, t, 0] >= best[i, t, 1]
        starts[i] = is_start
        if i > 0:
            t = int(back_start[i, t]) if is_start else t
    return types, starts


def _type_confidence(probs: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Type posterior of a run of pages: weighted geometric mean of page posteriors (title pages
    count more than continuations, as in the Viterbi), renormalised."""
    w = np.array(weights)[:, None]
    logs = (np.log(np.clip(np.stack(probs), _EPS, 1.0)) * w).sum(axis=0) / w.sum()
    p = np.exp(logs - logs.max())
    return p / p.sum()


def split(scores: list[PageScores]) -> list[Segment]:
    """Documents covering every page exactly once, in page order."""
    if not scores:
        return []
    content = [i for i, s in enumerate(scores) if not s.blank]
    if not content:
        return [Segment("khac", list(range(len(scores))), 0.5, 0.5, 1.0)]
    types, starts = _viterbi([scores[i] for i in content])
    marginal = start_marginals([scores[i] for i in content])
    runs: list[list[int]] = []
    for pos, is_start in enumerate(starts):
        if is_start:
            runs.append([pos])
        else:
            runs[-1].append(pos)
    segments = []
    for r, run in enumerate(runs):
        t = types[run[0]]
        run_scores = [scores[content[p]] for p in run]
        post = _type_confidence([x.type_probs for x in run_scores], [x.weight for x in run_scores])
        doc_type, type_conf = DOC_TYPES[t], float(post[t])  # Viterbi's t is the run's argmax
        boundary = [1.0 if r == 0 else marginal[run[0]]]
        boundary += [1 - marginal[p] for p in run[1:]]
        if r + 1 < len(runs):
            boundary.append(marginal[runs[r + 1][0]])
        split_conf = float(min(boundary))
        pages = [content[p] for p in run]
        segments.append(Segment(doc_type, pages, type_conf * split_conf, type_conf, split_conf))
    _attach_blanks(segments, scores)
    return segments


def _attach_blanks(segments: list[Segment], scores: list[PageScores]) -> None:
    """Each blank page joins the document before it (or the first one if none precedes)."""
    for i, s in enumerate(scores):
        if not s.blank:
            continue
        before = [seg for seg in segments if seg.pages and min(seg.pages) < i]
        target = max(before, key=lambda seg: min(seg.pages)) if before else segments[0]
        target.pages.append(i)
        target.pages.sort()


def check_cover(segments: list[Segment], n: int) -> None:
    """Every page in exactly one document (the invariant staff rely on: nothing dropped)."""
    seen = sorted(p for seg in segments for p in seg.pages)
    if seen != list(range(n)):
        raise AssertionError(f"split does not cover pages exactly once: {seen} vs {n} pages")
