"""Sample inboxes and page sets: render, degrade, write scans, truth and register.

    generate(out_dir, seed=1, dossiers=6)          # inbox/, truth/, register.csv
    generate_pages(out_dir, seed=1, n_pages=150)    # pages/NNNN.jpg + pages.json (OCR bench)
    sample_page(seed, doc_type="quyet_dinh", rotation=90, skew=2.5)  # one image + its truth

Everything is deterministic by seed: each dossier and page draws from its own generator, so
results do not depend on the number of worker processes.
"""

from __future__ import annotations

import csv
import math
import multiprocessing
import os
import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from samples import families
from samples.capture import capture
from samples.content import (
    DOC_TYPES,
    VariantFilter,
    allowed_variants,
    iter_documents,
    make_dossier,
)
from samples.defects import LEVELS, SPECS, degrade
from samples.layout import PageSpec
from samples.render import font_path, render_page
from samples.truth import DocumentTruth, DossierTruth, PageTruth, dumps, write_truth
from samples.write import (
    TIFF_MODES,
    write_jpeg_folder,
    write_page_image,
    write_pdf,
    write_tiff,
)

FORMATS = ("pdf", "tiff", "jpeg")
REGISTER_HEADER = (
    "dossier_code",
    "procedure_code",
    "received_at",
    "channel",
    "resolved_at",
    "result_kind",
)


@dataclass(frozen=True)
class _Job:
    out_dir: Path
    seed: int
    index: int
    fmt: str
    level: str
    levels: tuple[str, ...]
    dpi: int
    variants: VariantFilter
    mixed: float
    split: str | None = None


def _check(levels: Collection[str], formats: Collection[str]) -> None:
    bad = [lv for lv in levels if lv not in LEVELS] + [f for f in formats if f not in FORMATS]
    if bad or not levels or not formats:
        raise ValueError(
            f"unknown or empty levels/formats: {bad or 'empty'}; "
            f"levels are {LEVELS}, formats {FORMATS}"
        )


def page_truth(
    number: int, page: PageSpec, applied, *, blank: bool | None = None, rendered=None
) -> PageTruth:
    tags = families.page_families(page) if page.families else {}
    return PageTruth(
        number=number,
        doc_type=page.doc_type,
        text=page.text,
        rotation=applied.rotation,
        skew_degrees=applied.skew_degrees,
        blank=page.blank if blank is None else blank,
        level=applied.level,
        dpi=applied.dpi,
        defects=list(applied.defects),
        variant=page.variant,
        qr_codes=list(page.qr_codes),
        font=page.font,
        has_title=page.has_title,
        families=tags,
        split=families.split_of(tags) if tags else "",
        kinds=families.page_kinds(page, applied.rotation, _seal_overlap(rendered, applied)),
    )


def _seal_overlap(rendered, applied) -> bool:
    """A seal or stamp lies over printed text (the signature block's seal over the title or name
    lines, or a stamp over the body)."""
    if "stamp_over_text" in applied.defects:
        return True
    if rendered is None:
        return False
    for sx0, sy0, sx1, sy1 in rendered.seals:
        mx, my = (sx1 - sx0) * 0.12, (sy1 - sy0) * 0.12
        for _, (x0, y0, x1, y1) in rendered.boxes:
            if x0 < sx1 - mx and x1 > sx0 + mx and y0 < sy1 - my and y1 > sy0 + my:
                return True
    return False


def _scan_dpi(rng: random.Random, level: str, dpi: int) -> int:
    """A scanner setting for the whole dossier: some offices scan at 200 dpi."""
    return 200 if dpi > 200 and rng.random() < SPECS[level].low_dpi_p else dpi


def _render_dossier(job: _Job) -> DossierTruth:
    rng = random.Random(job.seed)
    spec = make_dossier(random.Random(rng.getrandbits(64)), variants=job.variants)
    if job.split is not None:
        _dress_dossier(spec, job.split, random.Random(f"families-{job.seed}-{job.split}"))
    return _write_dossier(job, spec, rng)


def _dress_dossier(spec, split: str, rng: random.Random) -> None:
    """Families per document (one capture for the whole dossier: one scanner or one phone);
    field values re-worded like the pages that print them."""
    capture_kind = families.draw(rng, split, "khac")["capture"]
    for doc in spec.documents:
        chosen = {**families.draw(rng, split, doc.doc_type), "capture": capture_kind}
        doc.pages = [families.dress(p, chosen) for p in doc.pages]
        tone = chosen["wording"]
        doc.fields = {
            k: families.retone(v, tone) if isinstance(v, str) else v for k, v in doc.fields.items()
        }


def _write_dossier(job: _Job, spec, rng: random.Random) -> DossierTruth:
    scan_dpi = _scan_dpi(rng, job.level, job.dpi)
    images: list[np.ndarray] = []
    pages: list[PageTruth] = []
    previous: np.ndarray | None = None
    bold = font_path("serif", True)
    for number, page in enumerate(spec.pages, start=1):
        level = job.level
        if rng.random() < job.mixed:
            level = rng.choice(job.levels)
        page_seed = rng.getrandbits(64)
        rendered = render_page(
            page, dpi=scan_dpi, seed=page_seed, bleed_from=previous if page.blank else None
        )
        image, applied = degrade(
            rendered.image,
            level,
            random.Random(page_seed ^ 0x5EED),
            dpi=scan_dpi,
            low_dpi=False,
            blank=page.blank,
            font=bold,
        )
        if scan_dpi < job.dpi:
            applied.defects.insert(0, f"dpi_{scan_dpi}")
        if page.families:
            kind = page.families.get("capture", "flatbed")
            crng = random.Random(page_seed ^ 0xC0FFEE)
            image, file_dpi, more = capture(image, kind, crng, applied.dpi)
            applied.defects += more
            # a file format needs some resolution for a page without any: an A4 width's worth
            applied.dpi = file_dpi or max(30, round(image.shape[1] / 8.27))
        previous = rendered.image
        images.append(image)
        pages.append(page_truth(number, page, applied, rendered=rendered))
    folder = Path("inbox") / spec.office_code / spec.dossier_code
    out = job.out_dir / folder
    if job.fmt == "pdf":
        scan_path = folder / "scan.pdf"
        write_pdf(job.out_dir / scan_path, images, [p.dpi for p in pages])
    elif job.fmt == "tiff":
        scan_path = folder / "scan.tif"
        mode = rng.choice(sorted(TIFF_MODES))
        write_tiff(job.out_dir / scan_path, images, scan_dpi, mode)
        for p in pages:
            p.defects.append(f"tiff_{mode}")
    else:
        scan_path = folder / "pages"
        orientations = [rng.choice([3, 6, 8]) if rng.random() < 0.1 else 1 for _ in images]
        write_jpeg_folder(out / "pages", images, scan_dpi, orientations)
        for p, o in zip(pages, orientations, strict=True):
            if o != 1:
                p.defects.append(f"exif_orientation_{o}")
    documents, start = [], 1
    for doc in spec.documents:
        numbers = list(range(start, start + len(doc.pages)))
        start += len(doc.pages)
        documents.append(DocumentTruth(doc.doc_type, numbers, dict(doc.fields), doc.variant))
    truth = DossierTruth(
        dossier_code=spec.dossier_code,
        office_code=spec.office_code,
        scan_path=scan_path.as_posix(),
        format=job.fmt,
        pages=pages,
        documents=documents,
        procedure_code=spec.procedure_code,
        received_at=spec.received.isoformat(),
        channel=spec.channel,
        resolved_at=spec.resolved.isoformat() if spec.resolved else "",
        result_kind=spec.result_kind,
        seed=job.seed,
    )
    write_truth(job.out_dir, truth)
    return truth


def generate(
    out_dir: Path | str,
    *,
    seed: int = 0,
    dossiers: int = 6,
    levels: Sequence[str] = LEVELS,
    formats: Sequence[str] = FORMATS,
    dpi: int = 300,
    unscanned: int | None = None,
    variants: VariantFilter = None,
    mixed_levels: float = 0.25,
    workers: int = 0,
    split: str | None = None,
) -> list[DossierTruth]:
    """Write a sample inbox with truth and a one-stop register; returns the truths (in order).

    Dossier i gets format `formats[i % len(formats)]` and base level `levels[i % len(levels)]`;
    each page switches to another of `levels` with chance `mixed_levels` (recorded per page).
    `unscanned` extra dossiers (default: a third of `dossiers`, at least 1) appear only in
    `register.csv`, so digitization rates stay below 100%. `workers=0` uses one process per core;
    the output is the same for any number of workers. `split` ('train' | 'held_out') draws every
    document's families from that split (samples.families; page truth carries the tags)."""
    if split is not None:
        families.require_fonts(split)
        variants = families.layout_variants(split) if variants is None else variants
    _check(levels, formats)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seeds = _unique_seeds(rng, dossiers, variants)
    jobs = [
        _Job(
            out,
            s,
            i,
            formats[i % len(formats)],
            levels[i % len(levels)],
            tuple(levels),
            dpi,
            variants,
            mixed_levels,
            split,
        )
        for i, s in enumerate(seeds)
    ]
    truths = _map(_render_dossier, jobs, workers)
    extra = max(1, math.ceil(dossiers / 3)) if unscanned is None else unscanned
    write_register(
        out / "register.csv", truths, _unscanned(rng, extra, {t.dossier_code for t in truths})
    )
    return truths


T = TypeVar("T")
R = TypeVar("R")


def _map(
    job: Callable[[T], R], jobs: Sequence[T], workers: int | None, chunksize: int = 1
) -> list[R]:
    """`job` over `jobs` in worker processes. On Ctrl-C the workers are stopped at once: an
    executor's `with` block would first finish the dossiers being drawn (a minute under load)
    and every queued one; a `multiprocessing.Pool` leaves its block by terminating them."""
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [job(j) for j in jobs]
    with multiprocessing.Pool(workers) as pool:
        return pool.map(job, list(jobs), chunksize=chunksize)


def _unique_seeds(rng: random.Random, n: int, variants: VariantFilter) -> list[int]:
    """Dossier seeds whose dossier codes are all different."""
    seeds, codes = [], set()
    while len(seeds) < n:
        s = rng.getrandbits(63)
        code = make_dossier(
            random.Random(random.Random(s).getrandbits(64)), variants=variants
        ).dossier_code
        if code not in codes:
            codes.add(code)
            seeds.append(s)
    return seeds


def _unscanned(rng: random.Random, n: int, taken: set[str]) -> list[dict[str, str]]:
    rows = []
    while len(rows) < n:
        spec = make_dossier(random.Random(rng.getrandbits(64)))
        if spec.dossier_code in taken:
            continue
        taken.add(spec.dossier_code)
        rows.append(
            _register_row(
                spec.dossier_code,
                spec.procedure_code,
                spec.received.isoformat(),
                spec.channel,
                spec.resolved.isoformat() if spec.resolved else "",
                spec.result_kind,
            )
        )
    return rows


def _register_row(*values: str) -> dict[str, str]:
    return dict(zip(REGISTER_HEADER, values, strict=True))


def write_register(path: Path, truths: list[DossierTruth], unscanned: list[dict[str, str]]) -> None:
    """The one-stop register export: every received dossier, scanned or not, by date."""
    rows = [
        _register_row(
            t.dossier_code, t.procedure_code, t.received_at, t.channel, t.resolved_at, t.result_kind
        )
        for t in truths
    ] + unscanned
    rows.sort(key=lambda r: (r["received_at"], r["dossier_code"]))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REGISTER_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_register(path: Path | str) -> list[dict[str, str]]:
    with Path(path).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- single pages ------------------------------------------------------------------------------


def _blank_page() -> PageSpec:
    return PageSpec("khac", "a", [], blank=True)


def _page_job(args: tuple[Path, int, int, str, str, int, PageSpec]) -> dict:
    out_dir, number, page_seed, level, ext, dpi, page = args
    if page.families:
        return _family_page_job(args)
    rng = random.Random(page_seed)
    scan_dpi = _scan_dpi(rng, level, dpi)
    rendered = render_page(page, dpi=scan_dpi, seed=page_seed)
    image, applied = degrade(
        rendered.image,
        level,
        rng,
        dpi=scan_dpi,
        low_dpi=False,
        blank=page.blank,
        font=font_path("serif", True),
    )
    if scan_dpi < dpi:
        applied.defects.insert(0, f"dpi_{scan_dpi}")
    name = f"pages/{number:04d}.{ext}"
    write_page_image(out_dir / name, image, applied.dpi)
    truth = page_truth(number, page, applied, rendered=rendered)
    truth.file = name
    return asdict(truth)


def _family_page_job(args: tuple[Path, int, int, str, str, int, PageSpec]) -> dict:
    """A page of a family split: its level's scanner defects, then its capture (phone photo,
    photocopy of a photocopy); the file carries the capture's resolution metadata (or none)."""
    out_dir, number, page_seed, level, ext, dpi, page = args
    rng = random.Random(page_seed)
    kind = "flatbed" if page.blank else page.families.get("capture", "flatbed")
    scan_dpi = dpi if kind != "flatbed" else _scan_dpi(rng, level, dpi)
    rendered = render_page(page, dpi=scan_dpi, seed=page_seed)
    image, applied = degrade(
        rendered.image, level, rng, dpi=scan_dpi, low_dpi=False, blank=page.blank,
        font=font_path("serif", True),
    )  # fmt: skip
    if scan_dpi < dpi:
        applied.defects.insert(0, f"dpi_{scan_dpi}")
    image, file_dpi, more = capture(image, kind, random.Random(page_seed ^ 0xC0FFEE), applied.dpi)
    applied.defects += more
    applied.dpi = file_dpi
    name = f"pages/{number:04d}.{ext}"
    write_page_image(out_dir / name, image, file_dpi)
    truth = page_truth(number, page, applied, rendered=rendered)
    truth.file = name
    return asdict(truth)


def generate_pages(
    out_dir: Path | str,
    seed: int = 0,
    n_pages: int = 150,
    levels: Sequence[str] = LEVELS,
    *,
    dpi: int = 300,
    fmt: str = "jpg",
    variants: VariantFilter = None,
    doc_types: Collection[str] | None = None,
    workers: int = 0,
    split: str | None = None,
    forced: Mapping[str, str] | None = None,
) -> list[PageTruth]:
    """Single page images (`pages/0001.jpg` ...) and `pages.json` (truth list, with "file").

    Pages come from documents of every type (first and continuation pages, some blank pages);
    page i gets level `levels[i % len(levels)]`. With `split` ('train' or 'held_out') every page
    draws its families from that split only (samples.families) and its layout variants are
    that split's; `forced` (axis -> member, e.g. {"capture": "phone_small"}) then overrides
    what was drawn on every page. Without a split the pages are the legacy generator's."""
    _check(levels, FORMATS)
    if fmt not in ("jpg", "png"):
        raise ValueError(f"fmt must be 'jpg' or 'png', got {fmt!r}")
    out = Path(out_dir)
    rng = random.Random(seed)
    if split is not None:
        families.require_fonts(split)
        variants = families.layout_variants(split) if variants is None else variants
    specs: list[PageSpec] = []
    for doc in iter_documents(rng.getrandbits(32), n_pages, variants=variants, doc_types=doc_types):
        for page in doc.pages:
            specs.append(page)
            if rng.random() < 0.04:
                specs.append(_blank_page())
        if len(specs) >= n_pages:
            break
    specs = specs[:n_pages]
    if split is not None:
        frng = random.Random(f"families-{seed}-{split}")
        specs = [
            families.dress(p, {**families.draw(frng, split, p.doc_type), **(forced or {})})
            for p in specs
        ]
    jobs = [
        (out, i + 1, rng.getrandbits(63), levels[i % len(levels)], fmt, dpi, page)
        for i, page in enumerate(specs)
    ]
    records = _map(_page_job, jobs, workers, chunksize=4)
    (out / "pages.json").write_text(dumps(records), encoding="utf-8")
    return [PageTruth(**r) for r in records]


def sample_page(
    seed: int = 0,
    doc_type: str | None = None,
    level: str = "clean",
    rotation: int = 0,
    skew: float = 0.0,
    stamp: bool = False,
    dpi: int = 300,
    variant: str | None = None,
    page_index: int = 0,
) -> tuple[np.ndarray, PageTruth]:
    """One page image (BGR) with exactly the given rotation, skew and stamp, and its truth.

    `level` adds that level's other defects (noise, blur, ...) but never its rotation, skew,
    stamp or 200 dpi choice: those are the arguments. `page_index` picks a continuation page of a
    multi-page document when it has one."""
    if doc_type is not None and doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc_type {doc_type!r}")
    variants = {doc_type: (variant,)} if doc_type and variant else None
    if variant and doc_type and not allowed_variants(doc_type, variants):
        raise ValueError(f"{doc_type} has no variant {variant!r}")
    doc = next(
        iter_documents(seed, 1, variants=variants, doc_types=[doc_type] if doc_type else None)
    )
    page = doc.pages[min(page_index, len(doc.pages) - 1)]
    rendered = render_page(page, dpi=dpi, seed=seed)
    image, applied = degrade(
        rendered.image,
        level,
        random.Random(seed),
        dpi=dpi,
        rotation=rotation,
        skew=skew,
        stamp=stamp,
        low_dpi=False,
        font=font_path("serif", True),
    )
    return image, page_truth(page_index + 1, page, applied)
