"""Coloured ink by what it is: a seal, stamp or printed background pattern reads as paper, the
values a citizen wrote on a form with a blue ballpoint stay text; punch holes are found only
where paper surrounds them (bold letters on a patterned page are not holes)."""

from __future__ import annotations

import random

import cv2
import numpy as np

from ocr.preprocess import DEFAULT_STEPS, prepare, stamps
from samples.families import dress
from samples.layout import Line, PageSpec, Signature, SignCol, Space
from samples.render import render_page
from samples.stamps import PEN


def _page(**families: str):
    lines = [Line(f"Họ và tên người làm đơn số {i}: Nguyễn Văn An") for i in range(5)]
    sign = Signature(
        None,
        SignCol(
            (Line("TM. ỦY BAN NHÂN DÂN", align="center", bold=True),),
            (Line("Trần Thị Bình", align="center", bold=True),),
            seal="ỦY BAN NHÂN DÂN XÃ AN BÌNH * HÀ NỘI",
        ),
    )
    page = PageSpec("khac", "a", [Space(2), *lines, Space(1), sign])
    return dress(page, {"font": "serif", **families})


def _pen_pixels(image: np.ndarray) -> np.ndarray:
    """Where the page shows the ballpoint's blue (hue near the pen's, well saturated)."""
    b, g, r = (image[:, :, i].astype(int) for i in range(3))
    pen_b, pen_g, pen_r = PEN[2], PEN[1], PEN[0]
    return (b - r > 60) & (abs(b - pen_b) < 50) & (abs(g - pen_g) < 50) & (abs(r - pen_r) < 40)


def test_pen_written_values_stay_dark_and_the_seal_goes():
    image = render_page(_page(form="dots_pen", seal="red_round"), dpi=300, seed=2).image
    gray = stamps.suppress(image)
    pen = _pen_pixels(image)
    assert pen.sum() > 2000
    assert np.median(gray[pen]) < 110  # handwriting is text
    seal = (image[:, :, 2] > 150) & (image[:, :, 0] < 110) & (image[:, :, 1] < 110)
    assert seal.sum() > 2000
    assert np.percentile(gray[seal], 10) > 200  # seal ink is paper


def test_a_violet_seal_is_lifted_too():
    image = render_page(_page(seal="violet_over_name"), dpi=300, seed=3).image
    result = prepare(image, 300)
    assert "stamps" in result.applied
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    violet = (hsv[:, :, 1] > 120) & (hsv[:, :, 0] > 120) & (hsv[:, :, 0] < 160)
    assert violet.sum() > 2000
    assert np.percentile(result.ocr_image[violet], 10) > 190


def test_guilloche_paper_keeps_its_letters():
    """Bold header letters on a guilloche band were once taken for punch holes and erased."""
    image = render_page(_page(background="guilloche"), dpi=300, seed=5).image
    with_borders = prepare(image, 300).ocr_image
    without = prepare(image, 300, steps=DEFAULT_STEPS - {"borders"}).ocr_image
    text = image.min(axis=2) < 60
    erased = (with_borders[text] > 200) & (without[text] < 100)
    assert erased.sum() < 0.002 * text.sum()


def _guilloche_scan(level: str, form: str = "dots_pen"):
    """The test page on guilloche paper as the scanner of `level` gives it, and where its print
    is (text, leaders, seal, pen) on the same page rendered on white paper."""
    from samples.defects import degrade

    white = render_page(_page(form=form), dpi=300, seed=5).image
    image = render_page(_page(form=form, background="guilloche"), dpi=300, seed=5).image
    pen = _pen_pixels(image)
    if level != "clean":
        image, _ = degrade(
            image, level, random.Random(1), dpi=300, rotation=0, skew=0.0, stamp=False,
            low_dpi=False,
        )  # fmt: skip
    printed = cv2.dilate((white.min(axis=2) < 235).astype(np.uint8), np.ones((9, 9), np.uint8))
    return image, printed > 0, pen


def test_a_guilloche_background_reads_as_paper():
    """Coloured paper is divided by its own colour and the pattern's faint lines stretched to
    white; before, a scanned guilloche stayed as grey lines that Tesseract read as letters."""
    image, printed, _ = _guilloche_scan("medium")
    h, w = printed.shape
    inner = np.zeros_like(printed)
    inner[h // 8 : -h // 8, w // 8 : -w // 8] = True  # inside the dense border band
    background = stamps.suppress(image)[inner & ~printed]
    assert np.percentile(background, 5) >= 253
    assert np.percentile(background, 1) >= 244


def test_pen_written_values_on_a_guilloche_page_stay_dark():
    """The pattern's lines joined the pen's letters into one page-sized mark whose box was
    lifted as a seal: the citizen's values vanished with the background."""
    image, _, pen = _guilloche_scan("medium")
    assert pen.sum() > 2000
    assert np.median(stamps.suppress(image)[pen]) < 120


def test_a_coloured_certificate_form_reads_near_the_clean_level():
    """A held-out-family receipt on guilloche paper, filled in by hand, medium scan."""
    from rapidfuzz.distance import Levenshtein

    from ocr import recognize
    from samples.content import iter_documents
    from samples.defects import degrade
    from samples.render import font_path

    families = {"wording": "tone_old", "font": "free-serif", "form": "dots_hand",
                "background": "guilloche", "seal": "red_round", "capture": "flatbed"}  # fmt: skip
    page = dress(next(iter_documents(3, 1, doc_types=["phieu_tiep_nhan"])).pages[0], families)
    image = render_page(page, dpi=300, seed=3).image
    image, _ = degrade(
        image, "medium", random.Random(3), dpi=300, low_dpi=False, font=font_path("serif", True)
    )
    prepared = prepare(image, 300)
    text = recognize.recognize(prepared.ocr_image, dpi=prepared.dpi).text
    truth, read = " ".join(page.text.split()), " ".join(text.split())
    assert Levenshtein.distance(truth, read) / len(truth) < 0.3  # 0.41 before


def test_the_pattern_decision_is_made_once_per_sheet_and_honoured():
    """prepare measures whether the paper is patterned before the warp and hands that to the lift
    after it (~65 ms less on a tinted page): given, it gives the very pixels measuring gives, and
    a wrong one would show (the guilloche stays grey)."""
    image, printed, _ = _guilloche_scan("medium")
    assert stamps.is_patterned(image)
    measured = stamps.suppress(image)
    assert np.array_equal(stamps.suppress(image, True), measured)
    assert np.percentile(stamps.suppress(image, False)[~printed], 5) < 250
    plain = render_page(_page(seal="red_round"), dpi=300, seed=2).image
    assert not stamps.is_patterned(plain)
    assert np.array_equal(stamps.suppress(plain, False), stamps.suppress(plain))


def test_a_stamped_page_is_lifted_after_the_warp_as_before():
    """The warped stamped page is lifted with the decision made before the warp: the same gray as
    lifting the warped page from scratch."""
    from ocr.preprocess import deskew

    image, _, _ = _guilloche_scan("medium")
    turned = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    result = prepare(turned, 300, steps=DEFAULT_STEPS - {"illumination", "denoise", "borders",
                                                         "leaders"})  # fmt: skip
    assert result.rotation and "stamps" in result.applied
    warped = deskew.straighten(turned, result.rotation, result.skew_degrees)
    assert np.array_equal(result.ocr_image, stamps.suppress(warped))


def test_whole_factor_shrink_is_the_block_mean():
    """view.shrink (paper colour, coloured-mark map): each output pixel the mean of its
    step x step block (OpenCV's whole-factor path; its speed is bench/ocr.py's business)."""
    from ocr.preprocess.view import shrink

    rng = np.random.default_rng(3)
    page = rng.integers(0, 256, (3508, 2480), dtype=np.uint8)
    small = shrink(page, 6)
    assert small.shape == (585, 413)
    block = page[6:12, 12:18].astype(np.float64).mean()
    assert abs(int(small[1, 2]) - block) <= 0.5
    assert shrink(page, 1) is page and shrink(page[:3, :3], 8).shape == (1, 1)


def test_coloured_marks_are_measured_on_a_whole_factor_map():
    """The pen/seal map of `suppress` is the page shrunk by a whole factor (~MARKS_WIDTH
    across): a seal is still lifted and the pen kept on pages of any width."""
    for width in (2480, 1654, 700):
        page = np.full((int(width * 1.41), width, 3), 255, np.uint8)
        h = page.shape[0]
        cv2.circle(page, (width // 2, h // 2), width // 8, (40, 40, 220), max(2, width // 200))
        x0, y0 = width // 10, h // 10
        cv2.putText(page, "An", (x0, y0), cv2.FONT_HERSHEY_SIMPLEX, width / 1500, (160, 60, 20), 2)
        gray = stamps.suppress(page, False)
        ring = page[:, :, 2].astype(int) - page[:, :, 0] > 100
        pen = page[:, :, 0].astype(int) - page[:, :, 2] > 100
        assert gray[ring].min() > 200, width  # seal lifted to paper
        assert np.median(gray[pen]) < 150, width  # pen kept dark
