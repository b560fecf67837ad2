"""ALTO v4 XML for one page, from the recognised words (same text and order as the PDF)."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ocr.outputs._structure import blocks, union
from ocr.result import Word

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA_LOCATION = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"


def _geom(box: tuple[int, int, int, int]) -> str:
    x0, y0, x1, y1 = box
    return f'HPOS="{x0}" VPOS="{y0}" WIDTH="{x1 - x0}" HEIGHT="{y1 - y0}"'


def page_alto(
    words: list[Word],
    *,
    width: int,
    height: int,
    number: int = 1,
    image_name: str = "",
    software: str = "sohoa",
) -> str:
    """ALTO 4 in pixel units; WC is the word confidence (0..1)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<alto xmlns="{ALTO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{ALTO_NS} {SCHEMA_LOCATION}">',
        "<Description><MeasurementUnit>pixel</MeasurementUnit>",
        f"<sourceImageInformation><fileName>{_esc(image_name)}</fileName></sourceImageInformation>",
        '<OCRProcessing ID="OCR_0"><ocrProcessingStep><processingSoftware>'
        f"<softwareName>{_esc(software)}</softwareName></processingSoftware>"
        "</ocrProcessingStep></OCRProcessing></Description>",
        "<Layout>",
        f'<Page ID="page_{number}" PHYSICAL_IMG_NR="{number}" WIDTH="{width}" HEIGHT="{height}">',
        f'<PrintSpace HPOS="0" VPOS="0" WIDTH="{width}" HEIGHT="{height}">',
    ]
    for b, lines in enumerate(blocks(words), start=1):
        block_box = union([w.box for line in lines for w in line])
        out.append(f'<TextBlock ID="block_{number}_{b}" {_geom(block_box)}>')
        for line in lines:
            ln = line[0].line
            out.append(f'<TextLine ID="line_{number}_{ln}" {_geom(union([w.box for w in line]))}>')
            for i, word in enumerate(line):
                if i:
                    out.append("<SP/>")
                out.append(
                    f"<String CONTENT={quoteattr(word.text)} {_geom(word.box)}"
                    f' WC="{word.confidence:.2f}"/>'
                )
            out.append("</TextLine>")
        out.append("</TextBlock>")
    out += ["</PrintSpace>", "</Page>", "</Layout>", "</alto>", ""]
    return "\n".join(out)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
