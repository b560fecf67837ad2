"""Red and blue seal stamps out of the recognition image, black text kept.

Seal ink is coloured; print is black or grey, also where it runs under the seal (inks multiply,
so black stays black). The recognition image is the luminance lifted by the pixel's chroma
(max - min channel): full-strength seal ink and its faint anti-aliased edges lift to paper white,
grey and black strokes (chroma ~0) are unchanged. A small chroma dead zone keeps JPEG colour
fringes around black letters from lightening them. Used only when the page carries saturated red
or blue ink at all (checked on a sparse sample), so plain pages keep plain luminance.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_SHARE = 0.0005  # of sampled pixels: below this the page has no stamp worth removing
MIN_SATURATION = 50  # HSV saturation of seal ink; a faded seal ("mild" scans) sits at 50-90


def colour_ink_share(sample: np.ndarray) -> float:
    """Share of saturated red or blue pixels (the seal colours) in a small BGR sample."""
    hsv = cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    coloured = (sat > MIN_SATURATION) & (val > 70)
    red = (hue <= 10) | (hue >= 160)
    blue = (hue >= 95) & (hue <= 135)
    return float((coloured & (red | blue)).mean())


LIFT = 1.6  # gray levels added per unit of chroma: blue seal ink (chroma ~140) reaches white
DEAD_ZONE = 16  # chroma below this is JPEG noise, not ink


def suppress(bgr: np.ndarray) -> np.ndarray:
    """Gray recognition image where coloured (seal) ink reads as paper."""
    blue, green, red = cv2.split(bgr)
    chroma = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
    chroma = cv2.subtract(chroma, DEAD_ZONE)
    lum = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return cv2.addWeighted(lum, 1.0, chroma, LIFT, 0.0)
