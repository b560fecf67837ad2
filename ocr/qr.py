"""QR codes on a page (the receipt carries the dossier code as a QR, top left).

OpenCV's detector on a downscaled gray copy: the top-left quarter first (cheap, where receipts
put the code), the whole page only when that finds nothing and a finder pattern may be present.
"""

from __future__ import annotations

import cv2
import numpy as np

SCAN_DPI = 150  # QR modules stay >= 4 px at this resolution for the codes on our forms


def decode_qr(image: np.ndarray, dpi: int = 300) -> list[str]:
    """Decoded texts of the QR codes on `image` (BGR or gray), without duplicates."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, SCAN_DPI / max(dpi, 1))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = gray.shape
    detector = cv2.QRCodeDetector()
    corner = gray[: height // 2, : width // 2]
    found = _decode(detector, corner)
    if not found:
        found = _decode(detector, gray)
    return list(dict.fromkeys(found))


def _decode(detector: cv2.QRCodeDetector, gray: np.ndarray) -> list[str]:
    try:
        ok, texts, _, _ = detector.detectAndDecodeMulti(gray)
    except cv2.error:
        return []
    if not ok:
        return []
    return [t for t in texts if t]
