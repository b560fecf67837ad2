"""Hostile inputs, generated: the broken, bomb-like and escaping files an inbox must survive.

`make_hostile(inbox, outside)` writes one of each class into `inbox` and the targets of its
links into `outside` (a folder the ingest must never read, move or delete), and returns
{relative path in the inbox: class}. Everything is built in code, small on disk: the bombs are
compressed runs of zeros that claim huge sizes. `python -m samples.hostile DIR` writes a set.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw


def make_hostile(inbox: Path, outside: Path) -> dict[str, str]:
    inbox.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    good = good_pdf()
    files: dict[str, bytes] = {
        "empty.pdf": b"",
        "truncated.pdf": good[: len(good) // 3],
        "wrong-extension.jpg": good,
        "text-as.pdf": "Danh sách hồ sơ cần bổ sung\n".encode(),
        "encrypted.pdf": _encrypted(good),
        "zero-pages.pdf": _zero_pages(),
        "zero-byte.tif": b"",
        "one-pixel.png": _png_image(Image.new("L", (1, 1), 255)),
        "sliver-5x5000.png": _png_image(Image.new("L", (5, 5000), 255)),
        "page-40000pt.pdf": _huge_page_pdf(40000),
        "image-40000px.pdf": _huge_image_pdf(40000),
        "bomb-30000px.png": bilevel_png_bomb(30000, 30000),
        "ccitt-garbage.pdf": _ccitt_pdf(),
        "broken-xref.pdf": _broken_xref(good),
    }
    classes = {
        "empty.pdf": "empty file",
        "truncated.pdf": "truncated PDF",
        "wrong-extension.jpg": "PDF named .jpg",
        "text-as.pdf": "text file named .pdf",
        "encrypted.pdf": "encrypted PDF",
        "zero-pages.pdf": "PDF with zero pages",
        "zero-byte.tif": "0-byte TIFF",
        "one-pixel.png": "1×1 image",
        "sliver-5x5000.png": "5×5000 image",
        "page-40000pt.pdf": "PDF page claiming 40000 pt (166667 px at 300 dpi)",
        "image-40000px.pdf": "PDF image claiming 40000×40000 px (hugemono-like)",
        "bomb-30000px.png": "30000×30000 1-bit PNG (decompression bomb)",
        "ccitt-garbage.pdf": "CCITT PDF with garbage data",
        "broken-xref.pdf": "PDF with broken xref",
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    secret = outside / "secret.pdf"
    secret.write_bytes(good)
    folder = outside / "folder"
    folder.mkdir(exist_ok=True)
    for n in (1, 2):
        (folder / f"page{n}.png").write_bytes(_png_image(_text_page(f"Trang {n}")))
    (inbox / "link-to-file.pdf").symlink_to(secret)
    (inbox / "link-to-folder").symlink_to(folder, target_is_directory=True)
    classes["link-to-file.pdf"] = "symlink to a file outside the inbox"
    classes["link-to-folder"] = "symlink to a folder outside the inbox"
    (inbox / "link-inside.pdf").symlink_to(inbox / "truncated.pdf")
    classes["link-inside.pdf"] = "symlink to a file inside the inbox"
    hardlinked = outside / "hardlinked.pdf"
    hardlinked.write_bytes(good)
    try:
        os.link(hardlinked, inbox / "hard-link.pdf")
        classes["hard-link.pdf"] = "hard link to a file outside the inbox"
    except OSError:  # another file system (or no hard links): nothing to test there
        hardlinked.unlink()
    return classes


def good_pdf() -> bytes:
    """A one-page scanned-looking PDF (an image of text at 150 dpi)."""
    out = io.BytesIO()
    _text_page("UBND TỈNH HÀ NAM\nĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI").save(out, "PDF", resolution=150.0)
    return out.getvalue()


def _text_page(text: str) -> Image.Image:
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for n, line in enumerate(text.splitlines()):
        draw.text((150, 200 + 60 * n), line, fill=0, font_size=36)
    return page


def _png_image(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def bilevel_png_bomb(width: int, height: int) -> bytes:
    """A 1-bit white PNG of width×height, written row by row (never held in memory)."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND")


def _chunk(kind: bytes, data: bytes = b"") -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _encrypted(good: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    return out.getvalue()


def _zero_pages() -> bytes:
    out = io.BytesIO()
    pikepdf.new().save(out)
    return out.getvalue()


def _huge_page_pdf(points: int) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].MediaBox = pikepdf.Array([0, 0, points, points])  # beyond the spec's 14400
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _huge_image_pdf(pixels: int) -> bytes:
    """An A4 page drawing one 1-bit image that claims pixels×pixels (zeros, Flate-compressed)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    row = b"\xff" * ((pixels + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(pixels)) + packer.flush()
    image = pdf.make_stream(data)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = pixels, pixels, 1
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.FlateDecode
    _draw(pdf, image, 595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _ccitt_pdf() -> bytes:
    """An A4 page whose CCITT G4 image is random bytes (what a broken fax driver writes)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    image = pdf.make_stream(bytes(range(256)) * 64)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = 2480, 3508, 1
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.CCITTFaxDecode
    image.DecodeParms = pikepdf.Dictionary(K=-1, Columns=2480, Rows=3508)
    _draw(pdf, image, 595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _draw(pdf: pikepdf.Pdf, image: pikepdf.Stream, width: int, height: int) -> None:
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())


def _broken_xref(good: bytes) -> bytes:
    """The good PDF with every xref offset pointing at the wrong byte."""
    head, sep, tail = good.partition(b"\nxref\n")
    if not sep:
        return good.replace(b"startxref", b"startxref\n999999")
    lines = tail.split(b"\n")
    broken = [
        b"%010d 00000 n " % 7 if line.endswith(b" n ") or line.endswith(b" n") else line
        for line in lines
    ]
    return head + sep + b"\n".join(broken)


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for name, what in make_hostile(root / "inbox", root / "outside").items():
        print(f"{name:24} {what}")
