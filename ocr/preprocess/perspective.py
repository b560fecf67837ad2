"""Find the sheet in a phone photo (paper on a darker desk) and warp it flat to A4 proportions.

Only acts when a bright quadrilateral is clearly there: it covers 20-97 % of the photo, is much
brighter than what surrounds it, and its corners are not simply the image corners (a flatbed
scan, where the paper *is* the image, is never touched).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

A4_RATIO = 297 / 210
A4_LONG_INCHES = 11.69
MIN_AREA, MAX_AREA = 0.2, 0.97
MIN_CONTRAST = 35  # paper vs surroundings, gray levels
THRESHOLD_STEP = 15  # gray levels between the paper/desk cuts tried (Otsu's first)
THRESHOLD_TRIES = 6


@dataclass
class Sheet:
    corners: np.ndarray  # 4x2 float32, full-size pixels: top-left, top-right, bottom-right, b-l
    size: tuple[int, int]  # (width, height) of the flattened page


def find_sheet(gray_small: np.ndarray, scale: float) -> Sheet | None:
    """The paper quadrilateral, in full-size coordinates (`scale` = small px per full px).

    The paper is the bright side of Otsu's threshold, or of a lower one: a hand's or the phone's
    shadow darkens part of the sheet below Otsu's cut, whose outline then runs along the shadow
    (a soft edge `_sharp_sides` refuses). Lower cuts are tried, in steps, until the bright part
    fills the image (a flatbed scan stops at the first)."""
    h, w = gray_small.shape
    blurred = cv2.GaussianBlur(gray_small, (5, 5), 0)
    otsu, _ = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    for cut in otsu - THRESHOLD_STEP * np.arange(THRESHOLD_TRIES):
        if cut < MIN_CONTRAST:
            break
        corners, area = _bright_quad(blurred, cut)
        if area > MAX_AREA:
            break  # lower cuts only grow the bright part
        if corners is None or _is_image_frame(corners, w, h):
            continue
        if _sharp_sides(gray_small, corners):
            corners /= scale
            return Sheet(corners, _flat_size(corners))
    return None


def _bright_quad(blurred: np.ndarray, cut: float) -> tuple[np.ndarray | None, float]:
    """(corners of the largest bright region when it is a quadrilateral of a plausible size,
    its share of the image)."""
    h, w = blurred.shape
    bright = cv2.compare(blurred, cut, cv2.CMP_GT)
    k = max(3, (min(h, w) // 60) | 1)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None, 0.0
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour) / (h * w)
    if not MIN_AREA <= area <= MAX_AREA:
        return None, area
    hull = cv2.convexHull(contour)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        return None, area
    return _order(quad.reshape(4, 2).astype(np.float32)), area


def _order(points: np.ndarray) -> np.ndarray:
    s = points.sum(axis=1)
    d = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
        np.float32,
    )


def _is_image_frame(corners: np.ndarray, w: int, h: int) -> bool:
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return bool(np.all(np.abs(corners - frame) <= 0.03 * max(w, h)))


def _sharp_sides(gray: np.ndarray, corners: np.ndarray) -> bool:
    """Every side is a sharp paper/desk step: a shadow or a vignette fades over centimetres.

    Samples both sides of each edge ~1.5 mm in; the paper side must be brighter by MIN_CONTRAST
    on most of the edge. Sides lying on the image border (paper running out of the photo) fail.
    """
    h, w = gray.shape
    centre = corners.mean(axis=0)
    offset = max(2.0, min(h, w) / 250)
    for a, b in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        t = np.linspace(0.1, 0.9, 40)[:, None]
        points = a + t * (b - a)
        normal = np.array([a[1] - b[1], b[0] - a[0]], np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if np.dot(centre - a, normal) < 0:
            normal = -normal  # point inwards
        inner = np.round(points + offset * normal).astype(int)
        outer = np.round(points - offset * normal).astype(int)
        if (outer < 0).any() or (outer[:, 0] >= w).any() or (outer[:, 1] >= h).any():
            return False
        inner = np.clip(inner, 0, [w - 1, h - 1])
        step = gray[inner[:, 1], inner[:, 0]].astype(int) - gray[outer[:, 1], outer[:, 0]]
        if np.median(step) < MIN_CONTRAST:
            return False
    return True


def _flat_size(c: np.ndarray) -> tuple[int, int]:
    """Output size: the longer measured sides, with the aspect snapped to A4 when close."""
    width = max(np.linalg.norm(c[1] - c[0]), np.linalg.norm(c[2] - c[3]))
    height = max(np.linalg.norm(c[3] - c[0]), np.linalg.norm(c[2] - c[1]))
    long, short = max(width, height), min(width, height)
    if 1.15 <= long / max(short, 1) <= 1.75:  # keystone distorts the measured aspect
        short = long / A4_RATIO
    if width >= height:
        return round(long), round(short)
    return round(short), round(long)


def flatten_sheet(image: np.ndarray, sheet: Sheet) -> np.ndarray:
    w, h = sheet.size
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(sheet.corners, target)
    fill = (255,) * (image.shape[2] if image.ndim == 3 else 1)
    return cv2.warpPerspective(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def sheet_dpi(sheet: Sheet) -> int:
    """Resolution of the flattened page, taking it for an A4 sheet."""
    return max(1, round(max(sheet.size) / A4_LONG_INCHES))
