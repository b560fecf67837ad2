"""Slanted words (values written by hand on forms) set upright before recognition, upright
print left alone; a label's colon is no leader dot."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.preprocess import leaders, slant
from samples.render import find_font

DPI = 200  # the reading resolution the step runs at (x-height ~17 px)


def _words(text: str, shear: float, font: str = "DejaVuSans.ttf") -> np.ndarray:
    """`text` in black on white, one line at body size, its tops leaning right by `shear`."""
    path = find_font(font)
    assert path, font
    size = 34  # ~12 pt at 200 dpi: an x-height close to textsize.REF_HEIGHT_300 * 2/3
    face = ImageFont.truetype(path, size)
    tile = Image.new("L", (int(face.getlength(text)) + 200, 120), 255)
    ImageDraw.Draw(tile).text((60, 80), text, font=face, fill=0, anchor="ls")
    gray = np.asarray(tile).copy()
    if shear:  # x' = x + shear * (base - y): the baseline stays, tops move right
        turn = np.float32([[1, -shear, shear * 80], [0, 1, 0]])
        gray = cv2.warpAffine(gray, turn, gray.shape[::-1], borderValue=255)
    return gray


def _slant_of(gray: np.ndarray) -> float:
    """The ink-weighted slant `slant.slants` measures over the whole image as one word."""
    ys, xs = np.nonzero(gray < 128)
    found = slant.slants(ys, xs, np.ones(ys.size, np.int64), 2)
    return float(found[0, 1])


@pytest.mark.parametrize("shear", [0.25, 0.35, 0.45])
def test_the_slant_of_a_word_is_measured(shear):
    assert _slant_of(_words("Nguyễn Thị Hằng", shear)) == pytest.approx(shear, abs=0.06)
    assert _slant_of(_words("Nguyễn Thị Hằng", 0.0)) == pytest.approx(0.0, abs=0.06)


@pytest.mark.parametrize("shear", [0.3, 0.4, 0.5])
def test_a_slanted_value_is_straightened_to_a_mild_lean(shear):
    page = _words("thôn Bắc, xã Kim Chung, huyện Đông Anh", shear)
    out, changed = slant.straighten(page, DPI)
    assert changed
    assert _slant_of(out) == pytest.approx(slant.KEEP, abs=0.07)
    ink = lambda g: int((g < 128).sum())  # noqa: E731
    assert 0.9 * ink(page) <= ink(out) <= 1.1 * ink(page)  # strokes moved, not lost


@pytest.mark.parametrize("text", ["Họ và tên: Nguyễn Văn An", "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI"])
def test_upright_print_is_untouched(text):
    page = _words(text, 0.0)
    out, changed = slant.straighten(page, DPI)
    assert not changed and out is page


def test_letters_of_two_diagonals_are_not_taken_for_a_slant():
    """A, V, W, X, Y are as sharp leaning either way: 'VÀ' set upright became 'NÀ', 'A' 'h'."""
    page = _words("VAY AVAX WAVY", 0.0)
    assert not slant.straighten(page, DPI)[1]


def test_a_labels_colon_is_not_a_leader_dot():
    """The colon's foot sits on the leader's baseline, in step with it: painted out, 'Tên:'
    came back as 'Tên-' or 'Tên.'."""
    page = np.full((200, 1600), 255, np.uint8)
    base = 100
    cv2.rectangle(page, (200 - 3, base - 3), (200 + 3, base + 3), 0, -1)  # colon's foot
    cv2.rectangle(page, (200 - 3, base - 25), (200 + 3, base - 19), 0, -1)  # ... and head
    dots = [(x, base) for x in range(228, 1500, 28)]
    for x, y in dots:
        cv2.rectangle(page, (x - 3, y - 3), (x + 3, y + 3), 0, -1)
    mask = leaders.leader_mask(page, 300)
    assert mask is not None and all(mask[y, x] for x, y in dots)
    assert not mask[base, 200] and not mask[base - 22, 200]


def test_dots_under_a_long_written_value_go_at_a_fractional_pitch():
    """Dots sit on whole pixels (gaps 10, 11, 11, ... for a pitch of 10.67): the median gap
    was up to half a pixel off, and across a value ten pitches long the bridge missed every
    dot under it (read as '.' between the written words)."""
    page = np.full((200, 1700), 255, np.uint8)
    base, pitch = 100, 10.67
    xs = [round(300 + i * pitch) for i in range(120)]
    hidden = [x for x in xs if 420 <= x <= 1100 and (x - 420) % 90 > 25]  # under strokes
    shown = [x for x in xs if x not in hidden]
    for x in shown:
        cv2.rectangle(page, (x - 2, base - 2), (x + 2, base + 2), 0, -1)
    for a in range(420, 1100, 90):  # the written value: strokes standing on the baseline
        cv2.rectangle(page, (a + 28, base - 36), (a + 80, base - 30), 0, -1)
        for x in range(a + 30, a + 80, 12):
            cv2.line(page, (x, base - 36), (x, base - 4), 0, 3)
    mask = leaders.leader_mask(page, 200)
    assert mask is not None
    under = [x for x in shown if 420 <= x <= 1100]
    left = [x for x in under if not mask[base, x]]
    assert len(under) >= 10 and not left, f"{len(left)} of {len(under)} dots left: {left[:5]}"
    assert not mask[base - 36 : base - 3].any()  # nothing of the strokes
