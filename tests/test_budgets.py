"""Budgets (issue 17): pages over the pixel budget are downscaled, bombs refused before they are
decoded, oversized PDF pages rendered smaller or refused, and every limit ends in a BadInput
naming the file and the reason."""

from __future__ import annotations

import io
import time

import numpy as np
import pikepdf
import pytest
from PIL import Image

from ocr import recognize as rec
from ocr.errors import BadInput
from ocr.load import Limits, open_source
from ocr.pipeline import Options, PageFailed, process_page
from samples.hostile import _huge_image_pdf, _huge_page_pdf, bilevel_png_bomb, good_pdf


def test_page_over_the_pixel_budget_is_downscaled_with_its_dpi(tmp_path):
    path = tmp_path / "big.png"
    Image.new("L", (2000, 3000), 255).save(path, dpi=(600, 600))
    page = open_source(path, Limits(max_page_pixels=1_500_000)).load_page(0)
    height, width = page.image.shape[:2]
    assert width * height <= 1_500_000 and (width, height) == (1000, 1500)
    assert page.dpi == 300


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(bilevel_png_bomb(30000, 30000))
    with pytest.raises(BadInput, match="30000×30000 px.*refused before decoding"):
        open_source(path)


def test_pdf_image_bomb_and_huge_page_are_refused(tmp_path):
    bomb, huge = tmp_path / "bomb.pdf", tmp_path / "huge.pdf"
    bomb.write_bytes(_huge_image_pdf(20000))
    huge.write_bytes(_huge_page_pdf(40000))
    with pytest.raises(BadInput, match="20000×20000 px image.*refused before decoding"):
        open_source(bomb).load_page(0)
    with pytest.raises(BadInput, match="too large to render"):
        open_source(huge).load_page(0)


def test_pdf_page_rendered_within_the_budget(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(good_pdf())  # A4 at 150 dpi: 2.6 Mpx
    page = open_source(path, Limits(max_page_pixels=1_000_000)).load_page(0)
    height, width = page.image.shape[:2]
    assert width * height <= 1_000_000 and page.dpi < 150


def test_file_size_and_page_count_limits(tmp_path):
    path = tmp_path / "two.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.save(path)
    with pytest.raises(BadInput, match="2 pages, over the 1-page limit"):
        open_source(path, Limits(max_pages=1))
    with pytest.raises(BadInput, match="over the 0 MB limit"):
        open_source(path, Limits(max_file_bytes=100))


def test_tesseract_call_is_killed_at_its_time_limit():
    page = np.full((2000, 1500), 255, np.uint8)
    with pytest.raises(rec.TesseractTimeout):
        rec.run_tesseract(page, dpi=300, timeout=0.001)


def fake_tesseract(tmp_path, body: str) -> str:
    """A `tesseract` stand-in: `body` runs, then it writes an empty TSV where tesseract would."""
    exe = tmp_path / "tesseract"
    exe.write_text(f'#!/bin/sh\n{body}\n: > "$2.tsv"\n')
    exe.chmod(0o755)
    return str(exe)


def test_tesseract_limit_is_cpu_time_so_a_slow_machine_keeps_good_pages(tmp_path, monkeypatch):
    """Waiting for a core (here: sleeping 2 s, using no CPU) is no reason to quarantine a page:
    a 1 s limit is on CPU time, and only a call hung for 10x that is killed."""
    monkeypatch.setattr(rec, "tesseract_exe", lambda: fake_tesseract(tmp_path, "sleep 2"))
    page = np.full((200, 150), 255, np.uint8)
    assert rec.run_tesseract(page, dpi=300, timeout=1) == {"tsv": b""}


def test_tesseract_burning_cpu_is_stopped_at_the_cpu_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(
        rec, "tesseract_exe", lambda: fake_tesseract(tmp_path, "while :; do :; done")
    )
    page = np.full((200, 150), 255, np.uint8)
    began = time.monotonic()
    with pytest.raises(rec.TesseractTimeout, match="over 1 s of CPU"):
        rec.run_tesseract(page, dpi=300, timeout=1)
    assert time.monotonic() - began < 9  # the CPU limit, not the 10 s hang limit


def test_page_time_limit_names_the_page_and_stage(tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(good_pdf())
    with pytest.raises(PageFailed, match=r"page\.pdf: page 1: .*ran over"):
        process_page(str(path), 0, Options(page_seconds=0.05))


def test_a_decoder_crash_is_a_page_failure_naming_the_stage(tmp_path):
    path = tmp_path / "tiny.png"
    out = io.BytesIO()
    Image.new("L", (1, 1), 255).save(out, "PNG")
    path.write_bytes(out.getvalue())
    with pytest.raises(PageFailed, match=r"tiny\.png: page 1: decode: 1×1 px"):
        process_page(str(path), 0, Options())


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_deadline_python_swallows_still_fails_the_page():
    """The alarm may land in code whose exceptions Python only reports (an at-fork hook, a
    __del__): the page still ran over and must fail, not come back late as if on time."""
    from ocr.pipeline import PageTimeout, _deadline

    class SlowToDelete:
        def __del__(self):
            time.sleep(0.5)  # the alarm fires here; Python prints "Exception ignored"

    with pytest.raises(PageTimeout, match="ran over"), _deadline(0.05):
        obj = SlowToDelete()
        del obj
