"""Scan files as offices produce them: image-only PDF, multi-page TIFF, or a folder of JPEGs."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import img2pdf
import numpy as np
from PIL import Image

TIFF_MODES = {  # name -> (PIL mode, compression)
    "color-lzw": ("RGB", "tiff_lzw"),
    "gray-deflate": ("L", "tiff_adobe_deflate"),
    "bilevel-g4": ("1", "group4"),
    "color-jpeg": ("RGB", "jpeg"),
}
EXIF_ORIENTATION = 0x0112
EXIF_X_RES, EXIF_Y_RES, EXIF_RES_UNIT = 0x011A, 0x011B, 0x0128


def _pil(image: np.ndarray, mode: str = "RGB") -> Image.Image:
    if mode == "RGB":
        return Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if mode == "L":
        return Image.fromarray(gray)
    # bilevel: Otsu threshold, as a scanner's black-and-white mode would
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(bw).convert("1")


def jpeg_bytes(
    image: np.ndarray, dpi: int, quality: int = 85, exif: Image.Exif | None = None
) -> bytes:
    buf = io.BytesIO()
    extra = {"exif": exif.tobytes()} if exif is not None else {}
    _pil(image).save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=False, **extra)
    return buf.getvalue()


def write_pdf(path: Path, images: list[np.ndarray], dpis: list[int], quality: int = 85) -> None:
    """Image-only PDF, one JPEG per page, page size from the pixel size and dpi (A4 stays A4)."""
    pages = [jpeg_bytes(img, dpi, quality) for img, dpi in zip(images, dpis, strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    # internal engine and no dates: no time-based /ID, so the same seed gives the same bytes
    path.write_bytes(img2pdf.convert(pages, nodate=True, engine=img2pdf.Engine.internal))


def write_tiff(path: Path, images: list[np.ndarray], dpi: int, mode: str = "color-lzw") -> None:
    """Multi-page TIFF; all pages share the scanner's dpi and colour mode."""
    pil_mode, compression = TIFF_MODES[mode]
    frames = [_pil(img, pil_mode) for img in images]
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = {"quality": 80} if compression == "jpeg" else {}
    frames[0].save(
        path,
        "TIFF",
        save_all=True,
        append_images=frames[1:],
        compression=compression,
        dpi=(dpi, dpi),
        **extra,
    )


def exif_for(dpi: int, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_X_RES] = float(dpi)
    exif[EXIF_Y_RES] = float(dpi)
    exif[EXIF_RES_UNIT] = 2  # inches
    if orientation != 1:
        exif[EXIF_ORIENTATION] = orientation
    return exif


# EXIF orientation -> how the stored pixels relate to the displayed image (np.rot90 k, CCW).
ORIENTATION_STORE_K = {3: 2, 6: 1, 8: 3}


def write_jpeg_folder(
    folder: Path,
    images: list[np.ndarray],
    dpi: int,
    orientations: list[int] | None = None,
    quality: int = 88,
) -> list[Path]:
    """Pages as `0001.jpg`, `0002.jpg`, ... with dpi in JFIF and EXIF.

    With an EXIF orientation tag (3, 6 or 8) the pixels are stored turned so that a viewer
    applying the tag (PIL `ImageOps.exif_transpose`, `cv2.imread`) shows exactly `images[i]`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        orientation = orientations[i] if orientations else 1
        stored = image
        if orientation in ORIENTATION_STORE_K:
            stored = np.ascontiguousarray(np.rot90(image, ORIENTATION_STORE_K[orientation]))
        path = folder / f"{i + 1:04d}.jpg"
        path.write_bytes(jpeg_bytes(stored, dpi, quality, exif_for(dpi, orientation)))
        paths.append(path)
    return paths


def write_page_image(path: Path, image: np.ndarray, dpi: int, quality: int = 92) -> None:
    """One page as PNG (lossless) or JPEG (quality 92), dpi recorded (dpi 0: no resolution
    in the file at all, as messaging apps send photos)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not dpi:
        buf = io.BytesIO()
        _pil(image).save(buf, "PNG" if path.suffix.lower() == ".png" else "JPEG", quality=quality)
        path.write_bytes(buf.getvalue())
        return
    if path.suffix.lower() == ".png":
        _pil(image).save(path, "PNG", dpi=(dpi, dpi), compress_level=1)
    else:
        path.write_bytes(jpeg_bytes(image, dpi, 92, exif_for(dpi)))
