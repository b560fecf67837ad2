"""Text size measured on the page itself, so resolution metadata is never needed nor trusted.

A phone photo forwarded by a messaging app is 500-1000 px wide with no DPI (or the 72 dpi phones
write whatever the photo); a scanner writes its true resolution. Either way the letters decide:
the median height of letter-sized ink marks gives the page's effective resolution, and a page
whose letters are too small to read is enlarged to a working size before anything else looks at
it (analysis views, orientation and line finding all assume letters of a sensible size).

    size = measure(gray)                     # TextSize(height_px, marks) or None
    image, dpi = working_size(image, dpi)    # enlarged copy and the dpi it now has
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Commonest letter-mark height (x-height) of body text at 300 dpi (12-14 pt, Times-like and
# sans): measured on clean training-family pages (tests/test_textsize.py checks it).
REF_HEIGHT_300 = 26.0
WORKING_DPI = 300  # what small text is enlarged to
SMALL_BELOW_DPI = 190  # effective resolution under which letters are enlarged
MAX_ENLARGE = 4.0
TRUST_RATIO = 1.45  # metadata within this factor of the measured resolution is kept
MIN_MARKS = 40  # fewer letter-like marks: no measurement (blank, photo, drawing)
MEASURE_LONG_SIDE = 2400  # bigger pages are measured on a copy halved (or quartered)
# A3's long side is 16.5 in. A measurement that makes the image a bigger sheet than this took
# grain, blur halos or a card's fine print for letters (bench/ocr.py hard pages: 200 dpi scans
# measured at 38-105 dpi, enlarged up to 8x and read at 240 Mpx); the metadata is kept.
MAX_SHEET_INCHES = 18.0


@dataclass(frozen=True)
class TextSize:
    height: float  # commonest letter-mark height (~x-height), pixels of the measured image
    marks: int  # letter-like marks measured

    def dpi(self) -> float:
        """Effective resolution: the dpi at which body text has this letter height."""
        return 300.0 * self.height / REF_HEIGHT_300


def measure(gray: np.ndarray) -> TextSize | None:
    """Median height of letter-like ink marks (None when the page has too few)."""
    step = 1
    while max(gray.shape[:2]) / step > MEASURE_LONG_SIDE:
        step *= 2
    small = gray if step == 1 else cv2.resize(
        gray, None, fx=1 / step, fy=1 / step, interpolation=cv2.INTER_AREA
    )  # fmt: skip
    h, w = small.shape[:2]
    block = max(15, (min(h, w) // 25) | 1)
    ink = cv2.adaptiveThreshold(
        small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 18
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= MIN_MARKS:
        return None
    bw, bh, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    short, long = np.minimum(bw, bh), np.maximum(bw, bh)
    letter = (short >= 3) & (long <= min(h, w) / 25) & (long <= short * 2.5)
    letter &= area >= 0.2 * bw * bh  # strokes of a background pattern are not solid
    if np.count_nonzero(letter) < MIN_MARKS:
        return None
    # Letters are measured both ways, so a page turned by 90 degrees measures the same: the
    # larger of the two commonest extents is the x-height (x-height letters are no wider).
    sizes = [_lowest_peak(v[letter].astype(np.float32)) for v in (bh, bw)]
    found = [s for s in sizes if s is not None]
    if not found:
        return None
    return TextSize(max(found) * step, int(np.count_nonzero(letter)))


def _lowest_peak(values: np.ndarray) -> float | None:
    """The lowest strong peak of the extents (diacritics and dots below half of the upper
    quartile are left out; capitals and ascenders make a higher peak)."""
    core = values[values >= 0.45 * np.percentile(values, 75)]
    if core.size < MIN_MARKS // 2:
        return None
    counts = np.bincount(core.astype(np.int64)).astype(np.float64)
    padded = np.concatenate(([0.0], counts, [0.0]))
    strong = counts >= 0.3 * counts.max()
    peaks = [
        i for i in range(len(counts))
        if strong[i] and counts[i] >= padded[i] and counts[i] >= padded[i + 2]
    ]  # fmt: skip
    mode = peaks[0]
    return float(core[np.abs(core - mode) <= 1].mean())


def effective_dpi(gray: np.ndarray, dpi: int | None) -> int:
    """The resolution to work with: the metadata when the letters agree with it, else the one
    the letters imply unless that makes the image a sheet over MAX_SHEET_INCHES long (no
    measurement: the metadata, or 300 without any)."""
    size = measure(gray)
    if size is None:
        return int(dpi) if dpi else WORKING_DPI
    found = size.dpi()
    if dpi and 1 / TRUST_RATIO <= found / dpi <= TRUST_RATIO:
        return int(dpi)
    if dpi and max(gray.shape[:2]) / found > MAX_SHEET_INCHES:
        return int(dpi)  # no sheet is that big: the marks measured were not body text
    return max(30, int(round(found)))


def working_size(
    image: np.ndarray, dpi: int | None, *, enlarge: bool = True, gray: np.ndarray | None = None
) -> tuple[np.ndarray, int, bool]:
    """(image, dpi, enlarged): dpi from the letters, small text enlarged to WORKING_DPI.
    `gray`: the page to measure on, when not plain luminance (coloured marks lifted)."""
    if gray is None:
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    found = effective_dpi(gray, dpi)
    if found >= SMALL_BELOW_DPI or not enlarge:
        return image, found, False
    factor = min(MAX_ENLARGE, WORKING_DPI / found)
    big = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return big, int(round(found * factor)), True
