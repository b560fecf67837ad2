"""The back of a sheet: show-through of the other side is blank, cheaply, even through a bilevel
scanner that turns it into black mirrored text under dense salt-and-pepper (bench/backfill seed
11: such a page took Tesseract over 180 CPU seconds and sent its 14-page scan to quarantine)."""

from __future__ import annotations

import resource
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocr import guard, pipeline
from ocr.preprocess import denoise


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _front(seed: int = 5) -> np.ndarray:
    from samples.generate import sample_page

    image, _ = sample_page(seed=seed, doc_type="quyet_dinh", level="clean")
    return image


def _bilevel_back(front: np.ndarray) -> np.ndarray:
    """The generator's back of a sheet (faint mirrored bleed) with the defects of the seed-11
    page: low contrast 0.67, noise 4.0, JPEG q75, then the Otsu black-and-white of a TIFF G4."""
    from samples.defects import _low_contrast, _noise
    from samples.generate import _blank_page
    from samples.render import render_page
    from samples.write import _pil

    back = render_page(_blank_page(), dpi=300, seed=5, bleed_from=front).image
    out = _noise(_low_contrast(back, 0.67, 235), 4.0, np.random.default_rng(11))
    _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 75])
    out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return np.array(_pil(out, "1").convert("L"))


def test_bilevel_show_through_is_blank_in_bounded_cpu(tmp_path: Path) -> None:
    page_image = _bilevel_back(_front())
    assert denoise.is_dense(page_image)  # the case this is about: noise over the mirror image
    path = tmp_path / "back.png"
    cv2.imwrite(str(path), page_image)
    before = _children_cpu()
    result = pipeline.process(path, workers=1, out_dir=tmp_path / "out")  # no PageFailed
    spent = _children_cpu() - before  # tesseract processes (workers=1: all in this process)
    page = result.pages[0]
    assert page.blank and not page.text.strip()
    assert guard.SHOW_THROUGH_WARNING in page.warnings
    assert page.rotation == 0
    assert spent < 60, f"tesseract used {spent:.0f} s of CPU on a blank page"


def test_mirrored_clean_page_is_blank_and_upright_page_is_read(tmp_path: Path) -> None:
    front = _front(seed=8)
    mirrored = tmp_path / "mirrored.png"
    cv2.imwrite(str(mirrored), cv2.flip(front, 1))
    page = pipeline.process(mirrored, workers=1).pages[0]
    assert page.blank and not page.text
    assert guard.SHOW_THROUGH_WARNING in page.warnings
    upright = tmp_path / "upright.png"
    cv2.imwrite(str(upright), front)
    page = pipeline.process(upright, workers=1).pages[0]
    assert not page.blank and len(page.text) > 200 and not page.warnings


def test_probe_tells_mirrored_from_turned_text() -> None:
    from ocr import recognize as rec

    gray = cv2.cvtColor(_front(seed=8), cv2.COLOR_BGR2GRAY)

    def read(image, dpi):
        return rec.recognize(image, dpi=dpi, psm=6, correct=False)

    upright = guard.probe(gray, 300, read)
    assert not upright.show_through and not upright.upside_down
    turned = guard.probe(cv2.rotate(gray, cv2.ROTATE_180), 300, read)
    assert turned.upside_down and not turned.show_through
    flipped = guard.probe(cv2.flip(gray, 0), 300, read)  # a sheet turned over head first
    assert flipped.show_through


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_hard_noisy_pages_are_not_dense(seed: int) -> None:
    """Clearing dense noise costs thin strokes: ordinary noisy scans must stay under it."""
    from samples.generate import sample_page

    image, _ = sample_page(seed=seed, level="hard")
    assert not denoise.is_dense(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
