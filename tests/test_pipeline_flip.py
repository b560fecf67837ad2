"""A page the orientation step leaves upside down is read the right way up anyway."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import cv2
from rapidfuzz.distance import Levenshtein

from ocr import pipeline


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_upside_down_page_missed_by_orientation_is_flipped(tmp_path: Path, monkeypatch) -> None:
    from samples.generate import sample_page

    image, truth = sample_page(seed=3, doc_type="quyet_dinh", level="clean", rotation=180)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), image)
    # an orientation step that gets it wrong: the page goes to Tesseract as scanned
    monkeypatch.setattr(
        pipeline, "_prepare", lambda img, dpi, steps: pipeline._IdentityPrepared(img, dpi)
    )
    result = pipeline.process(path, workers=1, out_dir=tmp_path / "out")
    page = result.pages[0]
    assert page.rotation == 180
    assert page.mean_confidence > 0.8
    text = _norm(page.text)
    # < 0.05, not ~0: without preprocessing the red seal over the signature stays in the image
    assert Levenshtein.distance(_norm(truth.text), text) / len(_norm(truth.text)) < 0.05
    box = page.words[0].box  # boxes are on the flipped (upright) image, as the PDF shows it
    assert box[1] < page.height / 3  # the header is at the top


def test_costly_first_read_is_not_repeated(tmp_path: Path, monkeypatch) -> None:
    """Cost guard: after a read over COSTLY_READ_SECONDS only the band probe runs (no full
    reread at 180 degrees, no plain read of the page as loaded)."""
    from samples.generate import sample_page

    image, _ = sample_page(seed=3, doc_type="quyet_dinh", level="clean", rotation=180)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), image)
    monkeypatch.setattr(
        pipeline, "_prepare", lambda img, dpi, steps: pipeline._IdentityPrepared(img, dpi)
    )
    monkeypatch.setattr(pipeline, "COSTLY_READ_SECONDS", 0.0)  # every read counts as costly
    page = pipeline.process(path, workers=1).pages[0]
    assert page.rotation == 0 and page.reading == "pipeline"
    assert page.timings["tesseract_calls"] == 5  # the read and the four probe reads
    assert "reread" not in page.timings and "plain_read" not in page.timings
