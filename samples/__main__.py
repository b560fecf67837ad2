"""`python -m samples OUT_DIR --seed 1 --dossiers 6` (or `--pages 150` for a page set)."""

from __future__ import annotations

import argparse
import os
import time

from samples.defects import LEVELS
from samples.generate import FORMATS, generate, generate_pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m samples", description=__doc__)
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dossiers", type=int, default=6)
    parser.add_argument("--unscanned", type=int, default=None)
    parser.add_argument("--levels", default=",".join(LEVELS))
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument(
        "--pages", type=int, default=0, help="write N single pages + pages.json instead of dossiers"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    levels = tuple(args.levels.split(","))
    started = time.perf_counter()
    if args.pages:
        pages = generate_pages(
            args.out_dir,
            seed=args.seed,
            n_pages=args.pages,
            levels=levels,
            dpi=args.dpi,
            workers=args.workers,
        )
        print(f"{len(pages)} pages in {args.out_dir} ({time.perf_counter() - started:.1f} s)")
        return
    truths = generate(
        args.out_dir,
        seed=args.seed,
        dossiers=args.dossiers,
        levels=levels,
        formats=tuple(args.formats.split(",")),
        dpi=args.dpi,
        unscanned=args.unscanned,
        workers=args.workers,
    )
    pages = sum(len(t.pages) for t in truths)
    print(
        f"{len(truths)} dossiers ({pages} pages) in {args.out_dir} "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
