"""Never worse than the engine: the pipeline's read of a page is checked against a plain read.

Cleaning a page (seal removal, illumination, deskew, turning) is a bet; on pages unlike the
ones it was tuned on it can lose text the engine alone would have read. So when the pipeline's
read is unsure (low mean confidence, no text at all) or the page was turned by 90/180/270
degrees and its read does not show the turn was right (TURNED_SURE), the page as loaded is
read too, only brought to a working text size, and the more confident reading is kept: a page
is turned only when the turned read beats the upright one.
A page with ink that still yields no text is never silently empty: it carries a warning and a
review mark.

An unsure read is first checked against a cheap probe (`probe`): one band of text lines, read
as it is, mirrored left-right, turned by 180 degrees and flipped top-bottom (~0.3 s of CPU
each). Text that reads
mirrored is the other side of the sheet showing through (a bilevel scanner turns faint
show-through into black text): the page is blank. A full read at 180 degrees is made only when
the band reads better that way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.preprocess.textsize import working_size

PLAIN_GATE = 0.60  # reads below this mean confidence are checked against a plain read (0.80
# checked 18 of 64 bench pages and kept none: a tesseract pass each for nothing)
# A turned page read at least this confidently, with at least TURNED_MIN_CHARS of text, was
# turned right: text read sideways is junk (~0.3-0.5, most of it dropped) and upside down ~0.55,
# so the page as loaded cannot win and is not read again (bench/ocr.py before this gate: 0 of
# 11 checked family pages kept plain, rotation 25/25 right on the medium+hard pages).
TURNED_SURE = 0.80
TURNED_MIN_CHARS = 100
PLAIN_MARGIN = 0.03  # an upright pipeline read is replaced only by a clearly more confident one
MIN_TEXT_SHARE = 0.7  # ... that also keeps most of its text
EMPTY_PAGE_WARNING = "no text could be read from a page that is not blank"
SHOW_THROUGH_WARNING = "mirrored text (the other side showing through): treated as blank"
# Probe band: the ~1.2 inch of page rows with the most ink (5-7 lines of body text), read as one
# block. Measured on generated pages: upright text reads 0.84-0.95 as it is and 0.38-0.53
# mirrored; show-through reads 0.36 as it is and 0.73 mirrored.
PROBE_INCHES = 1.2
MIRROR_MARGIN = 0.20  # the mirrored band must read this much more confidently ...
MIRROR_MIN = 0.60  # ... and at least this confidently
# A band that reads at least this well as it is is neither the other side showing through
# (0.36 as it is) nor upside down (turned text reads like mirrored text, ~0.4-0.55): the three
# other reads of the probe would change nothing and are not made.
PROBE_SURE = 0.80


@dataclass
class PlainRead:
    result: object  # ocr.recognize.Recognition
    gray: np.ndarray
    bgr: np.ndarray
    dpi: int


def wants_plain_read(result, rotation: int) -> bool:
    """Is the pipeline's read worth checking (unsure, empty, or from a turned page whose read
    does not show the turn was right)?"""
    text = result.text.strip()
    if not text or result.mean_confidence < PLAIN_GATE:
        return True
    sure_turn = result.mean_confidence >= TURNED_SURE and len(text) >= TURNED_MIN_CHARS
    return bool(rotation) and not sure_turn


def plain_read(image: np.ndarray, dpi: int, read: Callable[[np.ndarray, int], object]) -> PlainRead:
    """The page as loaded (upright as stored, not deskewed or cleaned), text at working size."""
    bgr, dpi, _ = working_size(image, dpi)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    if bgr.ndim == 2:
        bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
    return PlainRead(read(gray, dpi), gray, bgr, dpi)


def plain_wins(plain, piped, turned: bool) -> bool:
    """Keep the plain read? A turned page must beat the upright read; an upright pipeline read
    is replaced only by a clearly more confident plain read keeping most of the text."""
    if not plain.text.strip():
        return False
    if not piped.text.strip():
        return True
    if turned:  # sideways glyphs read as a few confident strokes: weigh the text read too
        more_sure = plain.mean_confidence >= piped.mean_confidence
        return more_sure and confident_chars(plain) >= confident_chars(piped)
    more_sure = plain.mean_confidence > piped.mean_confidence + PLAIN_MARGIN
    keeps_text = len(plain.text) >= MIN_TEXT_SHARE * len(piped.text)
    return more_sure and keeps_text and confident_chars(plain) >= confident_chars(piped)


@dataclass
class Probe:
    upright: float  # mean confidence of the band as it is
    mirrored: float  # ... flipped left-right (a sheet turned over sideways)
    turned: float  # ... turned by 180 degrees
    flipped: float  # ... flipped top-bottom (a sheet turned over head first)
    reads: int = 4  # band reads made (1: upright read well, the other views not read)

    @property
    def show_through(self) -> bool:
        """The band reads clearly better mirrored: the back of a sheet, not text of its own."""
        best = max(self.mirrored, self.flipped)
        return best >= MIRROR_MIN and best >= max(self.upright, self.turned) + MIRROR_MARGIN

    @property
    def upside_down(self) -> bool:
        """Worth a full read at 180 degrees: the band reads better turned."""
        return self.turned > self.upright


def text_band(gray: np.ndarray, dpi: int) -> np.ndarray:
    """The PROBE_INCHES of rows with the most ink (the whole page when it is shorter)."""
    rows = int(PROBE_INCHES * dpi)
    if gray.shape[0] <= rows:
        return gray
    ink = cv2.reduce(cv2.compare(gray, 128, cv2.CMP_LT) // 255, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S)
    window = np.convolve(ink.ravel().astype(np.float64), np.ones(rows), mode="valid")
    top = int(np.argmax(window))
    return gray[top : top + rows]


def probe(gray: np.ndarray, dpi: int, read: Callable[[np.ndarray, int], object]) -> Probe:
    """Read the page's densest text band as it is; unless it reads well (PROBE_SURE), also
    mirrored, turned and flipped (up to four small reads)."""
    band = text_band(gray, dpi)
    upright = read(band, dpi).mean_confidence
    if upright >= PROBE_SURE:
        return Probe(upright, 0.0, 0.0, 0.0, reads=1)
    views = [cv2.flip(band, 1), cv2.rotate(band, cv2.ROTATE_180), cv2.flip(band, 0)]
    return Probe(upright, *(read(view, dpi).mean_confidence for view in views))


def confident_chars(result) -> float:
    """Characters read, each weighted by its word's confidence."""
    words = getattr(result, "words", None)
    if words is None:
        return len(result.text.replace(" ", "")) * result.mean_confidence
    return sum(len(w.text) * w.confidence for w in words)


def empty_page_warnings(pages) -> list[str]:
    """Mark every non-blank page without text for review; the result's warnings name them."""
    out = []
    for page in pages:
        if not page.blank and not page.text.strip() and page.text_source == "ocr":
            page.needs_review = True
            if EMPTY_PAGE_WARNING not in page.warnings:
                page.warnings.append(EMPTY_PAGE_WARNING)
            out.append(f"page {page.number}: {EMPTY_PAGE_WARNING}")
    return out
