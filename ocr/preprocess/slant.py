"""Slanted words set upright before recognition (values written by hand on forms).

Tesseract's `vie` model reads upright print and mild italics; a hand-filled value leaning
15-25 degrees comes back as slashes and digits ('Ngày cấp: Z⁄23⁄2/⁄2'). Each word-sized blob
of ink is measured on its own: the shear that makes its vertical strokes line up gives the
sharpest column projection (sum of squared column counts). A word whose best shear is at least
GATE, and beats upright and the mirror shear (A, V, Y lean both ways), is sheared back, in place,
around its own middle, to a mild lean of KEEP; everything else (upright print: best shear ~0)
is left as it was. Words, not lines: a form line's printed label stays upright while the value
beside it is straightened. Run on form pages only (where dot leaders were found: the values
written by hand), ~50 ms a form page at 200 dpi (bench/ocr.py families, stage "prepare.slant").
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.textsize import REF_HEIGHT_300

SHEARS = np.round(np.arange(-0.6, 0.6001, 0.05), 2)  # candidate slants (tops to the right > 0)
# Fitted on training pages only: 16 training-family pages (samples.generate_pages, split
# "train", seed 101, form forced to the training hand "dots_pen"), once with the hand's slant
# widened to 0.12-0.28 as `bench/ocr.py --stress-hand-slant` draws it and once at its own
# 0-0.08. Straightening from 0.2 to a lean of 0.1 read best on both (pipeline CER 13.8% ->
# 9.7% widened, 8.9% -> 7.8% own slant); fully upright from 0.14 (9.7%, 8.0%) or from 0.3 to
# 0.15 (9.9%, 8.1%) read worse: dates, whose '/' leans more than their digits, were over-turned,
# and so were typed italics. MIN_GAIN and ONE_WAY were set by eye on one training page.
GATE = 0.2  # smallest slant straightened
KEEP = 0.1  # ... and the lean left to it (Tesseract reads mild italics as well as upright)
MIN_GAIN = 0.04  # the best shear's sharpness over upright's, at least (1 + this)
# ... and over the mirror shear's: letters of two opposite diagonals (A, V, W, X, Y) are as
# sharp leaning either way; a slanted word is sharp one way only
ONE_WAY = 0.08
JOIN = 0.45  # letters closer than this (x-heights) are one word
MIN_HEIGHT, MAX_HEIGHT = 0.8, 3.2  # a word's height, in x-heights
MIN_WIDTH = 1.5  # a word's width, in x-heights (shorter marks carry too few strokes)
MIN_INK = 60  # ink pixels of a word, at least
ROW_STEP = 2  # slants are measured on every ROW_STEP-th row of ink


def slants(ys: np.ndarray, xs: np.ndarray, lab: np.ndarray, count: int) -> np.ndarray:
    """Per label 0..count-1, of the ink pixels (`ys`, `xs`) carrying it (`lab`, > 0): rows
    (best shear from SHEARS, its sharpness over upright's, over the mirror shear's); label 0
    and labels without pixels get (0, 1, 1). All labels at once, one bincount per shear."""
    out = np.zeros((3, count))
    out[1:] = 1.0
    if lab.size == 0:
        return out
    seen = np.bincount(lab, minlength=count)
    present = np.flatnonzero(seen)
    index = np.zeros(count, np.int64)
    index[present] = np.arange(present.size)
    lab = index[lab]  # labels renumbered 0..present.size-1
    n = seen[present]
    dy = ys - (np.bincount(lab, ys) / n)[lab]
    left = np.full(present.size, xs.max())
    np.minimum.at(left, lab, xs)
    rel = (xs - left[lab]).astype(np.float64)
    pad = int(np.ceil(np.abs(SHEARS).max() * np.abs(dy).max())) + 1
    # each label's columns side by side: its own width plus a pad each side
    widths = np.zeros(present.size, np.int64)
    np.maximum.at(widths, lab, rel.astype(np.int64))
    widths += 2 * pad + 2
    starts = np.concatenate(([0], np.cumsum(widths)[:-1]))
    base = starts[lab] + pad
    scores = np.empty((SHEARS.size, present.size))
    for i, s in enumerate(SHEARS):
        cols = np.bincount(base + np.rint(rel + s * dy).astype(np.int64), minlength=widths.sum())
        scores[i] = np.add.reduceat(cols.astype(np.float64) ** 2, starts)
    best = np.argmax(scores, axis=0)
    every = np.arange(present.size)
    top = scores[best, every]
    upright = scores[SHEARS.size // 2]  # SHEARS is symmetric around 0
    mirror = scores[SHEARS.size - 1 - best, every]
    out[:, present] = SHEARS[best], top / np.maximum(upright, 1.0), top / np.maximum(mirror, 1.0)
    out[:, 0] = 0.0, 1.0, 1.0
    return out


def straighten(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, bool]:
    """`gray` with its slanted words sheared upright; (page, whether any was)."""
    xh = REF_HEIGHT_300 * dpi / 300
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, (int(dpi / 6) | 1), 20
    )
    join = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(JOIN * xh)), 3))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(ink, join), connectivity=8
    )
    x, y, w, h = (stats[:, i] for i in range(4))
    wordlike = (h >= MIN_HEIGHT * xh) & (h <= MAX_HEIGHT * xh) & (w >= MIN_WIDTH * xh)
    wordlike[0] = False
    if not wordlike.any():
        return gray, False
    ys, xs = np.nonzero(ink[::ROW_STEP])  # every other row: the same slant, half the work
    ys *= ROW_STEP
    lab = labels[ys, xs]
    keep = wordlike[lab]
    ys, xs, lab = ys[keep], xs[keep], lab[keep]
    shear, over_upright, over_mirror = slants(ys, xs, lab, count)
    inked = np.bincount(lab, minlength=count) * ROW_STEP >= MIN_INK
    todo = np.flatnonzero(
        wordlike & inked & (shear >= GATE) & (over_upright >= 1 + MIN_GAIN)
        & (over_mirror >= 1 + ONE_WAY)
    )  # fmt: skip
    if todo.size == 0:
        return gray, False
    out = gray.copy()
    for k in todo:
        box = (int(x[k]), int(y[k]), int(w[k]), int(h[k]))
        _shear_word(out, labels, int(k), box, shear[k] - KEEP)
    return out, True


def _shear_word(
    page: np.ndarray, labels: np.ndarray, k: int, box: tuple[int, int, int, int], s: float
) -> None:
    """Word `k` (its blob in `labels`) sheared by -`s` around its middle row, in place: the
    word's pixels are lifted out of its box, sheared, and laid back darkest-wins."""
    x, y, w, h = box
    m = int(np.ceil(abs(s) * h / 2)) + 2
    x0, x1 = max(0, x - m), min(page.shape[1], x + w + m)
    y0, y1 = max(0, y - 1), min(page.shape[0], y + h + 1)
    patch = page[y0:y1, x0:x1]
    zone = cv2.dilate((labels[y0:y1, x0:x1] == k).astype(np.uint8), np.ones((3, 3), np.uint8))
    word = np.where(zone > 0, patch, 255).astype(np.uint8)
    rest = np.where(zone > 0, 255, patch).astype(np.uint8)
    mid = (y + h / 2) - y0
    turn = np.float32([[1, s, -s * mid], [0, 1, 0]])  # x' = x + s (y - mid): tops move left
    upright = cv2.warpAffine(
        word, turn, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderValue=255
    )
    page[y0:y1, x0:x1] = np.minimum(rest, upright)
