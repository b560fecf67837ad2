"""`sohoa train` writes the page model under the data dir, and every reader on that data dir
(sohoa.runtime.ocr_options: the CLI, flows, workers) classifies with it (issue 16)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest


def test_readers_use_the_data_dirs_model(settings_env, tmp_path):
    from ocr.classify.model import DEFAULT_PATH
    from ocr.errors import MissingDependency
    from ocr.pipeline import Options, _understand
    from ocr.result import Page
    from sohoa.runtime import model_path, ocr_options

    assert ocr_options(settings_env).model_path is None  # nothing trained: the shipped one
    target = model_path(settings_env)
    assert target.parent.parent == settings_env.data_dir
    target.parent.mkdir(parents=True)
    shutil.copy(DEFAULT_PATH, target)
    assert ocr_options(settings_env).model_path == target.resolve()

    page = Page(number=1, text="QUYẾT ĐỊNH\nVề việc giao đất", mean_confidence=0.9)
    assert _understand([page], Options().model_path).documents
    with pytest.raises(MissingDependency, match="nowhere.npz"):
        _understand([page], tmp_path / "nowhere.npz")


@pytest.mark.slow
def test_train_writes_under_the_data_dir(tmp_path):
    from ocr.classify.model import DEFAULT_PATH

    shipped = hashlib.sha256(DEFAULT_PATH.read_bytes()).hexdigest()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["SOHOA_DATA_DIR"] = str(tmp_path / "var")
    done = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "train", "--no-with-corrections"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    written = tmp_path / "var" / "models" / "page-model.npz"
    assert written.is_file() and str(written) in done.stdout
    assert "TrainReport(" not in done.stdout
    assert hashlib.sha256(DEFAULT_PATH.read_bytes()).hexdigest() == shipped
