"""Dark scanner borders and punch holes painted white in the recognition image.

Both are found on the analysis view as large dark regions: borders touch the image edge and run
along it; punch holes are round, 4-9 mm wide, and sit in the outer margin. The mask is scaled up
and applied to the full page, with a small safety margin around each region.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.view import View

MM_PER_INCH = 25.4
MARGIN_SHARE = 0.15  # punch holes lie within this share of the width/height from an edge
DARK_RATIO = 0.55  # darker than this share of the local paper brightness
BORDER_MIN_MM = 15  # dark runs at least this long along an edge make a border
ISOLATED = 0.08  # at most this share of dark pixels around a punch hole (other than itself)


def artefact_mask(view: View, paper: np.ndarray) -> np.ndarray | None:
    """0/255 mask (view size) of borders and punch holes, or None when there are none.

    `paper` is the local paper brightness (illumination.background): darkness is judged against
    it, so a shadow in a phone photo is not a border.
    """
    gray, dpi = view.gray, view.dpi
    if dpi >= 80:  # borders and holes are big: half the view's resolution is plenty
        size = (gray.shape[1] // 2, gray.shape[0] // 2)
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        paper = cv2.resize(paper, size, interpolation=cv2.INTER_AREA)
        dpi = dpi * size[0] / view.gray.shape[1]
    px_per_mm = dpi / MM_PER_INCH
    dark = (gray.astype(np.float32) < DARK_RATIO * paper).astype(np.uint8)
    mask = np.zeros_like(dark)
    long = max(5, round(BORDER_MIN_MM * px_per_mm))
    for kernel in (np.ones((long, 1), np.uint8), np.ones((1, long), np.uint8)):
        lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, kernel)  # only long dark runs survive
        mask |= _edge_regions(lines)
    k = max(3, round(1.5 * px_per_mm) | 1)  # text strokes are < 1.5 mm thick, holes are not
    solid = cv2.morphologyEx(
        dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    )
    mask |= _holes(solid, px_per_mm, dark)
    if not mask.any():
        return None
    grow = max(1, round(px_per_mm))
    return cv2.dilate(mask * 255, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))


def _edge_regions(lines: np.ndarray) -> np.ndarray:
    """Dark regions touching an image edge and lying along it over a quarter of its length."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    h, w = lines.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    sides = (x == 0) | (x + bw == w)
    ends = (y == 0) | (y + bh == h)
    keep = (sides & (bh >= 0.25 * h)) | (ends & (bw >= 0.25 * w))
    keep[0] = False
    return keep[labels].astype(np.uint8) if keep.any() else np.zeros_like(lines)


def _holes(solid: np.ndarray, px: float, dark: np.ndarray) -> np.ndarray:
    """Round filled regions of 4-9 mm in the outer margin, with paper around them (bold
    letters on a printed background pattern can open into round blobs too, but among ink)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    if count <= 1:
        return np.zeros_like(solid)
    h, w = solid.shape
    x, y, bw, bh, area = (stats[:, i].astype(np.int64) for i in range(5))
    big, small = np.maximum(bw, bh), np.minimum(bw, bh)
    diameter = big / px
    round_ = (small >= 0.75 * big) & (area >= 0.6 * bw * bh)
    cx, cy = x + bw / 2, y + bh / 2
    margin = (np.minimum(cx, w - cx) < MARGIN_SHARE * w) | (
        np.minimum(cy, h - cy) < MARGIN_SHARE * h
    )
    keep = round_ & (diameter >= 4) & (diameter <= 9) & margin
    keep[0] = False
    for i in np.flatnonzero(keep):
        pad = int(big[i] // 2) + 1
        y0, y1 = max(0, y[i] - pad), min(h, y[i] + bh[i] + pad)
        x0, x1 = max(0, x[i] - pad), min(w, x[i] + bw[i] + pad)
        around = dark[y0:y1, x0:x1].astype(bool) & (labels[y0:y1, x0:x1] != i)
        if around.mean() > ISOLATED:
            keep[i] = False
    return keep[labels].astype(np.uint8)


def whiten(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    full = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[full > 0] = 255
    return out
