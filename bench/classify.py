"""Benchmark page classification, dossier splitting and field extraction on held-out dossiers.

    .venv/bin/python bench/classify.py --text ocr --dossiers 300     # the acceptance run
    .venv/bin/python bench/classify.py --text truth-noised --dossiers 200   # stress test, ~1 min

Dossiers come from seeds the model was not trained on and, by default, only from the layout
variants held out of training (one per type). Dossiers cycle through the defect levels clean,
mild, medium, hard. The title-rules-only baseline runs on the same pages in the same run.

`--text ocr` is the production path: each page is rendered, degraded at its level and read by
`ocr.pipeline.process` (cleanup, Tesseract, QR, post-correction); the recognised pages are cached
under bench/out/ocr_cache (about 1 s of 2 cores per page the first time). `--text truth-noised`
skips rendering and puts the training noise model (ocr/classify/noise.py) on the true text: it is
much harsher than what Tesseract reads after sohoa's cleanup (a quarter of the marks lost on hard
pages, one line in twelve dropped, a tenth of the pages cut short), so values it deletes outright
count as misses; use it to compare changes quickly, not as the accuracy figure.
`--misses N` prints up to N wrong values per field. Writes bench/out/classify[-ocr].json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import f1_score  # noqa: E402

from ocr.classify import load_model  # noqa: E402
from ocr.classify.noise import LEVELS, add_noise  # noqa: E402
from ocr.classify.rules import DOC_TYPES  # noqa: E402
from ocr.result import Page, Word  # noqa: E402
from ocr.understand import understand  # noqa: E402
from samples.content import iter_dossiers, split_variants  # noqa: E402

OUT = ROOT / "bench" / "out"
QR_MISSED = {"clean": 0.0, "mild": 0.05, "medium": 0.15, "hard": 0.3}  # QR unreadable on scan


def truth_noised_pages(dossier, level: str, rng: random.Random) -> list[Page]:
    pages = []
    for i, spec in enumerate(dossier.pages):
        text = "" if spec.blank else add_noise(spec.text, level, rng)
        qr = [q for q in spec.qr_codes if rng.random() >= QR_MISSED[level]]
        pages.append(Page(number=i + 1, text=text, blank=spec.blank, qr_codes=qr))
    return pages


def ocr_pages(dossier, level: str, seed: int, cache: Path) -> list[Page]:
    """Render + degrade each page, then recognise the stack with `ocr.pipeline.process` (the
    production path: cleanup, Tesseract, QR, post-correction). Cached per dossier and level."""
    import cv2

    from samples.defects import degrade
    from samples.render import render_page

    parts = [CACHE_VERSION, _ocr_fingerprint(), level, str(seed), *(p.text for p in dossier.pages)]
    key = hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]
    done = cache / f"{key}.json"
    if done.exists():
        return [_page_of(p) for p in json.loads(done.read_text())]
    folder = cache / key
    folder.mkdir(parents=True, exist_ok=True)
    for i, spec in enumerate(dossier.pages):
        rendered = render_page(spec, seed=seed + i)
        image, _ = degrade(rendered.image, level, random.Random(seed * 31 + i), blank=spec.blank)
        cv2.imwrite(str(folder / f"{i + 1:04d}.png"), image)
    pages = _recognise(folder)
    done.write_text(json.dumps([_page_json(p) for p in pages], ensure_ascii=False))
    shutil.rmtree(folder)  # the rendered pages: 3 MB each, and the JSON is what is reused
    return pages


CACHE_VERSION = "words"  # cached pages keep their words (text, confidence): the vote uses them
# The code that turns a page image into words: a change to it makes every cached page stale.
OCR_CODE = ("ocr/load.py", "ocr/preprocess", "ocr/recognize.py", "ocr/pipeline.py", "ocr/qr.py",
            "ocr/vietnamese", "ocr/tessdata.py")  # fmt: skip


@lru_cache(maxsize=1)
def _ocr_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in OCR_CODE:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _page_json(page: Page) -> dict:
    return {"number": page.number, "text": page.text, "blank": page.blank,
            "qr_codes": list(page.qr_codes), "mean_confidence": page.mean_confidence,
            "words": [[w.text, w.confidence] for w in page.words]}  # fmt: skip


def _page_of(data: dict) -> Page:
    words = [Word(text, conf, (0, 0, 0, 0)) for text, conf in data.pop("words", [])]
    return Page(**data, words=words)


def _recognise(folder: Path) -> list[Page]:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        from ocr.pipeline import process
    except ImportError:  # no pipeline: raw Tesseract on the rendered pages
        import pytesseract
        from PIL import Image

        pages = []
        for i, path in enumerate(sorted(folder.glob("*.png"))):
            text = pytesseract.image_to_string(Image.open(path), lang="vie")
            pages.append(Page(number=i + 1, text=text, blank=not text.strip()))
        return pages
    result = process(folder, workers=2)
    return [_page_of(_page_json(p)) for p in result.pages]


def _truth(dossier) -> tuple[list[str], list[tuple[int, ...]], list[dict], list[str]]:
    page_types, splits, docs, variants = [], [], [], []
    n = 0
    for doc in dossier.documents:
        pages = tuple(range(n + 1, n + 1 + len(doc.pages)))
        n += len(doc.pages)
        page_types += [doc.doc_type] * len(doc.pages)
        splits.append(pages)
        docs.append({"doc_type": doc.doc_type, "pages": pages, "fields": doc.fields})
        variants.append(doc.variant)
    return page_types, splits, docs, variants


def _code_legible(code: str, pages: list[Page]) -> bool:
    """Whether any page still shows the dossier code (a QR payload, or a text line that is at
    least a damaged print of it): the truth-noised text sometimes loses the one line carrying it,
    and a code that is on no page cannot be read."""
    from rapidfuzz import fuzz

    if any(code in q for p in pages for q in p.qr_codes):
        return True
    return any(fuzz.partial_ratio(code, line) >= 70 for p in pages
               for line in (p.text or "").splitlines() if len(line) >= 10)  # fmt: skip


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) < 1e-6
        except (TypeError, ValueError):
            return False
    return a == b


class Tally:
    def __init__(self) -> None:
        self.page_true: list[str] = []
        self.page_pred: list[str] = []
        self.page_level: list[str] = []
        self.split_ok: list[bool] = []
        self.split_level: list[str] = []
        self.code_ok: list[bool] = []
        self.code_printed_ok: list[bool] = []  # dossiers whose pages still show the code
        self.fields: dict[str, list[bool]] = defaultdict(list)
        self.doc_conf: list[tuple[float, bool]] = []
        self.review: list[tuple[bool, bool]] = []
        self.seconds: list[float] = []
        self.pages_dropped = 0  # pages in no document, or in several
        self.misses: list[tuple[str, str, str, object, object]] = []  # key, level, type, truth, got

    def add(self, dossier, pages, result, level: str, seconds: float) -> None:
        page_types, splits, docs, _ = _truth(dossier)
        pred_types = [p.doc_type for p in result.pages]
        self.page_true += page_types
        self.page_pred += pred_types
        self.page_level += [level] * len(page_types)
        covered = sorted(n for d in result.documents for n in d.pages)
        self.pages_dropped += len(pages) - len(set(covered)) + len(covered) - len(set(covered))
        pred_splits = [tuple(d.pages) for d in result.documents]
        self.split_ok.append(pred_splits == splits)
        self.split_level.append(level)
        self.code_ok.append(result.dossier_code == dossier.dossier_code)
        if _code_legible(dossier.dossier_code, pages):
            self.code_printed_ok.append(result.dossier_code == dossier.dossier_code)
        by_pages = {tuple(d.pages): d for d in result.documents}
        for truth in docs:
            pred = by_pages.get(truth["pages"])
            right = pred is not None and pred.doc_type == truth["doc_type"]
            if pred is not None:
                self.doc_conf.append((pred.confidence, right))
                self.review.append((pred.needs_review, right))
            for key, value in truth["fields"].items():
                got = pred.fields.get(key) if right else None
                self.fields[key].append(_same(got, value))
                if not _same(got, value):
                    kind = truth["doc_type"] if right else "(document missed)"
                    self.misses.append((key, level, kind, value, got))
        for d in result.documents:
            if tuple(d.pages) not in {t["pages"] for t in docs}:
                self.doc_conf.append((d.confidence, False))
                self.review.append((d.needs_review, False))
        self.seconds.append(seconds)

    def summary(self) -> dict:
        labels = sorted(set(self.page_true) | set(self.page_pred))
        content = [i for i, t in enumerate(self.page_true)]
        acc = sum(self.page_true[i] == self.page_pred[i] for i in content) / max(1, len(content))
        per_level = {}
        for level in LEVELS:
            idx = [i for i, lv in enumerate(self.page_level) if lv == level]
            sp = [ok for ok, lv in zip(self.split_ok, self.split_level, strict=True) if lv == level]
            if idx:
                per_level[level] = {
                    "page_macro_f1": round(
                        f1_score(
                            [self.page_true[i] for i in idx],
                            [self.page_pred[i] for i in idx],
                            labels=sorted({self.page_true[i] for i in idx}),
                            average="macro",
                            zero_division=0,
                        ),
                        4,
                    ),  # fmt: skip
                    "split_exact": round(sum(sp) / max(1, len(sp)), 4),
                }
        confusion: dict[str, dict[str, int]] = {}
        for t, p in zip(self.page_true, self.page_pred, strict=True):
            confusion.setdefault(t, Counter())[p] += 1
        conf_bins = _reliability(self.doc_conf)
        flagged = [r for r, _ in self.review]
        wrong = [not ok for _, ok in self.review]
        return {
            "pages": len(self.page_true),
            "dossiers": len(self.split_ok),
            "page_accuracy": round(acc, 4),
            "page_macro_f1": round(
                f1_score(
                    self.page_true, self.page_pred, labels=labels, average="macro", zero_division=0
                ),
                4,
            ),  # fmt: skip
            "per_type_f1": {
                t: round(f, 4)
                for t, f in zip(
                    labels,
                    f1_score(
                        self.page_true, self.page_pred, labels=labels, average=None, zero_division=0
                    ),
                    strict=True,
                )
            },  # fmt: skip
            "split_exact": round(sum(self.split_ok) / max(1, len(self.split_ok)), 4),
            "dossier_code_exact": round(sum(self.code_ok) / max(1, len(self.code_ok)), 4),
            "dossier_code_exact_where_legible": round(
                sum(self.code_printed_ok) / max(1, len(self.code_printed_ok)), 4
            ),
            "dossier_code_legible": len(self.code_printed_ok),
            "pages_dropped": self.pages_dropped,
            "fields": {k: round(sum(v) / len(v), 4) for k, v in sorted(self.fields.items())},
            "field_counts": {k: len(v) for k, v in sorted(self.fields.items())},
            "per_level": per_level,
            "confusion": {t: dict(c) for t, c in sorted(confusion.items())},
            "reliability": conf_bins,
            "review_rate": round(sum(flagged) / max(1, len(flagged)), 4),
            "wrong_docs_flagged": round(
                sum(f for f, w in zip(flagged, wrong, strict=True) if w) / max(1, sum(wrong)), 4
            ),
            "median_seconds_per_dossier": round(median(self.seconds), 4) if self.seconds else 0,
        }


def _reliability(pairs: list[tuple[float, bool]]) -> list[dict]:
    bins = [(0.0, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 1.01)]
    out = []
    for lo, hi in bins:
        sel = [ok for c, ok in pairs if lo <= c < hi]
        if sel:
            mean_conf = sum(c for c, _ in pairs if lo <= c < hi) / len(sel)
            out.append({"bin": f"{lo:.2f}-{min(hi, 1):.2f}", "n": len(sel),
                        "mean_confidence": round(mean_conf, 3),
                        "accuracy": round(sum(sel) / len(sel), 3)})  # fmt: skip
    return out


def _print(name: str, s: dict) -> None:
    print(f"\n== {name}: {s['dossiers']} dossiers, {s['pages']} pages")
    print(f"page accuracy {s['page_accuracy']:.4f}   page macro-F1 {s['page_macro_f1']:.4f}   "
          f"split exact {s['split_exact']:.4f}   "
          f"dossier code {s['dossier_code_exact']:.4f} "
          f"({s['dossier_code_exact_where_legible']:.4f} of {s['dossier_code_legible']} "
          f"whose pages show it)   "
          f"pages dropped {s['pages_dropped']}")  # fmt: skip
    print("per level:", "  ".join(f"{k}: F1 {v['page_macro_f1']:.3f} split {v['split_exact']:.3f}"
                                   for k, v in s["per_level"].items()))  # fmt: skip


def _table(model: dict, base: dict) -> None:
    print("\n| metric | model | rules only | ratio |")
    print("| --- | --- | --- | --- |")
    for key in ("page_accuracy", "page_macro_f1", "split_exact", "dossier_code_exact",
                "dossier_code_exact_where_legible"):  # fmt: skip
        a, b = model[key], base[key]
        print(f"| {key} | {a:.4f} | {b:.4f} | {a / b if b else float('inf'):.2f} |")
    for key, value in model["fields"].items():
        b = base["fields"].get(key, 0.0)
        print(f"| field {key} (n={model['field_counts'][key]}) | {value:.4f} | {b:.4f} | "
              f"{value / b if b else float('inf'):.2f} |")  # fmt: skip
    print("\nper-type page F1 (model / rules):")
    for t in DOC_TYPES:
        if t in model["per_type_f1"]:
            print(f"  {t:24s} {model['per_type_f1'][t]:.3f} / {base['per_type_f1'].get(t, 0):.3f}")
    print("\nconfusion (model, truth → predicted counts):")
    for t, row in model["confusion"].items():
        errs = {p: n for p, n in row.items() if p != t}
        print(f"  {t:24s} ok {row.get(t, 0):4d}  " + ", ".join(f"{p}:{n}" for p, n in errs.items()))
    print("\nreliability of document confidence (model):")
    for b in model["reliability"]:
        print(f"  {b['bin']}: n={b['n']:4d} mean conf {b['mean_confidence']:.3f} "
              f"accuracy {b['accuracy']:.3f}")  # fmt: skip
    print(f"review rate {model['review_rate']:.3f}; wrong documents flagged "
          f"{model['wrong_docs_flagged']:.3f}")  # fmt: skip


def _print_misses(misses: list[tuple], limit: int) -> None:
    print("\nwrong field values (model; field, level, document type: truth → read):")
    shown: Counter[str] = Counter()
    for key, level, kind, truth, got in sorted(misses, key=lambda m: m[0]):
        if shown[key] < limit:
            shown[key] += 1
            print(f"  {key:22s} {level:6s} {kind:22s} {truth!r} → {got!r}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="classification / split / fields benchmark")
    parser.add_argument("--text", choices=["truth-noised", "ocr"], default="truth-noised")
    parser.add_argument("--dossiers", type=int, default=80)
    parser.add_argument("--seed", type=int, default=424242)
    parser.add_argument("--variants", choices=["held-out", "all"], default="held-out")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="print up to N wrong values per field (truth → read)")  # fmt: skip
    args = parser.parse_args(argv)

    _, held_out = split_variants()
    variants = held_out if args.variants == "held-out" else None
    model = load_model(args.model)
    rng = random.Random(args.seed)
    tallies = {"model": Tally(), "rules": Tally()}
    started = time.perf_counter()
    for i, dossier in enumerate(iter_dossiers(args.seed, args.dossiers, variants=variants)):
        level = LEVELS[i % len(LEVELS)]
        if args.text == "ocr":
            pages = ocr_pages(dossier, level, args.seed + i * 101, OUT / "ocr_cache")
        else:
            pages = truth_noised_pages(dossier, level, rng)
        for name, tally in tallies.items():
            fresh = [Page(**{**p.__dict__}) for p in pages]
            t0 = time.perf_counter()
            result = understand(fresh, model=model, rules_only=name == "rules")
            tally.add(dossier, fresh, result, level, time.perf_counter() - t0)
    summaries = {k: t.summary() for k, t in tallies.items()}
    _print("model (rules + statistical model + sequence)", summaries["model"])
    _print("baseline: title rules only (+ same splitter)", summaries["rules"])
    _table(summaries["model"], summaries["rules"])
    if args.misses:
        _print_misses(tallies["model"].misses, args.misses)
    report = {
        "text": args.text,
        "variants": args.variants,
        "seed": args.seed,
        "model_config": {k: v for k, v in model.config.items() if k != "held_out_variants"},
        "seconds": round(time.perf_counter() - started, 1),
        **summaries,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.text == "truth-noised" else "-ocr"
    (OUT / f"classify{suffix}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
