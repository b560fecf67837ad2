"""Seals, stamps, signatures and coloured paper out of the recognition image; black print and
pen-written values kept.

Seal ink is coloured; print is black or grey, also where it runs under the seal (inks multiply,
so black stays black). The recognition image is the luminance lifted by the pixel's chroma
(max - min channel): full-strength seal ink and its faint anti-aliased edges lift to paper white,
grey and black strokes (chroma ~0) are unchanged. A small chroma dead zone keeps JPEG colour
fringes around black letters from lightening them. Used only when the page carries saturated red
or blue ink at all (checked on a sparse sample), so plain pages keep plain luminance.

Coloured ink in letter-sized marks (under 5% of the page width one way at least, outside any seal or
stamp) is what a citizen wrote with a ballpoint on a form: it is text and keeps its (dark)
luminance; every other coloured pixel is lifted (seals, stamps, signatures, printed background
patterns, the colour cast of a photo).
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_SHARE = 0.0005  # of sampled pixels: below this the page has no stamp worth removing
MIN_SATURATION = 50  # HSV saturation of seal ink; a faded seal ("mild" scans) sits at 50-90


def colour_ink_share(sample: np.ndarray) -> float:
    """Share of saturated pixels (seal red, stamp blue or violet, coloured paper) in a small BGR
    sample."""
    hsv = cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)
    sat, val = hsv[:, :, 1], hsv[:, :, 2]
    return float(((sat > MIN_SATURATION) & (val > 70)).mean())


LIFT = 1.6  # gray levels added per unit of chroma: blue seal ink (chroma ~140) reaches white
DEAD_ZONE = 16  # chroma below this is JPEG noise, not ink


MARK_INK = 45  # chroma of ink that makes up a coloured mark
BIG_MARK = 0.05  # of the page width, both ways: a seal, stamp, signature or background pattern
MARKS_WIDTH = 400  # pixels across of the map on which coloured marks are measured


def suppress(bgr: np.ndarray) -> np.ndarray:
    """Gray recognition image where coloured ink reads as paper, except pen-written letters."""
    blue, green, red = cv2.split(bgr)
    chroma = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
    chroma = cv2.subtract(chroma, DEAD_ZONE)
    lum = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    pen = _small_marks(chroma)
    if pen is not None:
        chroma = cv2.bitwise_and(chroma, cv2.bitwise_not(pen))
    return cv2.addWeighted(lum, 1.0, chroma, LIFT, 0.0)


def _small_marks(chroma: np.ndarray) -> np.ndarray | None:
    """255 over coloured marks of letter size (pen writing), 0 elsewhere; None when there are
    none. Marks are measured on a ~MARKS_WIDTH map; large ones (seals, stamps, signatures,
    printed patterns) and their whole boxes stay liftable."""
    h, w = chroma.shape
    factor = min(1.0, MARKS_WIDTH / w)
    small = cv2.resize(chroma, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    ink = (small > MARK_INK - DEAD_ZONE).astype(np.uint8)
    ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))  # a seal's ring letters join its ring
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return None
    side = BIG_MARK * small.shape[1]
    large = np.minimum(stats[:, 2], stats[:, 3]) >= side
    large[0] = True
    if large.all():
        return None
    boxes = np.zeros_like(ink)
    for x, y, bw, bh, _ in stats[1:][large[1:]]:  # inside a seal's box everything is seal
        cv2.rectangle(boxes, (int(x) - 1, int(y) - 1), (int(x + bw), int(y + bh)), 255, -1)
    boxes = cv2.resize(boxes, (w, h), interpolation=cv2.INTER_NEAREST)
    strong = (chroma > MARK_INK - DEAD_ZONE).astype(np.uint8) * 255
    strong = cv2.dilate(strong, np.ones((3, 3), np.uint8))  # the strokes' soft edges
    pen = cv2.bitwise_and(strong, cv2.bitwise_not(boxes))
    return pen if pen.any() else None
