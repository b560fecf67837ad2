"""Page orientation 0/90/180/270 from the shape of text lines, with Tesseract OSD as a fallback.

The line axis (across or down the page) comes from the deskew search. Which way is up comes from
the asymmetry of each text line around its x-height band: ascenders, capitals and Vietnamese
diacritics (most sit above the letter) put far more ink above the band than descenders and
dots-below put under it. Measured on the ~100 dpi analysis view, this costs a few milliseconds;
OSD (a Tesseract call) is used only when the asymmetry is too weak to trust.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.preprocess.deskew import TextAngle

SURE = 0.25  # |log(above/below)| beyond which OSD is not asked


@dataclass
class Orientation:
    rotation: int  # clockwise correction: 0, 90, 180, 270
    score: float  # log(ink on the chosen "above" side / ink on the other side)
    method: str  # "lines" | "osd" | "none"


STRIPS = 4  # the page is measured in strips along the lines: columns do not mix


def line_asymmetry(ink: np.ndarray, angle: TextAngle) -> float:
    """log(ink before / ink after the x-height band) along the line normal; > 0: top is at -.

    Profiles are taken per strip (a quarter of the line length), so the two columns of the
    national header or of a signature block, whose lines do not align, are not blurred together.
    """
    found = cv2.findNonZero(ink)
    if found is None:
        return 0.0
    xy = found.reshape(-1, 2).astype(np.float32)
    x = xy[:, 0] - ink.shape[1] / 2
    y = xy[:, 1] - ink.shape[0] / 2
    theta = np.deg2rad(angle.degrees)
    sin, cos = np.sin(theta), np.cos(theta)
    if angle.vertical:
        across, along = x * cos - y * sin, x * sin + y * cos
    else:
        across, along = x * sin + y * cos, x * cos - y * sin
    bins = np.round(across - across.min()).astype(np.int64)
    span = int(bins.max()) + 1
    lo, hi = float(along.min()), float(along.max())
    strip = np.minimum(((along - lo) / max(hi - lo, 1e-6) * STRIPS).astype(np.int64), STRIPS - 1)
    profiles = np.bincount(strip * span + bins, minlength=STRIPS * span).reshape(STRIPS, span)
    before = after = 0.0
    for profile in profiles.astype(np.float64):
        b, a = _band_masses(profile)
        before, after = before + b, after + a
    if before + after <= 0:
        return 0.0
    return float(np.log((before + 1.0) / (after + 1.0)))


def _band_masses(profile: np.ndarray) -> tuple[float, float]:
    """Ink in the zones just before and just after each line's dense core, summed over lines."""
    smooth = np.convolve(profile, np.ones(3) / 3, mode="same")
    if smooth.max() <= 0:
        return 0.0, 0.0
    cores = _cores(smooth)
    before = after = 0.0
    for k, (top, bottom) in enumerate(cores):
        height = bottom - top + 1
        reach = int(round(1.3 * height))
        prev_end = cores[k - 1][1] if k else -(10**9)
        next_start = cores[k + 1][0] if k + 1 < len(cores) else 10**9
        lo = max(top - reach, (prev_end + top) // 2 + 1, 0)
        hi = min(bottom + reach, (bottom + next_start) // 2 - 1, len(profile) - 1)
        before += profile[lo:top].sum()
        after += profile[bottom + 1 : hi + 1].sum()
    return before, after


def _cores(smooth: np.ndarray) -> list[tuple[int, int]]:
    """Runs where the profile is above half its local peak: the x-height band of each line."""
    threshold = 0.2 * smooth.max()
    cores: list[tuple[int, int]] = []
    i, n = 0, len(smooth)
    while i < n:
        if smooth[i] < threshold:
            i += 1
            continue
        j = i
        while j + 1 < n and smooth[j + 1] >= threshold:
            j += 1
        peak = i + int(np.argmax(smooth[i : j + 1]))
        half = 0.5 * smooth[peak]
        top, bottom = peak, peak
        while top - 1 >= i and smooth[top - 1] >= half:
            top -= 1
        while bottom + 1 <= j and smooth[bottom + 1] >= half:
            bottom += 1
        cores.append((top, bottom))
        i = j + 1
    return cores


def orientation_from_lines(ink: np.ndarray, angle: TextAngle) -> Orientation:
    score = line_asymmetry(ink, angle)
    top_first = score > 0  # the page top lies towards smaller coordinates
    upright, flipped = (90, 270) if angle.vertical else (0, 180)
    rotation = upright if top_first else flipped
    return Orientation(rotation, abs(score), "lines")


def orientation_from_osd(gray: np.ndarray) -> int | None:
    """Tesseract's OSD on a ~150 dpi page; the clockwise correction, or None when unsure."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        osd = pytesseract.image_to_osd(
            gray, config="--psm 0 -c min_characters_to_try=10", output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractError, OSError, ValueError):
        return None
    if float(osd.get("orientation_conf", 0)) < 1.0:
        return None
    return int(osd.get("rotate", 0)) % 360
