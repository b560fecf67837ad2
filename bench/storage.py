"""Embedded S3 benchmark: server start/stop time and verified upload throughput.

Baselines measured in the same run: reusing a running server (vs starting one), and a plain
minio `fput_object` without hashing or verification (vs `ObjectStore.put_file`).

  .venv/bin/python bench/storage.py [--runs 5] [--mb 20]

Prints a table of medians and writes bench/out/storage.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage import embedded  # noqa: E402
from storage.objects import ObjectStore  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def timed(call) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def bench_server(work: Path, runs: int) -> dict[str, list[float]]:
    cold, warm, reuse, stop = [], [], [], []
    for run in range(runs):
        data_dir = work / f"cold-{run}"
        cold.append(timed(lambda d=data_dir: embedded.start(d)))
        stop.append(timed(lambda d=data_dir: embedded.stop(d)))
        warm.append(timed(lambda d=data_dir: embedded.start(d)))
        reuse.append(timed(lambda d=data_dir: embedded.acquire(d)))
        embedded.release(data_dir)
        embedded.stop(data_dir)
        shutil.rmtree(data_dir)
    return {"start_cold": cold, "start_warm": warm, "reuse_running": reuse, "stop": stop}


def bench_upload(work: Path, runs: int, megabytes: int) -> dict[str, list[float]]:
    source = work / "upload.bin"
    with open(source, "wb") as out:
        for _ in range(megabytes):
            out.write(os.urandom(1024 * 1024))
    data_dir = work / "upload-server"
    results: dict[str, list[float]] = {"raw_fput": [], "put_file_stat": [], "put_file_full": []}
    with embedded.EmbeddedServer(data_dir) as endpoint:
        stat_store = ObjectStore.from_endpoint(endpoint, "bench", verify="stat")
        full_store = ObjectStore.from_endpoint(endpoint, "bench", verify="full")
        stat_store.ensure_bucket()
        for run in range(runs):
            results["raw_fput"].append(
                timed(lambda r=run: stat_store.client.fput_object("bench", f"raw/{r}", str(source)))
            )
            results["put_file_stat"].append(
                timed(lambda r=run: stat_store.put_file(f"stat/{r}", source))
            )
            results["put_file_full"].append(
                timed(lambda r=run: full_store.put_file(f"full/{r}", source))
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    work = OUT / "storage-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        server = bench_server(work, args.runs)
        upload = bench_upload(work, args.runs, args.mb)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    medians = {name: statistics.median(values) for name, values in {**server, **upload}.items()}
    print(f"{'measure':<16}{'median s':>10}{'MB/s':>9}{'vs baseline':>13}")
    baselines = {
        "start_cold": "reuse_running",
        "start_warm": "reuse_running",
        "stop": None,
        "reuse_running": None,
        "raw_fput": None,
        "put_file_stat": "raw_fput",
        "put_file_full": "raw_fput",
    }
    for name, median in medians.items():
        rate = f"{args.mb / median:9.1f}" if name in upload else f"{'':>9}"
        base = baselines[name]
        ratio = f"{median / medians[base]:12.2f}x" if base else f"{'(baseline)':>13}"
        print(f"{name:<16}{median:10.3f}{rate}{ratio}")
    report = {
        "runs": args.runs,
        "upload_mb": args.mb,
        "samples": {**server, **upload},
        "median_seconds": medians,
        "upload_mb_per_s": {name: args.mb / medians[name] for name in upload},
    }
    (OUT / "storage.json").write_text(json.dumps(report, indent=2))
    print(f"wrote {OUT / 'storage.json'}")


if __name__ == "__main__":
    main()
