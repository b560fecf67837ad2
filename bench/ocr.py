"""OCR benchmark: sohoa vs raw `tesseract -l vie` vs OCRmyPDF on generated scanned pages.

One run measures, on the same page image files and with the same number of processes:
character and word error rates (NFC, whitespace collapsed) per defect level, pages per second,
rotation and blank-page detection, the Tesseract model variants, psm / reading order /
post-correction variants, a per-preprocessing-step ablation and the peak memory of a 300-page PDF.

    .venv/bin/python bench/ocr.py              # full run (160 pages; OCRmyPDF on 32 of them)
    .venv/bin/python bench/ocr.py --quick      # smoke run
    .venv/bin/python bench/ocr.py --pages 40 --only main

Writes bench/out/ocr.json. The corpus is cached in bench/out/corpus-<seed>-<pages>/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
LEVELS = ("clean", "mild", "medium", "hard")
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


# ---------------------------------------------------------------------------------------------
# corpus


@dataclass
class TruthPage:
    file: Path
    text: str
    level: str
    rotation: int = 0
    blank: bool = False


@dataclass
class Corpus:
    folder: Path  # page images only, in name order
    pages: list[TruthPage]

    def subset(self, levels: tuple[str, ...], limit: int | None = None) -> Corpus:
        """A folder of hard links to the pages of `levels` (first `limit`)."""
        chosen = [p for p in self.pages if p.level in levels][:limit]
        name = "subset-" + "-".join(levels) + (f"-{limit}" if limit else "")
        folder = self.folder.parent / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        pages = []
        for p in chosen:
            target = folder / p.file.name
            os.link(p.file, target)
            pages.append(TruthPage(target, p.text, p.level, p.rotation, p.blank))
        return Corpus(folder, pages)


def build_corpus(seed: int, n_pages: int) -> Corpus:
    """Generate (or reuse) `n_pages` pages spread over the defect levels."""
    from sohoa import samples

    base = OUT / f"corpus-{seed}-{n_pages}"
    done = base / "corpus.json"
    if not done.is_file():
        if base.exists():
            shutil.rmtree(base)
        raw = base / "generated"
        truth = samples.generate_pages(raw, seed=seed, n_pages=n_pages, levels=LEVELS)
        _flatten(raw, base / "pages", truth, done)
    data = json.loads(done.read_text("utf-8"))
    pages = [
        TruthPage(base / "pages" / p["file"], p["text"], p["level"], p["rotation"], p["blank"])
        for p in data["pages"]
    ]
    return Corpus(base / "pages", pages)


def _flatten(raw: Path, folder: Path, truth, done: Path) -> None:
    """Copy the generated page images into one folder (p0001.png ...), truth beside it."""
    folder.mkdir(parents=True)
    pages = []
    for n, page in enumerate(_truth_pages(raw, truth), start=1):
        src = Path(page["file"])
        name = f"p{n:04d}{src.suffix.lower()}"
        shutil.copyfile(src, folder / name)
        pages.append(
            {
                "file": name,
                "text": page["text"],
                "level": page["level"],
                "rotation": int(page.get("rotation", 0)),
                "blank": bool(page.get("blank", False)),
            }
        )
    done.write_text(json.dumps({"pages": pages}, ensure_ascii=False, indent=1), "utf-8")


def _truth_pages(raw: Path, truth) -> list[dict]:
    """The generator's per-page truth records (pages.json) with absolute image paths."""
    records = json.loads((raw / "pages.json").read_text("utf-8"))
    return [{**rec, "file": str(raw / rec["file"])} for rec in records]


# ---------------------------------------------------------------------------------------------
# scoring


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def errors(truth: str, hyp: str) -> tuple[int, int, int, int]:
    """(char edits, truth chars, word edits, truth words)."""
    t, h = norm(truth), norm(hyp)
    tw, hw = t.split(), h.split()
    return Levenshtein.distance(t, h), len(t), Levenshtein.distance(tw, hw), len(tw)


def cpu_seconds() -> float:
    """CPU time of this process plus all waited-for descendants (user + system)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Run:
    name: str
    texts: list[str]
    seconds: float
    cpu: float = 0.0  # CPU seconds of the whole run (all processes)
    rotations: list[int] | None = None
    blanks: list[bool] | None = None
    extra: dict = field(default_factory=dict)

    def pages_per_second(self) -> float:
        return len(self.texts) / self.seconds if self.seconds else 0.0


def score(corpus: Corpus, run: Run) -> dict:
    """CER/WER overall and per level (pooled edits / pooled length; plus median page CER)."""
    by_level: dict[str, list[tuple[int, int, int, int]]] = {}
    for page, text in zip(corpus.pages, run.texts, strict=True):
        if page.blank:
            continue
        by_level.setdefault(page.level, []).append(errors(page.text, text))
        by_level.setdefault("all", []).append(errors(page.text, text))
    out: dict = {
        "pages_per_second": round(run.pages_per_second(), 3),
        "seconds": round(run.seconds, 1),
        "cpu_seconds_per_page": round(run.cpu / max(len(run.texts), 1), 3),
    }
    for level, rows in by_level.items():
        ce, cn, we, wn = (sum(r[i] for r in rows) for i in range(4))
        out[level] = {
            "cer": round(ce / max(cn, 1), 4),
            "wer": round(we / max(wn, 1), 4),
            "median_page_cer": round(statistics.median(r[0] / max(r[1], 1) for r in rows), 4),
            "pages": len(rows),
        }
    if run.rotations is not None:
        rotated = [
            (p.rotation, r)
            for p, r in zip(corpus.pages, run.rotations, strict=True)
            if p.rotation and not p.blank
        ]
        upright = [r for p, r in zip(corpus.pages, run.rotations, strict=True) if not p.rotation]
        out["rotation"] = {
            "rotated_pages": len(rotated),
            "correct": sum(t == r for t, r in rotated),
            "accuracy": round(sum(t == r for t, r in rotated) / max(len(rotated), 1), 4),
            "upright_pages_turned": sum(1 for r in upright if r),
        }
    if run.blanks is not None:
        pairs = list(zip(corpus.pages, run.blanks, strict=True))
        out["blank"] = {
            "blank_pages": sum(p.blank for p, _ in pairs),
            "found": sum(p.blank and b for p, b in pairs),
            "text_pages_called_blank": sum((not p.blank) and b for p, b in pairs),
        }
    out.update(run.extra)
    return out


# ---------------------------------------------------------------------------------------------
# systems


def run_sohoa(
    corpus: Corpus, *, workers: int, out_dir: Path | None, name: str = "sohoa", **kwargs
) -> Run:
    from ocr.pipeline import make_executor, process

    # spawn: the workers are our children, so their CPU time (and tesseract's) is counted
    cpu0, start = cpu_seconds(), time.perf_counter()
    pool = make_executor(workers, context="spawn")
    try:
        result = process(corpus.folder, workers=workers, out_dir=out_dir, executor=pool, **kwargs)
    finally:
        pool.shutdown(wait=True)
    seconds = time.perf_counter() - start
    pages = result.pages
    return Run(
        name,
        [p.text for p in pages],
        seconds,
        cpu_seconds() - cpu0,
        rotations=[p.rotation for p in pages],
        blanks=[p.blank for p in pages],
        extra={"tool_versions": result.tool_versions},
    )


def run_raw_tesseract(corpus: Corpus, *, workers: int) -> Run:
    """`tesseract FILE stdout -l vie` per page (system model, default psm), `workers` at once."""

    def one(page: TruthPage) -> str:
        done = subprocess.run(
            ["tesseract", str(page.file), "stdout", "-l", "vie"],
            capture_output=True,
            env=ENV,
            check=True,
        )
        return done.stdout.decode("utf-8", "replace")

    cpu0, start = cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        texts = list(pool.map(one, corpus.pages))
    return Run("tesseract", texts, time.perf_counter() - start, cpu_seconds() - cpu0)


def run_ocrmypdf(corpus: Corpus, *, workers: int, fresh: bool = False) -> Run | None:
    """OCRmyPDF, cached beside the corpus: it takes ~17 CPU s/page and does not change when
    sohoa does. `fresh` (--fresh-baselines) runs it again."""
    cache = corpus.folder.parent / f"ocrmypdf-{workers}-{len(corpus.pages)}.json"
    if cache.is_file() and not fresh:
        data = json.loads(cache.read_text("utf-8"))
        print(f"ocrmypdf: cached run of {data['measured_at']} ({cache.name})")
        return Run("ocrmypdf", data["texts"], data["seconds"], data["cpu"])
    run = _run_ocrmypdf(corpus, workers=workers)
    if run is not None:
        cache.write_text(
            json.dumps(
                {"texts": run.texts, "seconds": run.seconds, "cpu": run.cpu,
                 "measured_at": time.strftime("%Y-%m-%d %H:%M")},
                ensure_ascii=False,
            ),
            "utf-8",
        )  # fmt: skip
    return run


def _run_ocrmypdf(corpus: Corpus, *, workers: int) -> Run | None:
    """OCRmyPDF --rotate-pages --deskew --clean -l vie -j workers on the pages wrapped losslessly
    into one PDF (img2pdf), then pdftotext per page. Timed: the ocrmypdf run only."""
    exe = shutil.which("ocrmypdf") or str(Path(sys.executable).parent / "ocrmypdf")
    if not Path(exe).exists():
        return None
    with tempfile.TemporaryDirectory(prefix="bench-ocrmypdf-") as tmp:
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        import img2pdf

        src.write_bytes(img2pdf.convert([str(p.file) for p in corpus.pages]))
        cmd = [exe, "--rotate-pages", "--deskew", "--clean", "-l", "vie", "-j", str(workers)]
        cpu0, start = cpu_seconds(), time.perf_counter()
        done = subprocess.run([*cmd, str(src), str(dst)], capture_output=True, env=ENV)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
        if done.returncode != 0:
            print("ocrmypdf failed:", done.stderr.decode()[-800:], file=sys.stderr)
            return None
        texts = []
        for i in range(1, len(corpus.pages) + 1):
            out = subprocess.run(
                ["pdftotext", "-f", str(i), "-l", str(i), "-enc", "UTF-8", str(dst), "-"],
                capture_output=True,
            )
            texts.append(out.stdout.decode("utf-8", "replace"))
    return Run("ocrmypdf", texts, seconds, cpu)


# ---------------------------------------------------------------------------------------------
# memory


class PeakRss:
    """Peak memory of this process and all its descendants, sampled from /proc: RSS summed over
    processes (counts pages shared between forked workers once per process) and PSS (shared
    pages split between their sharers: the memory the tree really holds)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak, self.peak_pss, self._stop = interval, 0, 0, threading.Event()
        self.peak_by_role: dict[str, int] = {}
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            tree = process_tree(me)
            rss = sum(tree.values())
            if rss > self.peak:
                self.peak = rss
            pss = sum(_pss(pid) for pid in tree)
            if pss > self.peak_pss:
                self.peak_pss = pss
                self.peak_by_role = {
                    "this process": _pss(me),
                    "tesseract": sum(_pss(p) for p in tree if _name(p) == "tesseract"),
                }
            self._stop.wait(self.interval)


def process_tree(root: int) -> dict[int, int]:
    """{pid: VmRSS bytes} of `root` and its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        for line in status.splitlines():
            if line.startswith("PPid:"):
                parents[pid] = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) * 1024
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return {pid: rss.get(pid, 0) for pid in tree}


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def memory_check(corpus: Corpus, n_pages: int, workers: int) -> dict:
    """Process one `n_pages`-page image PDF (corpus pages repeated) with outputs; peak RSS."""
    import img2pdf

    from ocr.pipeline import process

    text_pages = [p.file for p in corpus.pages if not p.blank]
    files = [str(text_pages[i % len(text_pages)]) for i in range(n_pages)]
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        pdf = Path(tmp) / f"{n_pages}.pdf"
        pdf.write_bytes(img2pdf.convert(files))
        start = time.perf_counter()
        with PeakRss() as peak:
            result = process(pdf, workers=workers, out_dir=Path(tmp) / "out")
        seconds = time.perf_counter() - start
        size = (Path(tmp) / "out" / "searchable.pdf").stat().st_size
    return {
        "pages": result.page_count,
        "peak_rss_mb": round(peak.peak / 2**20, 1),
        "peak_pss_mb": round(peak.peak_pss / 2**20, 1),
        "at_peak_pss_mb": {k: round(v / 2**20, 1) for k, v in peak.peak_by_role.items()},
        "seconds": round(seconds, 1),
        "pages_per_second": round(n_pages / seconds, 3),
        "input_mb": round(pdf_size_mb(files), 1),
        "searchable_pdf_mb": round(size / 2**20, 1),
    }


def pdf_size_mb(files: list[str]) -> float:
    return sum(Path(f).stat().st_size for f in files) / 2**20


# ---------------------------------------------------------------------------------------------
# report


def table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def level_table(title: str, scores: dict[str, dict]) -> None:
    header = ["system", "pages/s", "CPU s/page"]
    header += [f"CER {lv}" for lv in (*LEVELS, "all")] + ["WER all"]
    rows = []
    for name, s in scores.items():
        rows.append(
            [name, s["pages_per_second"], s["cpu_seconds_per_page"]]
            + [s.get(lv, {}).get("cer", "-") for lv in (*LEVELS, "all")]
            + [s.get("all", {}).get("wer", "-")]
        )
    table(title, header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=160)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="24 pages, small memory check")
    parser.add_argument(
        "--only",
        action="append",
        choices=["main", "throughput", "models", "variants", "ablation", "memory", "families"],
        help="run only these sections (repeatable)",
    )
    parser.add_argument("--memory-pages", type=int, default=300)
    parser.add_argument(
        "--ocrmypdf-pages", type=int, default=32, help="pages OCRmyPDF reads (0: all)"
    )
    parser.add_argument(
        "--report", type=Path, default=OUT / "ocr.json", help="JSON report (sections merged)"
    )
    parser.add_argument(
        "--fresh-baselines", action="store_true", help="run OCRmyPDF again (else cached)"
    )
    parser.add_argument(
        "--subset", type=int, default=64, help="pages for the model/variant/ablation sections"
    )
    parser.add_argument(
        "--variant", action="append", help="run only these recognition variants (repeatable)"
    )
    parser.add_argument(
        "--family-pages", type=int, default=96, help="pages of the families section (half held out)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.memory_pages, args.subset = min(args.pages, 24), 20, 8
    sections = set(
        args.only or ["families", "main", "throughput", "models", "variants", "ablation", "memory"]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    report_path = args.report
    report: dict = {"pages": args.pages, "seed": args.seed, "workers": args.workers}
    if report_path.is_file() and args.only:  # keep the other sections of an earlier run
        report = {**json.loads(report_path.read_text()), **report}

    if "families" in sections:
        report["families"] = section_families(args.seed, args.family_pages, args.workers)
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        if sections == {"families"}:
            return 0
    corpus = build_corpus(args.seed, args.pages)
    counts = {lv: sum(p.level == lv for p in corpus.pages) for lv in LEVELS}
    print(f"corpus: {len(corpus.pages)} pages {counts}, {args.workers} processes per system")
    w = args.workers

    def save() -> None:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")

    if "main" in sections:
        report["main"] = section_main(corpus, w, args.fresh_baselines, args.ocrmypdf_pages)
        save()
    if "memory" in sections:
        report["memory"] = section_memory(corpus, args.memory_pages, w)
        save()
    part = corpus.subset(LEVELS, args.subset)
    if "throughput" in sections:
        report["throughput"] = section_throughput(part, w)
        save()
    if "models" in sections:
        report["models"] = section_models(part, w)
        save()
    if "variants" in sections:
        report["variants"] = section_variants(part, w, args.variant)
        save()
    if "ablation" in sections:
        report["ablation"] = section_ablation(corpus, w, args.subset)
        save()
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    print(f"\nwrote {report_path}")
    return 0


def section_memory(corpus: Corpus, n_pages: int, workers: int) -> dict:
    mem = memory_check(corpus, n_pages, workers)
    table(
        f"memory: {mem['pages']}-page PDF, {workers} processes, outputs written",
        ["peak PSS MB", "peak RSS sum MB", "seconds", "pages/s", "searchable.pdf MB"],
        [
            [
                mem["peak_pss_mb"],
                mem["peak_rss_mb"],
                mem["seconds"],
                mem["pages_per_second"],
                mem["searchable_pdf_mb"],
            ]
        ],
    )
    return mem


def section_main(
    corpus: Corpus, workers: int, fresh: bool = False, ocrmypdf_pages: int | None = None
) -> dict:
    """sohoa and raw tesseract on every page; OCRmyPDF (~17 CPU s/page) on the first
    `ocrmypdf_pages` (the levels alternate, so every level is there), compared on those pages."""
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-sohoa-") as tmp:
        runs.append(run_sohoa(corpus, workers=workers, out_dir=Path(tmp) / "out"))
    runs.append(run_raw_tesseract(corpus, workers=workers))
    scores = {run.name: score(corpus, run) for run in runs}
    level_table("CER by defect level (pooled), pages/s with the same processes", scores)
    part = corpus
    if ocrmypdf_pages and ocrmypdf_pages < len(corpus.pages):
        part = corpus.subset(LEVELS, ocrmypdf_pages)
    ocrmypdf = run_ocrmypdf(part, workers=workers, fresh=fresh)
    vs_ocrmypdf = None
    if ocrmypdf:
        same = [_restrict(run, corpus, part) for run in runs] + [ocrmypdf]
        vs_ocrmypdf = {run.name: score(part, run) for run in same}
        level_table(f"the same on the {len(part.pages)} pages OCRmyPDF read", vs_ocrmypdf)
        if part is corpus:
            scores = vs_ocrmypdf
    so, raw = scores["sohoa"], scores["tesseract"]
    ratios = {
        lv: round(so[lv]["cer"] / raw[lv]["cer"], 3) if raw.get(lv, {}).get("cer") else None
        for lv in (*LEVELS, "all")
        if lv in so
    }
    ratios["throughput (wall)"] = round(so["pages_per_second"] / raw["pages_per_second"], 3)
    ratios["throughput (CPU)"] = round(
        raw["cpu_seconds_per_page"] / max(so["cpu_seconds_per_page"], 1e-9), 3
    )
    table("sohoa / raw tesseract", list(ratios), [list(ratios.values())])
    rot, blank = so["rotation"], so["blank"]
    table(
        "sohoa page facts",
        ["rotated pages", "rotation correct", "upright turned", "blank pages", "blank found",
         "text pages called blank"],
        [[rot["rotated_pages"], rot["accuracy"], rot["upright_pages_turned"],
          blank["blank_pages"], blank["found"], blank["text_pages_called_blank"]]],
    )  # fmt: skip
    _dump_texts(corpus, runs)
    return {"scores": scores, "sohoa_vs_raw": ratios, "with_ocrmypdf": vs_ocrmypdf}


def _restrict(run: Run, corpus: Corpus, part: Corpus) -> Run:
    """`run` on the pages of `part` only (same files by name); time scaled to their share."""
    index = {p.file.name: i for i, p in enumerate(corpus.pages)}
    keep = [index[p.file.name] for p in part.pages]
    share = len(keep) / max(len(corpus.pages), 1)

    def pick(values):
        return None if values is None else [values[i] for i in keep]

    return Run(
        run.name,
        [run.texts[i] for i in keep],
        run.seconds * share,
        run.cpu * share,
        rotations=pick(run.rotations),
        blanks=pick(run.blanks),
    )


def _dump_texts(corpus: Corpus, runs: list[Run], folder: Path = OUT / "texts") -> None:
    """Per-page texts of each system, for looking at what went wrong."""
    folder.mkdir(exist_ok=True)
    for i, page in enumerate(corpus.pages):
        parts = [f"=== truth ({page.level}, rot {page.rotation})\n{page.text}"]
        parts += [f"=== {run.name}\n{run.texts[i]}" for run in runs]
        (folder / f"{page.file.stem}.txt").write_text("\n".join(parts), "utf-8")


def section_throughput(corpus: Corpus, workers: int, rounds: int = 2) -> dict:
    """sohoa (outputs written) and raw tesseract alternated, so load drift on a shared machine
    hits both alike; medians of CPU s/page and pages/s."""
    sohoa: list[Run] = []
    raw: list[Run] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-tp-") as tmp:
            sohoa.append(run_sohoa(corpus, workers=workers, out_dir=Path(tmp) / "out"))
        raw.append(run_raw_tesseract(corpus, workers=workers))

    def med(runs: list[Run]) -> dict:
        n = len(corpus.pages)
        return {
            "cpu_seconds_per_page": round(statistics.median(r.cpu / n for r in runs), 3),
            "pages_per_second": round(statistics.median(r.pages_per_second() for r in runs), 3),
        }

    out = {"sohoa": med(sohoa), "tesseract": med(raw)}
    out["ratio_cpu"] = round(
        out["tesseract"]["cpu_seconds_per_page"] / out["sohoa"]["cpu_seconds_per_page"], 3
    )
    out["ratio_wall"] = round(
        out["sohoa"]["pages_per_second"] / out["tesseract"]["pages_per_second"], 3
    )
    table(
        f"throughput, {len(corpus.pages)} pages, sohoa/raw alternated x{rounds} (medians)",
        ["system", "CPU s/page", "pages/s (wall)"],
        [[k, v["cpu_seconds_per_page"], v["pages_per_second"]] for k, v in out.items()
         if isinstance(v, dict)]
        + [["sohoa/raw", out["ratio_cpu"], out["ratio_wall"]]],
    )  # fmt: skip
    return out


def section_models(corpus: Corpus, workers: int) -> dict:
    from ocr.tessdata import ALL_VARIANTS
    from sohoa.runtime import tessdata_dir
    from sohoa.settings import get_settings

    scores = {}
    for variant in ALL_VARIANTS:
        tessdata = tessdata_dir(get_settings(), variant)
        if variant != "fast" and tessdata is None:
            print(f"model {variant}: not installed (python -m ocr.tessdata install var/tessdata)")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-model-") as tmp:
            run = run_sohoa(
                corpus,
                workers=workers,
                out_dir=Path(tmp) / "out",
                name=variant,
                tessdata_dir=tessdata or _system_dir(),
            )
        scores[variant] = score(corpus, run)
    level_table("Tesseract model (sohoa pipeline, outputs written)", scores)
    return scores


def _system_dir() -> Path:
    from ocr.tessdata import system_tessdata_dir

    return system_tessdata_dir()


def section_variants(corpus: Corpus, workers: int, only: list[str] | None = None) -> dict:
    """psm, reading order, post-correction, language, the resolution Tesseract reads at: one change
    at a time from the default."""
    variants: dict[str, dict] = {
        "default": {},
        "psm 3": {"psm": 3},
        "psm 6": {"psm": 6},
        "tesseract order": {"order": "tesseract"},
        "no post-correction": {"correct": False},
        "vie+eng": {"lang": "vie+eng"},
        "read at scan dpi": {"recognition_dpi": None},
        "read at 240 dpi": {"recognition_dpi": 240},
        "read at 160 dpi": {"recognition_dpi": 160},
    }
    scores = {}
    for name, kwargs in variants.items():
        if only and name not in only:
            continue
        run = run_sohoa(corpus, workers=workers, out_dir=None, name=name, **kwargs)
        scores[name] = score(corpus, run)
    level_table("recognition variants (sohoa pipeline, no outputs written)", scores)
    return scores


def section_ablation(corpus: Corpus, workers: int, limit: int) -> dict:
    """Each preprocessing step off in turn, on the medium and hard pages."""
    from ocr import preprocess

    subset = corpus.subset(("medium", "hard"), limit)
    steps: tuple[str, ...] = tuple(preprocess.ALL_STEPS)
    default = tuple(s for s in steps if s in preprocess.DEFAULT_STEPS)
    configs: dict[str, tuple[str, ...] | None] = {"all default steps": None}
    configs.update({f"without {s}": tuple(x for x in default if x != s) for s in default})
    configs.update({f"with {s}": (*default, s) for s in steps if s not in default})
    configs["no preprocessing"] = ()
    scores, rows = {}, []
    for name, steps_on in configs.items():
        run = run_sohoa(subset, workers=workers, out_dir=None, name=name, steps=steps_on)
        s = score(subset, run)
        scores[name] = s
        ms = 1000 * s["cpu_seconds_per_page"]
        rot = s.get("rotation", {}).get("accuracy", "-")
        rows.append(
            [name, s.get("medium", {}).get("cer", "-"), s.get("hard", {}).get("cer", "-"),
             rot, round(ms)]
        )  # fmt: skip
    table(
        f"preprocessing ablation on {len(subset.pages)} medium+hard pages",
        ["configuration", "CER medium", "CER hard", "rotation ok", "CPU ms/page"],
        rows,
    )
    return scores


# ---------------------------------------------------------------------------------------------
# families: in-family vs held-out-family pages (samples.families), one run


KINDS = ("seal_overlap", "id_card", "coloured_form", "phone_photo", "photocopy", "rotated",
         "dotted_form")  # fmt: skip
SPLITS = ("train", "held_out")


@dataclass
class FamilyCorpus:
    corpus: Corpus
    splits: list[str]
    kinds: list[list[str]]


def build_family_corpus(seed: int, n_pages: int) -> FamilyCorpus:
    """`n_pages` pages, half drawn from the training families and half from the held-out ones
    (levels alternate in each half); cached in bench/out/families-<seed>-<n>/."""
    from samples.generate import generate_pages

    base = OUT / f"families-{seed}-{n_pages}"
    done = base / "corpus.json"
    if not done.is_file():
        if base.exists():
            shutil.rmtree(base)
        (base / "pages").mkdir(parents=True)
        records = []
        for k, split in enumerate(SPLITS):
            raw = base / "generated" / split
            half = n_pages // 2 if k == 0 else n_pages - n_pages // 2
            generate_pages(raw, seed=seed * 10 + k, n_pages=half, levels=LEVELS, split=split)
            for rec in _truth_pages(raw, None):
                name = f"{split[0]}{Path(rec['file']).name}"
                shutil.copyfile(rec["file"], base / "pages" / name)
                keep = ("text", "level", "rotation", "blank", "split", "kinds", "families")
                records.append({"file": name, **{k2: rec[k2] for k2 in keep}})
        records.sort(key=lambda r: r["file"])
        done.write_text(json.dumps({"pages": records}, ensure_ascii=False, indent=1), "utf-8")
    data = json.loads(done.read_text("utf-8"))["pages"]
    pages = [
        TruthPage(base / "pages" / p["file"], p["text"], p["level"], p["rotation"], p["blank"])
        for p in data
    ]
    return FamilyCorpus(
        Corpus(base / "pages", pages), [p["split"] for p in data], [p["kinds"] for p in data]
    )


def family_scores(fc: FamilyCorpus, run: Run) -> dict:
    """Pooled CER per (split, level) and (split, page kind); empty reads of text pages."""
    cells: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    empty = {s: 0 for s in SPLITS}
    for page, split, kinds, text in zip(
        fc.corpus.pages, fc.splits, fc.kinds, run.texts, strict=True
    ):
        if page.blank:
            continue
        row = errors(page.text, text)
        empty[split] += not norm(text)
        for key in (page.level, "all", *kinds):
            cells.setdefault((split, key), []).append(row)
    out: dict = {"empty_text_pages": empty}
    for (split, key), rows in cells.items():
        ce, cn = sum(r[0] for r in rows), sum(r[1] for r in rows)
        out.setdefault(split, {})[key] = {"cer": round(ce / max(cn, 1), 4), "pages": len(rows)}
    return out


def section_families(seed: int, n_pages: int, workers: int) -> dict:
    """sohoa and raw `tesseract -l vie` on the same in-family and held-out-family pages."""
    fc = build_family_corpus(seed, n_pages)
    held = sum(s == "held_out" for s in fc.splits)
    print(f"families: {len(fc.splits)} pages ({held} held-out), {workers} processes per system")
    with tempfile.TemporaryDirectory(prefix="bench-fam-") as tmp:
        sohoa = run_sohoa(fc.corpus, workers=workers, out_dir=Path(tmp) / "out")
        readings = _readings(Path(tmp) / "out" / "result.json")
    raw = run_raw_tesseract(fc.corpus, workers=workers)
    scores = {run.name: family_scores(fc, run) for run in (sohoa, raw)}
    rows = []
    for key in (*LEVELS, "all", *KINDS):
        cells = [scores[name].get(split, {}).get(key) for name in scores for split in SPLITS]
        if not any(cells):
            continue
        so_in, so_held = cells[0], cells[1]
        ratio = "-"
        if so_in and so_held and so_in["cer"]:
            ratio = round(so_held["cer"] / so_in["cer"], 2)
        pages = "/".join(str(c["pages"]) if c else "0" for c in cells[:2])
        rows.append([key, pages] + [f"{c['cer']:.4f}" if c else "-" for c in cells] + [ratio])
    table(
        "CER in-family vs held-out-family (pooled), same pages for both systems",
        ["level / page kind", "pages in/held", "sohoa in", "sohoa held-out", "tesseract in",
         "tesseract held-out", "sohoa held/in"],
        rows,
    )  # fmt: skip
    so, rw = score(fc.corpus, sohoa), score(fc.corpus, raw)
    ratio = {
        "throughput (wall)": round(so["pages_per_second"] / max(rw["pages_per_second"], 1e-9), 3),
        "throughput (CPU)": round(
            rw["cpu_seconds_per_page"] / max(so["cpu_seconds_per_page"], 1e-9), 3
        ),
        "sohoa empty text pages": sum(scores["sohoa"]["empty_text_pages"].values()),
        "tesseract empty text pages": sum(scores["tesseract"]["empty_text_pages"].values()),
    }
    table("sohoa / raw tesseract on these pages", list(ratio), [list(ratio.values())])
    gate = _gate(fc, readings, sohoa, raw)
    if gate:
        table(
            "plain-read gate (ocr.guard): pages checked against a plain read, and kept plain",
            list(gate), [list(gate.values())],
        )  # fmt: skip
    _dump_texts(fc.corpus, [sohoa, raw], folder=OUT / "texts-families")
    return {
        "scores": scores, "ratios": ratio, "gate": gate, "pages": len(fc.splits),
        "held_out_pages": held,
    }  # fmt: skip


def _readings(result_json: Path) -> list[str]:
    """Which read each page kept ("pipeline", "checked", "plain"; [] before ocr.guard)."""
    if not result_json.is_file():
        return []
    pages = json.loads(result_json.read_text("utf-8"))["pages"]
    return [p.get("reading", "") for p in pages]


def _gate(fc: FamilyCorpus, readings: list[str], sohoa: Run, raw: Run) -> dict:
    """How often the plain read was made and kept, and sohoa vs raw CER on the pages it kept."""
    if not readings or not any(readings):
        return {}
    kept = [i for i, r in enumerate(readings) if r == "plain" and not fc.corpus.pages[i].blank]

    def cer(run: Run) -> float:
        rows = [errors(fc.corpus.pages[i].text, run.texts[i]) for i in kept]
        return round(sum(r[0] for r in rows) / max(1, sum(r[1] for r in rows)), 4)

    return {
        "pages": len(readings),
        "checked": sum(r in ("checked", "plain") for r in readings),
        "kept plain": len(kept),
        "CER sohoa on kept": cer(sohoa) if kept else "-",
        "CER raw on kept": cer(raw) if kept else "-",
    }


if __name__ == "__main__":
    sys.exit(main())
