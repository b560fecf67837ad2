"""Scan and photo defects with exactly recorded geometry.

Geometry convention (the truth the OCR side is scored against):
- skew: the upright page is rotated with `cv2.getRotationMatrix2D(centre, skew_degrees, 1.0)`,
  i.e. the content turns `skew_degrees` counter-clockwise (positive = counter-clockwise on screen).
  The expected `Page.skew_degrees` is that same number; undoing it means rotating by its negative.
- rotation: after the skew, the image is turned counter-clockwise by `rotation` degrees
  (`np.rot90(image, rotation // 90)`), so a reader must turn it clockwise by `rotation` to make it
  upright: the expected `Page.rotation`.
Both are applied with the exact recorded values (skew rounded to 0.01 degree first).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from samples.stamps import BLUE, RED, apply_ink, inked, rect_stamp_mask, seal_mask

LEVELS = ("clean", "mild", "medium", "hard")


@dataclass(frozen=True)
class LevelSpec:
    max_skew: float
    min_skew: float
    rotate_p: float  # chance of a 90/180/270 rotation
    stamp_p: float  # chance of an extra stamp over body text
    low_dpi_p: float  # chance of a 200 dpi scan
    noise: tuple[float, float]  # gaussian sigma range (grey levels)
    blur_p: float
    blur: tuple[float, float]  # gaussian sigma range, pixels at 300 dpi
    contrast_p: float
    border_p: float
    holes_p: float
    light_p: float  # uneven illumination / shadow (phone photo)
    jpeg: tuple[int, int]  # quality range of a JPEG round trip (0: none)


SPECS = {
    "clean": LevelSpec(0, 0, 0, 0, 0, (0, 0), 0, (0, 0), 0, 0, 0, 0, (0, 0)),
    "mild": LevelSpec(
        1.5, 0.1, 0.06, 0.15, 0.25, (2, 5), 0.3, (0.5, 0.8), 0.15, 0.2, 0.1, 0.0, (75, 92)
    ),
    "medium": LevelSpec(
        4, 0.4, 0.25, 0.4, 0.4, (5, 10), 0.5, (0.6, 1.1), 0.3, 0.4, 0.3, 0.15, (55, 80)
    ),
    "hard": LevelSpec(
        10, 2.0, 0.35, 0.6, 0.5, (9, 16), 0.7, (0.9, 1.6), 0.5, 0.5, 0.35, 0.7, (35, 60)
    ),
}


@dataclass
class Applied:
    level: str
    dpi: int
    rotation: int = 0
    skew_degrees: float = 0.0
    defects: list[str] = field(default_factory=list)


def degrade(
    image: np.ndarray,
    level: str,
    rng: random.Random,
    *,
    dpi: int = 300,
    rotation: int | None = None,
    skew: float | None = None,
    stamp: bool | None = None,
    low_dpi: bool | None = None,
    blank: bool = False,
    font: str | None = None,
) -> tuple[np.ndarray, Applied]:
    """Damage a clean upright BGR page as a scanner or phone would; returns (image, what was done).

    `rotation`, `skew`, `stamp`, `low_dpi` force those choices; otherwise the level decides.
    Blank pages are never rotated or skewed (nothing on them says which way is up)."""
    if level not in SPECS:
        raise ValueError(f"unknown defect level {level!r}; expected one of {LEVELS}")
    spec = SPECS[level]
    # Every choice is drawn, in a fixed order, whether or not the caller forces it: forcing one
    # (say the rotation) leaves all the other defects of the page unchanged.
    drawn_stamp = rng.random() < spec.stamp_p
    holes = rng.random() < spec.holes_p
    contrast = rng.uniform(0.5, 0.75) if rng.random() < spec.contrast_p else 0.0
    paper = int(rng.uniform(225, 245)) if contrast else 255
    border = rng.random() < spec.border_p
    drawn_skew = rng.uniform(spec.min_skew, spec.max_skew) * rng.choice([-1, 1])
    light = rng.random() < spec.light_p
    blur = rng.uniform(*spec.blur) if rng.random() < spec.blur_p else 0.0
    drawn_low = rng.random() < spec.low_dpi_p
    noise = rng.uniform(*spec.noise)
    quality = rng.randint(*spec.jpeg) if spec.jpeg[1] else 0
    drawn_rotation = rng.choice([90, 180, 270]) if rng.random() < spec.rotate_p else 0
    effects_rng = random.Random(rng.getrandbits(64))
    np_rng = np.random.default_rng(rng.getrandbits(63))

    stamp = (drawn_stamp if stamp is None else stamp) and not blank
    skew = 0.0 if blank else round(float(drawn_skew if skew is None else skew), 2)
    rotation = 0 if blank else int(drawn_rotation if rotation is None else rotation) % 360
    low_dpi = (drawn_low if low_dpi is None else low_dpi) and dpi > 200
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90, got {rotation}")

    applied = Applied(level, dpi)
    out = image.copy()
    if stamp:
        _stamp_over_text(out, effects_rng, dpi, font)
        applied.defects.append("stamp_over_text")
    if holes:
        _punch_holes(out, dpi)
        applied.defects.append("punch_holes")
    if contrast:
        out = _low_contrast(out, contrast, paper)
        applied.defects.append(f"low_contrast_{contrast:.2f}")
    if low_dpi:  # sample at 200 dpi first: cheaper, and the same as a 200 dpi scanner
        h, w = out.shape[:2]
        size = (round(w * 200 / dpi), round(h * 200 / dpi))
        out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
        applied.dpi = 200
        applied.defects.append("dpi_200")
    if skew:
        out = _skew(out, skew, 40 if border else paper)
        applied.skew_degrees = skew
        applied.defects.append(f"skew_{skew:+.2f}")
    if border:
        _dark_borders(out, effects_rng)
        applied.defects.append("dark_borders")
    if light:
        out = _uneven_light(out, effects_rng)
        applied.defects.append("uneven_light")
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur * applied.dpi / 300)
        applied.defects.append(f"blur_{blur:.2f}")
    if noise:
        out = _noise(out, noise, np_rng)
        applied.defects.append(f"noise_{noise:.1f}")
    if quality:
        _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        applied.defects.append(f"jpeg_q{quality}")
    if rotation:
        out = np.ascontiguousarray(np.rot90(out, rotation // 90))
        applied.rotation = rotation
        applied.defects.append(f"rotated_{rotation}")
    return out, applied


def _skew(image: np.ndarray, degrees: float, fill: int) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(fill, fill, fill),
    )


def _low_contrast(image: np.ndarray, factor: float, paper: int) -> np.ndarray:
    """Faded print on greyish paper: ink lightened toward the paper tone."""
    lut = np.clip(paper - (255 - np.arange(256)) * factor * paper / 255, 0, 255).astype(np.uint8)
    return cv2.LUT(image, lut)


def _dark_borders(image: np.ndarray, rng: random.Random) -> None:
    """The scanner lid's dark edge on one to three sides."""
    h, w = image.shape[:2]
    for side in rng.sample(["top", "bottom", "left", "right"], rng.randint(1, 3)):
        size = int((h if side in ("top", "bottom") else w) * rng.uniform(0.005, 0.02))
        value = rng.randint(15, 60)
        if side == "top":
            image[:size] = value
        elif side == "bottom":
            image[h - size :] = value
        elif side == "left":
            image[:, :size] = value
        else:
            image[:, w - size :] = value


def _punch_holes(image: np.ndarray, dpi: int) -> None:
    h, w = image.shape[:2]
    mm = dpi / 25.4
    r = int(3 * mm)
    x = int(11 * mm)
    for y in (h / 2 - 40 * mm, h / 2 + 40 * mm):
        cv2.circle(image, (x, int(y)), r, (70, 70, 70), -1, lineType=cv2.LINE_AA)


def _uneven_light(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Phone-photo light: a brightness gradient across the page and a soft shadow band."""
    h, w = image.shape[:2]
    sh, sw = max(2, h // 16), max(2, w // 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * xx / sw + np.sin(angle) * yy / sh
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    field = 1.0 - rng.uniform(0.2, 0.45) * ramp
    if rng.random() < 0.6:  # shadow of the phone or a hand along one edge
        edge = rng.choice([xx / sw, 1 - xx / sw, yy / sh, 1 - yy / sh])
        field *= 1.0 - rng.uniform(0.25, 0.45) * np.clip(1 - edge / rng.uniform(0.15, 0.35), 0, 1)
    tint = (rng.uniform(0.85, 0.95), rng.uniform(0.93, 1.0), 1.0)  # warm indoor light (BGR)
    small = np.clip(field[:, :, None] * np.array(tint, np.float32) * 255, 0, 255).astype(np.uint8)
    gain = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.multiply(image, gain, scale=1 / 255)


@lru_cache(maxsize=32)
def _noise_luts(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Uniform bytes -> |gaussian| values, split into the positive and the negative part."""
    from statistics import NormalDist

    values = np.array([NormalDist().inv_cdf((i + 0.5) / 256) * sigma for i in range(256)])
    up = np.clip(np.round(values), 0, 255).astype(np.uint8)
    down = np.clip(np.round(-values), 0, 255).astype(np.uint8)
    return up, down


def _noise(image: np.ndarray, sigma: float, np_rng: np.random.Generator) -> np.ndarray:
    """Sensor noise (gaussian per channel, via a lookup table: fast) plus dark and light specks."""
    up, down = _noise_luts(round(sigma, 1))
    uniform = np_rng.integers(0, 256, size=image.shape, dtype=np.uint8)
    out = cv2.subtract(cv2.add(image, cv2.LUT(uniform, up)), cv2.LUT(uniform, down))
    h, w = image.shape[:2]
    count = int(h * w * sigma * 2e-5)
    ys, xs = np_rng.integers(0, h, count), np_rng.integers(0, w, count)
    out[ys, xs] = np.minimum(out[ys, xs], 60)
    ys, xs = np_rng.integers(0, h, count // 2), np_rng.integers(0, w, count // 2)
    out[ys, xs] = 250
    return out


def _stamp_over_text(image: np.ndarray, rng: random.Random, dpi: int, font: str | None) -> None:
    """A red seal or a blue rectangular stamp somewhere over the body text."""
    from samples.render import font_path

    bold = font or font_path("serif", True)
    h, w = image.shape[:2]
    mm = dpi / 25.4
    if rng.random() < 0.5:
        text = rng.choice(
            ["SAO Y BẢN CHÍNH", "ĐÃ TIẾP NHẬN", "BẢN SAO", "ĐÃ ĐỐI CHIẾU", "ĐÃ KIỂM TRA"]
        )
        mask = rect_stamp_mask(
            (text, f"Ngày ..../..../20{rng.randint(22, 25)}"), int(16 * mm), bold
        )
        color = BLUE
    else:
        mask = seal_mask(
            rng.choice(
                [
                    "ỦY BAN NHÂN DÂN * VIỆT NAM",
                    "VĂN PHÒNG CÔNG CHỨNG",
                    "BỘ PHẬN MỘT CỬA * TIẾP NHẬN HỒ SƠ",
                ]
            ),
            int(17 * mm),
            bold,
        )
        color = RED
    mask = inked(mask, rng, angle=rng.uniform(-30, 30), strength=rng.uniform(0.6, 0.9))
    x = int(rng.uniform(0.15, 0.7) * w)
    y = int(rng.uniform(0.25, 0.75) * h)
    apply_ink(image, mask, x, y, color[::-1])
