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
    leaders = np.zeros(ids.size, bool)
    for shift in (0.0, 0.5):
        leaders |= _runs(cx, np.floor(cy / (0.5 * xh) + shift).astype(np.int64), MAX_GAP * xh)
    if not leaders.any():
        return None
    keep = np.zeros(count, np.uint8)
    keep[ids[leaders] + 1] = 255
    mask = keep[labels]
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _runs(cx: np.ndarray, rows: np.ndarray, max_gap: float) -> np.ndarray:
    """Which marks belong to a leader, with marks grouped into horizontal bands (`rows`): in each
    band, left to right, a run is a stretch of marks each at most `max_gap` right of the one
    before; a run of MIN_RUN or more marks whose gaps are regular (std / mean <= REGULAR) is a
    leader. (Vectorised: a page of specks has thousands of runs.)"""
    order = np.lexsort((cx, rows))  # by band, then left to right (stable, like sorting twice)
    x, band = cx[order], rows[order]
    gaps = np.diff(x)
    joined = (np.diff(band) == 0) & (gaps > 0) & (gaps <= max_gap)
    starts = np.flatnonzero(np.concatenate(([True], ~joined)))
    ends = np.concatenate((starts[1:], [x.size]))
    long = ends - starts >= MIN_RUN
    out = np.zeros(cx.size, bool)
    if not long.any():
        return out
    starts, ends = starts[long], ends[long]
    # the gaps of each run: gaps[start : end - 1]
    counts = ends - starts - 1
    owner = np.repeat(np.arange(starts.size), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    values = gaps[np.repeat(starts, counts) + within]
    mean = np.bincount(owner, values) / counts
    spread = np.sqrt(np.bincount(owner, (values - mean[owner]) ** 2) / counts)
    regular = (mean > 0) & (spread <= REGULAR * mean)
    for start, end in zip(starts[regular], ends[regular], strict=True):
        out[order[start:end]] = True
    return out


def remove(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, bool]:
    """The page with leader dots painted paper-white; (page, whether any were found)."""
    mask = leader_mask(gray, dpi)
    if mask is None:
        return gray, False
    return cv2.max(gray, mask), True  # mask is 0/255: white where it is set
