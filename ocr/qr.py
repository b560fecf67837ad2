"""QR codes on a page (the receipt carries the dossier code as a QR, top left).

OpenCV's detector on small gray copies, cheapest first: the top-left region (where receipts put
the code) at 100 then 150 dpi, then the whole page at 100 dpi, and at 150 dpi only when a code
was seen but not decoded. A page without a QR costs ~0.05-0.1 s of CPU.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

CORNER_DPIS = (100, 150)
PAGE_DPIS = (100, 150)  # whole page; 150 only when 100 saw a code it could not decode


def decode_qr(image: np.ndarray, dpi: int = 300, *, anywhere: bool = True) -> list[str]:
    """Decoded texts of the QR codes on `image` (BGR or gray): the first one found.

    `anywhere=False` looks in the top-left corner only: the whole-page search costs 30-90 ms,
    most of the QR step, and is worth it only on a page that speaks of a dossier.
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = gray.shape
    corner = gray[: height // 3, : width // 2]
    detector = cv2.QRCodeDetector()
    for target in CORNER_DPIS:
        text = _decode_one(detector, _at_dpi(corner, dpi, target))
        if text:
            return [text]
    if not anywhere:
        return []
    for target in PAGE_DPIS:
        small = _at_dpi(gray, dpi, target)
        try:
            seen, _ = detector.detect(small)
        except cv2.error:
            return []
        if not seen:
            return []
        text = _decode_one(detector, small)
        if text:
            return [text]
    return []


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


# Words of a receipt (folded): "Mã hồ sơ", "tiếp nhận", "hẹn trả", and the bare "hồ sơ".
_DOSSIER_WORDS = re.compile(r"\b(?:ma\s*ho\s*so|tiep\s*nhan|hen\s*tra|ho\s*so)\b")
_CODE_LIKE = re.compile(r"[A-Z]\d{2}[.\d]*-\d{6,8}-\d{3,}")


def speaks_of_a_dossier(text: str) -> bool:
    """Does a page's text mention a dossier or carry a dossier code? Such a page gets the
    whole-page QR search; generous on purpose, OCR errors and all."""
    from ocr.fields.text import fold

    return bool(_DOSSIER_WORDS.search(fold(text)) or _CODE_LIKE.search(text))
