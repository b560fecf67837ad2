"""Stamps, blank pages, speckles, uneven light, borders/punch holes and phone-photo perspective."""

from __future__ import annotations

import os
import unicodedata

import cv2
import numpy as np
import pytesseract
import pytest
from rapidfuzz.distance import Levenshtein

from ocr.preprocess import prepare
from ocr.preprocess.deskew import text_angle
from ocr.preprocess.view import make_view
from tests.test_preprocess_pages import (
    add_red_seal,
    add_speckles,
    add_uneven_light,
    render_page,
    render_short_page,
)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page(seed=7, dpi=300, lines=60)[0]


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _cer(found: str, truth: str) -> float:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split())

    return Levenshtein.distance(norm(found), norm(truth)) / max(1, len(norm(truth)))


def _read(gray: np.ndarray) -> str:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return pytesseract.image_to_string(gray, lang="vie", config="--psm 6")


def test_red_seal_removed_and_text_under_it_kept(page):
    seal_centre, radius = (1250, 1250), 330
    stamped = add_red_seal(page, seal_centre, radius)
    result = prepare(stamped, 300)
    assert "stamps" in result.applied
    ocr = result.ocr_image
    red = (stamped[:, :, 2] > 150) & (stamped[:, :, 0] < 100)  # pure seal ink, no text under it
    assert red.sum() > 20_000
    assert np.percentile(ocr[red], 5) > 200  # seal ink reads as paper
    text = page.min(axis=2) < 60
    under = text & (
        np.hypot(
            *np.mgrid[0 : page.shape[0], 0 : page.shape[1]][::-1]
            - np.array(seal_centre)[:, None, None]
        )
        < radius
    )
    assert under.sum() > 2_000
    assert np.median(ocr[under]) < 80  # black print under the seal stays black
    assert np.median(ocr[text]) < 80
    # and Tesseract reads the stamped lines better than from the plain gray page
    y0, y1 = seal_centre[1] - radius, seal_centre[1] + radius
    truth = _read(_gray(page)[y0:y1])
    plain = _cer(_read(_gray(stamped)[y0:y1]), truth)
    cleaned = _cer(_read(ocr[y0:y1]), truth)
    assert cleaned < plain and cleaned < 0.05, (cleaned, plain)


def test_a_faded_seal_is_removed_too(page):
    """A pale pink seal (saturation ~75, as on the generator's "mild" scans) made Tesseract drop
    the signature block it overlaps, date line and all."""
    faded = add_red_seal(page, (1250, 1250), 330, red=(165, 155, 225))
    result = prepare(faded, 300)
    assert "stamps" in result.applied
    ink = (faded[:, :, 2] > 200) & (faded[:, :, 0] < 180) & (faded[:, :, 0] > 140)
    assert ink.sum() > 20_000
    assert np.percentile(result.ocr_image[ink], 5) > 235


def test_plain_black_page_is_not_touched_by_stamp_step(page):
    result = prepare(page, 300)
    assert "stamps" not in result.applied
    assert np.array_equal(result.ocr_image, _gray(page))


def _white(dpi: int = 300) -> np.ndarray:
    return np.full((round(11.69 * dpi), round(8.27 * dpi), 3), 255, np.uint8)


def _bleed_through(dpi: int = 300) -> np.ndarray:
    """The mirrored text of the sheet's back, faint, on slightly grey paper."""
    back, _ = render_page(seed=9, dpi=dpi, lines=40)
    back = cv2.flip(back, 1)
    faint = 255 - ((255 - back.astype(np.int16)) * 0.16).astype(np.int16)
    paper = np.full_like(faint, 246)
    return np.minimum(paper, faint).astype(np.uint8)


@pytest.mark.parametrize(
    "name",
    ["white", "speckled", "bleed-through", "bleed-through speckled", "border and holes"],
)
def test_pages_without_text_are_blank(name):
    image = _bleed_through() if "bleed" in name else _white()
    if "speckled" in name:
        image = add_speckles(image, seed=1, fraction=0.002)
    if "holes" in name:
        image[:, :70] = 20
        for y in (900, 2600):
            cv2.circle(image, (240, y), 36, (15, 15, 15), -1)
    result = prepare(image, 300)
    assert result.blank, name


@pytest.mark.parametrize(
    ("text", "where"),
    [("Trang 2", "top"), ("Ghi chú: không", "bottom"), ("Hết", "top"), ("QĐ 12/UBND", "bottom")],
)
def test_page_with_one_short_line_is_not_blank(text, where):
    image = render_short_page(text)
    if where == "bottom":
        image = cv2.flip(image, 0)  # move the line down (mirrored letters are still letters)
    assert not prepare(image, 300).blank
    noisy = add_speckles(image, seed=2, fraction=0.002)
    assert not prepare(noisy, 300).blank


def test_text_page_is_never_blank_even_faint(page):
    faint = 255 - ((255 - page.astype(np.int16)) * 0.55).astype(np.int16)  # grey photocopy
    assert not prepare(faint.astype(np.uint8), 300).blank
    assert not prepare(page, 300).blank


def _specks(gray: np.ndarray) -> int:
    dark = (gray < 128).astype(np.uint8)
    crowd = cv2.boxFilter(dark, -1, (7, 7), normalize=False)
    return int((dark.astype(bool) & (crowd <= 4)).sum())


def test_speckles_removed_only_when_present(page):
    noisy = add_speckles(page, seed=3, fraction=0.002)
    result = prepare(noisy, 300)
    assert "denoise" in result.applied
    assert _specks(result.ocr_image) < 0.05 * _specks(_gray(noisy))
    text_before = (_gray(page) < 128).sum()
    text_after = (result.ocr_image < 128).sum()
    assert 0.8 * text_before < text_after < 1.1 * text_before
    assert "denoise" not in prepare(page, 300).applied


def test_uneven_light_flattened_and_text_kept(page):
    photo = add_uneven_light(page, strength=0.5)
    result = prepare(photo, 300)
    assert "illumination" in result.applied
    ocr = result.ocr_image
    empty = _gray(page) == 255
    paper = ocr[empty]
    assert np.percentile(paper, 95) - np.percentile(paper, 5) < 25
    assert np.percentile(_gray(photo)[empty], 95) - np.percentile(_gray(photo)[empty], 5) > 80
    text = _gray(page) < 60
    assert np.median(ocr[text]) < 90
    assert "illumination" not in prepare(page, 300).applied


def test_dark_border_and_punch_holes_whitened_text_kept(page):
    scanned = page.copy()
    scanned[:, :80] = 25  # scanner lid border along the left edge
    scanned[-60:, :] = 30  # and along the bottom
    holes = [(230, 1000), (230, 2500)]
    for x, y in holes:
        cv2.circle(scanned, (x, y), 35, (10, 10, 10), -1)  # 6 mm holes
    result = prepare(scanned, 300)
    assert "borders" in result.applied
    ocr = result.ocr_image
    assert ocr[:, :80].min() >= 200 and ocr[-60:, :].min() >= 200
    for x, y in holes:
        assert ocr[y - 30 : y + 30, x - 30 : x + 30].min() >= 200
    text = _gray(page) < 60
    assert np.median(ocr[text]) < 60 and (ocr[text] < 128).mean() > 0.95


def _phone_photo(page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page lying on a dark desk, photographed at an angle (keystone)."""
    h, w = page.shape[:2]
    desk = np.full((4000, 3200, 3), (60, 70, 80), np.uint8)
    rng = np.random.default_rng(5)
    desk = cv2.add(desk, rng.integers(0, 25, desk.shape, dtype=np.uint8))
    corners = np.float32([[420, 380], [2780, 520], [2900, 3620], [300, 3500]])
    source = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    matrix = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(page, matrix, (3200, 4000), borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (3200, 4000))
    photo = np.where(inside[:, :, None] > 127, warped, desk)
    return photo, corners


def test_phone_photo_sheet_found_and_flattened(page):
    photo, _ = _phone_photo(page)
    result = prepare(photo, 250)
    assert "perspective" in result.applied
    h, w = result.ocr_image.shape
    assert abs(h / w - 297 / 210) < 0.02
    assert result.rotation == 0
    level = text_angle(make_view(result.ocr_image, result.dpi).ink)
    assert level is not None and abs(level.degrees) < 0.3
    # the desk is gone: no dark band left along the edges
    assert np.median(result.ocr_image[:, :20]) > 200 and np.median(result.ocr_image[:20]) > 200


def test_phone_photo_with_a_shadow_over_part_of_the_sheet_is_flattened(page):
    """A hand's shadow darkens one side of the sheet below the paper/desk cut Otsu makes: the
    sheet is still found (a lower cut), not its lit part only."""
    photo, _ = _phone_photo(page)
    h, w = photo.shape[:2]
    shade = np.ones((h, w), np.float32)
    shade[:, : w // 2] = np.linspace(0.4, 1.0, w // 2)[None, :]  # soft, over half the photo
    shadowed = (photo.astype(np.float32) * shade[:, :, None]).astype(np.uint8)
    result = prepare(shadowed, 250)
    assert "perspective" in result.applied
    rows, cols = result.ocr_image.shape
    assert abs(rows / cols - 297 / 210) < 0.02
    level = text_angle(make_view(result.ocr_image, result.dpi).ink)
    assert level is not None and abs(level.degrees) < 0.3


def test_flatbed_scan_is_not_warped(page):
    result = prepare(page, 300)
    assert "perspective" not in result.applied
    assert result.ocr_image.shape == page.shape[:2]


def test_shadowed_flatbed_scan_is_not_mistaken_for_a_photo(page):
    h, w = page.shape[:2]
    shade = np.ones((h, w), np.float32)
    shade[:, : w // 5] = np.linspace(0.45, 1.0, w // 5)[None, :]  # soft shadow along one edge
    shadowed = (page.astype(np.float32) * shade[:, :, None]).astype(np.uint8)
    result = prepare(shadowed, 300)
    assert "perspective" not in result.applied
    assert result.ocr_image.shape == page.shape[:2]


def test_skewed_scan_with_dark_corners_is_deskewed_not_warped(page):
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 4.0, 1.0)
    scanned = cv2.warpAffine(page, matrix, (w, h), borderValue=(40, 40, 40))  # dark lid corners
    result = prepare(scanned, 300)
    assert "perspective" not in result.applied
    assert abs(result.skew_degrees - 4.0) <= 0.1
