"""Backfill benchmark: pages per second through the Prefect flows against plain `sohoa ocr`.

Measured in one run, on the same generated dossiers (every mode starts on an empty data dir):

- baseline `ocr`: `sohoa ocr <scan> --json --workers <cores>`, one process per scan, summed (what
  an operator gets running `sohoa ocr` file by file); `ocr --out` also writes the searchable PDF,
  ALTO, text and per-document PDFs, the same recognition outputs the flow stores;
- `local`: `sohoa backfill <inbox>` on the embedded defaults (SQLite, embedded S3, Prefect's
  temporary server), total wall time and, read from its log, the time after Prefect's start-up
  (from the "Beginning flow run" line to the process exit);
- `distributed` with 1 and 2 workers: a real Prefect server (`sohoa.localcluster`, SQLite), the
  `backfill-chunk` deployment on a process work pool, the global `ocr` limit set to the cores,
  `SOHOA_OCR_WORKERS` = cores / workers, all sharing one data dir (SQLite + embedded S3), and
  `sohoa backfill <inbox> --distributed --batch-size B` timed.

    .venv/bin/python bench/backfill.py [--dossiers 8] [--repeat 1] [--skip-distributed]
    .venv/bin/python -m bench.backfill --dossiers 2 --skip-distributed     # smoke run
    .venv/bin/python bench/backfill.py --only-distributed --worker-limit 1 --json out.json

Workers take one chunk run at a time (`LocalCluster` starts them with `--limit 1`) and ask for
the next every 2 s (`PREFECT_WORKER_QUERY_SECONDS`, as deploy/ sets it); `--worker-limit N`
starts them with `--limit N` instead. `--skip-ocr-out` leaves out the `ocr --out` baseline.

"overhead" is the flow's wall time over the `ocr` baseline's, less one (issue 6: at most 10%);
"excl. Prefect start" rows take out the local flow's one-off start of Prefect's temporary server
(and the imports before it), which a long backfill pays once.

Prints a table of medians with ratios against the baselines, writes bench/out/backfill.json; logs
of every run go to bench/out/backfill-logs/. The corpus is cached in
bench/out/backfill-corpus-<seed>-<dossiers>/.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `python bench/backfill.py` puts bench/ first on sys.path, where bench/ocr.py would shadow the
# `ocr` package: the repository root goes first, before any other import.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import ctypes  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

OUT = ROOT / "bench" / "out"
LOGS = OUT / "backfill-logs"
WORK = OUT / "backfill-work"
POOL = "bench-backfill"
PYTHON = sys.executable
CORES = os.cpu_count() or 1
TARGET = 1.10  # issue 6: the local flow within 10% of the plain `sohoa ocr` sum
ARCHIVE_PAGES = 10_000_000  # issue 20: the projection's archive ...
ARCHIVE_DAYS = 30  # ... digitised in this many days, round the clock


@dataclass
class Corpus:
    folder: Path
    inbox: Path
    scans: list[Path]  # one per dossier: scan.pdf, scan.tif or a pages/ folder
    pages: int


@dataclass
class Run:
    mode: str
    workers: int  # Prefect workers (0: none)
    page_processes: int  # per worker (or per `sohoa ocr` process)
    wall: float
    cpu: float  # CPU seconds of every process involved (see TreeCpu)
    after_start: float | None = None  # local flow: wall time minus Prefect's start-up
    load_before: float = 0.0
    load_after: float = 0.0
    notes: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# corpus


def corpus(seed: int, dossiers: int) -> Corpus:
    """Generated once per (seed, dossiers) and cached; written to a temporary name first."""
    folder = OUT / f"backfill-corpus-{seed}-{dossiers}"
    if not (folder / "truth").is_dir():
        from samples.generate import generate

        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        generate(partial, seed=seed, dossiers=dossiers)
        partial.rename(folder)
    truths = [json.loads(p.read_text()) for p in sorted((folder / "truth").glob("*.json"))]
    scans = sorted(folder / t["scan_path"] for t in truths)
    return Corpus(folder, folder / "inbox", scans, sum(len(t["pages"]) for t in truths))


# ---------------------------------------------------------------------------------------------
# runs


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment without any SOHOA_*/PREFECT_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_"))}
    env.update(OMP_THREAD_LIMIT="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def load() -> float:
    return os.getloadavg()[0]


# CPU accounting. A page pool's forkserver outlives the `sohoa` process that started it, so its
# CPU (and that of the page processes it reaped) never reaches our RUSAGE_CHILDREN: this process
# becomes the reaper of its orphaned descendants and reaps them after each run. Long-lived
# processes of the distributed mode (server, workers) are measured from /proc before and after.

PR_SET_CHILD_SUBREAPER = 36
_TICK = os.sysconf("SC_CLK_TCK")


def adopt_orphans() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(keep: set[int], wait: float = 5.0) -> None:
    """Reap children we do not own a Popen for (orphans re-parented to us), up to `wait` s."""
    deadline = time.monotonic() + wait
    while orphans := [pid for pid in _children(os.getpid()) if pid not in keep]:
        for pid in orphans:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds of a live process and of the children it reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / _TICK


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                if entry.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


@dataclass
class Timed:
    wall: float
    cpu: float
    text: str
    launched: datetime


def timed(
    cmd: list[str],
    env: dict[str, str],
    log: Path,
    *,
    running: tuple[subprocess.Popen, ...] = (),
    after=None,
    timeout: float = 7200,
) -> Timed:
    """Run `cmd` from the repository root, stdout into `log` and stderr beside it. Returns the
    wall time and the CPU time of everything it started, plus the CPU the `running` processes
    used meanwhile; `after()` (a clean-up, e.g. stopping a server the run left) is counted in
    CPU but not in wall time. Fails loudly on an error."""
    launched = datetime.now()
    keep = {p.pid for p in running}
    reap_orphans(keep, wait=0)
    cpu0 = children_cpu() + sum(process_cpu(p.pid) for p in running)
    with open(log, "w") as out, open(log.with_suffix(".err"), "w") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=err)
        try:
            code = proc.wait(timeout=timeout)
        finally:
            wall = time.perf_counter() - began
            if after:
                after()
            reap_orphans(keep)
    cpu = children_cpu() + sum(process_cpu(p.pid) for p in running) - cpu0
    text = log.read_text(errors="replace") + log.with_suffix(".err").read_text(errors="replace")
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd[:5])}… exited {code}; see {log}")
    return Timed(wall, cpu, text, launched)


def baseline(c: Corpus, repeat: int, *, with_out: bool) -> Run:
    """`sohoa ocr` once per scan, one after the other; the sum of their wall times."""
    mode = "ocr --out" if with_out else "ocr"
    scratch = WORK / "ocr-out"
    env = base_env(SOHOA_DATA_DIR=str(WORK / "ocr-data"))
    before, wall, cpu, pages = load(), 0.0, 0.0, 0
    for n, scan in enumerate(c.scans):
        shutil.rmtree(scratch, ignore_errors=True)
        cmd = [PYTHON, "-m", "sohoa.cli", "ocr", str(scan), "--json", "--workers", str(CORES)]
        if with_out:
            cmd += ["--out", str(scratch)]
        log = LOGS / f"{mode.replace(' --', '-')}-r{repeat}-{n:02d}.json"
        run = timed(cmd, env, log, timeout=1800)
        wall, cpu = wall + run.wall, cpu + run.cpu
        pages += json.loads(log.read_text())["page_count"]
    shutil.rmtree(scratch, ignore_errors=True)
    if pages != c.pages:
        raise RuntimeError(f"{mode}: {pages} pages recognised, the truth has {c.pages}")
    return Run(mode, 0, CORES, wall, cpu, load_before=before, load_after=load())


def local_flow(c: Corpus, repeat: int) -> Run:
    """`sohoa backfill` on the embedded defaults in a fresh data dir."""
    data = fresh(WORK / "local-data")
    env = base_env(SOHOA_DATA_DIR=str(data), SOHOA_OCR_WORKERS=str(CORES))
    log = LOGS / f"local-r{repeat}.log"
    before = load()
    cmd = [PYTHON, "-m", "sohoa.cli", "backfill", str(c.inbox)]
    run = timed(cmd, env, log, after=lambda: stop_embedded_s3(data))
    check_stored(run.text, data, len(c.scans), log)
    start_up = seconds_until(run.text, "Beginning flow run", run.launched)
    return Run(
        "local",
        0,
        CORES,
        run.wall,
        run.cpu,
        after_start=None if start_up is None else run.wall - start_up,
        load_before=before,
        load_after=load(),
        notes={"prefect_start_up_s": start_up},
    )


def distributed(
    c: Corpus, repeat: int, workers_list: list[int], batch: int, worker_limit: int = 0
) -> list[Run]:
    """One Prefect server; for each worker count, fresh workers and a fresh shared data dir.
    `worker_limit` > 0 starts each worker with `--limit` (flow runs it takes at once)."""
    from sohoa.localcluster import LocalCluster, stop

    runs = []
    home = fresh(WORK / "prefect-server")
    with LocalCluster(home, None) as cluster:
        setup = (
            "import subprocess, sys\n"
            "from flows.serve import register_chunk_deployment\n"
            f"register_chunk_deployment({POOL!r})\n"
            "subprocess.run([sys.executable, '-m', 'prefect', 'gcl', 'create', 'ocr',"
            f" '--limit', '{CORES}'], check=True)\n"
        )
        setup_log = LOGS / "cluster-setup.log"
        timed([PYTHON, "-c", setup], cluster.child_env(), setup_log, running=(cluster.server,))
        for n_workers in workers_list:
            data = fresh(WORK / f"dist{n_workers}-data")
            per_worker = max(1, CORES // n_workers)
            cluster.env = base_env(SOHOA_DATA_DIR=str(data), SOHOA_OCR_WORKERS=str(per_worker))
            names = [f"r{repeat}-w{i + 1}-of-{n_workers}" for i in range(n_workers)]
            try:
                for name in names:
                    start_worker(cluster, name, worker_limit)
                for name in names:
                    wait_for_text(home / f"worker-{name}.log", "started!", timeout=300)
                log = LOGS / f"dist{n_workers}-r{repeat}.log"
                cmd = [PYTHON, "-m", "sohoa.cli", "backfill", str(c.inbox), "--distributed"]
                cmd += ["--batch-size", str(batch)]
                before = load()
                running = (cluster.server, *cluster.workers)
                run = timed(
                    cmd,
                    cluster.child_env(),
                    log,
                    running=running,
                    after=lambda d=data: stop_embedded_s3(d),
                )
                check_stored(run.text, data, len(c.scans), log)
                chunks = {n: chunks_run(home / f"worker-{n}.log") for n in names}
                runs.append(
                    Run(
                        f"distributed, worker --limit {worker_limit}"
                        if worker_limit
                        else "distributed",
                        n_workers,
                        per_worker,
                        run.wall,
                        run.cpu,
                        load_before=before,
                        load_after=load(),
                        notes={"batch_size": batch, "chunks_per_worker": chunks},
                    )
                )
            finally:
                for proc in cluster.workers:
                    stop(proc)
                cluster.workers.clear()
                stop_embedded_s3(data)
        for log in home.glob("*.log"):  # server and worker logs, kept with the others
            shutil.copy(log, LOGS / f"cluster-r{repeat}-{log.name}")
    return runs


def start_worker(cluster, name: str, limit: int) -> None:
    """`cluster.start_worker`, or the same command with `--limit` (LocalCluster has no option)."""
    if not limit:
        cluster.start_worker(POOL, name)
        return
    log = open(cluster.home / f"worker-{name}.log", "ab")  # noqa: SIM115 (lives with the worker)
    cmd = [PYTHON, "-m", "prefect", "worker", "start", "--pool", POOL, "--type", "process"]
    cmd += ["--name", name, "--limit", str(limit)]
    cluster.workers.append(
        subprocess.Popen(
            cmd,
            env=cluster.child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    )


# ---------------------------------------------------------------------------------------------
# helpers


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def stop_embedded_s3(data_dir: Path) -> None:
    """The embedded server stops with its last lease holder; make sure none is left behind."""
    from storage import embedded

    embedded.stop(data_dir)


def check_stored(text: str, data_dir: Path, scans: int, log: Path) -> None:
    """The run finished everything, and the database holds every scan once, stored."""
    if f"{scans} listed, 0 already done" not in text or " 0 unfinished" not in text:
        raise RuntimeError(f"backfill left work undone; see {log}")
    with sqlite3.connect(data_dir / "sohoa.db") as db:
        rows = db.execute("SELECT status, count(*) FROM scan GROUP BY status").fetchall()
    if dict(rows) != {"stored": scans}:
        raise RuntimeError(f"scan rows {dict(rows)}, expected {scans} stored; see {log}")


_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) \|", re.M)


def seconds_until(text: str, marker: str, launched: datetime) -> float | None:
    """Seconds from launch to the first log line containing `marker` (Prefect logs local time
    of day only: the date is the launch's, or the next day past midnight)."""
    for line in text.splitlines():
        if marker in line and (m := _STAMP.match(line)):
            h, mi, s, ms = map(int, m.groups())
            stamp = launched.replace(hour=h, minute=mi, second=s, microsecond=ms * 1000)
            if stamp < launched - timedelta(seconds=1):
                stamp += timedelta(days=1)
            return (stamp - launched).total_seconds()
    return None


def wait_for_text(path: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise TimeoutError(f"{text!r} not in {path} after {timeout} s")


def chunks_run(worker_log: Path) -> int:
    """Flow runs a worker took: submissions it started, less those the server refused (two
    workers polling at once both try a run; the second is aborted)."""
    text = worker_log.read_text(errors="replace")
    return text.count("submitting flow run") - text.count("Aborted submission")


# ---------------------------------------------------------------------------------------------
# report


def summarise(runs: list[Run], pages: int) -> list[dict]:
    """Medians per (mode, workers), with wall and CPU ratios against the two baselines."""
    groups: dict[tuple[str, int], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.mode, run.workers), []).append(run)
        if run.after_start is not None:
            key = (f"{run.mode} excl. Prefect start", run.workers)
            part = Run(key[0], run.workers, run.page_processes, run.after_start, math.nan)
            part.load_before, part.load_after = run.load_before, run.load_after
            groups.setdefault(key, []).append(part)
    rows = []
    for (mode, workers), group in groups.items():
        rows.append(
            {
                "mode": mode,
                "workers": workers,
                "page_processes": group[0].page_processes,
                "pages": pages,
                "wall_s": round(statistics.median(r.wall for r in group), 1),
                "cpu_s": _median_or_none([r.cpu for r in group]),
                "samples_wall_s": [round(r.wall, 1) for r in group],
                "samples_cpu_s": [None if math.isnan(r.cpu) else round(r.cpu, 1) for r in group],
                "load_1min": [round(x, 2) for r in group for x in (r.load_before, r.load_after)],
            }
        )
    base = {r["mode"]: r for r in rows if r["mode"] in ("ocr", "ocr --out")}
    for row in rows:
        row["pages_per_s"] = round(pages / row["wall_s"], 3)
        for name, key in (("ocr", "vs_ocr"), ("ocr --out", "vs_ocr_out")):
            ref = base.get(name)
            row[key] = round(row["wall_s"] / ref["wall_s"], 3) if ref else None
            cpu = ref and row["cpu_s"] and row["cpu_s"] / ref["cpu_s"]
            row[f"cpu_{key}"] = round(cpu, 3) if cpu else None
    return rows


def scale_out(rows: list[dict]) -> list[dict]:
    """Pages per core-hour of every flow row, and the cores and 2-core workers that would read
    ARCHIVE_PAGES in ARCHIVE_DAYS at that rate. A core-hour is an hour of one of this machine's
    cores, busy or not (wall time x cores), so idle waits and Prefect's overhead count against
    the rate; the CPU-hour figure counts only the CPU the run actually used."""
    need_per_hour = ARCHIVE_PAGES / (ARCHIVE_DAYS * 24)
    out = []
    for row in rows:
        if row["mode"].startswith("ocr") or row["cpu_s"] is None:
            continue
        per_core_hour = row["pages"] * 3600 / (row["wall_s"] * CORES)
        cores = math.ceil(need_per_hour / per_core_hour)
        out.append(
            {
                "mode": row["mode"],
                "workers": row["workers"],
                "pages_per_core_hour": round(per_core_hour),
                "pages_per_cpu_hour": round(row["pages"] * 3600 / row["cpu_s"]),
                "cores_for_archive": cores,
                "workers_2_cores_for_archive": math.ceil(cores / 2),
            }
        )
    return out


def print_scale_out(rows: list[dict]) -> None:
    need = ARCHIVE_PAGES / (ARCHIVE_DAYS * 24)
    print(f"\nscale-out: {ARCHIVE_PAGES:,} pages in {ARCHIVE_DAYS} days = {need:,.0f} pages/hour")
    print(
        f"{'mode':<30}{'workers':>8}{'pages/core-h':>14}{'pages/CPU-h':>13}"
        f"{'cores':>7}{'2-core workers':>16}"
    )
    for r in rows:
        print(
            f"{r['mode']:<30}{r['workers'] or '-':>8}{r['pages_per_core_hour']:>14,}"
            f"{r['pages_per_cpu_hour']:>13,}{r['cores_for_archive']:>7}"
            f"{r['workers_2_cores_for_archive']:>16}"
        )


def print_table(rows: list[dict]) -> None:
    columns = [
        ("mode", "<30", lambda r: r["mode"]),
        ("workers", ">8", lambda r: r["workers"] or "-"),
        ("procs", ">6", lambda r: r["page_processes"]),
        ("pages", ">6", lambda r: r["pages"]),
        ("wall s", ">8", lambda r: f"{r['wall_s']:.1f}"),
        ("pages/s", ">8", lambda r: f"{r['pages_per_s']:.3f}"),
        ("vs ocr", ">8", lambda r: _ratio(r["vs_ocr"])),
        ("overhead", ">9", lambda r: _percent(r["vs_ocr"])),
        ("vs ocr--out", ">12", lambda r: _ratio(r["vs_ocr_out"])),
        ("CPU s", ">8", lambda r: "" if r["cpu_s"] is None else f"{r['cpu_s']:.0f}"),
        ("CPU vs ocr", ">11", lambda r: _ratio(r["cpu_vs_ocr"])),
        ("CPU vs --out", ">13", lambda r: _ratio(r["cpu_vs_ocr_out"])),
    ]
    print("".join(f"{name:{fmt}}" for name, fmt, _ in columns))
    for row in rows:
        print("".join(f"{str(cell(row)):{fmt}}" for _, fmt, cell in columns))


def _median_or_none(values: list[float]) -> float | None:
    return None if any(math.isnan(v) for v in values) else round(statistics.median(values), 1)


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def _percent(ratio: float | None) -> str:
    return "" if ratio is None else f"{100 * (ratio - 1):+.0f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=1, help="median over this many runs")
    parser.add_argument("--skip-distributed", action="store_true")
    parser.add_argument("--skip-ocr-out", action="store_true", help="no `ocr --out` baseline")
    parser.add_argument(
        "--only-distributed", action="store_true", help="no baselines, no local flow"
    )
    parser.add_argument(
        "--worker-limit", type=int, default=0, help="workers take at most N runs (0: no limit)"
    )
    parser.add_argument(
        "--workers",
        default="1,2",
        help="distributed worker counts, comma-separated (e.g. 1,2,4)",
    )
    parser.add_argument(
        "--batch-size", type=int, default=0, help="scans per chunk (0: a quarter of the scans)"
    )
    parser.add_argument("--json", type=Path, default=OUT / "backfill.json", help="report file")
    args = parser.parse_args()
    adopt_orphans()
    for name in [k for k in os.environ if k.startswith("SOHOA_")]:
        del os.environ[name]  # LocalCluster passes this environment on to its workers
    for folder in (OUT, LOGS, WORK):
        folder.mkdir(parents=True, exist_ok=True)

    try:
        worker_counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error(f"--workers: {args.workers!r} is not a comma-separated list of numbers")
    c = corpus(args.seed, args.dossiers)
    batch = args.batch_size or max(1, math.ceil(len(c.scans) / 4))
    print(f"{len(c.scans)} scans, {c.pages} pages, {CORES} cores, load {load():.2f}", flush=True)
    runs: list[Run] = []
    for repeat in range(args.repeat):
        steps = [
            lambda r=repeat: [baseline(c, r, with_out=False)],
            lambda r=repeat: [baseline(c, r, with_out=True)],
            lambda r=repeat: [local_flow(c, r)],
        ]
        if args.skip_ocr_out:
            del steps[1]
        if args.only_distributed:
            steps = []
        if not args.skip_distributed:
            steps.append(
                lambda r=repeat: distributed(c, r, worker_counts, batch, args.worker_limit)
            )
        for step in steps:
            for run in step():
                runs.append(run)
                print(
                    f"  repeat {repeat + 1}: {run.mode} ({run.workers or '-'} workers) "
                    f"{run.wall:.1f} s, load {run.load_before:.2f} -> {run.load_after:.2f}",
                    flush=True,
                )
    rows = summarise(runs, c.pages)
    print_table(rows)
    scale = scale_out(rows)
    print_scale_out(scale)
    report = {
        "scans": len(c.scans),
        "pages": c.pages,
        "cores": CORES,
        "seed": args.seed,
        "repeat": args.repeat,
        "batch_size": batch,
        "worker_limit": args.worker_limit,
        "target_local_vs_ocr": TARGET,
        "rows": rows,
        "scale_out": scale,
        "runs": [asdict(r) for r in runs],
    }
    args.json.write_text(json.dumps(report, indent=1))
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
