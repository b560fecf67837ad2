"""How a degraded page reaches the office besides a flatbed scan (the capture families):

- phone: a photo of the sheet on a desk, 1600-2400 px wide, perspective and uneven light,
  saved with the 72 dpi phones write whatever the photo;
- phone_lowres (held out): the same photo as a messaging app forwards it: 500-1000 px wide,
  JPEG q 55-80, page curl and a hand's shadow, no resolution metadata at all;
- phone_small (training): a low-resolution photo made another way, so small-text reading can be
  fitted without the held-out one: the sheet framed close (a scan app's crop), 760-1400 px
  wide, lens blur then a plain bilinear shrink (aliased, not area-averaged), a phone's
  sharpening, heavier JPEG (q 35-55), flat sheet (no curl), no resolution metadata;
- phone_bent (training): a sheet lifting at one edge (rows bend as a parabola, not the held-out
  bulge), 1100-1800 px wide, JPEG q 60-85, no resolution metadata: fits the straightening of bent
  lines without the held-out curl;
- photocopy2: a photocopy of a photocopy: contrast crushed, thin strokes lost, toner specks,
  grey smear, slightly shrunk and shifted.

`capture` returns the image and the resolution to write into the file (0: none).
"""

from __future__ import annotations

import random

import cv2
import numpy as np

DESK = ((92, 110, 128), (60, 62, 66), (150, 160, 170), (40, 70, 110))  # BGR desk colours


def capture(
    image: np.ndarray, kind: str, rng: random.Random, dpi: int
) -> tuple[np.ndarray, int, list[str]]:
    """(image, metadata dpi, defects) for `kind`; 'flatbed' returns the image unchanged."""
    if kind == "flatbed":
        return image, dpi, []
    if kind == "photocopy2":
        return photocopy(image, rng, dpi), dpi, ["photocopy2"]
    if kind == "phone":
        width = rng.randint(1600, 2400)
        return photo(image, rng, width, curl=False), 72, [f"phone_{width}px"]
    if kind == "phone_lowres":
        width = rng.randint(500, 1000)
        out = photo(image, rng, width, curl=True)
        quality = rng.randint(55, 80)
        _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        return out, 0, [f"phone_lowres_{width}px", f"jpeg_q{quality}", "no_dpi"]
    if kind == "phone_small":
        return small_photo(image, rng)
    if kind == "phone_bent":
        width = rng.randint(1100, 1800)
        out = photo(_lift(image, rng), rng, width, curl=False)
        quality = rng.randint(60, 85)
        _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        return out, 0, [f"phone_bent_{width}px", f"jpeg_q{quality}", "no_dpi"]
    raise ValueError(f"unknown capture kind {kind!r}")


def photocopy(image: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """Two generations of copying: each crushes contrast, thickens or thins ink, adds toner."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    np_rng = np.random.default_rng(rng.getrandbits(32))
    h, w = gray.shape
    for _ in range(2):
        gray = cv2.GaussianBlur(gray, (0, 0), 0.5 * dpi / 300)
        mid, slope = rng.uniform(120, 170), rng.uniform(2.2, 3.2)
        gray = 255 / (1 + np.exp(-(gray - mid) * slope / 40))  # copier's steep tone curve
        if rng.random() < 0.5:
            gray = cv2.erode(gray, np.ones((2, 2), np.uint8))  # ink spreads
        smear = cv2.resize(
            np_rng.uniform(0, 1, (8, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
        )
        gray -= np.clip(smear - 0.6, 0, 1) * rng.uniform(30, 70)  # grey drum smear
        count = int(h * w * rng.uniform(2e-5, 6e-5))
        ys, xs = np_rng.integers(0, h, count), np_rng.integers(0, w, count)
        gray[ys, xs] = np_rng.uniform(0, 90, count)
        scale = rng.uniform(0.97, 1.0)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-0.4, 0.4), scale)
        m[:, 2] += (rng.uniform(-8, 8), rng.uniform(-8, 8))
        gray = cv2.warpAffine(gray, m, (w, h), borderValue=255)
    out = np.clip(gray, 0, 255).astype(np.uint8)
    return cv2.cvtColor(out, cv2.COLOR_GRAY2BGR)


def small_photo(image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, int, list[str]]:
    """The phone_small capture (see the module docstring): (image, 0, defects)."""
    width = rng.randint(760, 1400)
    h, w = image.shape[:2]
    sigma = rng.uniform(0.6, 1.2) * w / width  # lens blur, in output pixels
    blurred = cv2.GaussianBlur(image, (0, 0), sigma)
    out = photo(blurred, rng, width, curl=False, margin=(0.01, 0.04), kernel=cv2.INTER_LINEAR)
    soft = cv2.GaussianBlur(out, (0, 0), 1.0)
    out = cv2.addWeighted(out, 1.6, soft, -0.6, 0)  # the phone's unsharp mask
    quality = rng.randint(35, 55)
    _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return out, 0, [f"phone_small_{width}px", f"jpeg_q{quality}", "no_dpi"]


def photo(
    image: np.ndarray,
    rng: random.Random,
    width: int,
    *,
    curl: bool,
    margin: tuple[float, float] = (0.03, 0.09),
    kernel: int = cv2.INTER_AREA,
) -> np.ndarray:
    """The sheet photographed from above at a slant on a desk, resized to `width` pixels
    (`margin`: desk around the sheet, share of the frame; `kernel`: the shrink's filter)."""
    h, w = image.shape[:2]
    if curl:  # the sheet bulges: rows bend by up to ~1.2% of the page height
        image = _curl(image, rng)
    image = _shadow(image, rng)
    out_w = width
    out_h = int(round(width * rng.uniform(1.33, 1.45)))
    margin = rng.uniform(*margin)
    jitter = 0.035
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])

    def spot(cx: float, cy: float) -> list[float]:
        return [
            (cx + rng.uniform(-jitter, jitter)) * out_w,
            (cy + rng.uniform(-jitter, jitter)) * out_h,
        ]

    m = 1 - margin
    target = np.float32([spot(margin, margin), spot(m, margin), spot(m, m), spot(margin, m)])
    matrix = cv2.getPerspectiveTransform(corners, target)
    small = cv2.resize(image, (out_w, int(out_w * h / w)), interpolation=kernel)
    scale = np.diag([w / out_w, h / small.shape[0], 1.0]).astype(np.float64)
    desk = rng.choice(DESK)
    out = cv2.warpPerspective(
        small, matrix @ scale, (out_w, out_h), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=desk,
    )  # fmt: skip
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 3, out.shape)
    return np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _curl(image: np.ndarray, rng: random.Random) -> np.ndarray:
    h, w = image.shape[:2]
    amp = h * rng.uniform(0.004, 0.012)
    phase = rng.uniform(0, np.pi)
    xs = np.arange(w, dtype=np.float32)
    offset = amp * np.sin(np.pi * xs / w + phase)
    map_x = np.tile(xs, (h, 1))
    map_y = np.arange(h, dtype=np.float32)[:, None] + offset[None, :]
    return cv2.remap(image, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _lift(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """One edge of the sheet lifted: rows bend as a parabola from the flat edge, by 1-3% of
    the page height at the lifted one (phone_bent)."""
    h, w = image.shape[:2]
    amp = h * rng.uniform(0.01, 0.03) * rng.choice([-1, 1])
    xs = np.arange(w, dtype=np.float32)
    t = xs / w if rng.random() < 0.5 else 1 - xs / w
    offset = amp * t**2
    map_x = np.tile(xs, (h, 1))
    map_y = np.arange(h, dtype=np.float32)[:, None] + offset[None, :]
    return cv2.remap(image, map_x, map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _shadow(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A soft darker band from one side (the phone or a hand) and vignetting."""
    h, w = image.shape[:2]
    sh, sw = 64, 48
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    field = 1 - rng.uniform(0.15, 0.35) * (((xx / sw - 0.5) ** 2 + (yy / sh - 0.5) ** 2) * 2)
    edge = rng.choice([xx / sw, 1 - xx / sw, yy / sh, 1 - yy / sh])
    field *= 1 - rng.uniform(0.25, 0.5) * np.clip(1 - edge / rng.uniform(0.2, 0.45), 0, 1)
    gain = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
    tint = np.array([rng.uniform(0.82, 0.92), rng.uniform(0.92, 0.98), 1.0], np.float32)
    return np.clip(image.astype(np.float32) * gain[..., None] * tint, 0, 255).astype(np.uint8)
