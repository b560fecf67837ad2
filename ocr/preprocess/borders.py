"""Dark scanner borders and punch holes painted white in the recognition image.

Both are found on the analysis view as large dark regions: borders touch the image edge and run
along it; punch holes are round, 4-9 mm wide, and sit in the outer margin. The mask is scaled up
and applied to the full page, with a small safety margin around each region.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.view import View, percentile

MM_PER_INCH = 25.4
MARGIN_SHARE = 0.15  # punch holes lie within this share of the width/height from an edge


def artefact_mask(view: View) -> np.ndarray | None:
    """0/255 mask (view size) of borders and punch holes, or None when there are none."""
    gray = view.gray
    px_per_mm = view.dpi / MM_PER_INCH
    dark = (gray < percentile(gray, 90) * 0.55).astype(np.uint8)
    # text strokes are < 1 mm thick: an opening of ~1.5 mm leaves only solid regions
    k = max(3, round(1.5 * px_per_mm) | 1)
    solid = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    if count <= 1:
        return None
    h, w = dark.shape
    x, y, bw, bh, area = (stats[:, i].astype(np.int64) for i in range(5))
    keep = _borders(x, y, bw, bh, area, w, h, px_per_mm) | _holes(
        x, y, bw, bh, area, w, h, px_per_mm
    )
    keep[0] = False
    if not keep.any():
        return None
    mask = (keep[labels] * 255).astype(np.uint8)
    grow = max(1, round(px_per_mm))
    return cv2.dilate(mask, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))


def _borders(x, y, bw, bh, area, w: int, h: int, px: float) -> np.ndarray:
    """Solid dark regions lying along an image edge over a quarter of its length."""
    left, top, right, bottom = x == 0, y == 0, x + bw == w, y + bh == h
    along = ((left | right) & (bh >= 0.25 * h)) | ((top | bottom) & (bw >= 0.25 * w))
    return along & (area >= (3 * px) ** 2)


def _holes(x, y, bw, bh, area, w: int, h: int, px: float) -> np.ndarray:
    """Round filled regions of 4-9 mm in the outer margin."""
    big, small = np.maximum(bw, bh), np.minimum(bw, bh)
    diameter = big / px
    round_ = (small >= 0.75 * big) & (area >= 0.6 * bw * bh)
    cx, cy = x + bw / 2, y + bh / 2
    margin = (np.minimum(cx, w - cx) < MARGIN_SHARE * w) | (
        np.minimum(cy, h - cy) < MARGIN_SHARE * h
    )
    return round_ & (diameter >= 4) & (diameter <= 9) & margin


def whiten(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    full = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[full > 0] = 255
    return out
