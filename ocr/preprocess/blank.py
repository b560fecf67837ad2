"""Blank pages: nothing but paper, speckles, scanner borders or faint bleed-through.

A page is *not* blank as soon as it has one line of text (three dark letter-sized marks side by
side) or a dark drawing (a sketch, a table, a signature). Bleed-through from the back of the sheet
has text structure too, but it is faint: marks must reach real ink darkness to count.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.view import View

MM_PER_INCH = 25.4
INK_RATIO = 0.6  # a mark must somewhere be this dark relative to the paper around it
MIN_LETTER_MM, MAX_LETTER_MM = 1.0, 12.0
BIG_MARK_MM = 12.0
BIG_INK_SHARE = 0.0015  # of the page area, in big dark marks (drawings, tables, photos)


def is_blank(view: View, paper: np.ndarray) -> bool:
    """`paper`: the local paper brightness of the view (illumination.background)."""
    dark = view.gray.astype(np.float32) < INK_RATIO * paper
    count, labels, stats = view.marks()
    if count <= 1:
        return True
    dark_pixels = np.bincount(labels[dark], minlength=count)
    px_per_mm = view.dpi / MM_PER_INCH
    h, w = view.ink.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    inside = (x > 0) & (y > 0) & (x + bw < w) & (y + bh < h)  # scanner borders touch the edge
    solid = dark_pixels >= 2
    solid[0] = False
    height_mm = bh / px_per_mm
    extent_mm = np.maximum(bw, bh) / px_per_mm
    letters = solid & inside & (height_mm >= MIN_LETTER_MM) & (extent_mm <= MAX_LETTER_MM)
    if _has_text_line(stats[letters]):
        return False
    big = solid & inside & (extent_mm > BIG_MARK_MM) & ~_round_holes(stats, px_per_mm)
    return stats[big, cv2.CC_STAT_AREA].sum() < BIG_INK_SHARE * h * w


def _has_text_line(boxes: np.ndarray) -> bool:
    """Some mark has two neighbours on its own line, close enough to be letters of a word."""
    if len(boxes) < 3:
        return False
    cx = boxes[:, 0] + boxes[:, 2] / 2
    cy = boxes[:, 1] + boxes[:, 3] / 2
    size = np.maximum(boxes[:, 3], 1).astype(np.float64)
    order = np.argsort(cy)
    if len(order) > 4000:  # a page full of marks is surely not blank
        return True
    cx, cy, size = cx[order], cy[order], size[order]
    for i in range(len(cy)):
        lo, hi = np.searchsorted(cy, [cy[i] - 0.5 * size[i], cy[i] + 0.5 * size[i]])
        near = np.abs(cx[lo:hi] - cx[i]) < 3.0 * size[i]
        if near.sum() >= 3:  # itself and two neighbours
            return True
    return False


def _round_holes(stats: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Punch holes (4-9 mm, round, filled) do not make a page non-blank."""
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    diameter_mm = np.maximum(w, h) / px_per_mm
    roundish = (np.minimum(w, h) >= 0.75 * np.maximum(w, h)) & (area >= 0.6 * w * h)
    return roundish & (diameter_mm >= 4) & (diameter_mm <= 9)
