"""ID-card copies on a page: found as card-shaped frames (not tables, seals or text), read on
their own at a working size, and put back where they lie in the page's reading order."""

from __future__ import annotations

import cv2
import numpy as np

from ocr import cards
from ocr.result import Word

W, H = 1653, 2339  # an A4 page at 200 dpi (the pipeline's reading resolution)


def _card(page: np.ndarray, x0: int, y0: int, x1: int, y1: int, r: int = 16) -> None:
    """A card copy: grey rounded outline, a photo box at left, small text at right."""
    for a, b in (
        ((x0 + r, y0), (x1 - r, y0)),
        ((x0 + r, y1), (x1 - r, y1)),
        ((x0, y0 + r), (x0, y1 - r)),
        ((x1, y0 + r), (x1, y1 - r)),
    ):
        cv2.line(page, a, b, 110, 2)
    for cx, cy, angle in (
        (x0 + r, y0 + r, 180),
        (x1 - r, y0 + r, 270),
        (x1 - r, y1 - r, 0),
        (x0 + r, y1 - r, 90),
    ):
        cv2.ellipse(page, (cx, cy), (r, r), angle, 0, 90, 110, 2)  # fmt: skip
    cv2.rectangle(page, (x0 + 20, y0 + 60), (x0 + 150, y0 + 230), 170, -1)
    for y in range(y0 + 40, y1 - 15, 26):
        cv2.putText(page, "Ho va ten: NGUYEN VAN A", (x0 + 170, y), cv2.FONT_HERSHEY_SIMPLEX,
                    0.55, 0, 1)  # fmt: skip


def _page_with(*boxes: tuple[int, int, int, int]) -> np.ndarray:
    page = np.full((H, W), 255, np.uint8)
    for box in boxes:
        _card(page, *box)
    return page


FRONT = (400, 200, 1100, 640)  # 1.2x a real card at 200 dpi: 809 x 510 px is 1.0x
BACK = (400, 720, 1100, 1160)


def test_two_cards_on_a_page_give_two_boxes_in_reading_order():
    page = _page_with(FRONT, BACK)
    cv2.putText(page, "CHUNG THUC BAN SAO DUNG VOI BAN CHINH", (200, 1300),
                cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # fmt: skip
    found = cards.find_cards(page)
    assert len(found) == 2
    for got, want in zip(found, (FRONT, BACK), strict=True):
        assert all(abs(g - w) <= 6 for g, w in zip(got, want, strict=True)), (got, want)


def test_cards_side_by_side_read_left_then_right():
    left, right = (100, 400, 790, 835), (860, 395, 1550, 830)
    found = cards.find_cards(_page_with(right, left))
    assert len(found) == 2
    assert abs(found[0][0] - 100) <= 6 and abs(found[1][0] - 860) <= 6


def test_tables_seals_and_text_are_not_cards():
    page = np.full((H, W), 255, np.uint8)
    for y in range(150, 900, 36):
        cv2.putText(page, "Quyet dinh so 123/QD-UBND ve viec giao dat cho ho gia dinh",
                    (150, y), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)  # fmt: skip
    x0, y0, x1, y1 = 300, 1000, 1000, 1440  # a card-sized ruled table: inner rules
    cv2.rectangle(page, (x0, y0), (x1, y1), 0, 2)
    for y in range(y0 + 55, y1, 55):
        cv2.line(page, (x0, y), (x1, y), 0, 2)
    cv2.line(page, (650, y0), (650, y1), 0, 2)
    cv2.circle(page, (1200, 1800), 220, 0, 4)  # a seal's ring
    cv2.rectangle(page, (60, 60), (W - 60, H - 60), 0, 3)  # a page frame
    assert cards.find_cards(page) == []


def test_a_card_is_enlarged_to_body_text_letters():
    crop = np.full((300, 480), 255, np.uint8)  # a card at ~140 dpi: 6-px letters
    for y in range(30, 290, 14):
        cv2.putText(crop, "ho va ten nguyen van an que quan", (8, y), cv2.FONT_HERSHEY_SIMPLEX,
                    0.3, 0, 1)  # fmt: skip
    big, factor = cards.working_size(crop)
    assert factor >= 2.0 and big.shape[1] == round(480 * factor)
    full = np.full((1300, 2000), 255, np.uint8)  # the card at 600 dpi: nothing to enlarge
    assert cards.working_size(full)[1] == 1.0


def test_grain_on_a_card_is_not_taken_for_tiny_letters():
    """A noisy card copy (phone photo, grain) whose letters do not measure: the grain's
    3-4 px specks are no card's letters, and the card is not enlarged 3x for them."""
    rng = np.random.default_rng(3)
    crop = np.full((520, 990), 235, np.uint8)  # a card read at 200 dpi, ~1.15x
    ys, xs = rng.integers(0, 516, 1500), rng.integers(0, 986, 1500)
    for y, x in zip(ys, xs, strict=True):
        crop[y : y + 4, x : x + 4] = 60
    assert _letter_height(crop) < 5  # the grain measures as 4-px "letters"
    big, factor = cards.working_size(crop)
    assert factor == 1.0 and big.shape == crop.shape


def _letter_height(crop: np.ndarray) -> float:
    from ocr.preprocess import textsize

    size = textsize.measure(crop)
    assert size is not None
    return size.height


def _words(texts: list[str], top: int, block: int) -> list[Word]:
    return [Word(t, 0.9, (100, top + 40 * i, 400, top + 40 * i + 30), block, block * 10 + i)
            for i, t in enumerate(texts)]  # fmt: skip


def test_card_text_goes_where_the_card_lies_on_the_page():
    page = _words(["CỘNG HÒA"], 50, 1) + _words(["CHỨNG THỰC", "Số 754"], 900, 2)
    front = _words(["CĂN CƯỚC", "Số: 001088012345"], 0, 1)
    back = _words(["Ngày, tháng, năm: 01/01/2018"], 0, 1)
    merged = cards.merge(page, [((80, 200, 700, 500), front), ((80, 520, 700, 820), back)])
    assert [w.text for w in merged] == [
        "CỘNG HÒA", "CĂN CƯỚC", "Số: 001088012345", "Ngày, tháng, năm: 01/01/2018",
        "CHỨNG THỰC", "Số 754",
    ]  # fmt: skip
    assert [w.block for w in merged] == [1, 2, 2, 3, 4, 4]
    assert [w.line for w in merged] == [1, 2, 3, 4, 5, 6]


def test_words_read_on_an_enlarged_card_land_in_page_pixels():
    word = Word("Số", 0.9, (300, 90, 600, 150))
    (placed,) = cards.placed([word], 3.0, 400, 200)
    assert placed.box == (500, 230, 600, 250)


def test_a_card_copy_page_reads_each_card_on_its_own_in_page_order(tmp_path):
    from ocr.pipeline import Options, process_page
    from samples.generate import sample_page

    image, truth = sample_page(seed=3, doc_type="can_cuoc", variant="a")
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), image)
    page = process_page(str(path), 0, Options(qr=False))
    assert page.timings.get("cards_read") == 2  # front and back
    text = page.text
    first, last = truth.text.splitlines()[0], "Ngày, tháng, năm"
    assert first in text and last in text and text.index(first) < text.index(last)
    number = next(w for w in page.words if w.text.isdigit() and len(w.text) == 12)
    assert number.box[0] > page.width * 0.3  # right of the card's photo, in page pixels


def test_a_page_block_running_past_a_card_is_cut_at_the_card():
    """A certification block read as one with the front card (beside it, from above) must not
    carry the back card below it to the block's end: the back card goes before the first
    line under its top."""
    page = [
        Word("front", 0.9, (0, 100, 50, 120), block=1, line=1),
        Word("stamp", 0.9, (600, 300, 650, 320), block=1, line=2),
        Word("below", 0.9, (600, 900, 650, 920), block=1, line=3),
    ]
    back = [Word("back", 0.9, (0, 510, 50, 530), block=1, line=1)]
    merged = cards.merge(page, [((0, 500, 500, 800), back)])
    assert [w.text for w in merged] == ["front", "stamp", "back", "below"]
    assert merged[1].block != merged[2].block != merged[3].block  # the cut block is two blocks
