"""Low-resolution phone images (the training capture phone_small, made to fit small-text
reading on): the letters give the page's resolution without any metadata, and small text is
enlarged before anything else looks at the page."""

from __future__ import annotations

import random

import cv2
import numpy as np

from ocr.preprocess import textsize
from samples.capture import capture
from samples.generate import sample_page


def _phone_small(seed: int, stamp: bool = True) -> np.ndarray:
    image, _ = sample_page(seed, doc_type="quyet_dinh", stamp=stamp, dpi=300)
    small, dpi, _ = capture(image, "phone_small", random.Random(seed), 300)
    assert dpi == 0 and small.shape[1] <= 1400
    return small


def test_small_photo_text_size_is_measured_and_enlarged():
    photo = _phone_small(5, stamp=False)
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    found = textsize.measure(gray).dpi()
    sheet_dpi = photo.shape[1] / 8.27  # the sheet fills the frame but for 1-4% margins
    assert 0.8 * sheet_dpi <= found <= 1.6 * sheet_dpi, (found, sheet_dpi)
    big, dpi, enlarged = textsize.working_size(photo, None)
    assert enlarged and big.shape[1] >= 1.5 * photo.shape[1] and dpi >= 250


def test_generated_pages_can_force_one_family(tmp_path):
    """bench/lowres.py draws a split's pages with one capture forced: every page carries it."""
    from samples.generate import generate_pages

    pages = generate_pages(tmp_path, seed=3, n_pages=3, split="train", workers=1,
                           forced={"capture": "phone_small"})  # fmt: skip
    texted = [p for p in pages if not p.blank]
    assert texted and all(any(d.startswith("phone_small_") for d in p.defects) for p in texted)
