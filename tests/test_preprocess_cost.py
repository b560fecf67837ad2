"""Cheaper computations in preprocessing give the very pixels of the plain ones they replaced
(issue 20: hard pages' cleanup cost), checked against those plain formulations here."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess import stamps
from ocr.preprocess.view import View, make_view, text_ink


def _split_chroma(bgr: np.ndarray) -> np.ndarray:
    blue, green, red = cv2.split(bgr)
    return cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))


def _stamped_page(seed: int = 3) -> np.ndarray:
    """Paper with grain, black text, a red seal over it and blue pen letters."""
    rng = np.random.default_rng(seed)
    page = np.full((601, 433, 3), 236, np.uint8)
    page = cv2.add(page, rng.integers(0, 18, page.shape, dtype=np.uint8))
    for row in range(40, 560, 30):
        for col in range(20, 400, 24):
            cv2.putText(page, "ab", (col, row), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (20, 20, 20), 1)
    cv2.circle(page, (300, 400), 90, (40, 40, 210), 5)
    cv2.putText(page, "SEAL", (240, 410), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (50, 50, 200), 3)
    cv2.putText(page, "Nam 1980", (30, 300), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (170, 60, 20), 2)
    return cv2.GaussianBlur(page, (3, 3), 0)


def _plain_suppress(bgr: np.ndarray) -> np.ndarray:
    """stamps.suppress on unpatterned paper as it was written before (issue 20)."""
    chroma = _split_chroma(bgr)
    lum = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    pen = stamps._small_marks(cv2.subtract(chroma, stamps.DEAD_ZONE))
    chroma = cv2.subtract(chroma, stamps.DEAD_ZONE)
    if pen is not None:
        chroma = cv2.bitwise_and(chroma, cv2.bitwise_not(pen))
    return cv2.addWeighted(lum, 1.0, chroma, stamps.LIFT, 0.0)


def test_chroma_on_the_rows_equals_the_split_channels():
    rng = np.random.default_rng(7)
    for shape in ((5, 7, 3), (64, 33, 3), (2, 1, 3)):
        bgr = rng.integers(0, 256, shape, dtype=np.uint8)
        assert np.array_equal(stamps._chroma(bgr), _split_chroma(bgr))
        for minus in (16, 250):
            expected = cv2.subtract(_split_chroma(bgr), minus)
            assert np.array_equal(stamps._chroma(bgr, minus), expected)
    view = np.random.default_rng(1).integers(0, 256, (20, 30, 3), dtype=np.uint8)[:, ::2]
    assert np.array_equal(stamps._chroma(view), _split_chroma(np.ascontiguousarray(view)))


def test_suppress_gives_the_pixels_it_gave_before():
    page = _stamped_page()
    assert stamps._small_marks(cv2.subtract(_split_chroma(page), stamps.DEAD_ZONE)) is not None
    expected = _plain_suppress(page)
    assert np.array_equal(stamps.suppress(page, False), expected)
    lum = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert np.array_equal(stamps.suppress(page, False, lum), expected)


def _lookup_text_ink(view: View) -> np.ndarray:
    """view.text_ink as a whole-page label lookup (how it was written before)."""
    count, labels, stats = view.marks()
    h, w = view.ink.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    drop = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    drop |= np.minimum(bw, bh) > 12 / 25.4 * view.dpi
    drop[0] = True
    return (~drop).astype(np.uint8)[labels]


def test_text_ink_clears_the_same_marks_box_by_box_and_by_lookup():
    gray = cv2.cvtColor(_stamped_page(), cv2.COLOR_BGR2GRAY)
    gray[:, :6] = 30  # a scanner border down the left edge
    cv2.rectangle(gray, (150, 150), (260, 260), 10, -1)  # a photo: a big mark
    view = make_view(gray, 100)
    expected = _lookup_text_ink(view)
    assert expected.sum() < view.ink.sum()  # marks were dropped
    assert np.array_equal(text_ink(view), expected)
    frame = gray.copy()  # a frame round the page: its box is the page, the lookup is used
    cv2.rectangle(frame, (0, 0), (frame.shape[1] - 1, frame.shape[0] - 1), 0, 3)
    framed = make_view(frame, 100)
    assert np.array_equal(text_ink(framed), _lookup_text_ink(framed))
