"""`sohoa ocr` (issue 2): the sohoa.ocr/v1 JSON for a PDF, a TIFF and a folder of JPEGs, and the
exit codes for bad input and a missing Tesseract."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ocr.taxonomy import DOC_TYPES as ALL_DOC_TYPES

SOHOA = [sys.executable, "-m", "sohoa.cli"]
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
DOC_TYPES = set(ALL_DOC_TYPES)


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    from samples.generate import generate

    out = tmp_path_factory.mktemp("ocr-samples")
    truths = generate(
        out, seed=5, dossiers=3, levels=("clean", "mild"), formats=("pdf", "tiff", "jpeg")
    )
    return {t.format: (out / t.scan_path, t) for t in truths}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SOHOA, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})},
    )


def folder_sha(folder: Path) -> str:
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


@pytest.mark.parametrize("kind", ["pdf", "tiff", "jpeg"])
def test_ocr_json_contract(scans, kind):
    path, truth = scans[kind]
    proc = run("ocr", str(path), "--json", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "sohoa.ocr/v1"
    assert data["source"].endswith(path.name)
    expected_sha = (
        folder_sha(path) if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    )
    assert data["sha256"] == expected_sha
    assert data["page_count"] == len(truth.pages) == len(data["pages"])
    assert data["dossier_code"] == truth.dossier_code
    assert data["office_code"] == truth.office_code
    for page, expected in zip(data["pages"], truth.pages, strict=True):
        assert page.keys() >= PAGE_KEYS
        assert page["doc_type"] in DOC_TYPES and 0 <= page["doc_type_confidence"] <= 1
        assert page["rotation"] == expected.rotation
        assert page["blank"] == expected.blank
        if not expected.blank:
            assert len(page["text"]) > 50
    numbers = [n for doc in data["documents"] for n in doc["pages"]]
    assert sorted(numbers) == list(range(1, data["page_count"] + 1))
    for doc in data["documents"]:
        assert doc["doc_type"] in DOC_TYPES and isinstance(doc["fields"], dict)
        assert 0 <= doc["confidence"] <= 1


def test_ocr_human_summary_names_documents(scans):
    path, truth = scans["pdf"]
    proc = run("ocr", str(path))
    assert proc.returncode == 0, proc.stderr
    assert truth.dossier_code in proc.stdout
    assert truth.documents[0].doc_type in proc.stdout


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty.pdf", b""),
        ("notes.pdf", b"just some text\n"),
        ("page.jpg", b"\xff\xd8\xff\xe0garbage"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(tmp_path, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    proc = run("ocr", str(bad), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]


def test_missing_tesseract_exits_3(scans, tmp_path):
    path, _ = scans["pdf"]
    # a PATH with python's own directory and poppler, but no tesseract
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pdfinfo", "pdftoppm", "pdftotext"):
        (bin_dir / tool).symlink_to(f"/usr/bin/{tool}")
    proc = run("ocr", str(path), "--json", env={"PATH": f"{Path(sys.executable).parent}:{bin_dir}"})
    assert proc.returncode == 3, proc.stderr
    assert "tesseract" in proc.stderr.lower()
