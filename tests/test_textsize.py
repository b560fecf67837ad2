"""Text size from the page itself, dot leaders, and the plain-read guard (never worse than the
engine): small text is enlarged whatever the metadata says, leaders never reach Tesseract, an
unsure or turned read is checked against the page as loaded, and an empty read is flagged."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from ocr import guard
from ocr.preprocess import leaders, textsize
from ocr.result import Page
from samples.families import dress
from samples.generate import sample_page
from samples.layout import Line, PageSpec, Space
from samples.render import render_page


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_effective_resolution_is_measured_from_the_letters(seed):
    image, _ = sample_page(seed, dpi=300)
    for dpi, shrink in ((300, 1.0), (150, 0.5), (75, 0.25)):
        small = cv2.resize(_gray(image), None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        found = textsize.measure(small).dpi()
        assert dpi * 0.75 <= found <= dpi * 1.3, (seed, dpi, found)


def test_small_text_is_enlarged_whatever_the_metadata_says():
    image, _ = sample_page(2, dpi=300)
    phone = cv2.resize(image, (600, 848), interpolation=cv2.INTER_AREA)  # ~72 dpi equivalent
    for claimed in (None, 72, 300, 600):
        big, dpi, enlarged = textsize.working_size(phone, claimed)
        assert enlarged, claimed
        assert big.shape[1] >= 3 * 600 * 0.95
        assert 220 <= dpi <= 330, (claimed, dpi)


def test_a_real_scan_keeps_its_metadata():
    image, _ = sample_page(4, dpi=200)
    out, dpi, enlarged = textsize.working_size(image, 200)
    assert (dpi, enlarged) == (200, False) and out is image


def _form_page(form: str) -> PageSpec:
    lines = [Line(f"Họ và tên người nộp đơn số {i}: Nguyễn Văn An") for i in range(6)]
    page = PageSpec("khac", "a", [Space(2), *lines, Line("Nội dung chính của văn bản.")])
    return dress(page, {"form": form, "font": "serif"})


def test_dot_leaders_are_painted_out_and_letters_are_not():
    dotted = _gray(render_page(_form_page("dots_typed"), dpi=300, seed=1).image)
    typed = _gray(render_page(_form_page("typed"), dpi=300, seed=1).image)
    assert leaders.leader_mask(typed, 300) is None  # plain text: nothing to remove
    cleaned, found = leaders.remove(dotted, 300)
    assert found
    ink = lambda g: int((g < 128).sum())  # noqa: E731
    # every dot gone (the cleaned dotted page has no more ink than the undotted one)...
    assert ink(cleaned) <= ink(typed) * 1.02
    # ...and the letters are all still there
    assert ink(cleaned) >= ink(typed) * 0.97


def _recognition(text: str, confidence: float):
    return SimpleNamespace(text=text, mean_confidence=confidence)


def test_plain_read_gate():
    sure, unsure = _recognition("Quyết định số 12", 0.93), _recognition("Quy6t dinh", 0.45)
    assert not guard.wants_plain_read(sure, 0)
    # a turned page must beat the upright read, unless its read shows the turn was right
    assert guard.wants_plain_read(sure, 90)  # too little text to tell
    page = _recognition("Quyết định số 12 về việc cấp giấy phép môi trường " * 3, 0.93)
    assert not guard.wants_plain_read(page, 90)
    assert guard.wants_plain_read(_recognition(page.text, 0.75), 90)
    assert guard.wants_plain_read(_recognition("l I l", 0.95), 270)  # sideways strokes
    assert guard.wants_plain_read(unsure, 0)
    assert guard.wants_plain_read(_recognition("", 0.0), 0)


def test_plain_read_wins_only_when_more_confident():
    piped = _recognition("Quyết định số 12 về việc cấp phép", 0.70)
    better = _recognition("Quyết định số 12 về việc cấp phép", 0.90)
    shorter = _recognition("Quyết", 0.95)
    assert guard.plain_wins(better, piped, turned=False)
    assert not guard.plain_wins(shorter, piped, turned=False)  # confident but lost the text
    assert not guard.plain_wins(_recognition("", 0.0), piped, turned=False)
    assert guard.plain_wins(piped, _recognition("", 0.0), turned=False)
    # turned: the upright (plain) read is kept unless the turned one is more confident...
    upright = _recognition("Quyết định số 12 về việc cấp phép môi trường", 0.72)
    assert guard.plain_wins(upright, piped, turned=True)
    assert not guard.plain_wins(_recognition(upright.text, 0.40), piped, turned=True)
    # ...and a sideways page read as a few confident strokes does not beat a turned read
    assert not guard.plain_wins(_recognition("l I l", 0.95), piped, turned=True)


def test_a_non_blank_page_without_text_is_flagged():
    pages = [Page(1, text="Quyết định"), Page(2, text=""), Page(3, text="", blank=True)]
    warnings = guard.empty_page_warnings(pages)
    assert len(warnings) == 1 and warnings[0].startswith("page 2:")
    assert pages[1].needs_review and pages[1].warnings
    assert not pages[0].needs_review and not pages[2].needs_review


@pytest.mark.slow
def test_tiny_text_phone_image_without_dpi_reads(tmp_path):
    """A clean upright 576x815 photo of a letter, no DPI metadata: text comes back, upright."""
    from ocr.pipeline import process
    from samples.write import write_page_image

    image, truth = sample_page(6, doc_type="quyet_dinh", dpi=300)
    small = cv2.resize(image, (576, 815), interpolation=cv2.INTER_AREA)
    write_page_image(tmp_path / "photo.jpg", small, 0, quality=80)
    result = process(tmp_path / "photo.jpg", workers=1)
    page = result.pages[0]
    assert page.rotation == 0 and page.text.strip()
    truth_text = " ".join(truth.text.split())
    cer = Levenshtein.distance(truth_text, " ".join(page.text.split())) / len(truth_text)
    assert cer < 0.10, cer  # before text size was measured: 28%


def test_grain_measured_as_tiny_letters_does_not_enlarge_a_scan():
    """Letters measured so small that the image would be a sheet over MAX_SHEET_INCHES long are
    grain, not text: a 200 dpi scan keeps its metadata and is not enlarged (bench hard pages
    were blown up 8x and read at 240 Mpx)."""
    rng = np.random.default_rng(0)
    page = np.full((2339, 1654), 255, np.uint8)
    for y, x in zip(rng.integers(0, 2330, 3000), rng.integers(0, 1645, 3000), strict=True):
        page[y : y + 4, x : x + 4] = 0
    size = textsize.measure(page)
    assert size is not None and 2339 / size.dpi() > textsize.MAX_SHEET_INCHES
    out, dpi, enlarged = textsize.working_size(page, 200)
    assert (dpi, enlarged) == (200, False) and out is page


def _written_over_dots(bridge: bool = True) -> tuple[np.ndarray, list[tuple[int, int]], list]:
    """A label, then a dotted leader across the page with a value written over its first part:
    the words hide some dots and leave short runs of dots between them. Returns the page, the
    centres of the dots left visible and the boxes of the words (and the label's dot below)."""
    page = np.full((220, 2000), 255, np.uint8)
    base, pitch = 120, 14
    cv2.putText(page, "Ho va ten", (40, base), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    cv2.circle(page, (120, base + 14), 3, 0, -1)  # a label letter's dot below, off the leader
    words = [(330, 430), (470, 600), (650, 720)] if bridge else []
    dots = []
    for x in range(300, 1900, pitch):
        if any(a - 4 <= x <= b + 4 for a, b in words):
            cv2.rectangle(page, (x - 3, base - 3), (x + 3, base + 3), 0, -1)
            continue  # under a word: joined to its strokes
        cv2.rectangle(page, (x - 3, base - 3), (x + 2, base + 2), 60, -1)
        dots.append((x, base))
    for a, b in words:  # strokes reaching down onto the dots join them to the word
        cv2.rectangle(page, (a, base - 40), (b, base - 6), 0, 2)
        for x in range(a + 6, b, 22):
            cv2.line(page, (x, base - 40), (x, base), 0, 3)
        cv2.line(page, (a - 2, base), (b + 2, base), 0, 2)
    return page, dots, words


def test_leader_dots_between_written_words_go_and_the_words_stay():
    page, dots, words = _written_over_dots()
    mask = leaders.leader_mask(page, 300)
    assert mask is not None
    left = [(x, y) for x, y in dots if not mask[y, x]]
    assert not left, f"{len(left)} leader dots left, first at {left[:3]}"
    assert not mask[120 + 14, 120]  # the label's dot below is no leader dot
    for a, b in words:  # nothing of a word is painted out
        assert not mask[80:114, a : b + 1].any()


def _dots(page: np.ndarray, base: int, xs: range) -> list[tuple[int, int]]:
    for x in xs:
        cv2.rectangle(page, (x - 3, base - 3), (x + 3, base + 3), 0, -1)
    return [(x, base) for x in xs]


def test_specks_beside_leader_dots_do_not_hide_the_leader():
    """A scanner's one-pixel specks on a leader's baseline broke its even spacing: the leader was
    left for Tesseract to read as junk ('?DBB2D2U 2 lóc')."""
    page = np.full((200, 1600), 255, np.uint8)
    dots = _dots(page, 100, range(300, 1500, 28))
    for x in range(305, 1500, 56):  # specks right beside every other dot, on their baseline
        page[101, x] = 0
    mask = leaders.leader_mask(page, 300)
    assert mask is not None and all(mask[y, x] for x, y in dots)
