"""Tesseract as a library in page processes (ocr.engine): the same TSV as the command, the same
time limits, and page workers using it."""

from __future__ import annotations

import numpy as np
import pytest

from ocr import engine
from ocr import recognize as rec

pytestmark = pytest.mark.skipif(engine._library() is None, reason="libtesseract not found")


@pytest.fixture(scope="module")
def page():
    """A generated medium page at 200 dpi (the resolution pages are read at)."""
    import cv2

    from samples.generate import sample_page

    image, _ = sample_page(seed=3, doc_type="quyet_dinh", level="medium")
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.resize(gray, None, fx=2 / 3, fy=2 / 3, interpolation=cv2.INTER_AREA)


@pytest.fixture
def library():
    engine.enable()
    assert engine.enabled()
    yield
    engine.enable(False)


def test_library_tsv_is_the_commands_byte_for_byte(page, library):
    before = engine.CPU_SECONDS
    inside = rec.run_tesseract(page, dpi=200, psm=4)["tsv"]
    assert before < engine.CPU_SECONDS  # read in this process
    engine.enable(False)
    command = rec.run_tesseract(page, dpi=200, psm=4)["tsv"]
    assert command.count(b"\n") > 100  # a page of words
    assert inside.rstrip(b"\n") == command.rstrip(b"\n")


def test_psm_and_settings_follow_each_call(page, library):
    """A block read (psm 6, as the probe makes) between two page reads changes neither."""
    band = np.ascontiguousarray(page[200:400])
    first = rec.run_tesseract(page, dpi=200, psm=4)["tsv"]
    block = rec.run_tesseract(band, dpi=200, psm=6)["tsv"]
    again = rec.run_tesseract(page, dpi=200, psm=4)["tsv"]
    assert first == again
    engine.enable(False)
    assert block.rstrip(b"\n") == rec.run_tesseract(band, dpi=200, psm=6)["tsv"].rstrip(b"\n")


def test_library_call_stops_at_its_cpu_limit(page, library):
    with pytest.raises(rec.TesseractTimeout, match="of CPU"):
        rec.run_tesseract(page, dpi=200, timeout=0.05)
    assert rec.run_tesseract(page, dpi=200)["tsv"].count(b"\n") > 100  # usable afterwards


def test_a_missing_model_is_a_missing_dependency(page, library):
    with pytest.raises(rec.MissingDependency, match="xyz_not_installed"):
        rec.run_tesseract(page, dpi=200, lang="xyz_not_installed")


def test_page_workers_read_with_the_library_and_clock_it_as_tesseract(tmp_path, page):
    """Pool workers enable the library; its CPU is still reported under '.tesseract'."""
    import cv2

    from ocr.pipeline import make_executor, process

    for n in (1, 2):
        cv2.imwrite(str(tmp_path / f"p{n}.png"), page)
    pool = make_executor(2)
    try:
        pooled = process(tmp_path, workers=2, executor=pool, qr=False)
        flags = [pool.submit(engine.enabled).result() for _ in range(2)]
    finally:
        pool.shutdown()
    assert all(flags) and not engine.enabled()  # the parent itself does not
    serial = process(tmp_path / "p1.png", workers=1, qr=False)  # one page: in this process
    assert pooled.pages[0].text == serial.pages[0].text
    timings = pooled.pages[0].timings
    assert timings["recognize.tesseract"] > 0.1
    assert timings["recognize"] < timings["recognize.tesseract"]


def test_library_prints_nothing_of_its_own(library, capfd):
    """Tesseract's and leptonica's messages ("Empty page!!") went to the command's discarded
    stderr; in a page process they must not reach the terminal either."""
    empty = np.full((60, 60), 255, np.uint8)
    rec.run_tesseract(empty, dpi=200)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_a_signal_during_a_library_read_stops_it(page, library):
    """The page's SIGALRM deadline (or Ctrl-C) fires while Tesseract reads in this process: the
    read stops and what the handler raised comes out (it is not lost inside the ctypes
    callback)."""
    import signal

    class Deadline(Exception):
        pass

    def expire(signum, frame):
        raise Deadline

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 0.15)
    try:
        with pytest.raises(Deadline):
            rec.run_tesseract(page, dpi=200)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _lexicon_ready() -> bool:
    """In a page worker: was the post-correction lexicon there before this page asked for it?"""
    from ocr.vietnamese.lexicon import lexicon

    return lexicon.cache_info().currsize == 1


def test_page_workers_inherit_the_lexicon_from_the_forkserver():
    """The lexicon (~0.25 s of CPU) is built once in the forkserver (ocr.preload), not again in
    each page worker; a spawned worker (no forkserver) has none until it corrects a page."""
    from ocr.pipeline import make_executor

    for context, expected in (("forkserver", True), ("spawn", False)):
        pool = make_executor(1, context=context)
        try:
            assert pool.submit(_lexicon_ready).result() is expected
        finally:
            pool.shutdown()
