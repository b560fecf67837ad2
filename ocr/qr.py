"""QR codes on a page (the receipt carries the dossier code as a QR, top left).

OpenCV's detector on small gray copies, cheapest first: the top-left region (where receipts put
the code) at 100 then 150 dpi; elsewhere only when a quick whole-page detection at 75 dpi sees a
finder pattern. A page without a QR costs ~0.05 s.
"""

from __future__ import annotations

import cv2
import numpy as np

CORNER_DPIS = (100, 150)
SCAN_DPI = 75  # whole-page detection only (is there a QR at all?)
DECODE_DPI = 150  # whole-page decoding when there is


def decode_qr(image: np.ndarray, dpi: int = 300) -> list[str]:
    """Decoded texts of the QR codes on `image` (BGR or gray), without duplicates."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    corner = gray[: height // 3, : width // 2]
    detector = cv2.QRCodeDetector()
    for target in CORNER_DPIS:
        text = _decode_one(detector, _at_dpi(corner, dpi, target))
        if text:
            return [text]
    try:
        seen, _ = detector.detect(_at_dpi(gray, dpi, SCAN_DPI))
    except cv2.error:
        seen = False
    if not seen:
        return []
    return list(dict.fromkeys(_decode_all(detector, _at_dpi(gray, dpi, DECODE_DPI))))


def _at_dpi(gray: np.ndarray, dpi: int, target: int) -> np.ndarray:
    scale = target / max(dpi, 1)
    if scale >= 1.0:
        return gray
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _decode_one(detector: cv2.QRCodeDetector, gray: np.ndarray) -> str:
    try:
        text, _, _ = detector.detectAndDecode(gray)
    except cv2.error:
        return ""
    return text or ""


def _decode_all(detector: cv2.QRCodeDetector, gray: np.ndarray) -> list[str]:
    try:
        ok, texts, _, _ = detector.detectAndDecodeMulti(gray)
    except cv2.error:
        return []
    return [t for t in texts if t] if ok else []
