"""`sohoa ocr` on a long scanned PDF leaves nothing in the temp dir: after a normal run (whose
temp space stays under twice the input), and when it is stopped half-way by SIGTERM or SIGINT
(exit code 130, one line on stderr). Each run gets a TMPDIR of its own."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SOHOA = [sys.executable, "-m", "sohoa.cli"]
PAGES = 8


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return write_long_pdf(tmp_path_factory.mktemp("long-pdf"))


def write_long_pdf(out: Path) -> Path:
    """An 8-page scanned PDF (300 dpi JPEG pages, as a scanner writes them)."""
    import cv2
    from PIL import Image

    from samples.generate import sample_page

    images = []
    for seed, doc_type in ((11, "quyet_dinh"), (12, "phieu_tiep_nhan")):
        image, _ = sample_page(seed=seed, doc_type=doc_type, level="mild")
        images.append(Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)))
    pages = [images[i % len(images)] for i in range(PAGES)]
    path = out / "scan.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=300, quality=80)
    return path


def _start(pdf: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "OMP_THREAD_LIMIT": "1"}
    cmd = [*SOHOA, "ocr", str(pdf), "--out", str(tmp_path / "out"), "--workers", "2"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=ctrl_c_default
    )
    return proc, tmpdir


def ctrl_c_default() -> None:
    """SIGINT as a terminal gives it: a test run in the background of a non-interactive shell
    inherits it ignored, and the command would never see the Ctrl-C the test sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _size(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # removed meanwhile
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _leftovers(tmpdir: Path) -> list[str]:
    return sorted(str(p.relative_to(tmpdir)) for p in tmpdir.rglob("*"))


def finish_watching_temp(proc: subprocess.Popen, tmpdir: Path) -> tuple[int, bytes]:
    """Wait for the command while sampling its temp dir: (peak bytes seen, stderr)."""
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _size(tmpdir))
            done.wait(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        _, stderr = proc.communicate(timeout=900)
    finally:
        done.set()
        watcher.join()
    return peak, stderr


def interrupt_mid_run(proc: subprocess.Popen, tmpdir: Path, signum: int) -> bytes:
    """Send `signum` once page artifacts exist (page processes at work); the command's stderr."""
    try:
        deadline = time.monotonic() + 600
        # mid-run: page artifacts written and page processes at work
        while not any(tmpdir.glob("sohoa-ocr-*/*/*")):
            assert proc.poll() is None, proc.communicate()[1].decode()[-3000:]
            assert time.monotonic() < deadline, "no page finished in time"
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signum)
        return proc.communicate(timeout=300)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_finished_run_leaves_nothing_and_uses_less_temp_than_twice_the_input(long_pdf, tmp_path):
    proc, tmpdir = _start(long_pdf, tmp_path)
    peak, stderr = finish_watching_temp(proc, tmpdir)
    assert proc.returncode == 0, stderr.decode()
    assert (tmp_path / "out" / "searchable.pdf").is_file()
    assert peak > 0, "the run used no temp space at all: the watcher saw nothing"
    # the page artifacts kept until the end, under twice the input, plus a fixed scratch per
    # page process: the uncompressed page image tesseract reads (A4 at 200 dpi, 3.9 MB)
    scratch = 2 * 1654 * 2339
    assert peak < 2 * long_pdf.stat().st_size + scratch, (peak, long_pdf.stat().st_size)
    assert _leftovers(tmpdir) == []


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_killed_run_leaves_nothing_in_the_temp_dir(long_pdf, tmp_path, signum):
    proc, tmpdir = _start(long_pdf, tmp_path)
    stderr = interrupt_mid_run(proc, tmpdir, signum)
    assert proc.returncode == 130, stderr.decode()
    assert stderr.decode().strip().splitlines()[-1] == "interrupted"
    assert _leftovers(tmpdir) == []
