"""Flatten uneven light (phone photos, curled pages) and stretch the contrast.

The paper's brightness is estimated on the analysis view by a morphological closing (which
erases dark marks thinner than ~8 mm) and a blur; the full page is divided by it, so the
paper becomes evenly white and the text keeps its darkness relative to the paper around it.
Flat, well-exposed scans are left alone: dividing them only adds noise.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.view import View, percentile

UNEVEN = 28  # paper brightness spread (5th..95th percentile, gray levels) worth flattening
DIM_PAPER = 185  # paper darker than this is also corrected (grey photocopies, dim photos)


def background(view: View) -> np.ndarray:
    """The paper brightness of the view (same size), text removed.

    Max-filter over ~8 mm erases text, punch holes and thin scanner borders; the rest runs at a
    quarter of the view's size, where an erosion and a blur smooth the estimate, in a few ms.
    Other steps judge darkness against this (a shadowed corner is not ink).
    """
    size = max(3, int(view.dpi * 8 / 25.4) | 1)
    lifted = cv2.dilate(view.gray, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    h, w = lifted.shape
    small = cv2.resize(lifted, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(3, (size // 4) | 1)
    small = cv2.erode(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    small = cv2.blur(small, (2 * k + 1, 2 * k + 1))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def needs_flattening(paper: np.ndarray) -> bool:
    h, w = paper.shape
    inner = np.ascontiguousarray(paper[h // 20 : h - h // 20, w // 20 : w - w // 20])
    low, high = percentile(inner, 5), percentile(inner, 95)
    return bool(high - low > UNEVEN or high < DIM_PAPER)


def flatten(gray: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """Divide by the paper brightness, then stretch so ink reaches black again."""
    full = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    even = cv2.divide(gray, cv2.max(full, 1), scale=255)  # (np.maximum: ~4 ms more)
    h, w = even.shape
    dark = percentile(cv2.resize(even, (w // 4, h // 4), interpolation=cv2.INTER_NEAREST), 0.5)
    if dark > 200:  # nothing dark on the page: do not amplify noise
        return even
    lut = np.clip((np.arange(256, dtype=np.float32) - dark) * 255.0 / (250 - dark), 0, 255)
    return cv2.LUT(even, lut.astype(np.uint8))
