"""Red and blue seal stamps out of the recognition image, black text kept.

A red seal is bright in the red channel, a blue one in the blue channel, while black (or dark
grey) print is dark in every channel, also where it runs under the seal ink. So the recognition
image takes, per pixel, the brighter of the red and blue channels: seals fade to paper, their
anti-aliased edges included, and black strokes stay black. Used only when the page carries
saturated red or blue ink at all (checked on a sparse sample), so plain pages keep luminance.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_SHARE = 0.0005  # of sampled pixels: below this the page has no stamp worth removing


def colour_ink_share(sample: np.ndarray) -> float:
    """Share of saturated red or blue pixels (the seal colours) in a small BGR sample."""
    hsv = cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    coloured = (sat > 90) & (val > 70)
    red = (hue <= 10) | (hue >= 160)
    blue = (hue >= 95) & (hue <= 135)
    return float((coloured & (red | blue)).mean())


def suppress(bgr: np.ndarray) -> np.ndarray:
    """Gray recognition image where red and blue ink read as paper."""
    blue, _green, red = cv2.split(bgr)
    return cv2.max(red, blue)
