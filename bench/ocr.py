"""OCR benchmark: sohoa vs raw `tesseract -l vie` vs OCRmyPDF on generated scanned pages.

One run measures, on the same page image files and with the same number of processes:
character and word error rates (NFC, whitespace collapsed) per defect level, pages per second,
rotation and blank-page detection, the Tesseract model variants, psm / reading order /
post-correction variants, a per-preprocessing-step ablation, the CPU cost of every stage per defect
level and page kind, and `sohoa ocr`'s peak memory and temp space on 30/100/300-page PDFs.

    .venv/bin/python bench/ocr.py              # full run (160 pages; OCRmyPDF on 32 of them)
    .venv/bin/python bench/ocr.py --quick      # smoke run
    .venv/bin/python bench/ocr.py --pages 40 --only main
    .venv/bin/python bench/ocr.py --pages 24 --only memory --memory-via ingest   # issue 20
    .venv/bin/python bench/ocr.py --only main --only throughput --levels medium,hard
    .venv/bin/python bench/ocr.py --only families --stress-hand-slant 0.12,0.28   # dev only:
        # the training hand slanted like real counter forms, to fit slant rules on training pages

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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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
    kinds: tuple[str, ...] = ()  # see KINDS


# Page kinds of the stage table, from the generator's truth (a page may be of several kinds).
KINDS = ("seal overlap", "ID card", "colour ink", "phone photo", "rotated", "200 dpi", "blank")


@dataclass
class Corpus:
    folder: Path  # page images only, in name order
    pages: list[TruthPage]

    def subset(self, levels: tuple[str, ...], limit: int | None = None) -> Corpus:
        """A folder of hard links to the pages of `levels` (first `limit`)."""
        chosen = [p for p in self.pages if p.level in levels][:limit]
        name = "subset-" + "-".join(levels) + (f"-{limit}" if limit else "")
        folder = self.folder.parent / name
        if folder == self.folder:  # already this subset
            return self
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        pages = []
        for p in chosen:
            target = folder / p.file.name
            os.link(p.file, target)
            pages.append(TruthPage(target, p.text, p.level, p.rotation, p.blank, p.kinds))
        return Corpus(folder, pages)


def build_corpus(seed: int, n_pages: int) -> Corpus:
    """Generate (or reuse) `n_pages` pages spread over the defect levels."""
    import samples

    base = OUT / f"corpus-{seed}-{n_pages}"
    done = base / "corpus.json"
    if not done.is_file():
        if base.exists():
            shutil.rmtree(base)
        raw = base / "generated"
        truth = samples.generate_pages(raw, seed=seed, n_pages=n_pages, levels=LEVELS)
        _flatten(raw, base / "pages", truth, done)
    data = json.loads(done.read_text("utf-8"))
    if any("kinds" not in p for p in data["pages"]):  # a corpus cached before page kinds
        records = json.loads((base / "generated" / "pages.json").read_text("utf-8"))
        for page, record in zip(data["pages"], records, strict=True):
            page["kinds"] = page_kinds(record, base / "pages" / page["file"])
        done.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    pages = [
        TruthPage(
            base / "pages" / p["file"],
            p["text"],
            p["level"],
            p["rotation"],
            p["blank"],
            tuple(p["kinds"]),
        )
        for p in data["pages"]
    ]
    return Corpus(base / "pages", pages)


def page_kinds(record: dict, image: Path) -> list[str]:
    """The KINDS of one generated page: from its truth record, colour from its pixels."""
    import cv2

    from ocr.preprocess.cleanup import _is_colour, _sample

    defects = record.get("defects", [])
    found = {
        "seal overlap": "stamp_over_text" in defects,
        "ID card": record.get("doc_type") == "can_cuoc",
        "colour ink": _is_colour(_sample(cv2.imread(str(image), cv2.IMREAD_COLOR))),
        "phone photo": "uneven_light" in defects,
        "rotated": bool(record.get("rotation")),
        "200 dpi": "dpi_200" in defects,
        "blank": bool(record.get("blank")),
    }
    return [k for k in KINDS if found[k]]


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
    page_timings: list[dict] | None = None  # sohoa: Page.timings of each page
    parent: dict = field(default_factory=dict)  # sohoa: CPU s of the parent's stages (run)
    page_cpu: list[float] | None = None  # raw tesseract: CPU s of each page's process

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
        with parent_stages() as parent:
            result = process(
                corpus.folder, workers=workers, out_dir=out_dir, executor=pool, **kwargs
            )
    finally:
        pool.shutdown(wait=True)
    seconds = time.perf_counter() - start
    pages = result.pages
    parent["post-correction (re-run)"] = _correction_cpu(pages)
    return Run(
        name,
        [p.text for p in pages],
        seconds,
        cpu_seconds() - cpu0,
        rotations=[p.rotation for p in pages],
        blanks=[p.blank for p in pages],
        extra={"tool_versions": result.tool_versions},
        page_timings=[
            {**p.timings, "reading": p.reading, "confidence": p.mean_confidence} for p in pages
        ],
        parent=parent,
    )


# the parent's stages of `process`: (label, module, function name)
PARENT_STAGES = (
    ("classification", "ocr.understand", "_scores"),
    ("split", "ocr.understand", "split"),
    ("fields", "ocr.understand", "extract"),
    ("consensus", "ocr.understand", "_harmonise"),
    ("consensus", "ocr.understand", "shared_fields"),
    ("outputs: merge, copy, result.json", "ocr.pipeline", "write_outputs"),
)


@contextmanager
def parent_stages():
    """CPU seconds of the parent's stages while `process` runs (functions wrapped in place)."""
    import importlib

    seconds: dict[str, float] = {}
    saved = []

    def timed(label, fn):
        def wrapper(*args, **kwargs):
            began = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[label] = seconds.get(label, 0.0) + time.process_time() - began

        return wrapper

    for label, module_name, name in PARENT_STAGES:
        module = importlib.import_module(module_name)
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, timed(label, getattr(module, name)))
    try:
        yield seconds
    finally:
        for module, name, fn in reversed(saved):
            setattr(module, name, fn)


def _correction_cpu(pages) -> float:
    """CPU s of the Vietnamese post-correction (inside recognition, in the workers), measured
    again here on each page's words: the same work on the same number of words."""
    from ocr.vietnamese import correct_words

    began = time.process_time()
    for page in pages:
        if page.words:
            correct_words([(w.text, w.confidence) for w in page.words])
    return time.process_time() - began


def run_raw_tesseract(corpus: Corpus, *, workers: int) -> Run:
    """`tesseract FILE stdout -l vie` per page (system model, default psm), `workers` at once."""

    def one(page: TruthPage) -> tuple[str, float]:
        """(text, CPU s of this page's tesseract process)."""
        cmd = ["tesseract", str(page.file), "stdout", "-l", "vie"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV)
        text = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise RuntimeError(f"tesseract failed on {page.file.name}: {proc.returncode}")
        return text.decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime

    cpu0, start = cpu_seconds(), time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        done = list(pool.map(one, corpus.pages))
    return Run(
        "tesseract",
        [t for t, _ in done],
        time.perf_counter() - start,
        cpu_seconds() - cpu0,
        page_cpu=[c for _, c in done],
    )


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
# per-stage cost


# (label, Page.timings keys added, keys subtracted): CPU seconds of one page's stages
PAGE_STAGES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("load / rasterise", ("load",), ()),
    ("prep: text size (seal ink lifted)", ("prepare.textsize",), ()),
    ("prep: view (gray, seal ink)", ("prepare.view",), ()),
    ("prep: perspective", ("prepare.perspective",), ()),
    ("prep: blank check", ("prepare.blank",), ()),
    ("prep: text lines, skew", ("prepare.lines",), ()),
    ("prep: orientation (lines)", ("prepare.orientation",), ("prepare.osd",)),
    ("prep: orientation OSD", ("prepare.osd",), ()),
    ("prep: straighten", ("prepare.straighten",), ()),
    ("prep: illumination", ("prepare.illumination",), ()),
    ("prep: denoise", ("prepare.denoise",), ()),
    ("prep: borders", ("prepare.borders",), ()),
    ("prep: to reading resolution", ("prepare.resize",), ()),
    ("prep: dot leaders", ("prepare.leaders",), ()),
    ("prep: slant (hand-written words upright)", ("prepare.slant",), ()),
    ("prep: upscale", ("prepare.upscale",), ()),
    ("ID cards: find, enlarge, merge", ("cards",), ()),
    ("ID cards: tesseract", ("cards.tesseract",), ()),
    ("tesseract: recognition", ("recognize.tesseract",), ()),
    ("recognition python*", ("recognize",), ()),
    ("re-read flipped: tesseract", ("reread.tesseract",), ()),
    ("re-read flipped: python", ("reread",), ()),
    ("probe band: tesseract", ("probe.tesseract",), ()),
    ("probe band: python", ("probe",), ()),
    ("plain read: tesseract", ("plain_read.tesseract",), ()),
    ("plain read: python", ("plain_read",), ()),
    ("QR", ("qr",), ()),
    ("write: page PDF", ("write.pdf",), ()),
    ("write: ALTO", ("write.alto",), ()),
    ("write: hOCR", ("write.hocr",), ()),
    ("write: text", ("write.txt",), ()),
)
# (OSD is timed inside "prepare.orientation" too: subtracted once from the total)
PREP_STEPS = tuple(
    k for _, keys, _ in PAGE_STAGES for k in keys if k.startswith("prepare.") and k != "prepare.osd"
)


def _stage_seconds(t: dict) -> dict[str, float]:
    """One page's Page.timings as {stage label: CPU s}, with the page's unaccounted rest."""
    out = {
        label: sum(t.get(k, 0.0) for k in plus) - sum(t.get(k, 0.0) for k in minus)
        for label, plus, minus in PAGE_STAGES
    }
    prep_rest = t.get("prepare.total", 0.0) - sum(t.get(k, 0.0) for k in set(PREP_STEPS))
    out["prep: other"] = max(prep_rest, 0.0)
    whole = t.get("page", 0.0) + t.get("page.tesseract", 0.0)
    out["page: other (glue)"] = max(whole - sum(out.values()), 0.0)
    return out


def stage_costs(corpus: Corpus, sohoa: Run, raw: Run) -> dict:
    """CPU ms per page of every stage, per defect level and per page kind, beside raw
    tesseract on the same pages; Tesseract calls per page and pixels per call."""
    groups: dict[str, list[int]] = {lv: [] for lv in LEVELS}
    groups.update({k: [] for k in KINDS})
    groups["plain"] = []
    for i, page in enumerate(corpus.pages):
        groups[page.level].append(i)
        for kind in page.kinds:
            groups[kind].append(i)
        if not page.kinds:
            groups["plain"].append(i)
    groups["all"] = list(range(len(corpus.pages)))
    per_page = [_stage_seconds(t) for t in sohoa.page_timings or []]
    n_all = len(corpus.pages)
    parent = {k: v / max(n_all, 1) for k, v in sohoa.parent.items()}
    out: dict = {}
    for name, idx in groups.items():
        if not idx:
            continue
        n = len(idx)
        stages = {label: sum(per_page[i][label] for i in idx) / n for label in per_page[0]}
        if name == "all":
            stages.update({f"parent: {k}": v for k, v in parent.items() if "re-run" not in k})
            rest = sohoa.cpu / max(n_all, 1) - sum(stages.values())
            stages["run: other (pool start, hashing, glue)"] = max(rest, 0.0)
        total = sum(stages.values())
        calls = sum(sohoa.page_timings[i].get("tesseract_calls", 0) for i in idx)
        pixels = sum(sohoa.page_timings[i].get("tesseract_pixels", 0) for i in idx)
        raw_cpu = sum(raw.page_cpu[i] for i in idx) / n if raw.page_cpu else None
        out[name] = {
            "pages": n,
            "stages_ms": {k: round(1000 * v, 1) for k, v in stages.items()},
            "total_ms": round(1000 * total, 1),
            "raw_tesseract_ms": round(1000 * raw_cpu, 1) if raw_cpu is not None else None,
            "raw_over_sohoa_cpu": round(raw_cpu / total, 3) if raw_cpu and total else None,
            "tesseract_calls_per_page": round(calls / n, 2),
            "mpixels_per_call": round(pixels / max(calls, 1) / 1e6, 2),
        }
    out["all"]["post_correction_ms_rerun"] = round(1000 * parent["post-correction (re-run)"], 1)
    _print_stage_tables(out)
    return out


def _print_stage_tables(out: dict) -> None:
    level_cols = [c for c in (*LEVELS, "all") if c in out]
    kind_cols = [c for c in (*KINDS, "plain") if c in out]
    for title, cols in (("defect level", level_cols), ("page kind", kind_cols)):
        labels = list(out["all"]["stages_ms"])
        rows = []
        for label in labels:
            cells = [out[c]["stages_ms"].get(label, "-") for c in cols]
            if all(v == "-" or v < 0.05 for v in cells):
                continue
            share = out["all"]["stages_ms"][label] / max(out["all"]["total_ms"], 1e-9)
            rows.append([label, *cells, f"{100 * share:.1f}%"])
        rows.append(["total sohoa", *(out[c]["total_ms"] for c in cols), "100%"])
        rows.append(["raw tesseract -l vie", *(out[c]["raw_tesseract_ms"] for c in cols), ""])
        rows.append(["raw / sohoa (CPU)", *(out[c]["raw_over_sohoa_cpu"] for c in cols), ""])
        rows.append(
            ["tesseract calls/page", *(out[c]["tesseract_calls_per_page"] for c in cols), ""]
        )
        rows.append(["Mpixels per call", *(out[c]["mpixels_per_call"] for c in cols), ""])
        rows.append(["pages", *(out[c]["pages"] for c in cols), ""])
        table(
            f"CPU ms per page by stage and {title} (share: of all pages' total)",
            ["stage", *cols, "share"],
            rows,
        )
    print(
        "  * resize, image file for tesseract, TSV parse, reading order, post-correction"
        f" (post-correction alone, re-run: {out['all']['post_correction_ms_rerun']} ms/page);"
        " parent stages are per page of the run (all)"
    )


# ---------------------------------------------------------------------------------------------
# memory


class PeakRss:
    """Peak memory of this process and all its descendants, sampled from /proc: RSS summed over
    processes (counts pages shared between forked workers once per process) and PSS (shared
    pages split between their sharers: the memory the tree really holds)."""

    def __init__(
        self, interval: float = 0.2, root: int | None = None, folder: Path | None = None
    ) -> None:
        self.interval, self.peak, self.peak_pss, self._stop = interval, 0, 0, threading.Event()
        self.peak_by_role: dict[str, int] = {}  # at the peak of the whole tree
        self.peak_of_role: dict[str, int] = {}  # each role's own peak
        self.root, self.folder, self.peak_folder = root or os.getpid(), folder, 0
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = self.root
        while not self._stop.is_set():
            if self.folder is not None:
                self.peak_folder = max(self.peak_folder, _folder_size(self.folder))
            tree = process_tree(me)
            rss = sum(tree.values())
            if rss > self.peak:
                self.peak = rss
            roles = pss_by_role(me, tree)
            for role, value in roles.items():
                self.peak_of_role[role] = max(value, self.peak_of_role.get(role, 0))
            pss = sum(roles.values())
            if pss > self.peak_pss:
                self.peak_pss = pss
                self.peak_by_role = roles
            self._stop.wait(self.interval)


def pss_by_role(root: int, tree: Iterable[int]) -> dict[str, int]:
    """PSS of a process tree split by role: the main process, tesseract, the page workers, the
    embedded SeaweedFS (weed), the temporary Prefect server, anything else."""
    roles: dict[str, int] = {}
    for pid in tree:
        roles[_role(root, pid)] = roles.get(_role(root, pid), 0) + _pss(pid)
    return dict(sorted(roles.items()))


def _role(root: int, pid: int) -> str:
    if pid == root:
        return "main process"
    name = _name(pid)
    if name in ("tesseract", "weed"):
        return name
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        cmdline = ""
    if "prefect" in cmdline and ("server" in cmdline or "uvicorn" in cmdline):
        return "prefect server"
    if "python" in name or "python" in cmdline.split(" ")[0]:
        return "python children"
    return name or "other"


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


def memory_check(corpus: Corpus, n_pages: int, workers: int, via: str = "ocr") -> dict:
    """`sohoa ocr` (with outputs) or `sohoa ingest` (embedded S3 and SQLite, every output
    stored) on one `n_pages`-page image PDF (corpus pages repeated): peak RSS/PSS of its process
    tree, peak temp space (a TMPDIR of its own, sampled) and what it leaves there."""
    import img2pdf

    text_pages = [p.file for p in corpus.pages if not p.blank]
    files = [str(text_pages[i % len(text_pages)]) for i in range(n_pages)]
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        pdf = Path(tmp) / f"{n_pages}.pdf"
        pdf.write_bytes(img2pdf.convert(files))
        scratch = Path(tmp) / "tmp"
        scratch.mkdir()
        data = Path(tmp) / "data"
        env = {**ENV, "TMPDIR": str(scratch), "SOHOA_DATA_DIR": str(data)}
        env["SOHOA_OCR_WORKERS"] = str(workers)
        if via == "ingest":
            inbox = data / "inbox"
            inbox.mkdir(parents=True)
            scan = inbox / pdf.name
            pdf.rename(scan)
            cmd = [sys.executable, "-m", "sohoa.cli", "ingest", str(inbox)]
        else:
            scan = pdf
            cmd = [sys.executable, "-m", "sohoa.cli", "ocr", str(pdf), "--json"]
            cmd += ["--out", str(Path(tmp) / "out"), "--workers", str(workers)]
        input_size = scan.stat().st_size
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, cwd=ROOT)
        with PeakRss(root=proc.pid, folder=scratch) as peak:
            out, _ = proc.communicate()
        seconds = time.perf_counter() - start
        if via == "ingest":
            from storage import embedded

            embedded.stop(data)
        if proc.returncode != 0:
            raise RuntimeError(f"sohoa {via} failed on the {n_pages}-page PDF: {proc.returncode}")
        if via == "ingest":
            pages, size = ingested_pages(data), 0
        else:
            pages = json.loads(out)["page_count"]
            size = (Path(tmp) / "out" / "searchable.pdf").stat().st_size
        left = sorted(str(p.relative_to(scratch)) for p in scratch.rglob("*"))
    return {
        "pages": pages,
        "peak_rss_mb": round(peak.peak / 2**20, 1),
        "peak_pss_mb": round(peak.peak_pss / 2**20, 1),
        "at_peak_pss_mb": {k: round(v / 2**20, 1) for k, v in peak.peak_by_role.items()},
        "role_peak_pss_mb": {k: round(v / 2**20, 1) for k, v in peak.peak_of_role.items()},
        "seconds": round(seconds, 1),
        "pages_per_second": round(n_pages / seconds, 3),
        "input_mb": round(input_size / 2**20, 1),
        "peak_temp_mb": round(peak.peak_folder / 2**20, 1),
        "temp_over_input": round(peak.peak_folder / input_size, 2),
        "left_in_temp": left[:10],
        "searchable_pdf_mb": round(size / 2**20, 1),
    }


def _folder_size(folder: Path) -> int:
    total = 0
    for base, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(base, name)).st_size
            except OSError:
                continue  # removed meanwhile
    return total


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
        choices=[
            "main",
            "throughput",
            "models",
            "variants",
            "ablation",
            "memory",
            "families",
            "kinds",
        ],
        help="run only these sections (repeatable)",
    )
    parser.add_argument(
        "--levels",
        default=",".join(LEVELS),
        help="defect levels to run on (comma list; main, throughput, families sections)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternated throughput rounds")
    parser.add_argument(
        "--memory-pages", default="30,100,300", help="PDF sizes of the memory section"
    )
    parser.add_argument(
        "--memory-via",
        action="append",
        choices=["ocr", "ingest"],
        help="commands of the memory section (repeatable; default both)",
    )
    parser.add_argument(
        "--ocrmypdf-pages", type=int, default=32, help="pages OCRmyPDF reads (0: all, -1: none)"
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
    parser.add_argument(
        "--kind-pages", type=int, default=64,
        help="pages drawn for the kinds section (half held out; ID-card and seal pages kept)",
    )  # fmt: skip
    parser.add_argument(
        "--stress-hand-slant",
        metavar="LO,HI",
        help="development only: the training hand writes at this slant range (families section;"
        " its own is 0,0.08; a corpus of its own, never the figures to quote)",
    )
    args = parser.parse_args(argv)
    levels = tuple(lv for lv in LEVELS if lv in args.levels.split(","))
    if not levels:
        parser.error(f"--levels: none of {', '.join(LEVELS)}")
    if args.quick:
        args.pages, args.memory_pages, args.subset = min(args.pages, 24), "10,20", 8
    sections = set(
        args.only
        or ["families", "kinds", "main", "throughput", "models", "variants", "ablation", "memory"]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    report_path = args.report
    report: dict = {"pages": args.pages, "seed": args.seed, "workers": args.workers}
    if report_path.is_file() and args.only:  # keep the other sections of an earlier run
        report = {**json.loads(report_path.read_text()), **report}

    if "families" in sections:
        slant = None
        if args.stress_hand_slant:
            lo, hi = (float(v) for v in args.stress_hand_slant.split(","))
            slant = (lo, hi)
        report["families"] = section_families(
            args.seed, args.family_pages, args.workers, levels, hand_slant=slant
        )
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    if "kinds" in sections:
        report["kinds"] = section_kinds(args.seed, args.kind_pages, args.workers, levels)
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    if sections <= {"families", "kinds"}:
        return 0
    corpus = build_corpus(args.seed, args.pages)
    if levels != LEVELS:
        corpus = corpus.subset(levels)
    counts = {lv: sum(p.level == lv for p in corpus.pages) for lv in LEVELS}
    print(f"corpus: {len(corpus.pages)} pages {counts}, {args.workers} processes per system")
    w = args.workers

    def save() -> None:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")

    if "main" in sections:
        report["main"] = section_main(corpus, w, args.fresh_baselines, args.ocrmypdf_pages)
        save()
    if "memory" in sections:
        sizes = [int(n) for n in str(args.memory_pages).split(",")]
        vias = tuple(args.memory_via or ("ocr", "ingest"))
        report["memory"] = section_memory(corpus, sizes, w, vias)
        save()
    part = corpus.subset(levels, args.subset)
    if "throughput" in sections:
        report["throughput"] = section_throughput(part, w, args.rounds)
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


def ingested_pages(data: Path) -> int:
    """Pages of the one stored scan in an ingest's SQLite database (0 unless stored)."""
    import sqlite3

    with sqlite3.connect(data / "sohoa.db") as db:
        row = db.execute("SELECT status, page_count FROM scan").fetchone()
    return row[1] if row and row[0] == "stored" else 0


def section_memory(
    corpus: Corpus, sizes: list[int], workers: int, vias: tuple[str, ...] = ("ocr", "ingest")
) -> dict:
    """`sohoa ocr` and `sohoa ingest` on PDFs of each size: memory must stay flat in the page
    count (issue 20: peak < 1 GB for the whole process tree, temp < 2x the input)."""
    runs = {
        f"{via} {n}": {"via": via, **memory_check(corpus, n, workers, via)}
        for via in vias
        for n in sizes
    }
    table(
        f"memory and temp space: image PDFs, {workers} processes, every output written/stored",
        ["command", "pages", "peak PSS MB", "peak RSS sum MB", "input MB", "peak temp MB",
         "temp/input", "left in temp", "seconds", "pages/s"],
        [[m["via"], m["pages"], m["peak_pss_mb"], m["peak_rss_mb"], m["input_mb"],
          m["peak_temp_mb"], m["temp_over_input"], len(m["left_in_temp"]), m["seconds"],
          m["pages_per_second"]]
         for m in runs.values()],
    )  # fmt: skip
    return runs


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
    stages = stage_costs(corpus, runs[0], runs[1])
    part = corpus
    if ocrmypdf_pages and 0 < ocrmypdf_pages < len(corpus.pages):
        part = corpus.subset(LEVELS, ocrmypdf_pages)
    ocrmypdf = run_ocrmypdf(part, workers=workers, fresh=fresh) if ocrmypdf_pages != -1 else None
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
    return {
        "per_page": per_page(corpus, runs[0], runs[1]),
        "scores": scores,
        "sohoa_vs_raw": ratios,
        "with_ocrmypdf": vs_ocrmypdf,
        "stages": stages,
    }


def per_page(corpus: Corpus, sohoa: Run, raw: Run) -> list[dict]:
    """Each page's level, kinds, CER of both systems, which read sohoa kept and its stage
    timings (CPU s), beside raw tesseract's CPU s: for finding what a level's cost is made of."""
    rows = []
    for i, page in enumerate(corpus.pages):
        t = (sohoa.page_timings or [{}])[i] if sohoa.page_timings else {}
        cer = [errors(page.text, run.texts[i]) for run in (sohoa, raw)]
        rows.append({
            "file": page.file.name, "level": page.level, "kinds": list(page.kinds),
            "rotation": [page.rotation, (sohoa.rotations or [0] * (i + 1))[i]],
            "cer": [round(e[0] / max(e[1], 1), 4) for e in cer],
            "raw_cpu": round(raw.page_cpu[i], 3) if raw.page_cpu else None,
            "timings": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in t.items()},
        })  # fmt: skip
    return rows


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


def section_throughput(corpus: Corpus, workers: int, rounds: int = 3) -> dict:
    """sohoa (input read, every output written) and raw tesseract alternated `rounds` times, so
    load drift on a shared machine hits both alike: medians and spreads of pages/s (wall) and
    CPU s/page, overall and per defect level (CPU from each page's own stages and process)."""
    sohoa: list[Run] = []
    raw: list[Run] = []
    loads: list[float] = []
    for _ in range(rounds):
        loads.append(round(os.getloadavg()[0], 2))
        with tempfile.TemporaryDirectory(prefix="bench-tp-") as tmp:
            sohoa.append(run_sohoa(corpus, workers=workers, out_dir=Path(tmp) / "out"))
        loads.append(round(os.getloadavg()[0], 2))
        raw.append(run_raw_tesseract(corpus, workers=workers))
    n = len(corpus.pages)

    def spread(values: list[float]) -> dict:
        return {"median": round(statistics.median(values), 3),
                "min": round(min(values), 3), "max": round(max(values), 3)}  # fmt: skip

    out: dict = {
        "rounds": rounds,
        "load_avg_1min": spread(loads),
        "sohoa": {"pages_per_second": spread([r.pages_per_second() for r in sohoa]),
                  "cpu_seconds_per_page": spread([r.cpu / n for r in sohoa])},
        "tesseract": {"pages_per_second": spread([r.pages_per_second() for r in raw]),
                      "cpu_seconds_per_page": spread([r.cpu / n for r in raw])},
        "ratio_wall": spread([s.pages_per_second() / r.pages_per_second()
                              for s, r in zip(sohoa, raw, strict=True)]),
        "ratio_cpu": spread([r.cpu / s.cpu for s, r in zip(sohoa, raw, strict=True)]),
    }  # fmt: skip
    by_level = {}
    for level in (*LEVELS, "all"):
        idx = [i for i, p in enumerate(corpus.pages) if level in (p.level, "all")]
        if not idx:
            continue
        ratios = []
        for s, r in zip(sohoa, raw, strict=True):
            mine = sum(_page_cpu(s.page_timings[i]) for i in idx)
            theirs = sum(r.page_cpu[i] for i in idx)
            ratios.append(theirs / mine if mine else 0.0)
        by_level[level] = spread(ratios)
    out["ratio_cpu_by_level (page stages)"] = by_level
    rows = [
        ["sohoa pages/s (wall)", *out["sohoa"]["pages_per_second"].values()],
        ["raw pages/s (wall)", *out["tesseract"]["pages_per_second"].values()],
        ["sohoa/raw wall", *out["ratio_wall"].values()],
        ["sohoa CPU s/page", *out["sohoa"]["cpu_seconds_per_page"].values()],
        ["raw CPU s/page", *out["tesseract"]["cpu_seconds_per_page"].values()],
        ["sohoa/raw CPU (run)", *out["ratio_cpu"].values()],
        *[[f"sohoa/raw CPU {lv} (pages)", *v.values()] for lv, v in by_level.items()],
        ["load average (1 min)", *out["load_avg_1min"].values()],
    ]
    table(
        f"throughput, {n} pages, sohoa/raw alternated x{rounds}",
        ["", "median", "min", "max"],
        rows,
    )
    return out


def _page_cpu(timings: dict) -> float:
    """A page's CPU s in its worker: the page's own process and its tesseract children."""
    return timings.get("page", 0.0) + timings.get("page.tesseract", 0.0)


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


FAMILY_KINDS = ("seal_overlap", "id_card", "coloured_form", "phone_photo", "photocopy", "rotated",
         "dotted_form")  # fmt: skip
SPLITS = ("train", "held_out")


@dataclass
class FamilyCorpus:
    corpus: Corpus
    splits: list[str]
    kinds: list[list[str]]


def build_family_corpus(
    seed: int,
    n_pages: int,
    doc_types: tuple[str, ...] | None = None,
    name: str = "families",
    hand_slant: tuple[float, float] | None = None,
) -> FamilyCorpus:
    """`n_pages` pages, half drawn from the training families and half from the held-out ones
    (levels alternate in each half); cached in bench/out/<name>-<seed>-<n>/. `doc_types`: pages
    of these document types only (every type by default).

    `hand_slant` (development only, `--stress-hand-slant`): the training hand ("dots_pen")
    writes at this slant range instead of its own, to fit rules for slanted writing on
    training pages (the family table and every other draw stay as they are; cached apart)."""
    from samples.generate import generate_pages

    base = OUT / f"{name}-{seed}-{n_pages}"
    if hand_slant is not None:
        import dataclasses

        from samples import forms

        pen = forms.HANDS["dots_pen"]
        forms.HANDS["dots_pen"] = dataclasses.replace(pen, slant=hand_slant)
        base = OUT / f"{name}-{seed}-{n_pages}-pen-slant-{hand_slant[0]}-{hand_slant[1]}"
    done = base / "corpus.json"
    if not done.is_file():
        if base.exists():
            shutil.rmtree(base)
        (base / "pages").mkdir(parents=True)
        records = []
        for k, split in enumerate(SPLITS):
            raw = base / "generated" / split
            half = n_pages // 2 if k == 0 else n_pages - n_pages // 2
            generate_pages(
                raw, seed=seed * 10 + k, n_pages=half, levels=LEVELS, split=split,
                doc_types=doc_types,
            )  # fmt: skip
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


def _family_subset(fc: FamilyCorpus, levels: tuple[str, ...]) -> FamilyCorpus:
    """The pages of `levels` only (a folder of hard links, splits and kinds kept)."""
    keep = [i for i, p in enumerate(fc.corpus.pages) if p.level in levels]
    part = fc.corpus.subset(levels)
    return FamilyCorpus(part, [fc.splits[i] for i in keep], [fc.kinds[i] for i in keep])


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


# Page kinds a random draw gives few of (4 ID-card pages in 96): the "kinds" section draws
# pages of the document types that print them, both splits, and keeps the pages of these kinds
# (a type is drawn per document: card copies, one page each, listed four times to weigh them).
KIND_DOC_TYPES = ("can_cuoc",) * 4 + ("quyet_dinh", "giay_uy_quyen")
FOCUS_KINDS = ("id_card", "seal_overlap")


def _kinds_subset(fc: FamilyCorpus, kinds: tuple[str, ...]) -> FamilyCorpus:
    """The text pages of any of `kinds` (a folder of hard links, splits and kinds kept)."""
    keep = [
        i for i, (p, k) in enumerate(zip(fc.corpus.pages, fc.kinds, strict=True))
        if not p.blank and set(k) & set(kinds)
    ]  # fmt: skip
    folder = fc.corpus.folder.parent / ("subset-" + "-".join(kinds))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    pages = []
    for i in keep:
        p = fc.corpus.pages[i]
        os.link(p.file, folder / p.file.name)
        pages.append(TruthPage(folder / p.file.name, p.text, p.level, p.rotation, p.blank))
    return FamilyCorpus(
        Corpus(folder, pages), [fc.splits[i] for i in keep], [fc.kinds[i] for i in keep]
    )


def section_kinds(seed: int, n_pages: int, workers: int, levels: tuple[str, ...] = LEVELS) -> dict:
    """The families table on ID-card and seal-overlap pages only, enough of them in both splits
    for a per-kind figure (`--kind-pages` drawn, those of FOCUS_KINDS kept)."""
    fc = build_family_corpus(seed, n_pages, KIND_DOC_TYPES, name="kinds")
    if levels != LEVELS:
        fc = _family_subset(fc, levels)
    fc = _kinds_subset(fc, FOCUS_KINDS)
    return section_families(seed, n_pages, workers, levels, fc=fc, label="kinds")


def section_families(
    seed: int,
    n_pages: int,
    workers: int,
    levels: tuple[str, ...] = LEVELS,
    *,
    fc: FamilyCorpus | None = None,
    label: str = "families",
    hand_slant: tuple[float, float] | None = None,
) -> dict:
    """sohoa and raw `tesseract -l vie` on the same in-family and held-out-family pages
    (`hand_slant`: see `build_family_corpus`)."""
    if fc is None:
        fc = build_family_corpus(seed, n_pages, hand_slant=hand_slant)
        if levels != LEVELS:
            fc = _family_subset(fc, levels)
    held = sum(s == "held_out" for s in fc.splits)
    print(f"{label}: {len(fc.splits)} pages ({held} held-out), {workers} processes per system")
    with tempfile.TemporaryDirectory(prefix="bench-fam-") as tmp:
        sohoa = run_sohoa(fc.corpus, workers=workers, out_dir=Path(tmp) / "out")
        readings = _readings(Path(tmp) / "out" / "result.json")
    raw = run_raw_tesseract(fc.corpus, workers=workers)
    scores = {run.name: family_scores(fc, run) for run in (sohoa, raw)}
    rows = []
    for key in (*LEVELS, "all", *FAMILY_KINDS):
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
    timings = sohoa.page_timings or []
    for stage, key in (
        ("ID cards CPU ms/page", "cards"),
        ("ID cards tesseract ms/page", "cards.tesseract"),
    ):
        ratio[stage] = round(1000 * sum(t.get(key, 0.0) for t in timings) / max(len(timings), 1), 1)
    read = [sum(bool(t.get("cards_read")) for t, s in zip(timings, fc.splits, strict=True)
                if s == split) for split in SPLITS]  # fmt: skip
    ratio["pages with ID cards read (in/held)"] = "/".join(map(str, read))
    table("sohoa / raw tesseract on these pages", list(ratio), [list(ratio.values())])
    gate = _gate(fc, readings, sohoa, raw)
    if gate:
        table(
            "plain-read gate (ocr.guard): pages checked against a plain read, and kept plain",
            list(gate), [list(gate.values())],
        )  # fmt: skip
    _dump_texts(fc.corpus, [sohoa, raw], folder=OUT / f"texts-{label}")
    return {
        "per_page": [
            {**row, "split": split}
            for row, split in zip(per_page(fc.corpus, sohoa, raw), fc.splits, strict=True)
        ],
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
