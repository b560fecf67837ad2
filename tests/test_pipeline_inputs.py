"""The per-file pipeline on PDF, TIFF and JPEG-folder inputs: JSON contract, outputs, errors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import pytest
from PIL import Image

from ocr.errors import BadInput
from ocr.pipeline import make_executor, process

PAGE_KEYS = {
    "number",
    "text",
    "mean_confidence",
    "rotation",
    "skew_degrees",
    "blank",
    "doc_type",
    "doc_type_confidence",
}
TOP_KEYS = {
    "schema",
    "source",
    "sha256",
    "page_count",
    "dossier_code",
    "office_code",
    "pages",
    "documents",
}


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory):
    """A decision page and an upside-down receipt continuation, as PIL images + truths."""
    from samples.generate import sample_page

    first, t1 = sample_page(seed=3, doc_type="quyet_dinh", level="clean")
    second, t2 = sample_page(seed=4, doc_type="giay_uy_quyen", level="mild", rotation=180)
    images = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)) for im in (first, second)]
    return images, [t1, t2]


@pytest.fixture(scope="module")
def scan_pdf(two_pages, tmp_path_factory) -> Path:
    images = [im.copy() for im in two_pages[0]]
    path = tmp_path_factory.mktemp("pdf") / "scan.pdf"
    images[0].save(path, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return path


@pytest.fixture(scope="module")
def pdf_result(scan_pdf, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return process(scan_pdf, workers=2, out_dir=out), out


def _check_contract(result, path: Path, pages: int) -> dict:
    data = json.loads(json.dumps(result.to_json()))
    assert set(data) >= TOP_KEYS
    assert data["schema"] == "sohoa.ocr/v1"
    assert data["page_count"] == len(data["pages"]) == pages
    assert [p["number"] for p in data["pages"]] == list(range(1, pages + 1))
    for page in data["pages"]:
        assert set(page) >= PAGE_KEYS
        assert 0.0 <= page["mean_confidence"] <= 1.0
    for doc in data["documents"]:
        assert {"doc_type", "pages", "confidence", "fields"} <= set(doc)
        assert all(1 <= n <= pages for n in doc["pages"])
    if path.is_file():
        assert data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    return data


def test_pdf_gives_the_contract_and_reads_both_pages(pdf_result, scan_pdf, two_pages) -> None:
    result, _ = pdf_result
    _, truths = two_pages
    data = _check_contract(result, scan_pdf, 2)
    assert data["pages"][1]["rotation"] == 180
    for page, truth in zip(result.pages, truths, strict=True):
        words = set(_norm(page.text).split())
        expected = set(_norm(truth.text).split())
        assert len(words & expected) > 0.9 * len(expected)
    assert set(result.tool_versions) >= {"tesseract", "tesseract_model", "opencv", "sohoa"}


def test_outputs_are_written_and_searchable(pdf_result) -> None:
    result, out = pdf_result
    for name in (
        "searchable.pdf",
        "text.txt",
        "result.json",
        "pages/0002.txt",
        "alto/0001.xml",
        "hocr/0002.hocr",
    ):
        assert (out / name).is_file(), name
    assert (out / "text.txt").read_text("utf-8").count("\f") == 1
    pdf_text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(out / "searchable.pdf"), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    ours = set(_norm(result.pages[0].text).split())
    assert len(ours & set(_norm(pdf_text).split())) > 0.95 * len(ours)
    listing = subprocess.run(
        ["pdfimages", "-list", str(out / "searchable.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert [int(row.split()[0]) for row in listing] == [1, 2]  # one image per page
    assert all(row.split()[12:14] == ["300", "300"] for row in listing)
    alto = ET.parse(out / "alto" / "0001.xml").getroot()
    contents = [s.get("CONTENT") for s in alto.iter() if s.tag.endswith("String")]
    assert contents == [w.text for w in result.pages[0].words]
    saved = json.loads((out / "result.json").read_text("utf-8"))
    assert saved["pages"][0]["words"][0]["box"] == list(result.pages[0].words[0].box)
    docs = sorted((out / "documents").iterdir())
    assert len(docs) == len(result.documents) >= 1
    assert all(d.name[:2].isdigit() and d.suffix == ".pdf" for d in docs)


@pytest.mark.slow
def test_tiff_and_jpeg_folder_give_the_same_contract(two_pages, tmp_path: Path) -> None:
    images = [im.copy() for im in two_pages[0]]  # fresh encoder state after the PDF save
    tiff = tmp_path / "scan.tiff"
    images[0].save(
        tiff, save_all=True, append_images=images[1:], dpi=(300, 300), compression="tiff_lzw"
    )
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, image in enumerate(images, start=1):
        image.save(folder / f"{n:03d}.jpg", quality=90, dpi=(300, 300))
    with make_executor(2) as pool:  # one pool serves several files
        tiff_result = process(tiff, workers=2, executor=pool)
        folder_result = process(folder, workers=2, executor=pool)
    _check_contract(tiff_result, tiff, 2)
    data = _check_contract(folder_result, folder, 2)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())]
    assert data["sha256"] == hashlib.sha256("\n".join(digests).encode()).hexdigest()
    assert [p.rotation for p in tiff_result.pages] == [0, 180]
    assert [p.rotation for p in folder_result.pages] == [0, 180]


@pytest.mark.slow
def test_two_processes_give_what_one_process_gives(scan_pdf, pdf_result) -> None:
    parallel, _ = pdf_result
    serial = process(scan_pdf, workers=1)
    assert serial.to_json(words=True)["pages"] == parallel.to_json(words=True)["pages"]
    assert serial.to_json()["documents"] == parallel.to_json()["documents"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.pdf", b""),
        ("notes.pdf", b"this is a text file, not a scan\n"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"),
    ],
)
def test_broken_files_raise_bad_input(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadInput) as err:
        process(path, workers=2, out_dir=tmp_path / "out")
    assert name in str(err.value)
    assert not (tmp_path / "out" / "searchable.pdf").exists()


def test_a_pdf_with_a_good_text_layer_keeps_it(pdf_result, tmp_path: Path) -> None:
    """Our own searchable PDF, fed back: its text layer is used, not OCR."""
    first, out = pdf_result
    again = process(out / "searchable.pdf", workers=2, out_dir=tmp_path / "again")
    assert [p.text_source for p in again.pages] == ["pdf", "pdf"]
    for old, new in zip(first.pages, again.pages, strict=True):
        old_words, new_words = set(_norm(old.text).split()), set(_norm(new.text).split())
        assert len(old_words & new_words) > 0.95 * len(old_words)
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "again" / "searchable.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert len(listing) == 2  # the original pages are carried over, not re-rendered
