"""`sohoa ingest` of a long scanned PDF leaves nothing in the temp dir: after a normal run (whose
temp space stays under twice the input), and when it is stopped half-way by SIGTERM or SIGINT
(exit code 130, one line on stderr, the scan back in the inbox, the embedded S3 server it
started stopped). Each run gets a TMPDIR and a data dir of its own, and no Prefect server: the
command serves its own temporary one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_ocr_tempfiles import (
    _leftovers,
    ctrl_c_default,
    finish_watching_temp,
    interrupt_mid_run,
    write_long_pdf,
)

SOHOA = [sys.executable, "-m", "sohoa.cli"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return write_long_pdf(tmp_path_factory.mktemp("long-pdf"))


def _start(pdf: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    tmpdir, data = tmp_path / "tmp", tmp_path / "var"
    tmpdir.mkdir()
    (data / "inbox").mkdir(parents=True)
    shutil.copyfile(pdf, data / "inbox" / pdf.name)  # a copy: a hard link is quarantined
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(
        TMPDIR=str(tmpdir), SOHOA_DATA_DIR=str(data), SOHOA_OCR_WORKERS="2", OMP_THREAD_LIMIT="1"
    )
    proc = subprocess.Popen(
        [*SOHOA, "ingest"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=ctrl_c_default,
    )
    return proc, tmpdir, data


def _stopped_store(data: Path) -> bool:
    from storage import embedded

    return embedded.status(data) is None


def test_finished_ingest_leaves_nothing_and_uses_less_temp_than_twice_the_input(long_pdf, tmp_path):
    proc, tmpdir, data = _start(long_pdf, tmp_path)
    peak, stderr = finish_watching_temp(proc, tmpdir)
    assert proc.returncode == 0, stderr.decode()[-3000:]
    assert list((data / "archive").rglob(long_pdf.name)), "the scan was not stored"
    assert peak > 0, "the run used no temp space at all: the watcher saw nothing"
    scratch = 2 * 1654 * 2339  # one uncompressed page image per page process (see test_ocr_…)
    assert peak < 2 * long_pdf.stat().st_size + scratch, (peak, long_pdf.stat().st_size)
    assert _leftovers(tmpdir) == []
    assert _stopped_store(data)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_killed_ingest_leaves_nothing_in_the_temp_dir(long_pdf, tmp_path, signum):
    proc, tmpdir, data = _start(long_pdf, tmp_path)
    stderr = interrupt_mid_run(proc, tmpdir, signum)
    assert proc.returncode == 130, stderr.decode()[-3000:]
    assert stderr.decode().strip().splitlines()[-1] == "interrupted"
    assert _leftovers(tmpdir) == []
    assert (data / "inbox" / long_pdf.name).is_file(), "the scan was not put back"
    assert _stopped_store(data)
