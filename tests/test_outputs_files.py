"""Searchable PDF, ALTO and hOCR rendered from words: text findable, aligned, image kept."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from ocr.outputs import page_alto, page_hocr, page_pdf, write_merged
from ocr.outputs.alto import ALTO_NS
from ocr.result import Word

WORDS = [
    Word("CỘNG", 0.91, (600, 200, 780, 250), block=1, line=1),
    Word("HÒA", 0.88, (800, 200, 920, 250), block=1, line=1),
    Word("Quyết", 0.95, (300, 400, 460, 450), block=2, line=2),
    Word("định", 0.42, (480, 400, 600, 450), block=2, line=2),
    Word("số", 0.97, (300, 480, 360, 530), block=2, line=3),
    Word("123/QĐ-UBND", 0.73, (380, 480, 760, 530), block=2, line=3),
]


def _page(dpi: int = 200) -> np.ndarray:
    """An A5-ish colour page at `dpi` with dark bars where the words are."""
    image = np.full((int(8.27 * dpi), int(5.83 * dpi), 3), 255, np.uint8)
    for word in WORDS:
        x0, y0, x1, y1 = word.box
        image[y0:y1, x0:x1] = (40, 40, 40)
    return image


def _pdftotext(path: Path, *args: str) -> str:
    done = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_searchable_pdf_has_the_words_and_one_image_at_the_page_dpi(tmp_path: Path) -> None:
    image = _page(dpi=200)
    path = tmp_path / "page.pdf"
    path.write_bytes(page_pdf(image, WORDS, dpi=200))
    text = " ".join(_pdftotext(path).split())
    assert text == "CỘNG HÒA Quyết định số 123/QĐ-UBND"
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(listing) == 1
    cols = listing[0].split()
    assert (int(cols[3]), int(cols[4])) == (image.shape[1], image.shape[0])
    assert (int(cols[12]), int(cols[13])) == (200, 200)  # x-ppi, y-ppi
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert box[2] == pytest.approx(image.shape[1] * 72 / 200, abs=0.01)


def test_searchable_pdf_text_sits_on_the_word_boxes(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_bytes(page_pdf(_page(dpi=200), WORDS, dpi=200))
    html = _pdftotext(path, "-bbox")
    found = {
        m.group(5): tuple(float(m.group(i)) for i in range(1, 5))
        for m in re.finditer(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', html
        )
    }
    for word in WORDS:
        x0, y0, x1, y1 = (v * 72 / 200 for v in word.box)
        got = found[word.text.replace("&", "&amp;")]
        assert got[0] == pytest.approx(x0, abs=2)
        assert got[2] == pytest.approx(x1, abs=3)
        assert got[1] == pytest.approx(y0, abs=2)  # top of the glyphs at the box top
        assert y1 <= got[3] <= y1 + 0.4 * (y1 - y0)  # baseline at the box bottom (+ descent)


def test_word_boxes_scale_from_an_upscaled_ocr_image(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    halved = [Word(w.text, w.confidence, tuple(v * 2 for v in w.box)) for w in WORDS]
    path.write_bytes(page_pdf(_page(dpi=200), halved, dpi=200, scale=0.5))
    html = _pdftotext(path, "-bbox")
    assert 'xMin="108.000000" yMin="144.000000"' in html  # "Quyết": 300 px, 400 px at 200 dpi


@pytest.mark.parametrize("given", ["bytes", "files"])
def test_merged_pdf_is_marked_pdfa_and_keeps_page_order(tmp_path: Path, given: str) -> None:
    pages = [page_pdf(_page(), WORDS[:2], dpi=200), page_pdf(_page(), WORDS[2:], dpi=200)]
    if given == "files":
        for n, data in enumerate(pages):
            (tmp_path / f"{n}.pdf").write_bytes(data)
        pages = [tmp_path / "0.pdf", tmp_path / "1.pdf"]
    target = tmp_path / "doc.pdf"
    write_merged(pages, target, title="scan.pdf")
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 2
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        assert len(intent.DestOutputProfile.read_bytes()) > 300
        assert str(pdf.docinfo["/Title"]) == "scan.pdf"
    assert "CỘNG HÒA" in _pdftotext(target, "-f", "1", "-l", "1")
    assert "123/QĐ-UBND" in _pdftotext(target, "-f", "2", "-l", "2")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["doc.pdf", *(["0.pdf", "1.pdf"] if given == "files" else [])]
    )  # no shell file left behind


MERGE_PEAK = """
import os, sys
from pathlib import Path
import pikepdf
from ocr.outputs import write_merged

def hwm():
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) * 1024

folder = Path(sys.argv[1])
files = []
for n in range(int(sys.argv[2])):
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, os.urandom(1000 * 1000), Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image, Width=1000, Height=1000, ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8)
    page = pdf.add_blank_page(page_size=(240, 240))
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    pdf.save(folder / f"{n:03d}.pdf")
    files.append(folder / f"{n:03d}.pdf")
    pdf.close()
before = hwm()
write_merged(files, folder / "merged.pdf", title="t")
print(hwm() - before)
"""


def test_merging_page_files_keeps_memory_flat_in_page_count(tmp_path: Path) -> None:
    """60 pages of 1 MB images merge without holding the images (qpdf streams them)."""
    import sys

    done = subprocess.run(
        [sys.executable, "-c", MERGE_PEAK, str(tmp_path), "60"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert int(done.stdout) < 20 * 2**20, done.stdout  # pikepdf's pages.extend: ~60 MB


def test_alto_parses_with_words_lines_and_confidences() -> None:
    xml = page_alto(WORDS, width=1166, height=1654, number=3)
    root = ET.fromstring(xml.encode("utf-8"))
    ns = {"a": ALTO_NS}
    strings = root.findall(".//a:String", ns)
    assert [s.get("CONTENT") for s in strings] == [w.text for w in WORDS]
    assert strings[3].get("WC") == "0.42"
    assert strings[0].get("HPOS") == "600" and strings[0].get("WIDTH") == "180"
    assert len(root.findall(".//a:TextBlock", ns)) == 2
    assert len(root.findall(".//a:TextLine", ns)) == 3
    page = root.find(".//a:Page", ns)
    assert (page.get("WIDTH"), page.get("PHYSICAL_IMG_NR")) == ("1166", "3")


def test_hocr_parses_with_word_boxes() -> None:
    html = page_hocr(WORDS, width=1166, height=1654)
    root = ET.fromstring(html.split("\n", 2)[2].encode("utf-8"))  # after the XML decl + doctype
    words = [el for el in root.iter() if el.get("class") == "ocrx_word"]
    assert [w.text for w in words] == [w.text for w in WORDS]
    assert words[1].get("title") == "bbox 800 200 920 250; x_wconf 88"


def _work_with_pages(work: Path, count: int):
    """A recognised result of `count` pages and the page artifacts `write_outputs` reads."""
    from ocr.pipeline import _artifact
    from ocr.result import Document, OcrResult, Page

    image = _page(dpi=100)
    pages = []
    for number in range(1, count + 1):
        _artifact(work, "pdf", number).write_bytes(page_pdf(image, WORDS, dpi=100))
        for kind in ("txt", "alto", "hocr"):
            _artifact(work, kind, number).write_text(f"{kind} {number}", "utf-8")
        pages.append(Page(number, text=f"trang {number}", words=list(WORDS), timings={"x": 1.0}))
    documents = [Document("to_khai", [1, 2], 0.9), Document("khac", [3], 0.5)]
    return OcrResult("scan.pdf", "ab" * 32, count, pages, documents, tool_versions={"t": "1"})


def test_write_outputs_hands_each_file_to_the_sink_and_keeps_none(tmp_path: Path) -> None:
    """Ingest streams the outputs: each file goes to the sink (an upload) as soon as it is
    written and is removed, so temp space never holds every output at once."""
    import json
    from dataclasses import asdict

    from ocr.pipeline import write_outputs

    work, out, kept = tmp_path / "work", tmp_path / "out", tmp_path / "kept"
    result = _work_with_pages(work, 3)
    seen: list[str] = []
    largest_out = 0

    def sink(path: Path, name: str) -> None:
        nonlocal largest_out
        files = [p for p in out.rglob("*") if p.is_file()]
        assert files == [path]  # the one just written, nothing else waiting
        largest_out = max(largest_out, path.stat().st_size)
        seen.append(name)
        (kept / name).parent.mkdir(parents=True, exist_ok=True)
        (kept / name).write_bytes(path.read_bytes())

    write_outputs(result, work, out, sink=sink)
    assert not [p for p in out.rglob("*") if p.is_file()]
    assert sorted(seen) == sorted(
        [f"{d}/{n:04d}.{s}" for d, s in (("pages", "txt"), ("alto", "xml"), ("hocr", "hocr"))
         for n in (1, 2, 3)]
        + ["text.txt", "documents/01-to_khai.pdf", "documents/02-khac.pdf", "searchable.pdf",
           "result.json"]
    )  # fmt: skip
    with pikepdf.open(kept / "searchable.pdf") as pdf:
        assert len(pdf.pages) == 3
    with pikepdf.open(kept / "documents/01-to_khai.pdf") as pdf:
        assert len(pdf.pages) == 2
    assert (kept / "text.txt").read_text("utf-8") == "trang 1\ftrang 2\ftrang 3"
    # result.json, written page by page, is byte for byte the one-shot dump it replaced
    whole = asdict(result)
    for page in whole["pages"]:
        page.pop("timings")
    expected = json.dumps({"schema": "sohoa.ocr/v1", **whole}, ensure_ascii=False, indent=1)
    assert (kept / "result.json").read_text("utf-8") == expected
    assert result.to_json()["pages"][0].keys() == {k for k in whole["pages"][0] if k != "words"}


def test_write_outputs_passes_the_sinks_error_through_unchanged(tmp_path: Path) -> None:
    """An upload failing inside `Recognised.write_outputs` is the store's error (retried or
    reported as an outage), never turned into PageFailed (which would quarantine the scan)."""
    from ocr.pipeline import Recognised

    work = tmp_path / "work"
    result = _work_with_pages(work, 2)

    class Outage(Exception):
        pass

    def sink(path: Path, name: str) -> None:
        raise Outage(name)

    with pytest.raises(Outage, match="pages/0001.txt"):
        Recognised(result, work).write_outputs(tmp_path / "out", sink=sink)
