"""Never worse than the engine: the pipeline's read of a page is checked against a plain read.

Cleaning a page (seal removal, illumination, deskew, turning) is a bet; on pages unlike the
ones it was tuned on it can lose text the engine alone would have read. So when the pipeline's
read is unsure (low mean confidence, no text at all) or the page was turned by 90/180/270
degrees, the page as loaded is read too, only brought to a working text size, and the more
confident reading is kept: a page is turned only when the turned read beats the upright one.
A page with ink that still yields no text is never silently empty: it carries a warning and a
review mark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.preprocess.textsize import working_size

PLAIN_GATE = 0.60  # reads below this mean confidence are checked against a plain read (0.80
# checked 18 of 64 bench pages and kept none: a tesseract pass each for nothing)
PLAIN_MARGIN = 0.03  # an upright pipeline read is replaced only by a clearly more confident one
MIN_TEXT_SHARE = 0.7  # ... that also keeps most of its text
EMPTY_PAGE_WARNING = "no text could be read from a page that is not blank"


@dataclass
class PlainRead:
    result: object  # ocr.recognize.Recognition
    gray: np.ndarray
    bgr: np.ndarray
    dpi: int


def wants_plain_read(result, rotation: int) -> bool:
    """Is the pipeline's read worth checking (unsure, empty, or from a turned page)?"""
    return bool(rotation) or not result.text.strip() or result.mean_confidence < PLAIN_GATE


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
