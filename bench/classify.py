"""Benchmark page classification, dossier splitting and field extraction, in-family and on
held-out families, from one run.

    .venv/bin/python bench/classify.py --text ocr --dossiers 40      # the acceptance run
    .venv/bin/python bench/classify.py --text truth-noised --dossiers 120   # iterate, ~1 min

Two populations from seeds the model was not trained on: in-family dossiers (training layout
variants, every document dressed in training families: wording, font, form, seal, capture;
samples/families.py) and held-out dossiers (the held-out layout variant of each type, held-out
families). Both carry the structure failure classes of samples/structure.py (signature-only tail
pages, appendices, untitled later pages, other form editions). Dossiers cycle through the
defect levels clean, mild, medium, hard. `--baseline` adds the title-rules-only column.
Printed: the figures of issue 15 per population and their ratio, the per-type confusion
table of the held-out population, and the review trade-off (share of wrong pages / fields
marked for review vs share of documents marked).

`--text ocr` is the production path: each page is rendered, degraded at its level and read by
`ocr.pipeline.process` (cleanup, Tesseract, QR, post-correction); the recognised pages are cached
under bench/out/ocr_cache (about 1 s of 2 cores per page the first time). `--text truth-noised`
skips rendering and puts the training noise model (ocr/classify/noise.py) on the true text: it is
much harsher than what Tesseract reads after sohoa's cleanup (a quarter of the marks lost on hard
pages, one line in twelve dropped, a tenth of the pages cut short), so values it deletes outright
count as misses; use it to compare changes quickly, not as the accuracy figure. `--text
truth-digits` adds digits misread as other digits (DIGIT_MISREADS): training reads of wrong
numbers for the field calibration.

`--fit-fields` refits the field calibration on the training families of the run (field weights,
missing-field table, field and document review thresholds) pooled with the reads kept from the
other text kinds run with it, and writes ocr/fields/calibration.json. The refit:

    .venv/bin/python bench/classify.py --text truth-noised --dossiers 120 --fit-fields
    .venv/bin/python bench/classify.py --text truth-digits --dossiers 120 --fit-fields
    .venv/bin/python bench/classify.py --text ocr --dossiers 40 --fit-fields   # last: thresholds

(the review thresholds are chosen on the last run's training families: run OCR last).
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
from itertools import product
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import f1_score  # noqa: E402

from ocr.classify import load_model  # noqa: E402
from ocr.classify.noise import LEVELS, add_noise  # noqa: E402
from ocr.fields.confidence import features as field_features  # noqa: E402
from ocr.result import Page, Word  # noqa: E402
from ocr.understand import _opens, understand  # noqa: E402
from samples.content import iter_dossiers  # noqa: E402

OUT = ROOT / "bench" / "out"
QR_MISSED = {"clean": 0.0, "mild": 0.05, "medium": 0.15, "hard": 0.3}  # QR unreadable on scan


def truth_noised_pages(dossier, level: str, rng: random.Random, digits: bool = False) -> list[Page]:
    pages = []
    for i, spec in enumerate(dossier.pages):
        text = "" if spec.blank else add_noise(spec.text, level, rng)
        if digits:
            text = misread_digits(text, level, rng)
        qr = [q for q in spec.qr_codes if rng.random() >= QR_MISSED[level]]
        pages.append(Page(number=i + 1, text=text, blank=spec.blank, qr_codes=qr))
    return pages


# Digits Tesseract takes for other digits (a figure misread stays a well-formed number, read
# with high confidence): the training noise model only confuses digits with letters, which the
# extractors repair, so its wrong values are words; `--text truth-digits` adds these, to give the
# field calibration wrong numbers to learn from on training families. Rates per digit, by level.
DIGIT_MISREADS = {"0": "869", "1": "74", "2": "73", "3": "85", "4": "19", "5": "63", "6": "580",
                  "7": "12", "8": "3609", "9": "840"}  # fmt: skip
DIGIT_RATE = {"clean": 0.0, "mild": 0.003, "medium": 0.01, "hard": 0.025}


def misread_digits(text: str, level: str, rng: random.Random) -> str:
    """`text` with some digits read as look-alike digits, and a few lost."""
    rate = DIGIT_RATE[level]
    out = []
    for c in text:
        if c in DIGIT_MISREADS and rng.random() < rate:
            if rng.random() < 0.2:
                continue  # lost
            c = rng.choice(DIGIT_MISREADS[c])
        out.append(c)
    return "".join(out)


def ocr_pages(dossier, level: str, seed: int, cache: Path) -> list[Page]:
    """Render + degrade each page, then recognise the stack with `ocr.pipeline.process` (the
    production path: cleanup, Tesseract, QR, post-correction). Cached per dossier and level."""
    import cv2

    from samples.defects import degrade
    from samples.render import render_page

    parts = [CACHE_VERSION, _ocr_fingerprint(), level, str(seed), *(repr(p) for p in dossier.pages)]
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
# The code that turns a page image into words, and the generator that draws and degrades the
# page: a change to either makes every cached page stale. The key holds each page's whole spec
# (families, form lines, font), not only its text: a family drawn anew changes the pixels of a
# page whose text stays the same.
OCR_CODE = ("ocr/load.py", "ocr/preprocess", "ocr/recognize.py", "ocr/pipeline.py", "ocr/qr.py",
            "ocr/cards.py", "ocr/engine.py", "ocr/guard.py", "ocr/result.py", "ocr/vietnamese",
            "ocr/tessdata.py", "samples")  # fmt: skip


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


def _field_marked(doc, key: str) -> bool:
    """Whether review points at this field of the document (marked unsure, missing, unread)."""
    from ocr.fields.confidence import fields_to_check

    return doc.needs_review and key in fields_to_check(doc.field_details, doc.review_reasons)


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
        self.page_cont: list[bool] = []  # a page that is not the first of its document
        self.page_class: list[str] = []  # structure failure class of the page ("" = plain)
        self.page_wrong_marked: list[tuple[bool, bool]] = []  # (wrong type or split, marked)
        self.split_ok: list[bool] = []
        self.split_level: list[str] = []
        self.doc_split_ok: list[bool] = []
        self.doc_true: list[str] = []
        self.doc_pred: list[str] = []  # predicted type of the exact same pages, else "(split)"
        self.code_ok: list[bool] = []
        self.code_printed_ok: list[bool] = []  # dossiers whose pages still show the code
        self.fields: dict[str, list[bool]] = defaultdict(list)
        self.field_wrong_marked: list[tuple[bool, bool]] = []
        self.doc_conf: list[tuple[float, bool]] = []
        self.review: list[tuple[bool, bool]] = []
        self.seconds: list[float] = []
        # per predicted document: review_signals, wrong pages in it, wrong fields it holds
        self.doc_review: list[tuple] = []
        self.doc_marked: list[bool] = []  # per predicted document: needs_review
        self.pages_dropped = 0  # pages in no document, or in several
        self.misses: list[tuple[str, str, str, object, object]] = []  # key, level, type, truth, got
        # per field read (predicted document, key): key, features (ocr.fields.confidence), right
        self.field_rows: list[tuple[str, dict[str, float], bool]] = []
        self.field_own_marked: list[tuple[bool, bool]] = []  # (wrong, the field itself marked)
        # per predicted document: type, field features per key, keys of its type not read
        self.doc_fields: list[tuple[str, dict[str, dict[str, float]], list[str]]] = []
        # per field of its type a right-typed document did not read: type, key, really printed
        self.missing_rows: list[tuple[str, str, bool]] = []

    def add(self, dossier, pages, result, level: str, seconds: float) -> None:
        page_types, splits, docs, _ = _truth(dossier)
        pred_types = [p.doc_type for p in result.pages]
        classes = [getattr(spec, "structure", "") for spec in dossier.pages]
        self.page_true += page_types
        self.page_pred += pred_types
        self.page_level += [level] * len(page_types)
        self.page_class += classes
        firsts = {pp[0] for pp in splits}
        self.page_cont += [i + 1 not in firsts for i in range(len(page_types))]
        covered = sorted(n for d in result.documents for n in d.pages)
        self.pages_dropped += len(pages) - len(set(covered)) + len(covered) - len(set(covered))
        pred_splits = [tuple(d.pages) for d in result.documents]
        self.split_ok.append(pred_splits == splits)
        self.split_level.append(level)
        self.code_ok.append(result.dossier_code == dossier.dossier_code)
        if _code_legible(dossier.dossier_code, pages):
            self.code_printed_ok.append(result.dossier_code == dossier.dossier_code)
        by_pages = {tuple(d.pages): d for d in result.documents}
        doc_of_page = {n: d for d in result.documents for n in d.pages}
        true_doc_of_page = {n: t for t in docs for n in t["pages"]}
        wrong_in: Counter[int] = Counter()  # id of predicted document -> wrong items in it
        for n, (t, pr) in enumerate(zip(page_types, pred_types, strict=True), start=1):
            pred_doc = doc_of_page.get(n)
            ok = (
                t == pr
                and pred_doc is not None
                and tuple(pred_doc.pages) in by_pages
                and (tuple(pred_doc.pages) == true_doc_of_page[n]["pages"])
            )
            self.page_wrong_marked.append((not ok, bool(pred_doc and pred_doc.needs_review)))
            if not ok and pred_doc is not None:
                wrong_in[id(pred_doc)] += 1
        for truth in docs:
            pred = by_pages.get(truth["pages"])
            right = pred is not None and pred.doc_type == truth["doc_type"]
            self.doc_split_ok.append(pred is not None)
            self.doc_true.append(truth["doc_type"])
            self.doc_pred.append(pred.doc_type if pred is not None else "(split)")
            if pred is not None:
                self.doc_conf.append((pred.confidence, right))
                self.review.append((pred.needs_review, right))
            holder = pred or doc_of_page.get(truth["pages"][0])
            for key, value in truth["fields"].items():
                got = pred.fields.get(key) if right else None
                ok = _same(got, value)
                self.fields[key].append(ok)
                self.field_wrong_marked.append((not ok, bool(holder and holder.needs_review)))
                self.field_own_marked.append((not ok, bool(holder) and _field_marked(holder, key)))
                if not ok and holder is not None:
                    wrong_in[-id(holder)] += 1
                if not ok:
                    kind = truth["doc_type"] if right else "(document missed)"
                    self.misses.append((key, level, kind, value, got))
        dossier_no = len(self.split_ok)
        by_number = {p.number: p for p in result.pages}
        from ocr.fields import expected_fields

        per_doc = field_features(result.documents, result.confidences)
        for d, feats in zip(result.documents, per_doc, strict=True):
            missing = [k for k in expected_fields(d.doc_type) if k not in d.fields]
            self.doc_fields.append((d.doc_type, feats, missing))
            truth = true_doc_of_page.get(d.pages[0])
            if truth is None:
                continue
            for key, f in feats.items():
                if key in truth["fields"]:
                    self.field_rows.append((key, f, _same(d.fields[key], truth["fields"][key])))
            if truth["doc_type"] == d.doc_type:  # (a field whose label is printed is marked
                # unread anyway: the table is how often a field with no label seen was lost)
                unread = [r.split(" ", 2)[1] for r in d.review_reasons if r.startswith("unread ")]
                self.missing_rows += [(d.doc_type, k, k in truth["fields"]) for k in missing
                                      if k not in unread]  # fmt: skip
        for d, confidences in zip(result.documents, result.confidences, strict=True):
            if tuple(d.pages) not in {t["pages"] for t in docs}:
                self.doc_conf.append((d.confidence, False))
                self.review.append((d.needs_review, False))
            opens = _opens([by_number[n] for n in d.pages])
            signals = review_signals(d, confidences, dossier_no, opens)
            self.doc_review.append(signals + (wrong_in[id(d)], wrong_in[-id(d)]))
            self.doc_marked.append(d.needs_review)
        self.seconds.append(seconds)

    def summary(self) -> dict:
        labels = sorted(set(self.page_true) | set(self.page_pred))
        n = max(1, len(self.page_true))
        acc = sum(t == p for t, p in zip(self.page_true, self.page_pred, strict=True)) / n
        cont = [i for i, c in enumerate(self.page_cont) if c]
        per_level = {}
        for level in LEVELS:
            idx = [i for i, lv in enumerate(self.page_level) if lv == level]
            sp = [ok for ok, lv in zip(self.split_ok, self.split_level, strict=True) if lv == level]
            if idx:
                per_level[level] = {
                    "page_macro_f1": _macro([self.page_true[i] for i in idx],
                                            [self.page_pred[i] for i in idx]),
                    "split_exact": round(sum(sp) / max(1, len(sp)), 4),
                }  # fmt: skip
        per_class = {}
        for cls in sorted(set(self.page_class)):
            idx = [i for i, c in enumerate(self.page_class) if c == cls]
            wrong = [self.page_wrong_marked[i][0] for i in idx]
            per_class[cls or "plain"] = {"pages": len(idx),
                                         "right": round(1 - sum(wrong) / len(idx), 4)}  # fmt: skip
        confusion: dict[str, dict[str, int]] = {}
        for t, p in zip(self.page_true, self.page_pred, strict=True):
            confusion.setdefault(t, Counter())[p] += 1
        flagged = [r for r, _ in self.review]
        wrong = [not ok for _, ok in self.review]
        all_fields = [ok for v in self.fields.values() for ok in v]
        return {
            "pages": len(self.page_true),
            "dossiers": len(self.split_ok),
            "documents": len(self.doc_true),
            "page_accuracy": round(acc, 4),
            "page_macro_f1": _macro(self.page_true, self.page_pred),
            "continuation_accuracy": round(
                sum(self.page_true[i] == self.page_pred[i] for i in cont) / max(1, len(cont)), 4
            ),
            "per_type_f1": dict(
                zip(
                    labels,
                    (
                        round(f, 4)
                        for f in f1_score(
                            self.page_true,
                            self.page_pred,
                            labels=labels,
                            average=None,
                            zero_division=0,
                        )
                    ),
                    strict=True,
                )
            ),  # fmt: skip
            "document_split_exact": round(sum(self.doc_split_ok) / max(1, len(self.doc_true)), 4),
            "dossiers_split_right": round(sum(self.split_ok) / max(1, len(self.split_ok)), 4),
            "document_type_macro_f1": _macro(
                self.doc_true, self.doc_pred, sorted(set(self.doc_true))
            ),
            "dossier_code_exact": round(sum(self.code_ok) / max(1, len(self.code_ok)), 4),
            "dossier_code_exact_where_legible": round(
                sum(self.code_printed_ok) / max(1, len(self.code_printed_ok)), 4
            ),
            "dossier_code_legible": len(self.code_printed_ok),
            "pages_dropped": self.pages_dropped,
            "fields_micro": round(sum(all_fields) / max(1, len(all_fields)), 4),
            "fields": {k: round(sum(v) / len(v), 4) for k, v in sorted(self.fields.items())},
            "field_counts": {k: len(v) for k, v in sorted(self.fields.items())},
            "per_level": per_level,
            "per_class": per_class,
            "confusion": {t: dict(c) for t, c in sorted(confusion.items())},
            "reliability": _reliability(self.doc_conf),
            "review_rate": round(sum(flagged) / max(1, len(flagged)), 4),
            "wrong_docs_flagged": round(
                sum(f for f, w in zip(flagged, wrong, strict=True) if w) / max(1, sum(wrong)), 4
            ),
            "wrong_pages_marked": _marked(self.page_wrong_marked),
            "wrong_fields_marked": _marked(self.field_wrong_marked),
            "wrong_fields_marked_themselves": _marked(self.field_own_marked),
            "median_seconds_per_dossier": round(median(self.seconds), 4) if self.seconds else 0,
        }


# Reasons ocr.understand gives on thresholds the sweep varies (or on marks they cause); every
# other reason (a key field missing or unsure, a field check, an unreadable page, ...) always marks.
SWEPT_REASONS = ("split confidence", "type confidence", "no listed type", "no type and no sign",
                 "same type as the doubted", "low confidence", "doubtful fields")  # fmt: skip


def review_signals(doc, confidences: tuple[float, float], dossier: int, opens: bool) -> tuple:
    """What review decides on: split confidence, type confidence, `khac` (1/0), fields of its
    type not found, marked by a reason the sweep does not vary (1/0), the dossier and the type
    (for the same-type-neighbour rule), the lowest calibrated field confidence, whether its first
    page opens a paper (a `khac` with evidence of its own), the probability that some field is
    wrong or lost (ocr.fields.confidence.document_doubt)."""
    from ocr.fields import expected_fields
    from ocr.fields.confidence import document_doubt

    missing = sum(k not in doc.fields for k in expected_fields(doc.doc_type))
    type_conf, split_conf = confidences
    fixed = any(not r.startswith(SWEPT_REASONS) and not r.endswith("fields not found")
                for r in doc.review_reasons)  # fmt: skip
    khac = float(doc.doc_type == "khac")
    lowest = min((float(d.get("confidence", 1.0)) for k, d in doc.field_details.items()
                  if k in doc.fields), default=1.0)  # fmt: skip
    return (split_conf, type_conf, khac, missing, float(fixed), dossier, doc.doc_type, lowest,
            float(opens), document_doubt(doc)[0])  # fmt: skip


SWEEP_SPLIT = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
# mark when at least this many fields of the type were not found (not fewer than 3: another
# edition of a form lacks a field or two of ours, a held-out receipt prints no signing date)
SWEEP_MISSING = (99, 3)
# a `khac` that opens a paper of its own, typed less sure than this (1.01: every `khac`; one
# without a sign of its own start is always marked)
SWEEP_KHAC = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01)
SWEEP_NEIGHBOURS = (False, True)  # a document beside a doubted one of its type is doubted too
SWEEP_FIELD = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)  # a field read less sure than this
# the probability that some field of the document is wrong or lost at least this (1.01: never)
SWEEP_DOC = (1.01, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)
# The type confidence is not swept: the model is less sure of every unseen wording, right or
# wrong, so a threshold fitted on training families marks far more on held-out ones.


class _Rows:
    """The review rows as arrays, for sweeping thousands of threshold sets quickly."""

    def __init__(self, rows) -> None:
        import numpy as np

        cols = list(zip(*rows, strict=True)) if rows else [()] * 12
        self.split, self.type, self.khac, self.missing, self.fixed = (
            np.array(c, dtype=float) for c in cols[:5])  # fmt: skip
        self.field, self.opens = np.array(cols[7], dtype=float), np.array(cols[8], dtype=float)
        self.doubt = np.array(cols[9], dtype=float)
        self.wrong_pages, self.wrong_fields = (np.array(c, dtype=float) for c in cols[-2:])
        same = [i for i in range(len(rows) - 1) if rows[i][5:7] == rows[i + 1][5:7]]
        self.left, self.right = np.array(same, dtype=int), np.array(same, dtype=int) + 1


def review_marks(rows, split_t: float, type_t: float, missing: int, khac_t: float,
                 neighbours: bool = True, field_t: float = 0.0, doc_t: float = 1.01):  # fmt: skip
    """Which documents one threshold set marks, as ocr.understand marks them (at its thresholds
    this reproduces `needs_review`; the bench checks that)."""
    r = rows if isinstance(rows, _Rows) else _Rows(rows)
    khac = (r.khac > 0) & ((r.opens == 0) | (r.type < khac_t))
    base = ((r.fixed > 0) | (r.split < split_t) | (r.type < type_t) | khac
            | (r.missing >= missing) | (r.field < field_t) | (r.doubt >= doc_t))  # fmt: skip
    marked = base.copy()
    if neighbours:
        marked[r.right] |= base[r.left]
        marked[r.left] |= base[r.right]
    return marked


def review_rule(rows, split_t: float, type_t: float, missing: int, khac_t: float,
                neighbours: bool = True, field_t: float = 0.0,
                doc_t: float = 1.01) -> tuple[float, ...]:  # fmt: skip
    """(wrong pages marked, wrong fields marked, documents marked) for one threshold set."""
    r = rows if isinstance(rows, _Rows) else _Rows(rows)
    marked = review_marks(r, split_t, type_t, missing, khac_t, neighbours, field_t, doc_t)
    wp = float(r.wrong_pages[marked].sum() / max(1.0, r.wrong_pages.sum()))
    wf = float(r.wrong_fields[marked].sum() / max(1.0, r.wrong_fields.sum()))
    return wp, wf, float(marked.mean()) if len(marked) else 0.0


Thresholds = tuple[float, float, int, float, bool, float, float]


def production_review() -> Thresholds:
    """ocr.understand's thresholds, in review_rule's order."""
    from ocr import understand as u

    return (u.SPLIT_REVIEW_THRESHOLD, u.TYPE_REVIEW_THRESHOLD, u.FIELDS_MISSING_REVIEW,
            u.KHAC_REVIEW_THRESHOLD, True, u.FIELD_REVIEW_THRESHOLD,
            u.DOCUMENT_REVIEW_THRESHOLD)  # fmt: skip


def choose_review(rows, budget: float = 0.15) -> Thresholds:
    """Thresholds marking the most wrong pages (then fields) while marking at most `budget` of
    the documents, the fewest documents among equals; fitted on training families only (the
    type threshold stays ocr.understand's)."""
    r = _Rows(rows)
    best, best_key = production_review(), (-1.0, -1.0, 0.0)
    type_t = best[1]
    sweep = product(SWEEP_SPLIT, SWEEP_MISSING, SWEEP_KHAC, SWEEP_NEIGHBOURS, SWEEP_FIELD,
                    SWEEP_DOC)  # fmt: skip
    for s, m, k, n, f, d in sweep:
        wp, wf, share = review_rule(r, s, type_t, m, k, n, f, d)
        key = (round(wp, 3), round(wf, 3), -share)
        if share <= budget and key > best_key:
            best, best_key = (s, type_t, m, k, n, f, d), key
    return best


def choose_field_review(rows, budget: float = 0.15) -> Thresholds:
    """The field and document-doubt thresholds (what --fit-fields writes) marking the most wrong
    pages, then fields, within `budget` of the documents, the other thresholds ocr.understand's;
    on training families only."""
    r = _Rows(rows)
    fixed = production_review()[:5]
    best, best_key = production_review(), (-1.0, -1.0, 0.0)
    for f in SWEEP_FIELD:
        for d in SWEEP_DOC:
            wp, wf, share = review_rule(r, *fixed, f, d)
            key = (round(wp, 3), round(wf, 3), -share)
            if share <= budget and key > best_key:
                best, best_key = (*fixed, f, d), key
    return best


def _field_matrix(rows):
    """Field rows → (X, y): one column per kind (its intercept), then the features."""
    import numpy as np

    from ocr.fields.confidence import FEATURES, KIND_NAMES, KINDS

    x = np.zeros((len(rows), len(KIND_NAMES) + len(FEATURES)))
    for i, (key, feats, _) in enumerate(rows):
        x[i, KIND_NAMES.index(KINDS.get(key, "other"))] = 1.0
        x[i, len(KIND_NAMES) :] = [feats[f] for f in FEATURES]
    return x, np.array([ok for *_, ok in rows], dtype=int)


def fit_field_confidence(rows) -> tuple[dict[str, float], dict[str, float]]:
    """Logistic regression of "the value is right" on the field features, fitted on training
    families' field reads: (intercept per kind, weight per feature) for ocr.fields.confidence."""
    from sklearn.linear_model import LogisticRegression

    from ocr.fields.confidence import FEATURES, KIND_NAMES

    x, y = _field_matrix(rows)
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=2000).fit(x, y)
    coef = model.coef_[0]
    return ({k: round(float(c), 3) for k, c in zip(KIND_NAMES, coef, strict=False)},
            {f: round(float(c), 3) for f, c in zip(FEATURES, coef[len(KIND_NAMES):],
                                                    strict=True)})  # fmt: skip


def field_report(name: str, rows) -> None:
    """How well the calibrated field confidence separates right from wrong reads (AUC) and how
    calibrated it is (predicted vs observed in bins)."""
    from sklearn.metrics import roc_auc_score

    from ocr.fields.confidence import probability

    probs = [probability(k, f) for k, f, _ in rows]
    ok = [r for *_, r in rows]
    auc = roc_auc_score(ok, probs) if 0 < sum(ok) < len(ok) else float("nan")
    bins = []
    for lo, hi in ((0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.97), (0.97, 1.01)):
        sel = [(p, r) for p, r in zip(probs, ok, strict=True) if lo <= p < hi]
        if sel:
            bins.append(f"{lo:.2f}-{min(hi, 1):.2f} n={len(sel)} conf "
                        f"{sum(p for p, _ in sel) / len(sel):.3f} right "
                        f"{sum(r for _, r in sel) / len(sel):.3f}")  # fmt: skip
    print(f"field confidence, {name}: {len(rows)} reads, {len(ok) - sum(ok)} wrong, "
          f"AUC {auc:.3f}; " + "; ".join(bins))  # fmt: skip


def _floor(rows) -> float:
    """The least share of documents review could mark and still catch every wrong item: those
    holding a wrong page or field."""
    return sum(1 for r in rows if r[-1] or r[-2]) / max(1, len(rows))


def fit_missing(rows) -> dict[str, float]:
    """Per "doc_type key": how often a field the type carries, not read on a document of the
    right type, was really printed there (a value lost, not an edition without it); a Beta(1, 1)
    prior keeps a pair seen once or twice near even."""
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc_type, key, printed in rows:
        seen[f"{doc_type} {key}"][0] += int(printed)
        seen[f"{doc_type} {key}"][1] += 1
    return {k: round((p + 1) / (n + 2), 3) for k, (p, n) in sorted(seen.items())}


def fit_calibration(tally: Tally, text: str) -> None:
    """Fit the field weights and the missing-field table on training families' reads, pooled over
    every text kind run so far (bench/out/fit-rows-*.json: truth-noised, OCR), and put them in
    ocr.fields.confidence for the sweep that follows."""
    from ocr.fields import confidence

    OUT.mkdir(parents=True, exist_ok=True)
    rows = {"fields": tally.field_rows, "missing": tally.missing_rows}
    (OUT / f"fit-rows-{text}.json").write_text(json.dumps(rows, ensure_ascii=False))
    files = sorted(OUT.glob("fit-rows-*.json"))
    pooled = [json.loads(f.read_text()) for f in files]
    fields = [tuple(r) for p in pooled for r in p["fields"]]
    missing = [tuple(r) for p in pooled for r in p["missing"]]
    print(f"\nfield confidence fitted on {len(fields)} reads and {len(missing)} fields not read "
          f"of training families ({', '.join(f.stem for f in files)})")  # fmt: skip
    intercepts, weights = fit_field_confidence(fields)
    confidence.INTERCEPTS.update(intercepts)
    confidence.WEIGHTS.update(weights)
    confidence.MISSING.clear()
    confidence.MISSING.update(fit_missing(missing))
    confidence.CALIBRATION_SOURCE = ", ".join(f.stem for f in files)


def refresh_field_columns(tally: Tally) -> None:
    """Each document's lowest field confidence and document doubt under the refitted weights."""
    from ocr.fields.confidence import missing_doubt, probability, some_wrong

    for i, (doc_type, feats, missing) in enumerate(tally.doc_fields):
        probs = [round(probability(k, f), 3) for k, f in feats.items()]
        doubt = some_wrong([1 - p for p in probs] + [missing_doubt(doc_type, k) for k in missing])
        row = list(tally.doc_review[i])
        row[7], row[9] = min(probs, default=1.0), doubt
        tally.doc_review[i] = tuple(row)


def write_calibration(field_t: float, doc_t: float) -> None:
    """Write the fitted weights, missing-field table and field review thresholds to
    ocr/fields/calibration.json (what production reads)."""
    from ocr.fields import confidence

    data = {
        "fitted_on": "training families: bench/classify.py --fit-fields "
        f"({getattr(confidence, 'CALIBRATION_SOURCE', '')})",
        "intercepts": confidence.INTERCEPTS,
        "weights": confidence.WEIGHTS,
        "missing": confidence.MISSING,
        "review": {"field": field_t, "document": doc_t},
    }
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    confidence.CALIBRATION.write_text(text, encoding="utf-8")
    print(f"wrote {confidence.CALIBRATION.relative_to(ROOT)}")


def _macro(true: list[str], pred: list[str], labels: list[str] | None = None) -> float:
    labels = labels or sorted(set(true))
    return round(float(f1_score(true, pred, labels=labels, average="macro", zero_division=0)), 4)


def _marked(pairs: list[tuple[bool, bool]]) -> float:
    """Share of the wrong items whose document is marked for review."""
    wrong = [m for w, m in pairs if w]
    return round(sum(wrong) / len(wrong), 4) if wrong else 1.0


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


FIGURES = (  # (key, label, target on held-out families)
    ("page_macro_f1", "page-type macro-F1", 0.95),
    ("continuation_accuracy", "continuation pages right", 0.95),
    ("document_split_exact", "document split exact", 0.92),
    ("dossiers_split_right", "dossiers split entirely right", 0.75),
    ("document_type_macro_f1", "document-type macro-F1", 0.85),
    ("dossier_code_exact", "dossier code exact", 0.97),
    ("fields_micro", "fields exact (micro)", 0.90),
    ("wrong_pages_marked", "wrong pages marked for review", 0.95),
    ("wrong_fields_marked", "wrong fields marked for review", 0.95),
    ("review_rate", "documents marked (≤)", 0.15),
)


def _table(cols: dict[str, dict]) -> None:
    names = list(cols)
    print(f"\n| figure | {' | '.join(names)} | held-out / in-family | target (held-out) |")
    print("| --- |" + " --- |" * (len(names) + 2))
    inf, held = cols.get("in-family"), cols.get("held-out")
    for key, label, target in FIGURES:
        vals = " | ".join(f"{cols[n][key]:.4f}" for n in names)
        ratio = f"{held[key] / inf[key]:.2f}" if inf and held and inf[key] else "-"
        print(f"| {label} | {vals} | {ratio} | {target} |")
    for key in sorted({k for c in cols.values() for k in c["fields"]}):
        vals = " | ".join(f"{cols[n]['fields'].get(key, 0):.4f}" for n in names)
        print(f"| field {key} (n={held['field_counts'].get(key, 0) if held else 0}) | {vals} | | |")
    for cls in sorted({k for c in cols.values() for k in c["per_class"]}):
        vals = " | ".join(f"{cols[n]['per_class'].get(cls, {}).get('right', 0):.4f}"
                          for n in names)  # fmt: skip
        print(f"| pages right: {cls} | {vals} | | |")


def _details(name: str, s: dict) -> None:
    print(f"\n== {name}: {s['dossiers']} dossiers, {s['documents']} documents, {s['pages']} pages; "
          f"pages dropped {s['pages_dropped']}; "
          f"{s['median_seconds_per_dossier'] * 1000:.1f} ms per dossier")  # fmt: skip
    print("per level:", "  ".join(f"{k}: F1 {v['page_macro_f1']:.3f} split {v['split_exact']:.3f}"
                                   for k, v in s["per_level"].items()))  # fmt: skip
    print("per-type page F1:", ", ".join(f"{t} {f:.3f}" for t, f in s["per_type_f1"].items()))
    print("confusion (truth → predicted counts):")
    for t, row in s["confusion"].items():
        errs = {p: n for p, n in row.items() if p != t}
        print(f"  {t:24s} ok {row.get(t, 0):4d}  " + ", ".join(f"{p}:{n}" for p, n in errs.items()))
    print("reliability of document confidence:", "; ".join(
        f"{b['bin']} n={b['n']} conf {b['mean_confidence']:.3f} acc {b['accuracy']:.3f}"
        for b in s["reliability"]))  # fmt: skip
    print(f"review trade-off: {s['wrong_pages_marked']:.3f} of wrong pages and "
          f"{s['wrong_fields_marked']:.3f} of wrong fields marked "
          f"({s['wrong_fields_marked_themselves']:.3f} by a mark on the field itself), "
          f"{s['review_rate']:.3f} of documents marked")  # fmt: skip


def _print_misses(name: str, misses: list[tuple], limit: int) -> None:
    print(f"\nwrong field values ({name}; field, level, document type: truth → read):")
    shown: Counter[str] = Counter()
    for key, level, kind, truth, got in sorted(misses, key=lambda m: m[0]):
        if shown[key] < limit:
            shown[key] += 1
            print(f"  {key:22s} {level:6s} {kind:22s} {truth!r} → {got!r}")


def _print_miss_kinds(name: str, misses: list[tuple]) -> None:
    """Per field: values read wrong, not read, and lost with a document split or typed wrong
    (counts: what a rule can be chosen by without reading the population's texts)."""
    from ocr.fields.text import fold

    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for key, _level, kind, truth, got in misses:
        what = "document" if kind == "(document missed)" else "unread" if got is None else "wrong"
        kinds[key][what] += 1
        if what == "wrong":
            kinds[key][_wrong_kind(fold(str(truth)).lower(), fold(str(got)).lower())] += 1
    print(f"\nfield misses by kind ({name}; wrong value / not read / document missed; "
          "wrong values: marks or case only, read longer, read shorter, other):")  # fmt: skip
    for key in sorted(kinds, key=lambda k: -sum(kinds[k].values())):
        c = kinds[key]
        print(f"  {key:22s} {c['wrong']:3d} / {c['unread']:3d} / {c['document']:3d};  "
              f"marks {c['marks']} longer {c['longer']} shorter {c['shorter']} "
              f"other {c['other']}")  # fmt: skip


def _wrong_kind(truth: str, got: str) -> str:
    if truth == got:
        return "marks"
    if truth in got:
        return "longer"
    return "shorter" if got in truth else "other"


def dossiers(split: str, seed: int, n: int):
    """`n` text-level dossiers of a family split: layout variants of that split, each document
    dressed in families of that split, structure failure classes added."""
    from samples import families, structure

    variants = families.layout_variants(split)
    for i, dossier in enumerate(iter_dossiers(seed, n, variants=variants)):
        rng = random.Random(f"families-{seed}-{i}-{split}")
        capture = families.draw(rng, split, "khac")["capture"]
        for doc in dossier.documents:
            chosen = {**families.draw(rng, split, doc.doc_type), "capture": capture}
            doc.pages = [families.dress(p, chosen) for p in doc.pages]
            tone = chosen["wording"]
            doc.fields = {k: families.retone(v, tone) if isinstance(v, str) else v
                          for k, v in doc.fields.items()}  # fmt: skip
        structure.add_structure(dossier, random.Random(f"structure-{seed}-{i}-{split}"), split)
        yield dossier


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="classification / split / fields benchmark")
    parser.add_argument("--text", choices=["truth-noised", "truth-digits", "ocr"],
                        default="truth-noised")  # fmt: skip
    parser.add_argument("--dossiers", type=int, default=80, help="per population")
    parser.add_argument("--seed", type=int, default=424242)
    parser.add_argument("--only", choices=["in-family", "held-out"], default=None)
    parser.add_argument("--baseline", action="store_true", help="add the title-rules-only column")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--fit-fields", action="store_true",
                        help="fit the field weights, missing-field table and field review "
                        "thresholds on training families (pooling the reads of every --text "
                        "run with it); write ocr/fields/calibration.json")  # fmt: skip
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="print up to N wrong values per field (truth → read)")  # fmt: skip
    parser.add_argument("--miss-kinds", action="store_true",
                        help="per field and population, how many values were wrong, "
                        "not read, or lost with their document (counts only)")  # fmt: skip
    args = parser.parse_args(argv)

    from samples.families import HELD_OUT, TRAIN

    model = load_model(args.model)
    runs = [("in-family", TRAIN, False), ("held-out", HELD_OUT, False)]
    if args.only:
        runs = [r for r in runs if r[0] == args.only]
    if args.baseline:
        runs.append(("held-out rules only", HELD_OUT, True))
    tallies = {name: Tally() for name, _, _ in runs}
    started = time.perf_counter()
    for name, split, rules_only in runs:
        rng = random.Random(args.seed)
        for i, dossier in enumerate(dossiers(split, args.seed, args.dossiers)):
            level = LEVELS[i % len(LEVELS)]
            if args.text == "ocr":
                pages = ocr_pages(dossier, level, args.seed + i * 101, OUT / "ocr_cache")
            else:
                pages = truth_noised_pages(dossier, level, rng, args.text == "truth-digits")
            fresh = [Page(**{**p.__dict__}) for p in pages]
            t0 = time.perf_counter()
            result = understand(fresh, model=model, rules_only=rules_only)
            tallies[name].add(dossier, fresh, result, level, time.perf_counter() - t0)
    summaries = {k: t.summary() for k, t in tallies.items()}
    for name, s in summaries.items():
        _details(name, s)
    _table(summaries)
    for name, t in tallies.items():
        simulated = review_marks(t.doc_review, *production_review())
        differ = sum(a != b for a, b in zip(simulated, t.doc_marked, strict=True))
        if differ:  # the sweep below would measure another rule than production's
            print(
                f"warning: {name}: review_rule at ocr.understand's thresholds differs from "
                f"needs_review on {differ} documents"
            )
    if args.fit_fields and "in-family" in tallies:
        fit_calibration(tallies["in-family"], args.text)
        for t in tallies.values():  # the sweep below measures the refitted confidences
            refresh_field_columns(t)
    chosen = production_review()
    if "in-family" in tallies:
        chosen = choose_review(tallies["in-family"].doc_review)
        print(f"\nreview thresholds chosen on training families (≤ 15% of documents): "
              f"split confidence < {chosen[0]}, type confidence < {chosen[1]}, "
              f"≥ {chosen[2]} fields not found, khac opening a paper typed < {chosen[3]}, "
              f"same-type neighbours "
              f"of a doubted document: {chosen[4]}, field confidence < {chosen[5]}, "
              f"some field of the document wrong or lost ≥ {chosen[6]} "
              f"(and every other reason of ocr.understand); "
              f"ocr.understand's: {production_review()}")  # fmt: skip
        for name, t in tallies.items():
            wp, wf, share = review_rule(t.doc_review, *chosen)
            summaries[name]["review_chosen"] = {"thresholds": chosen, "wrong_pages": wp,
                                                "wrong_fields": wf, "documents": share}  # fmt: skip
            print(f"  {name}: {wp:.3f} of wrong pages, {wf:.3f} of wrong fields marked, "
                  f"{share:.3f} of documents marked")  # fmt: skip
        print("trade-off by field and document-doubt thresholds (the others as chosen): "
              "wrong pages / wrong fields / documents marked; least documents holding every "
              "wrong item: " + ", ".join(f"{n} {_floor(t.doc_review):.3f}"
                                         for n, t in tallies.items()))  # fmt: skip
        for f, d in [(f, chosen[6]) for f in SWEEP_FIELD] + [(chosen[5], d) for d in SWEEP_DOC]:
            cells = []
            for name, t in tallies.items():
                wp, wf, share = review_rule(t.doc_review, *chosen[:5], f, d)
                cells.append(f"{name} {wp:.3f} / {wf:.3f} / {share:.3f}")
            print(f"  field < {f}, document ≥ {d}: " + "; ".join(cells))
    if args.fit_fields and "in-family" in tallies:
        fields_chosen = choose_field_review(tallies["in-family"].doc_review)
        print(f"field thresholds chosen with ocr.understand's others: field confidence < "
              f"{fields_chosen[5]}, some field wrong or lost ≥ {fields_chosen[6]}")  # fmt: skip
        for name, t in tallies.items():
            wp, wf, share = review_rule(t.doc_review, *fields_chosen)
            print(f"  {name}: {wp:.3f} of wrong pages, {wf:.3f} of wrong fields marked, "
                  f"{share:.3f} of documents marked")  # fmt: skip
        write_calibration(fields_chosen[5], fields_chosen[6])
    for name, t in tallies.items():
        field_report(name, t.field_rows)
    for name, t in tallies.items() if args.miss_kinds else ():
        _print_miss_kinds(name, t.misses)
    for name, t in tallies.items() if args.misses else ():  # in-family first: diagnose there
        _print_misses(name, t.misses, args.misses)
    report = {
        "text": args.text,
        "seed": args.seed,
        "model_config": {k: v for k, v in model.config.items() if k != "held_out_variants"},
        "seconds": round(time.perf_counter() - started, 1),
        **summaries,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = {"truth-noised": "", "truth-digits": "-digits"}.get(args.text, "-ocr")
    (OUT / f"classify{suffix}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
