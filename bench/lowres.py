"""Small text on low-resolution phone images: sohoa's CER and CPU on pages of one capture family.

Development data for small-text reading is the training capture `phone_small` (samples/capture.py);
the held-out `phone_lowres` is there to check, never to fit (`--capture phone_lowres --split
held_out`). Every page is drawn from the split's families with its capture forced.

    .venv/bin/python bench/lowres.py --pages 24             # training phone_small, seed 101
    .venv/bin/python bench/lowres.py --capture phone_lowres --split held_out

The pages are cached in bench/out/lowres-<capture>-<split>-<seed>-<pages>/.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ocr import LEVELS, OUT, errors  # noqa: E402


def build(capture: str, split: str, seed: int, n_pages: int) -> Path:
    """Generated pages of `split` whose capture is `capture` (cached)."""
    from samples.generate import generate_pages

    folder = OUT / f"lowres-{capture}-{split}-{seed}-{n_pages}"
    if not (folder / "pages.json").is_file():
        generate_pages(folder, seed=seed, n_pages=n_pages, levels=LEVELS, split=split,
                       forced={"capture": capture})  # fmt: skip
    return folder


def read(args: tuple[str, str]) -> tuple[tuple[int, int, int, int], float]:
    """(error counts, CPU seconds with tesseract's) of one page through the pipeline."""
    from ocr.pipeline import Options, _process_page

    path, truth = args
    page = _process_page(path, 0, Options(qr=False))
    cpu = page.timings.get("page", 0.0) + page.timings.get("page.tesseract", 0.0)
    return errors(truth, page.text), cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capture", default="phone_small")
    parser.add_argument("--split", default="train", choices=["train", "held_out"])
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    folder = build(args.capture, args.split, args.seed, args.pages)
    pages = [p for p in json.loads((folder / "pages.json").read_text("utf-8")) if not p["blank"]]
    jobs = [(str(folder / p["file"]), p["text"]) for p in pages]
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(read, jobs))
    cells: dict[str, list[int]] = {}
    for page, (err, cpu) in zip(pages, results, strict=True):
        size = next((d for d in page["defects"] if d.endswith("px")), "")
        cer = err[0] / max(err[1], 1)
        print(f"{page['file']} {page['level']:6} CER {cer:.3f} {cpu:5.1f} s {size}")
        for key in (page["level"], "all"):
            cell = cells.setdefault(key, [0, 0, 0])
            cell[0] += err[0]
            cell[1] += err[1]
            cell[2] += 1
    cpu = sum(r[1] for r in results)
    for key in (*LEVELS, "all"):
        if key in cells:
            e, n, k = cells[key]
            print(f"{args.capture} {key:6} pages {k:3}  CER {e / max(n, 1):.4f}")
    print(f"CPU {cpu:.1f} s ({cpu / max(len(pages), 1):.2f} s/page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
