"""Dot leaders of forms ('Họ và tên: ........') painted out before recognition.

Tesseract reads a row of dots as letters ('nh nh ni ni', '7021/71 ...'); the dots carry no text,
so they are removed from the page it reads: a leader is six or more small round marks in a row on
one baseline, evenly spaced. Letters, diacritics (the dot below of 'ạ', the dot of 'i') and
full stops never form such runs.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.textsize import REF_HEIGHT_300

MIN_RUN = 6  # dots in a row
MAX_DOT = 0.45  # largest dot, in x-heights
MAX_GAP = 2.2  # widest gap between neighbouring dots, in x-heights
REGULAR = 0.45  # spread of the gaps (std / mean) above which a row is not a leader


def leader_mask(gray: np.ndarray, dpi: int) -> np.ndarray | None:
    """uint8 0/255 mask of leader dots (slightly dilated), or None when the page has none."""
    xh = REF_HEIGHT_300 * dpi / 300
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, (int(dpi / 6) | 1), 20
    )
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= MIN_RUN:
        return None
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    small = (w <= MAX_DOT * xh) & (h <= MAX_DOT * xh) & (w >= 1) & (h >= 1)
    small &= (w <= 2.2 * h) & (h <= 2.2 * w) & (area >= 0.35 * w * h)
    ids = np.flatnonzero(small)
    if ids.size < MIN_RUN:
        return None
    cx, cy = centroids[ids + 1, 0], centroids[ids + 1, 1]
    leaders: set[int] = set()
    for row in _rows(cy, 0.5 * xh):
        row = row[np.argsort(cx[row], kind="stable")]
        run: list[int] = [int(row[0])]
        for k in row[1:]:
            gap = cx[k] - cx[run[-1]]
            if 0 < gap <= MAX_GAP * xh:
                run.append(int(k))
                continue
            leaders.update(_leader(run, cx))
            run = [int(k)]
        leaders.update(_leader(run, cx))
    if not leaders:
        return None
    keep = np.zeros(count, np.uint8)
    keep[ids[sorted(leaders)] + 1] = 255
    mask = keep[labels]
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _rows(cy: np.ndarray, band: float) -> list[np.ndarray]:
    """Indices grouped into horizontal bands of height `band`, twice (the second grid shifted
    by half a band), so a row of dots straddling one band boundary is whole in the other."""
    out = []
    for shift in (0.0, 0.5):
        keys = np.floor(cy / band + shift).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        breaks = np.flatnonzero(np.diff(keys[order])) + 1
        out += [g for g in np.split(order, breaks) if g.size >= MIN_RUN]
    return out


def _leader(run: list[int], cx: np.ndarray) -> list[int]:
    if len(run) < MIN_RUN:
        return []
    gaps = np.diff(cx[run])
    if gaps.mean() <= 0 or gaps.std() / gaps.mean() > REGULAR:
        return []
    return run


def remove(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, bool]:
    """The page with leader dots painted paper-white; (page, whether any were found)."""
    mask = leader_mask(gray, dpi)
    if mask is None:
        return gray, False
    out = gray.copy()
    out[mask > 0] = 255
    return out, True
