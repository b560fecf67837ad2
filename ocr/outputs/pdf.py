"""Searchable PDF: the corrected page image with an invisible text layer aligned to the words.

The text layer is drawn here (not taken from Tesseract's PDF renderer) so it carries the same
post-corrected words, in the same reading order, as the text, ALTO and hOCR outputs. It uses the
technique Tesseract and OCRmyPDF use: Tesseract's one-glyph "GlyphLessFont" (pdf.ttf) as a Type0
font with Identity-H encoding, where each character code is the UTF-16 code unit itself (a
ToUnicode CMap maps it back), text render mode 3 (invisible), each word scaled horizontally to
its box.

`to_pdfa` marks a merged document as PDF/A-2b the way OCRmyPDF does (sRGB output intent and XMP
identification). It is not validated with veraPDF here; it follows the rules the layout needs
(embedded font, no transparency, device colour spaces under an output intent, XMP, /ID).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import ExitStack
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

from ocr.result import Word

JPEG_QUALITY = 85
FONT_NAME = Name("/GlyphLessFont")

_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


@lru_cache
def _glyphless_ttf() -> bytes:
    from ocr.tessdata import system_tessdata_dir

    path = system_tessdata_dir() / "pdf.ttf"
    return path.read_bytes()


def encode_jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode the page image as JPEG")
    return buf.tobytes()


def page_pdf(
    image: np.ndarray,
    words: Iterable[Word],
    dpi: int,
    *,
    jpeg: bytes | None = None,
    scale: float = 1.0,
) -> bytes:
    """A one-page PDF: `image` (BGR or gray) at its real size, invisible `words` over it.

    `scale` maps word boxes onto the image (word box px * scale = image px), for when the words
    were recognised on an upscaled copy.
    """
    height, width = image.shape[:2]
    data = jpeg if jpeg is not None else encode_jpeg(image)
    pdf = pikepdf.new()
    w_pt, h_pt = width * 72.0 / dpi, height * 72.0 / dpi
    xobj = Stream(pdf, data)
    xobj.Type, xobj.Subtype = Name.XObject, Name.Image
    xobj.Width, xobj.Height, xobj.BitsPerComponent = width, height, 8
    xobj.ColorSpace = Name.DeviceGray if image.ndim == 2 else Name.DeviceRGB
    xobj.Filter = Name.DCTDecode
    content = [f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Im0 Do Q".encode()]
    text = _text_layer(words, px_to_pt=72.0 / dpi * scale, page_h_pt=h_pt)
    resources = Dictionary(XObject=Dictionary(Im0=xobj))
    if text:
        content.append(text)
        resources.Font = Dictionary(F0=_font(pdf))
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, round(w_pt, 3), round(h_pt, 3)]),
        Resources=resources,
        Contents=Stream(pdf, b"\n".join(content)),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _text_layer(words: Iterable[Word], px_to_pt: float, page_h_pt: float) -> bytes:
    ops = ["BT", "3 Tr"]
    count = 0
    for word in words:
        x0, y0, x1, y1 = word.box
        chars = word.text + " "
        codes = chars.encode("utf-16-be")
        n_units = len(codes) // 2
        size = max((y1 - y0) * px_to_pt, 1.0)
        width = max((x1 - x0) * px_to_pt, 0.5)
        # GlyphLessFont advance is 500/1000 em per code; stretch the word (not its space) to the box
        hscale = 100.0 * width / (max(n_units - 1, 1) * 0.5 * size)
        baseline = page_h_pt - y1 * px_to_pt
        ops.append(
            f"/F0 {size:.2f} Tf {hscale:.2f} Tz 1 0 0 1 {x0 * px_to_pt:.2f} {baseline:.2f} Tm "
            f"<{codes.hex()}> Tj"
        )
        count += 1
    ops.append("ET")
    return "\n".join(ops).encode() if count else b""


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    font_file = Stream(pdf, _glyphless_ttf())
    font_file.Length1 = len(_glyphless_ttf())
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=FONT_NAME,
        Flags=5,
        FontBBox=Array([0, 0, 500, 1000]),
        ItalicAngle=0,
        Ascent=1000,
        Descent=0,
        CapHeight=1000,
        StemV=80,
        FontFile2=font_file,
    )
    # every CID (= UTF-16 code unit) draws glyph 1
    cid_to_gid = Stream(pdf, b"\x00\x01" * 65536)
    cid_font = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=FONT_NAME,
        CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor,
        DW=500,
        CIDToGIDMap=cid_to_gid,
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=FONT_NAME,
            Encoding=Name("/Identity-H"),
            DescendantFonts=Array([pdf.make_indirect(cid_font)]),
            ToUnicode=Stream(pdf, _TO_UNICODE),
        )
    )


def write_merged(
    page_pdfs: Iterable[Path | bytes], path: Path, *, pdfa: bool = True, title: str = ""
) -> None:
    """Concatenate one-page PDFs (paths or bytes) into `path` (PDF/A-2b when `pdfa`).

    Files are merged by qpdf's own page copier (QPDFJob `--pages`), which streams each page's
    image from its file as it writes: memory stays flat in the page count (pikepdf's
    `pages.extend` holds every copied image in memory, ~0.85 MB a scanned page). The document
    level (PDF/A output intent, XMP, title) comes from an empty shell PDF, the job's input."""
    items = list(page_pdfs)
    if items and not any(isinstance(item, bytes) for item in items):
        _merge_files([Path(item) for item in items], path, pdfa=pdfa, title=title)
        return
    with ExitStack() as stack:
        out = stack.enter_context(pikepdf.new())
        for item in items:
            src = pikepdf.open(io.BytesIO(item) if isinstance(item, bytes) else item)
            stack.enter_context(src)  # sources stay open until the merged file is written
            out.pages.extend(src.pages)
        save(out, path, pdfa=pdfa, title=title)


def _merge_files(files: list[Path], path: Path, *, pdfa: bool, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shell_path = path.with_name(f".{path.name}.shell.pdf")
    try:
        with pikepdf.new() as shell:
            if pdfa:
                to_pdfa(shell, title=title)
            shell.save(shell_path)
        pages = [str(f.resolve()) for f in files]
        args = ["qpdf", str(shell_path.resolve()), "--object-streams=generate", "--pages"]
        job = pikepdf.Job([*args, *pages, "--", str(path.resolve())])
        job.run()
        if job.exit_code not in (0, 3):  # 3: warnings only, the file is written
            raise pikepdf.PdfError(f"qpdf could not merge {len(files)} pages: {job.exit_code}")
    finally:
        shell_path.unlink(missing_ok=True)


@lru_cache
def srgb_icc() -> bytes:
    """An sRGB ICC profile (LittleCMS via Pillow), labelled v4.2 as PDF/A-2 expects."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[8:12] = bytes([4, 0x20, 0, 0])  # version 4.2 (lcms writes 4.4; same tag layout)
    data[84:100] = bytes(16)  # profile ID: "not computed" (the version byte changed)
    return bytes(data)


def to_pdfa(pdf: pikepdf.Pdf, *, title: str = "", producer: str = "sohoa") -> None:
    """Add what PDF/A-2b asks of this layout: sRGB output intent and XMP identification."""
    icc = Stream(pdf, srgb_icc())
    icc.N = 3
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB",
                Info="sRGB IEC61966-2.1",
                DestOutputProfile=icc,
            )
        ]
    )
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title or "sohoa scan"
        meta["pdf:Producer"] = producer
        meta["xmp:CreatorTool"] = producer
        meta["xmp:CreateDate"] = now
        meta["xmp:ModifyDate"] = now
    pdf.docinfo[Name.Title] = title or "sohoa scan"
    pdf.docinfo[Name.Producer] = producer


def save(pdf: pikepdf.Pdf, path: Path, *, pdfa: bool = True, title: str = "") -> None:
    """Write `pdf` (as PDF/A-2b when `pdfa`), linearised off, object streams for size."""
    if pdfa:
        to_pdfa(pdf, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
