"""Speckle removal: isolated dark dots (dust, scanner noise) that Tesseract reads as punctuation.

A 3x3 median removes dots smaller than a stroke but also nibbles thin diacritics, so it is
applied only when the page really carries speckles: many tiny dark specks with nothing dark
around them.
"""

from __future__ import annotations

import cv2
import numpy as np

SPECKLE_SHARE = 0.00005  # isolated dark pixels per page pixel that make a page "noisy"


def speckle_share(gray: np.ndarray, bands: int = 8, band_rows: int = 48) -> float:
    """Dark specks of at most 4 pixels alone in their 7x7 window, per pixel, in a few bands.

    Thin strokes and diacritics fill more of the window, so clean text scores ~0.
    """
    h = gray.shape[0]
    found = total = 0
    for k in range(bands):
        top = (2 * k + 1) * h // (2 * bands)
        band = gray[max(0, top - band_rows // 2) : top + band_rows // 2]
        if band.shape[0] < 3:
            continue
        dark = cv2.compare(band, 128, cv2.CMP_LT) // 255
        crowd = cv2.boxFilter(dark, -1, (7, 7), normalize=False)
        isolated = cv2.bitwise_and(dark, cv2.compare(crowd, 4, cv2.CMP_LE))
        found += cv2.countNonZero(isolated[3:-3])
        total += (band.shape[0] - 6) * band.shape[1]
    return found / max(total, 1)


def despeckle(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """(image, changed): the 3x3 median when the page is speckled, else the page unchanged."""
    if speckle_share(gray) < SPECKLE_SHARE:
        return gray, False
    return cv2.medianBlur(gray, 3), True
