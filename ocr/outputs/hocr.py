"""hOCR for one page, from the recognised words (same text and order as the PDF and ALTO)."""

from __future__ import annotations

from html import escape

from ocr.outputs._structure import blocks, union
from ocr.result import Word


def _bbox(box: tuple[int, int, int, int]) -> str:
    return "bbox {} {} {} {}".format(*box)


def page_hocr(
    words: list[Word],
    *,
    width: int,
    height: int,
    number: int = 1,
    image_name: str = "",
    lang: str = "vi",
) -> str:
    """An hOCR 1.2 document for one page; x_wconf is Tesseract-style 0..100."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
        ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}">',
        "<head><title></title>",
        '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
        '<meta name="ocr-system" content="sohoa (tesseract)"/>',
        '<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word"/>',
        "</head><body>",
        f'<div class="ocr_page" id="page_{number}" title="image \'{escape(image_name)}\';'
        f' {_bbox((0, 0, width, height))}; ppageno {number - 1}">',
    ]
    for b, lines in enumerate(blocks(words), start=1):
        box = _bbox(union([w.box for line in lines for w in line]))
        out.append(f'<div class="ocr_carea" id="block_{number}_{b}" title="{box}">')
        out.append(f'<p class="ocr_par" id="par_{number}_{b}" title="{box}">')
        for line in lines:
            ln = line[0].line
            lbox = _bbox(union([w.box for w in line]))
            out.append(f'<span class="ocr_line" id="line_{number}_{ln}" title="{lbox}">')
            for i, word in enumerate(line, start=1):
                conf = round(word.confidence * 100)
                out.append(
                    f'<span class="ocrx_word" id="word_{number}_{ln}_{i}"'
                    f' title="{_bbox(word.box)}; x_wconf {conf}">{escape(word.text)}</span>'
                )
            out.append("</span>")
        out.append("</p></div>")
    out += ["</div>", "</body></html>", ""]
    return "\n".join(out)
