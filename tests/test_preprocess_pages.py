"""Rendered test pages with known defects, shared by the tests/test_preprocess_*.py files.

Pages are drawn with PIL (Liberation Serif, Vietnamese administrative text) and then damaged with
OpenCV in exactly known ways: rotation by a multiple of 90 degrees, skew by a known angle (the
sign of cv2.getRotationMatrix2D), a red seal, speckle noise, uneven light. Other test files import
`render_page` and friends from here (`from tests.test_preprocess_pages import ...`).
"""

from __future__ import annotations

import random
from functools import lru_cache

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"

BODY = [
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Nghị định số 101/2024/NĐ-CP của Chính phủ quy định về điều tra cơ bản đất đai;",
    "Xét đề nghị của Văn phòng đăng ký đất đai tại Tờ trình số 245/TTr-VPĐK;",
    "Điều 1. Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    "cho ông Nguyễn Văn Thành, sinh năm 1975, thường trú tại thôn Phú Mỹ, xã Hòa Khánh.",
    "Thửa đất số 152, tờ bản đồ số 14, diện tích 1.245,6 m2 (bằng chữ: một nghìn hai trăm",
    "bốn mươi lăm phẩy sáu mét vuông); mục đích sử dụng: đất ở tại nông thôn 300 m2,",
    "đất trồng cây lâu năm 945,6 m2; thời hạn sử dụng đến ngày 15 tháng 10 năm 2064.",
    "Nguồn gốc sử dụng: Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền.",
    "Điều 2. Người sử dụng đất có trách nhiệm nộp tiền sử dụng đất, lệ phí trước bạ theo quy",
    "định của pháp luật và thực hiện đúng mục đích sử dụng đất đã được xác định.",
    "Điều 3. Chánh Văn phòng Ủy ban nhân dân huyện, Trưởng phòng Tài nguyên và Môi trường,",
    "Giám đốc Chi nhánh Văn phòng đăng ký đất đai, Chủ tịch Ủy ban nhân dân xã Hòa Khánh và",
    "ông Nguyễn Văn Thành chịu trách nhiệm thi hành Quyết định này kể từ ngày ký.",
    "Số tiền phải nộp: 12.500.000 đồng (mười hai triệu năm trăm nghìn đồng chẵn).",
    "Hồ sơ gồm: đơn đăng ký biến động đất đai, bản sao căn cước, giấy tờ về nguồn gốc đất,",
    "sơ đồ thửa đất, biên bản xác minh hiện trạng và tờ khai lệ phí trước bạ nhà, đất.",
    "Trường hợp người sử dụng đất không đồng ý với nội dung trên thì có quyền khiếu nại",
    "theo quy định của Luật Khiếu nại trong thời hạn ba mươi ngày kể từ ngày nhận được.",
]
HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "HUYỆN HÒA VANG"]
HEADER_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
TITLE = "QUYẾT ĐỊNH"


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def render_page(seed: int = 0, dpi: int = 300, lines: int | None = None) -> tuple[np.ndarray, str]:
    """An upright A4 page (BGR) of Vietnamese administrative text and its text, line by line."""
    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    pt = dpi / 72
    size = round(rng.choice([12, 13, 14]) * pt)
    body, bold = _font(FONT, size), _font(FONT_BOLD, size)
    margin_left, margin_top = round(1.1 * dpi), round(0.8 * dpi)
    y = margin_top
    truth: list[str] = []
    for left, right in zip(HEADER_LEFT, HEADER_RIGHT, strict=True):
        draw.text((margin_left, y), left, font=bold, fill=(0, 0, 0))
        draw.text((width // 2, y), right, font=bold, fill=(0, 0, 0))
        truth += [left, right]
        y += round(size * 1.4)
    y += size
    title_w = draw.textlength(TITLE, font=bold)
    draw.text(((width - title_w) / 2, y), TITLE, font=bold, fill=(0, 0, 0))
    truth.append(TITLE)
    y += round(size * 2)
    body_lines = BODY[:]
    rng.shuffle(body_lines)
    count = len(body_lines) if lines is None else lines
    for text in (body_lines * 3)[:count]:
        if y > height - margin_top - size:
            break
        draw.text((margin_left, y), text, font=body, fill=(0, 0, 0))
        truth.append(text)
        y += round(size * rng.uniform(1.35, 1.6))
    return np.asarray(img)[:, :, ::-1].copy(), "\n".join(truth)


def render_short_page(text: str = "Trang 2", dpi: int = 300) -> np.ndarray:
    """A nearly empty page: one short line in the upper part."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.text(
        (width // 2 - 2 * dpi // 10, round(0.6 * dpi)),
        text,
        font=_font(FONT, dpi // 6),
        fill=(0, 0, 0),
    )
    return np.asarray(img)[:, :, ::-1].copy()


def rotate_page(image: np.ndarray, correction: int) -> np.ndarray:
    """The page as scanned when the right fix is `correction` degrees clockwise."""
    codes = {
        0: None,
        90: cv2.ROTATE_90_COUNTERCLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_CLOCKWISE,
    }
    code = codes[correction]
    return image if code is None else cv2.rotate(image, code)


def skew_page(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate content counter-clockwise by `degrees` (cv2 sign), same canvas, white fill."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    )


def add_red_seal(
    image: np.ndarray,
    center: tuple[int, int],
    radius: int,
    red: tuple[int, int, int] = (40, 40, 215),  # BGR; (165, 155, 225) is a faded seal
) -> np.ndarray:
    """A red round seal multiplied over the page (overlapping black text stays black)."""
    h, w = image.shape[:2]
    seal = np.full((h, w, 3), 255, np.uint8)
    cv2.circle(seal, center, radius, red, max(4, radius // 18))
    cv2.circle(seal, center, int(radius * 0.72), red, max(3, radius // 30))
    cv2.putText(
        seal,
        "UBND XA HOA KHANH",
        (center[0] - int(radius * 0.62), center[1]),
        cv2.FONT_HERSHEY_SIMPLEX,
        radius / 260,
        red,
        max(2, radius // 60),
    )
    cv2.circle(seal, (center[0], center[1] + radius // 3), radius // 8, red, -1)
    out = image.astype(np.uint16) * seal.astype(np.uint16) // 255
    return out.astype(np.uint8)


def add_speckles(image: np.ndarray, seed: int, fraction: float = 0.004) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = image.copy()
    h, w = out.shape[:2]
    n = int(h * w * fraction)
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    out[ys, xs] = 0
    return out


def add_uneven_light(image: np.ndarray, strength: float = 0.45) -> np.ndarray:
    """A phone-photo shading: bright corner to dark corner, multiplicative."""
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = 1.0 - strength * (0.6 * xx / w + 0.4 * yy / h)
    out = image.astype(np.float32) * shade[:, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def test_render_page_is_deterministic_and_has_text():
    a, truth_a = render_page(seed=3, dpi=100)
    b, truth_b = render_page(seed=3, dpi=100)
    assert truth_a == truth_b and np.array_equal(a, b)
    ink = (a.min(axis=2) < 128).mean()
    assert 0.01 < ink < 0.2
    assert "QUYẾT ĐỊNH" in truth_a


@pytest.mark.parametrize("correction", [90, 180, 270])
def test_rotate_page_is_undone_by_clockwise_correction(correction):
    page, _ = render_page(seed=1, dpi=50)
    scanned = rotate_page(page, correction)
    fixed = scanned
    for _ in range(correction // 90):
        fixed = cv2.rotate(fixed, cv2.ROTATE_90_CLOCKWISE)
    assert np.array_equal(fixed, page)
