"""Low-resolution phone images (the training capture phone_small): small text is enlarged
before anything else looks at the page, and a page that coarse is never whitened as paper
printed with a pattern (JPEG colour fringes around small letters pass for one)."""

from __future__ import annotations

import random

import cv2
import numpy as np

from ocr.preprocess import cleanup, textsize
from samples.capture import capture
from samples.generate import sample_page


def _phone_small(seed: int, stamp: bool = True) -> np.ndarray:
    image, _ = sample_page(seed, doc_type="quyet_dinh", stamp=stamp, dpi=300)
    small, dpi, _ = capture(image, "phone_small", random.Random(seed), 300)
    assert dpi == 0 and small.shape[1] <= 1400
    return small


def test_small_text_page_is_not_whitened_as_patterned_paper(monkeypatch):
    lifted: list[bool | None] = []
    real = cleanup.stamps_step.suppress

    def spy(bgr, patterned=None):
        lifted.append(patterned)
        return real(bgr, patterned)

    monkeypatch.setattr(cleanup.stamps_step, "is_patterned", lambda bgr: True)  # fringes
    monkeypatch.setattr(cleanup.stamps_step, "suppress", spy)
    photo = _phone_small(3)
    prepared = cleanup.prepare(photo, round(max(photo.shape[:2]) / 11.69))
    assert "textsize" in prepared.applied and "stamps" in prepared.applied
    # measured once as it came (patterned, as asked), then read enlarged and not whitened
    assert len(lifted) >= 2 and not any(lifted[1:]), lifted
    big, _ = sample_page(3, doc_type="quyet_dinh", stamp=True, dpi=300)  # a 300 dpi scan
    lifted.clear()
    cleanup.prepare(big, 300)
    assert lifted and all(lifted), lifted  # still whitened where the pattern is resolved


def test_small_photo_text_size_is_measured_and_enlarged():
    photo = _phone_small(5, stamp=False)
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    found = textsize.measure(gray).dpi()
    sheet_dpi = photo.shape[1] / 8.27  # the sheet fills the frame but for 1-4% margins
    assert 0.8 * sheet_dpi <= found <= 1.6 * sheet_dpi, (found, sheet_dpi)
    big, dpi, enlarged = textsize.working_size(photo, None)
    assert enlarged and big.shape[1] >= 1.5 * photo.shape[1] and dpi >= 250
