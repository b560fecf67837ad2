"""The recognition of one input: pages in parallel processes, then documents, then outputs.

Each worker process opens the input itself and loads only its page (the parent never holds page
images, so memory stays flat on long PDFs), prepares it (OpenCV), recognises it (Tesseract, one
thread), reads QR codes and writes the page's artifacts (one-page searchable PDF, ALTO, hOCR,
text) into a work dir. The parent gets back `Page`s, runs `understand` over them and assembles the
document outputs. One pool can serve many files (`make_executor`, `process(..., executor=)`).

Nothing a page does escapes as a crash: any exception while reading it (decoder, OpenCV,
Tesseract, pdftoppm, a time limit) becomes `PageFailed`, a BadInput naming the file, the page and
the stage, so the caller quarantines the input. A page process that dies (killed, out of memory)
breaks the pool: the pool is replaced and each unfinished page retried once, alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cv2

from ocr import cards, engine, guard
from ocr import recognize as rec
from ocr.errors import BadInput, MissingDependency
from ocr.load import Limits
from ocr.outputs import pdf as pdfout
from ocr.outputs.alto import page_alto
from ocr.outputs.hocr import page_hocr
from ocr.qr import decode_qr, speaks_of_a_dossier
from ocr.result import Document, OcrResult, Page, Word

# An embedded PDF text layer is used instead of OCR when it has this many letters and little junk.
MIN_EMBEDDED_LETTERS = 40
MIN_EMBEDDED_CLEAN_SHARE = 0.85
# A page read with less mean confidence than this is also read upside down (see process_page).
FLIP_RETRY_CONFIDENCE = 0.70  # upright pages read at ~0.95, upside-down ones at ~0.55
FLIP_MARGIN = 0.15
# A first read that took this much tesseract CPU is not repeated (turned, or the page as loaded):
# pages read in 1-20 s; one that takes longer is mostly specks or hatching, and a second read of
# it costs as much again for nothing (the seed-11 back of a sheet: 60-180 s a read, four reads).
COSTLY_READ_SECONDS = 30.0


@dataclass(frozen=True)
class Options:
    """How every page of one input is processed (pickled to the workers)."""

    lang: str = "vie"
    tessdata_dir: Path | None = None
    steps: tuple[str, ...] | None = None
    psm: int = rec.DEFAULT_PSM
    recognition_dpi: int | None = rec.RECOGNITION_DPI  # None: read at the page's own resolution
    order: str = "layout"
    correct: bool = rec.DEFAULT_CORRECT
    qr: bool = True
    workdir: Path | None = None  # where page artifacts go; None: write none
    model_path: Path | None = None  # page classifier; None: the shipped one
    limits: Limits = field(default_factory=Limits)  # file, page-count and pixel budgets
    tesseract_seconds: float = rec.TESSERACT_TIMEOUT  # per tesseract call
    reread: bool = True  # lines Tesseract doubts read once more (ocr.recognize)
    cards: bool = True  # ID-card copies found and read on their own (ocr.cards)
    page_seconds: float = 600.0  # per page, everything included (0: no limit)


class PageFailed(BadInput):
    """Reading one page failed at a named stage; the input goes to quarantine."""


class PageTimeout(Exception):
    """A page ran past Options.page_seconds."""


# imported once by the forkserver, inherited by every worker it forks (see ocr.preload)
FORKSERVER_PRELOAD = ["ocr.pipeline", "ocr.preload"]


class PagePool(Executor):
    """A process pool that replaces itself when a page process dies (`renew`), so one killed
    process fails at most its own page, never every later scan of the batch."""

    def __init__(self, workers: int, context: str = "forkserver"):
        self.workers, self.context = workers, context
        self._pool = self._make()

    def _make(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context(self.context)
        if self.context == "forkserver":
            ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_init_worker
        )

    def submit(self, fn, /, *args, **kwargs) -> Future:
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            self.renew()
            return self._pool.submit(fn, *args, **kwargs)

    def renew(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._make()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def make_executor(workers: int | None = None, context: str = "forkserver") -> PagePool:
    """A process pool for page jobs (forkserver: workers start clean, with ocr/ preloaded;
    "spawn" makes workers direct children, so getrusage(RUSAGE_CHILDREN) counts their CPU)."""
    return PagePool(workers or _default_workers(), context)


def _init_worker() -> None:
    """One thread per worker process: the pool is the parallelism (no OpenCV/OpenMP threads)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)
    # Tesseract as a library in this process (model loaded once, ~0.1 s a page less than a
    # `tesseract` process per read); a crash in it ends this worker only (see PagePool)
    engine.enable()


def process(
    path: Path,
    options: Options | None = None,
    *,
    workers: int | None = None,
    out_dir: Path | None = None,
    executor: Executor | None = None,
    on_page: Callable[[int, int], None] | None = None,
    **overrides: Any,
) -> OcrResult:
    """Recognise one input (PDF, TIFF, image, folder of images); with `out_dir` write outputs.

    `options` is built by the caller (the application reads its settings, ocr/ reads none);
    `overrides` set single `Options` fields (steps, psm, order, correct, qr) for benchmarks.
    `on_page(done, total)` is called as pages finish (progress bars).
    Raises BadInput (unreadable input) or MissingDependency (tesseract/model missing).
    """
    keep = out_dir is not None
    with recognised(
        path, options, workers=workers, executor=executor, on_page=on_page, keep=keep, **overrides
    ) as done:
        if out_dir is not None:
            done.write_outputs(Path(out_dir))
        return done.result


Sink = Callable[[Path, str], None]


class _SinkFailed(Exception):
    """What a `write_outputs` sink raised (its __cause__), carried through `_stage` unchanged."""


@dataclass
class Recognised:
    """A recognised input whose page artifacts (one-page PDFs, ALTO, hOCR, text) are still on
    disk: `write_outputs` turns them into the stored outputs, until `recognised` ends."""

    result: OcrResult
    work: Path | None

    def write_outputs(self, out_dir: Path, sink: Sink | None = None) -> None:
        """`write_outputs` of this result (PageFailed when a writer fails; OSError as it is; what
        `sink` raises, unchanged)."""
        if self.work is None:
            raise ValueError("recognised(keep=False): the page artifacts are gone")
        with _stage(Path(self.result.source).name, "outputs", local_errors=False):
            write_outputs(self.result, self.work, out_dir, sink=sink)


@contextlib.contextmanager
def recognised(
    path: Path,
    options: Options | None = None,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    on_page: Callable[[int, int], None] | None = None,
    keep: bool = True,
    **overrides: Any,
) -> Iterator[Recognised]:
    """`process` in two steps: recognise, then (inside the block) write the outputs where the
    caller decides after reading the result (ingest: under the dossier's prefix). The page
    artifacts live in a temporary folder, removed on exit."""
    from ocr.load import open_source, sha256_of

    path = Path(path)
    rec.tesseract_exe()  # MissingDependency before any work
    opts = options or Options()
    with _stage(path.name, "open"):
        source = open_source(path, opts.limits)
        digest = sha256_of(path)
    if overrides.get("steps") is not None:
        overrides["steps"] = tuple(overrides["steps"])
    work = Path(tempfile.mkdtemp(prefix="sohoa-ocr-")) if keep else None
    opts = replace(opts, workdir=work, **overrides)
    try:
        pages = _run_pages(str(path), source.page_count, opts, workers, executor, on_page)
        with _stage(path.name, "understand"):
            result = _assemble(path, digest, pages, opts)
        yield Recognised(result, work)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _stage(where: str, stage: str, *, local_errors: bool = True) -> Iterator[None]:
    """Any exception of this stage as PageFailed naming it (BadInput and a missing tool pass
    unchanged; with `local_errors=False` so does an OSError: a full disk is not the input's
    fault)."""
    try:
        yield
    except _SinkFailed as exc:
        raise exc.__cause__ from None  # the caller's own error (an upload's), not the input's
    except (BadInput, MissingDependency):
        raise
    except OSError as exc:
        if not local_errors:
            raise
        raise PageFailed(f"{where}: {stage}: {_describe(exc)}") from exc
    except (Exception, PageTimeout) as exc:
        raise PageFailed(f"{where}: {stage}: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"{name}: {text}" if text else name


def _default_workers() -> int:
    """One page process per core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run_pages(
    path: str,
    count: int,
    opts: Options,
    workers: int | None,
    executor: Executor | None,
    on_page: Callable[[int, int], None] | None = None,
) -> list[Page]:
    workers = workers or _default_workers()
    report = on_page or (lambda done, total: None)
    report(0, count)
    if executor is None and (count == 1 or workers == 1):
        serial = []
        for i in range(count):
            serial.append(process_page(path, i, opts))
            report(i + 1, count)
        return serial
    own = executor is None
    pool = executor or make_executor(min(workers, count))
    futures = [pool.submit(process_page, path, i, opts) for i in range(count)]
    pages: dict[int, Page] = {}
    unfinished: list[int] = []
    try:
        for index, future in enumerate(futures):
            try:
                pages[index] = future.result()
            except BrokenProcessPool:
                unfinished.append(index)
            report(len(pages), count)
        if unfinished:
            pages.update(_retry_alone(pool, path, unfinished, opts))
            report(len(pages), count)
        return [pages[i] for i in range(count)]
    finally:
        for future in futures:  # after a failure, do not spend a shared pool on the rest
            future.cancel()
        # the pages still being read finish first: they write into the work dir, which the
        # caller removes next (a shared pool outlives this call; a Ctrl-C or a kill of an ingest
        # left a work dir behind, re-made by the last pages' artifacts)
        wait([f for f in futures if not f.cancelled()])
        if own:
            pool.shutdown(cancel_futures=True)


def _retry_alone(pool: Executor, path: str, indexes: list[int], opts: Options) -> dict[int, Page]:
    """After a page process died: a fresh pool, and each unfinished page once more, alone, so
    the page that kills its process is the only one that fails."""
    name = Path(path).name
    if not isinstance(pool, PagePool):
        raise PageFailed(f"{name}: page {indexes[0] + 1}: the page process died")
    pages = {}
    for index in indexes:
        pool.renew()
        try:
            pages[index] = pool.submit(process_page, path, index, opts).result()
        except BrokenProcessPool:
            pool.renew()
            raise PageFailed(
                f"{name}: page {index + 1}: the page process died twice (killed or out of memory)"
            ) from None
    return pages


# ---------------------------------------------------------------------------------------------
# one page (runs in a worker process)

_SOURCES: dict[str, Any] = {}


def _source(path: str, limits: Limits):
    from ocr.load import open_source

    if path not in _SOURCES:
        _SOURCES.clear()
        _SOURCES[path] = open_source(Path(path), limits)
    return _SOURCES[path]


def process_page(path: str, index: int, opts: Options) -> Page:
    """Load, prepare, recognise page `index` of `path`; write its artifacts into opts.workdir.
    Any failure is a PageFailed naming the page and the stage."""
    where = f"{Path(path).name}: page {index + 1}"
    try:
        with _stage(where, "time limit"), _deadline(opts.page_seconds):
            return _process_page(path, index, opts)
    finally:
        _release_memory()


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise PageTimeout after `seconds` (SIGALRM: only in a process's main thread, which is
    where page processes run pages; elsewhere only tesseract's own limit applies)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    fired = False

    def expire(signum, frame):
        nonlocal fired
        fired = True
        raise PageTimeout(f"page ran over {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:  # raised where Python drops it (an at-fork or __del__ hook): the page still ran over
        raise PageTimeout(f"page ran over {seconds:.0f} s")


def _release_memory() -> None:
    """Hand freed image buffers back to the OS (glibc keeps them otherwise): after each page,
    so an idle worker stays ~100 MB between pages, and after decoding and cleanup, so the
    stages after them (recognition, the longest) do not hold their leftovers (a 300 dpi page:
    ~130 -> ~65 MB over the idle worker; no measurable CPU)."""
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL("libc.so.6")
        except OSError:
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC = None


def _process_page(path: str, index: int, opts: Options) -> Page:
    clock = _Stages()
    with clock("page"):
        page = _timed_page(path, index, opts, clock)
    page.timings = dict(clock)
    return page


def _timed_page(path: str, index: int, opts: Options, clock: _Stages) -> Page:
    number = index + 1
    where = f"{Path(path).name}: page {number}"
    with _stage(where, "decode"), clock("load"):
        loaded = _source(path, opts.limits).load_page(index)
        if min(loaded.image.shape[:2]) < 8:
            height, width = loaded.image.shape[:2]
            raise PageFailed(f"{where}: decode: {width}×{height} px is too small to be a page")
    _release_memory()  # the decoder's buffers
    if good_text_layer(loaded.embedded_text):
        with _stage(where, "text layer"):
            return _embedded_page(path, loaded, opts, clock)
    with _stage(where, "OpenCV cleanup"):
        prepared = _prepare(loaded.image, loaded.dpi, opts)
    _release_memory()  # cleanup's intermediate images: ~60 MB less held while Tesseract reads
    original, original_dpi = loaded.image, loaded.dpi  # for the plain read (ocr.guard)
    del loaded
    clock.update({f"prepare.{k}": v for k, v in getattr(prepared, "timings", {}).items()})
    clock.count_tesseract(getattr(prepared, "osd_pixels", []))
    with _stage(where, "Tesseract"):
        return _read_prepared(path, number, prepared, (original, original_dpi), opts, clock)


def _read_prepared(
    path: str, number: int, prepared, loaded: tuple, opts: Options, clock: _Stages
) -> Page:
    original, original_dpi = loaded  # the page as loaded, for the plain read (ocr.guard)
    pdf_image = prepared.pdf_image
    ocr_w = prepared.ocr_image.shape[1]
    # ocr_image may be the page at the reading resolution (cleanup's read_dpi): words are read
    # into the page's own pixels (page_size), pdf_image keeps its resolution
    pdf_dpi = max(1, round(prepared.dpi * pdf_image.shape[1] / ocr_w))
    size = (pdf_image.shape[1], pdf_image.shape[0])
    page = Page(
        number=number,
        rotation=int(prepared.rotation),
        skew_degrees=round(float(prepared.skew_degrees), 2),
        blank=bool(prepared.blank),
        width=pdf_image.shape[1],
        height=pdf_image.shape[0],
        dpi=pdf_dpi,
    )
    words: list[Word] = []
    if not prepared.blank:
        gray, upscaled = prepared.ocr_image, "upscale" in prepared.applied
        with clock("cards"):
            found = cards.find_cards(gray) if opts.cards else []
        read = cards.cleared(gray, found) if found else gray
        with clock("recognize"):
            result = _recognize(path, number, read, prepared.dpi, opts, upscaled, size)
        clock.count_tesseract([_read_pixels(gray, prepared.dpi, opts, upscaled)])
        clock.count_tesseract(result.reread_pixels)
        if found:
            clock["cards_read"] = len(found)  # (bench/ocr.py counts pages with cards read)
            with clock("cards"):
                result = _with_cards(path, number, result, gray, prepared.dpi, found, opts, clock)
        costly = clock.get("recognize.tesseract", 0.0) > COSTLY_READ_SECONDS
        if result.mean_confidence < FLIP_RETRY_CONFIDENCE:
            # Unsure: a cheap probe of one text band says whether the page is the other side
            # showing through (mirrored text: blank) or upside down (orientation's usual miss
            # on a sparse page); only then is the whole page read again, turned.
            with clock("probe"):
                band = _probe(path, number, gray, prepared.dpi, opts, clock)
            if band.show_through:
                page.blank = True
                page.warnings.append(guard.SHOW_THROUGH_WARNING)
            elif band.upside_down and not costly:
                with clock("reread"):
                    upside_down = cv2.rotate(gray, cv2.ROTATE_180)
                    flipped = _recognize(
                        path, number, upside_down, prepared.dpi, opts, upscaled, size
                    )
                clock.count_tesseract([_read_pixels(gray, prepared.dpi, opts, upscaled)])
                clock.count_tesseract(flipped.reread_pixels)
                if flipped.mean_confidence > result.mean_confidence + FLIP_MARGIN:
                    result = flipped
                    gray = cv2.rotate(gray, cv2.ROTATE_180)
                    pdf_image = cv2.rotate(pdf_image, cv2.ROTATE_180)
                    page.rotation = (page.rotation + 180) % 360
        dpi = prepared.dpi
        # never worse than the engine alone; but a page that was dense noise as loaded is not
        # read as loaded (minutes of Tesseract on specks, and nothing to gain), nor is a page
        # whose first read was already costly
        again = not (page.blank or costly or "dense_noise" in prepared.applied)
        if again and guard.wants_plain_read(result, page.rotation):
            with clock("plain_read"):
                plain = guard.plain_read(
                    original, original_dpi, lambda im, d: _recognize(path, number, im, d, opts)
                )
            clock.count_tesseract([_read_pixels(plain.gray, plain.dpi, opts, False)])
            clock.count_tesseract(getattr(plain.result, "reread_pixels", []))
            page.reading = "checked"
            if guard.plain_wins(plain.result, result, turned=bool(page.rotation)):
                result, gray, pdf_image, dpi = plain.result, plain.gray, plain.bgr, plain.dpi
                page.rotation, page.skew_degrees, page.reading = 0, 0.0, "plain"
                page.height, page.width = pdf_image.shape[:2]
                page.dpi = dpi
        del original
        if not page.blank:
            words = result.words
            page.text, page.mean_confidence, page.words = result.text, result.mean_confidence, words
        if opts.qr and not page.blank:  # on the cleaned gray page: seals removed, light
            with clock("qr"):  # flattened, no colour pass
                anywhere = speaks_of_a_dossier(result.text)
                page.qr_codes = decode_qr(gray, dpi, anywhere=anywhere)
    if opts.workdir is not None:
        _write_page_artifacts(opts.workdir, page, pdf_image, words, clock)
    return page


def _with_cards(
    path: str,
    number: int,
    page: rec.Recognition,
    gray,
    dpi: int,
    found: list[cards.Box],
    opts: Options,
    clock: _Stages,
) -> rec.Recognition:
    """The page's read (cards cleared from it) with each card read on its own, enlarged to a
    working size (ocr.cards), its words put in the page's pixels and reading order."""
    to_page = page.width / gray.shape[1]  # gray may be the page at the reading resolution
    readings = []
    for x0, y0, x1, y1 in found:
        image, factor = cards.working_size(cards.inside(gray, (x0, y0, x1, y1)))
        card_dpi = round(dpi * factor)
        got = _recognize(path, number, image, card_dpi, replace(opts, psm=cards.CARD_PSM), True)
        clock.count_tesseract([image.shape[0] * image.shape[1], *got.reread_pixels])
        x0, y0 = x0 + cards.inset(x1 - x0), y0 + cards.inset(x1 - x0)
        box = tuple(round(v * to_page) for v in (x0, y0, x1, y1))
        readings.append((box, cards.placed(got.words, factor / to_page, box[0], box[1])))
    words = cards.merge(page.words, readings)
    return rec.Recognition(
        words=words,
        text=rec.words_text(words),
        mean_confidence=rec.mean_confidence(words),
        width=page.width,
        height=page.height,
        reread_pixels=page.reread_pixels,
    )


class _Stages(dict):
    """Page.timings: CPU seconds per stage of one page in this process, and of the tesseract
    processes it waited for under "<stage>.tesseract"; tesseract calls and pixels read."""

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        me, kids = _cpu()
        inside = engine.CPU_SECONDS  # Tesseract run in this process counts as tesseract's
        try:
            yield
        finally:
            me_now, kids_now = _cpu()
            library = engine.CPU_SECONDS - inside
            me_now, kids_now = me_now - library, kids_now + library
            self[name] = self.get(name, 0.0) + me_now - me
            if kids_now > kids:
                key = f"{name}.tesseract"
                self[key] = self.get(key, 0.0) + kids_now - kids

    def count_tesseract(self, pixels: list[int]) -> None:
        self["tesseract_calls"] = self.get("tesseract_calls", 0) + len(pixels)
        self["tesseract_pixels"] = self.get("tesseract_pixels", 0) + sum(pixels)


def _cpu() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _read_pixels(image, dpi: int, opts: Options, upscaled: bool) -> int:
    """Pixels Tesseract reads for `image` (downsampled to opts.recognition_dpi, see recognize)."""
    height, width = image.shape[:2]
    max_dpi = None if upscaled else opts.recognition_dpi
    factor = min(1.0, max_dpi / dpi) if max_dpi else 1.0
    factor = 1.0 if factor >= 0.95 else factor
    return round(height * factor) * round(width * factor)


def _recognize(
    path: str,
    number: int,
    image,
    dpi: int,
    opts: Options,
    upscaled: bool = False,
    page_size: tuple[int, int] | None = None,
) -> rec.Recognition:
    """An upscaled low-resolution page is read at its upscaled size (measured before
    RECOGNITION_DPI existed); every other page at opts.recognition_dpi."""
    try:
        return rec.recognize(
            image,
            dpi=dpi,
            lang=opts.lang,
            psm=opts.psm,
            tessdata_dir=opts.tessdata_dir,
            order=opts.order,
            correct=opts.correct,
            max_dpi=None if upscaled else opts.recognition_dpi,
            timeout=opts.tesseract_seconds or None,
            page_size=page_size,
            reread=opts.reread,
        )
    except RuntimeError as exc:  # tesseract crashed or hung on this page: unreadable input
        raise PageFailed(f"{Path(path).name}: page {number}: Tesseract: {exc}") from exc


def _probe(path: str, number: int, gray, dpi: int, opts: Options, clock: _Stages) -> guard.Probe:
    """ocr.guard.probe: a band of the page read as one block of text, four ways."""
    block = replace(opts, psm=6, correct=False, reread=False)
    band = guard.probe(gray, dpi, lambda im, d: _recognize(path, number, im, d, block))
    pixels = _read_pixels(guard.text_band(gray, dpi), dpi, opts, False)
    clock.count_tesseract(band.reads * [pixels])
    return band


def _prepare(image, dpi: int, opts: Options):
    """ocr.preprocess.prepare with the input's steps, cleaned for reading at
    opts.recognition_dpi."""
    try:
        from ocr.preprocess import prepare
    except ImportError:  # preprocessing not installed yet: identity
        return _IdentityPrepared(image, dpi)
    return prepare(image, dpi, steps=opts.steps, read_dpi=opts.recognition_dpi)


@dataclass
class _IdentityPrepared:
    pdf_image: Any
    dpi: int
    rotation: int = 0
    skew_degrees: float = 0.0
    blank: bool = False
    applied: tuple[str, ...] = ()

    @property
    def ocr_image(self):
        return cv2.cvtColor(self.pdf_image, cv2.COLOR_BGR2GRAY)


def good_text_layer(text: str | None) -> bool:
    """Is a PDF's own text layer worth trusting (enough letters, little junk)?"""
    if not text:
        return False
    chars = [c for c in unicodedata.normalize("NFC", text) if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    clean = sum(c.isalnum() or c in ".,:;-/()%'\"" for c in chars)
    return letters >= MIN_EMBEDDED_LETTERS and clean >= MIN_EMBEDDED_CLEAN_SHARE * len(chars)


def _embedded_page(path: str, loaded, opts: Options, clock: _Stages) -> Page:
    """A page whose PDF text layer is used as is: its original PDF page is the output page."""
    import pikepdf

    height, width = loaded.image.shape[:2]
    text = unicodedata.normalize("NFC", loaded.embedded_text or "")
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    page = Page(
        number=loaded.index + 1,
        text=text,
        mean_confidence=1.0,
        width=width,
        height=height,
        dpi=loaded.dpi,
        text_source="pdf",
    )
    if opts.qr:
        with clock("qr"):
            page.qr_codes = decode_qr(loaded.image, loaded.dpi)
    if opts.workdir is not None:
        target = _artifact(opts.workdir, "pdf", page.number)
        with clock("write.pdf"), pikepdf.open(path) as src:
            one = pikepdf.new()
            one.pages.append(src.pages[loaded.index])
            one.save(target)
        _write_text_artifacts(opts.workdir, page, [], clock)
    return page


def _artifact(workdir: Path, kind: str, number: int) -> Path:
    suffix = {"pdf": "pdf", "alto": "xml", "hocr": "hocr", "txt": "txt"}[kind]
    folder = Path(workdir) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{number:04d}.{suffix}"


def _write_page_artifacts(
    workdir: Path, page: Page, image, words: list[Word], clock: _Stages
) -> None:
    with clock("write.pdf"):
        pdf = pdfout.page_pdf(image, words, page.dpi)
        _artifact(workdir, "pdf", page.number).write_bytes(pdf)
    _write_text_artifacts(workdir, page, words, clock)


def _write_text_artifacts(workdir: Path, page: Page, words: list[Word], clock: _Stages) -> None:
    size = {"width": page.width, "height": page.height, "number": page.number}
    with clock("write.alto"):
        _artifact(workdir, "alto", page.number).write_text(page_alto(words, **size), "utf-8")
    with clock("write.hocr"):
        _artifact(workdir, "hocr", page.number).write_text(page_hocr(words, **size), "utf-8")
    with clock("write.txt"):
        _artifact(workdir, "txt", page.number).write_text(page.text, "utf-8")


# ---------------------------------------------------------------------------------------------
# the whole input


def _assemble(path: Path, digest: str, pages: list[Page], opts: Options) -> OcrResult:
    understood = _understand(pages, opts.model_path)
    return OcrResult(
        source=str(path),
        sha256=digest,
        page_count=len(pages),
        pages=understood.pages,
        documents=understood.documents,
        dossier_code=understood.dossier_code,
        office_code=understood.office_code,
        tool_versions=tool_versions(opts.tessdata_dir),
        warnings=guard.empty_page_warnings(understood.pages),
    )


@dataclass
class _Understood:
    pages: list[Page]
    documents: list[Document]
    dossier_code: str | None = None
    office_code: str | None = None


def _understand(pages: list[Page], model_path: Path | None = None):
    try:
        from ocr.understand import understand
    except ImportError:  # classification not installed yet: every page its own 'khac' document
        docs = [Document("khac", [p.number], 0.0) for p in pages if not p.blank]
        return _Understood(pages, docs)
    if model_path is None:
        return understand(pages)
    from ocr.classify import load_model

    return understand(pages, model=load_model(model_path))


def tool_versions(tessdata_dir: Path | None) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from ocr.tessdata import variant_of

    try:
        sohoa_version = version("sohoa")
    except PackageNotFoundError:
        sohoa_version = "0+unknown"
    return {
        "tesseract": rec.tesseract_version(),
        "tesseract_model": variant_of(tessdata_dir),
        "opencv": cv2.__version__,
        "sohoa": sohoa_version,
    }


def write_outputs(result: OcrResult, work: Path, out_dir: Path, sink: Sink | None = None) -> None:
    """searchable.pdf, text.txt, pages/, alto/, hocr/, documents/, result.json under out_dir.

    With `sink`, `sink(path, name)` (name relative to out_dir, `/`-separated) is called as each
    file is complete, then the file is removed: a store uploads the outputs one at a time and the
    temp space holds the page artifacts plus one output, never every output at once."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def done(path: Path) -> None:
        if sink is None:
            return
        try:
            sink(path, path.relative_to(out_dir).as_posix())
        except BaseException as exc:
            raise _SinkFailed() from exc
        path.unlink(missing_ok=True)

    for kind, folder in (("txt", "pages"), ("alto", "alto"), ("hocr", "hocr")):
        target = out_dir / folder
        target.mkdir(exist_ok=True)
        for page in result.pages:
            src = _artifact(work, kind, page.number)
            shutil.copyfile(src, target / src.name)
            done(target / src.name)
    text = out_dir / "text.txt"
    with text.open("w", encoding="utf-8") as handle:
        for n, page in enumerate(result.pages):
            handle.write(("\f" if n else "") + page.text)
    done(text)
    page_files = [_artifact(work, "pdf", p.number) for p in result.pages]
    title = Path(result.source).name
    docs_dir = out_dir / "documents"
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir()
    for n, doc in enumerate(result.documents, start=1):
        files = [page_files[p - 1] for p in doc.pages if 1 <= p <= len(page_files)]
        if files:
            name = f"{n:02d}-{doc.doc_type}.pdf"
            pdfout.write_merged(files, docs_dir / name, title=f"{title} {name}")
            done(docs_dir / name)
    pdfout.write_merged(page_files, out_dir / "searchable.pdf", title=title)
    done(out_dir / "searchable.pdf")
    write_result_json(result, out_dir / "result.json")
    done(out_dir / "result.json")


def write_result_json(result: OcrResult, path: Path) -> None:
    """result.json (`result.to_json(words=True)`, indented) written page by page: the words of
    one page at a time in memory, never one string holding every page's."""
    import json

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=1)

    head = result.to_json(words=False, pages=False)
    with path.open("w", encoding="utf-8") as out:
        out.write("{")
        for n, (key, value) in enumerate(head.items()):
            out.write(("," if n else "") + "\n " + dumps(key) + ": ")
            if key != "pages":
                out.write(_indent(dumps(value)))
                continue
            out.write("[")
            for i, page in enumerate(result.pages):
                out.write(("," if i else "") + "\n  " + _indent(dumps(page.to_json()), 2))
            out.write("\n ]" if result.pages else "]")
        out.write("\n}")


def _indent(text: str, depth: int = 1) -> str:
    return text.replace("\n", "\n" + " " * depth)


__all__ = [
    "BadInput",
    "MissingDependency",
    "Options",
    "PageFailed",
    "PagePool",
    "good_text_layer",
    "make_executor",
    "process",
    "process_page",
    "recognised",
    "tool_versions",
    "write_outputs",
]
