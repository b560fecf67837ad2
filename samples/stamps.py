"""Ink that is not text truth: round red seals with ring text, rectangular blue stamps, and
handwritten signatures. Masks are float32 0..1; `apply_ink` multiplies them onto the page."""

from __future__ import annotations

import math
import random
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

RED = (200, 35, 45)  # RGB
BLUE = (30, 60, 170)
VIOLET = (105, 45, 150)
PEN = (25, 55, 165)  # ballpoint blue of hand-filled values (training hand)
PEN_BLACK = (38, 38, 46)  # black and blue-black ballpoints (held-out hand, samples/forms.py)
PEN_BLUE_BLACK = (30, 40, 95)
SIGN_INK = (25, 35, 110)


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=32)
def seal_mask(text: str, radius: int, font_path: str) -> np.ndarray:
    """A round seal: outer and inner rings, the text along the ring, a star in the middle."""
    size = 2 * radius + 4
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    c = size / 2
    ring = max(3, radius // 22)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    inner = radius * 0.70
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255, width=max(2, ring // 2))
    _star(draw, c, c, radius * 0.22)
    chars = list(text.strip() + "  ")
    glyph = max(10, int(radius * 0.17))
    font = _font(font_path, glyph)
    text_r = radius * 0.85
    span = 2 * math.pi * 0.94
    for i, ch in enumerate(chars):
        if ch == " ":
            continue
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        tile = Image.new("L", (glyph * 2, glyph * 2), 0)
        ImageDraw.Draw(tile).text((glyph, glyph), ch, font=font, fill=255, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BILINEAR)
        x = c + text_r * math.cos(angle) - glyph
        y = c + text_r * math.sin(angle) - glyph
        img.paste(255, (int(x), int(y)), tile)
    return np.asarray(img, dtype=np.float32) / 255.0


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        points.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(points, fill=255)


def rect_stamp_mask(lines: tuple[str, ...], height: int, font_path: str) -> np.ndarray:
    """A rectangular stamp ('SAO Y BẢN CHÍNH', 'ĐÃ TIẾP NHẬN') with a double border."""
    font = _font(font_path, max(10, int(height / (len(lines) + 1.2))))
    widths = [font.getlength(t) for t in lines]
    w = int(max(widths) + height * 0.5)
    img = Image.new("L", (w, height), 0)
    draw = ImageDraw.Draw(img)
    b = max(2, height // 30)
    draw.rectangle((0, 0, w - 1, height - 1), outline=255, width=b)
    draw.rectangle(
        (2 * b + 2, 2 * b + 2, w - 2 * b - 3, height - 2 * b - 3), outline=255, width=max(1, b // 2)
    )
    step = height / (len(lines) + 0.6)
    for i, t in enumerate(lines):
        draw.text((w / 2, step * (i + 0.8)), t, font=font, fill=255, anchor="mm")
    return np.asarray(img, dtype=np.float32) / 255.0


def inked(
    mask: np.ndarray, rng: random.Random, angle: float = 0.0, strength: float = 0.85
) -> np.ndarray:
    """Rotate a stamp mask and make its ink uneven (a real stamp never inks evenly)."""
    h, w = mask.shape
    if angle:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        mask = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_LINEAR)
    nrng = np.random.default_rng(rng.getrandbits(32))
    coarse = nrng.uniform(0.45, 1.0, size=(max(2, h // 40), max(2, w // 40))).astype(np.float32)
    texture = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(mask * texture * strength, 0, 1)


def apply_ink(
    image: np.ndarray, mask: np.ndarray, x: int, y: int, rgb: tuple[int, int, int]
) -> None:
    """Multiply ink through `mask` onto the uint8 `image` at (x, y), in place; `rgb` is the ink
    colour in the image's channel order."""
    h, w = mask.shape
    H, W = image.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x, None]
    ink = np.asarray(rgb, dtype=np.float32) / 255.0
    region = image[y0:y1, x0:x1].astype(np.float32)
    image[y0:y1, x0:x1] = (region * (1.0 - m + m * ink)).astype(np.uint8)


def signature_strokes(
    rng: random.Random, width: int, height: int
) -> list[list[tuple[float, float]]]:
    """A scribbled signature inside a width x height box: a few smooth loops and a flourish."""
    strokes = []
    x = width * rng.uniform(0.05, 0.2)
    for _ in range(rng.randint(1, 3)):
        pts = []
        n = rng.randint(6, 12)
        for k in range(n):
            x += width * rng.uniform(0.03, 0.09)
            y = height * (0.5 + 0.35 * math.sin(k * rng.uniform(1.2, 2.4)) * rng.uniform(0.5, 1))
            pts.append((min(x, width * 0.95), y))
        strokes.append(_smooth(pts))
    y0 = height * rng.uniform(0.55, 0.8)
    strokes.append(
        _smooth(
            [(width * 0.1, y0), (width * 0.5, y0 + height * 0.1), (width * 0.9, y0 - height * 0.15)]
        )
    )
    return strokes


def _smooth(points: list[tuple[float, float]], steps: int = 8) -> list[tuple[float, float]]:
    """Catmull-Rom through the points, so strokes look written rather than plotted."""
    if len(points) < 3:
        return points
    pts = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[j]
                        + (-p0[j] + p2[j]) * t
                        + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                        + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3
                    )
                    for j in range(2)
                )
            )
    out.append(points[-1])
    return out
