"""Speckle removal: isolated dark dots (dust, scanner noise) that Tesseract reads as punctuation.

Only the specks themselves are painted white: dark pixels with at most 3 other dark pixels in
their 7x7 neighbourhood. Letters, even thin diacritics and i-dots, fill more of that window, so
they are untouched (a 3x3 median, the usual tool, nibbles strokes at 200 dpi and measurably
raised the error rate). Runs only when a cheap sample of bands finds specks at all.

Dense salt-and-pepper (`is_dense`, `clear_dense`) is another matter: it is removed first, before
the letter size, the orientation or the blank check measure the page (see DENSE_SHARE).
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
    """(image, changed): specks painted white when the page is speckled, else unchanged."""
    if speckle_share(gray) < SPECKLE_SHARE:
        return gray, False
    dark = cv2.threshold(gray, 127, 1, cv2.THRESH_BINARY_INV)[1]  # 1 under 128
    crowd = cv2.boxFilter(dark, -1, (7, 7), normalize=False)
    specks = cv2.bitwise_and(cv2.compare(crowd, 4, cv2.CMP_LE), cv2.compare(dark, 0, cv2.CMP_GT))
    return cv2.bitwise_or(gray, specks), True  # specks (255) white; whole-page numpy: +5 ms


# Dense noise: a bilevel scan of a page whose paper tone met the scanner's threshold (a faint or
# grey sheet through an Otsu-like black-and-white mode) is salt-and-pepper over a quarter of its
# area; its 160,000 marks fool the letter-size measurement (a 300 dpi page taken for 100 dpi and
# enlarged 2.4x) and the orientation, and Tesseract spends minutes on them. Measured on 208
# generated bench pages (noise up to sigma 20, JPEG down to q40): at most 0.0026 isolated specks
# per pixel and 2,800 marks of at most 16 px per megapixel; such a page: 0.0075 and 17,300.
# Clearing it costs thin strokes, so a hard but readable page must stay well under both (on the
# ten noisiest bench pages it raised the CER from 0.031 to 0.107).
DENSE_SHARE = 0.004
DENSE_SPECKS_PER_MPX = 8000
SPECK_AREA = 16  # pixels
MIN_MARK_SHARE = 0.25  # after the median, marks smaller than (this x letter height)^2 are specks


def is_dense(gray: np.ndarray) -> bool:
    """Is the page so speckled that the specks must go before anything measures it?"""
    if speckle_share(gray) < DENSE_SHARE:
        return False
    ink = cv2.compare(gray, 128, cv2.CMP_LT) // 255
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] <= SPECK_AREA)
    return specks >= DENSE_SPECKS_PER_MPX * gray.size / 1e6


def clear_dense(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Salt-and-pepper removed: a median about 0.4 mm wide (5 px at 300 dpi; it also takes
    strokes thinner than that, which is why it runs only on dense noise), a 3x3 median for the
    ragged edges, then the marks left that are small beside the letters painted white."""
    from ocr.preprocess.textsize import REF_HEIGHT_300, measure

    size = max(3, int(round(dpi / 60)) | 1)
    out = cv2.medianBlur(cv2.medianBlur(gray, size), 3)
    out = _drop_marks(out, (size - 1) ** 2)  # clumps the median left: well under a letter
    letters = measure(out)
    height = letters.height if letters else REF_HEIGHT_300 * dpi / 300
    return _drop_marks(out, (MIN_MARK_SHARE * height) ** 2)


def _drop_marks(gray: np.ndarray, min_area: float) -> np.ndarray:
    ink = cv2.compare(gray, 128, cv2.CMP_LT) // 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    if count <= 1 or not small.any():
        return gray
    out = gray.copy()
    out[small[labels]] = 255
    return out
