"""Progress (issue 16): on a terminal, `ocr`, `ingest` and `register import` draw rich progress
bars (pages, scans, rows, with an ETA); into a pipe or a file they print no bars, only the plain
lines (and Prefect's log lines for flows)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

SOHOA = [sys.executable, "-m", "sohoa.cli"]


def on_terminal(env: dict[str, str], *args: str, timeout: float = 600) -> tuple[int, str]:
    """Run sohoa with stdout and stderr on a pseudo-terminal; (exit code, everything shown)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*SOHOA, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], timeout)
        if not ready:
            proc.kill()
            raise TimeoutError(shown.decode(errors="replace")[-2000:])
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(timeout=60), shown.decode(errors="replace")


def in_a_pipe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(
        SOHOA_DATA_DIR=str(tmp_path / "var"), SOHOA_OCR_WORKERS="2", TERM="xterm", COLUMNS="120"
    )
    return env


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    from samples.generate import generate

    out = tmp_path_factory.mktemp("progress")
    (truth,) = generate(out, seed=7, dossiers=1, levels=("clean",), formats=("pdf",))
    return out / truth.scan_path


def test_ocr_draws_page_bars_on_a_terminal_only(env, scan):
    code, shown = on_terminal(env, "ocr", str(scan))
    assert code == 0, shown[-2000:]
    assert "pages of scan.pdf" in shown and "ETA" in shown
    piped = in_a_pipe(env, "ocr", str(scan))
    assert piped.returncode == 0
    assert "pages of" not in piped.stdout + piped.stderr and "ETA" not in piped.stderr


def test_register_import_draws_a_row_bar(env, tmp_path):
    from samples.generate import REGISTER_HEADER

    register = tmp_path / "register.csv"
    lines = [",".join(REGISTER_HEADER)]
    for n in range(30000):
        row = {h: "" for h in REGISTER_HEADER}
        row.update(dossier_code=f"000.00.24.H18-2310{n % 28 + 1:02d}-{n:04d}")
        lines.append(",".join(row[h] for h in REGISTER_HEADER))
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, shown = on_terminal(env, "register", "import", str(register))
    assert code == 0, shown[-2000:]
    assert "rows of register.csv" in shown
    piped = in_a_pipe(env, "register", "import", str(register))
    assert "rows of" not in piped.stdout + piped.stderr


@pytest.mark.slow
def test_ingest_draws_scan_and_page_bars(env, scan, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "scan.pdf").write_bytes(scan.read_bytes())
    code, shown = on_terminal(env, "ingest", str(inbox))
    assert code == 0, shown[-3000:]
    assert f"scans in {inbox}" in shown and "pages of scan.pdf" in shown
