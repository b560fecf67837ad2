"""Orientation and deskew on rendered pages with exactly known rotation and skew."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.preprocess import ALL_STEPS, DEFAULT_STEPS, prepare
from ocr.preprocess.deskew import text_angle
from ocr.preprocess.view import make_view
from tests.test_preprocess_pages import render_page, rotate_page, skew_page


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page(seed=4, dpi=300)[0]


@pytest.mark.parametrize("skew", [-14.9, -9.37, -3.2, -0.7, 0.3, 1.05, 6.66, 12.4, 15.0])
def test_skew_recovered_within_a_tenth_of_a_degree(page, skew):
    result = prepare(skew_page(page, skew), 300)
    assert result.rotation == 0
    assert abs(result.skew_degrees - skew) <= 0.1, result.skew_degrees


@pytest.mark.parametrize("correction", [0, 90, 180, 270])
def test_all_four_rotations_recovered(page, correction):
    scanned = rotate_page(page, correction)
    result = prepare(scanned, 300)
    assert result.rotation == correction
    assert result.ocr_image.shape == page.shape[:2]  # upright again: portrait
    assert "osd" not in result.applied  # the line-shape method was sure on its own


@pytest.mark.parametrize(("correction", "skew"), [(90, 4.2), (180, -7.5), (270, -11.1)])
def test_rotation_and_skew_together_leave_straight_upright_text(correction, skew):
    page, _ = render_page(seed=correction, dpi=300)
    result = prepare(rotate_page(skew_page(page, skew), correction), 300)
    assert result.rotation == correction
    assert abs(result.skew_degrees - skew) <= 0.1
    # the output itself has level lines and correlates with the original page
    again = text_angle(make_view(result.ocr_image, 300).ink)
    assert again is not None and not again.vertical and abs(again.degrees) < 0.1
    ink_then = page.min(axis=2) < 128
    ink_now = result.ocr_image < 128
    overlap = (ink_then & ink_now).sum() / ink_then.sum()
    assert overlap > 0.5  # same text at the same place (skew warps keep the page centre)


def test_pdf_image_has_the_ocr_geometry_and_keeps_colour(page):
    coloured = page.copy()
    coloured[100:200, 100:400] = (200, 120, 20)  # a blue-ish box (colour page)
    result = prepare(rotate_page(skew_page(coloured, 2.0), 90), 300)
    assert result.pdf_image.shape[:2] == result.ocr_image.shape
    assert result.pdf_image.ndim == 3 and result.ocr_image.ndim == 2
    b, g, r = result.pdf_image[130:170, 150:350].reshape(-1, 3).mean(axis=0)
    assert b > r + 100  # still blue, and back in place after rotation


def test_steps_switch_off_by_name(page):
    scanned = rotate_page(skew_page(page, 3.0), 180)
    nothing = prepare(scanned, 300, steps=frozenset())
    assert (nothing.rotation, nothing.skew_degrees) == (0, 0.0)
    assert np.array_equal(nothing.ocr_image, cv2.cvtColor(scanned, cv2.COLOR_BGR2GRAY))
    only_deskew = prepare(scanned, 300, steps=frozenset({"deskew"}))
    assert only_deskew.rotation == 0 and abs(only_deskew.skew_degrees - 3.0) <= 0.1
    assert set(DEFAULT_STEPS) <= set(ALL_STEPS)
    with pytest.raises(ValueError, match="unknown"):
        prepare(scanned, 300, steps=frozenset({"sharpen"}))


def test_timings_reported_per_step(page):
    result = prepare(skew_page(page, 1.0), 300)
    assert {"view", "blank", "lines", "orientation", "straighten", "total"} <= set(result.timings)
    assert all(v >= 0 for v in result.timings.values())
    assert result.timings["total"] >= max(v for k, v in result.timings.items() if k != "total")


def test_low_resolution_page_is_upscaled_with_both_images(page):
    low = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # 150 dpi
    result = prepare(skew_page(low, -2.5), 150)
    assert result.dpi == 300
    assert np.abs(np.subtract(result.ocr_image.shape, page.shape[:2])).max() <= 2
    assert result.pdf_image.shape[:2] == result.ocr_image.shape
    assert abs(result.skew_degrees + 2.5) <= 0.1
    kept = prepare(low, 150, steps=DEFAULT_STEPS - {"upscale"})
    assert kept.dpi == 150 and kept.ocr_image.shape == low.shape[:2]
