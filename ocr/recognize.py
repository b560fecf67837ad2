"""Tesseract on one prepared page: words with boxes and confidences, in the order a person reads.

One `tesseract` process per page (OMP_THREAD_LIMIT=1; parallelism comes from page processes),
reading TSV: every word with its box, confidence and block/paragraph/line ids. The archival
outputs (searchable PDF text layer, ALTO, hOCR) are rendered from these words by `ocr.outputs`, so
they always carry the same, post-corrected text in the same reading order.

Reading order: Tesseract's own block order gets the two-column national header and the signature
block wrong (it reads across the columns or jumps between them). `order_lines` splits Tesseract
lines at wide gaps into segments, groups segments into rows, reads two-column zones (the header:
issuing body left, "CỘNG HÒA ..." right; the signature block) column by column and everything
else (body, tables) row by row, left to right. bench/ocr.py measures it against the generator's
truth order.

A form's dot leaders and rules are no text: `strip_leaders` cuts their runs from the words before
anything else sees them (Tesseract reads them as "Quang........" or "————").
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ocr import engine
from ocr.errors import MissingDependency
from ocr.result import Word

# psm 4 (one column of variable sizes) vs 3 (automatic layout) vs 6 (uniform block), measured by
# bench/ocr.py at 200 dpi on 48 pages: CER 0.0131 vs 0.0169 vs 0.039, psm 4 ~3% cheaper than 3.
# Tesseract's own column finding adds nothing here: `order_lines` splits its lines at wide gaps
# and reads two-column zones itself.
DEFAULT_PSM = 4
# Tesseract reads pages scanned finer than this at this resolution (boxes are mapped back).
# Its LSTM scales every text line to a fixed height anyway, so the extra pixels of a 300 dpi scan
# only cost layout analysis time; on the 13-14 pt type of administrative documents bench/ocr.py
# ("read at ... dpi" variants) measured 200 dpi lower in CER than 300 and ~25% cheaper.
RECOGNITION_DPI = 200
# Post-correction with ocr.vietnamese: applied only where bench/ocr.py shows it lowers CER.
DEFAULT_CORRECT = True
# Words Tesseract itself barely believes and that carry no letter or digit: stamp/seal residue.
GARBAGE_CONFIDENCE = 0.30
# A short segment whose every word is below this is a signature, seal or speck cluster.
NOISE_SEGMENT_CONFIDENCE = 0.50
NOISE_SEGMENT_WORDS = 3
# ... unless it lies between surely read segments of a line with this many (a table row)
TABLE_CELLS = 3
# Below this, a word that is neither a Vietnamese syllable nor a number is dropped.
JUNK_WORD_CONFIDENCE = 0.20
# Lines Tesseract doubts are read again, cut out of the page and stacked in one strip (one more
# tesseract call for the page): a line whose length-weighted confidence is below this, with at
# least REREAD_MIN_CHARS characters; at most REREAD_MAX_LINES of them (the least sure first).
# The second read replaces the first only when it has more characters of valid Vietnamese
# syllables and numbers and a higher confidence (see `reread_unsure_lines`).
# Fitted on the training families (bench/ocr.py families, seed 7): every second read that won
# there was of a line under 0.49 (0.10-0.49) and among its page's 4 least sure; lines at
# 0.50-0.60 cost a strip on 2 more of 24 medium/hard training pages and never won.
REREAD_CONFIDENCE = 0.50
# Shorter doubted lines are signatures, seal rings and specks: on the training families (seed 7,
# clean + mild) 19 of 24 pages had one, their second reads won 3 times for a net -1 character;
# from 10 characters on, 2 of 24 training pages pay for a second read.
REREAD_MIN_CHARS = 10
REREAD_MAX_LINES = 4
# A page read below this overall (leaders and junk words left out, as in its text) may be upside
# down or the back of a sheet showing through: the pipeline's probe decides that, and its lines
# are not worth a second read (the training pages whose second reads won were read at 0.78-0.93
# overall; an upside-down page reads ~0.5).
REREAD_PAGE_CONFIDENCE = 0.70
REREAD_PSM = 6  # the strip is a uniform block of lines
# Lines Tesseract's layout left out whole (`missed_lines`): a row of at least this many
# letter-sized ink marks outside every word's box, on a page with MISSED_MIN_WORDS words read at
# MISSED_SURE or better (their median height is the line height the marks are measured by).
# Training families (bench/ocr.py families, seed 7, clean + mild): lines of 38-54 marks on the
# two dots_pen pages that lost whole lines, none on the other pages looked at.
MISSED_MIN_LETTERS = 8
MISSED_MIN_WORDS = 5
MISSED_SURE = 0.80
# CPU limit of one tesseract call: a 300 dpi A4 page reads in 1-20 s of CPU on one thread.
TESSERACT_TIMEOUT = 180.0
# The wall-clock limit is this many times the CPU limit: only a hung call reaches it. A limit in
# wall time alone quarantined good pages of a loaded machine (load 9 on 2 cores: a noisy page of
# 19 s CPU took 58 s standalone and over 180 s beside a backfill).
WALL_OVER_CPU = 10


class TesseractTimeout(RuntimeError):
    """One tesseract call ran past its time limit (and was killed)."""


@lru_cache
def _prlimit_exe() -> str | None:
    return shutil.which("prlimit")


def _cpu_limited(cmd: list[str], seconds: float | None) -> list[str]:
    """`cmd` run under a CPU-time limit: the kernel stops it once it has used `seconds` of CPU
    (SIGXCPU, SIGKILL a second later), whatever the machine's load. util-linux's `prlimit` sets
    the limit and execs the command (no preexec hook, which is unsafe in threaded callers)."""
    prlimit = _prlimit_exe()
    if not seconds or prlimit is None:
        return cmd
    soft = max(1, math.ceil(seconds))
    return [prlimit, f"--cpu={soft}:{soft + 1}", "--", *cmd]


@dataclass
class Recognition:
    """What one page's recognition yields (words in reading order)."""

    words: list[Word] = field(default_factory=list)
    text: str = ""
    mean_confidence: float = 0.0
    width: int = 0
    height: int = 0
    reread_pixels: list[int] = field(default_factory=list)  # size of each re-read strip


@dataclass
class _Line:
    words: list[Word]
    rank: tuple[int, int] = (0, 0)  # (Tesseract's line order, segment within the line)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return _union(w.box for w in self.words)


def tesseract_env() -> dict[str, str]:
    """The environment every tesseract call gets: one thread (we parallelise by process)."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


@lru_cache
def tesseract_exe() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise MissingDependency("tesseract is not installed (apt-get install tesseract-ocr)")
    return exe


@lru_cache
def tesseract_version() -> str:
    out = subprocess.run(
        [tesseract_exe(), "--version"], capture_output=True, text=True, env=tesseract_env()
    )
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0].split()[-1] if text else "unknown"


def run_tesseract(
    image: np.ndarray,
    *,
    dpi: int,
    lang: str = "vie",
    psm: int = DEFAULT_PSM,
    tessdata_dir: Path | None = None,
    configs: Sequence[str] = ("tsv",),
    extra: Sequence[str] = (),
    timeout: float | None = TESSERACT_TIMEOUT,
) -> dict[str, bytes]:
    """One tesseract process on `image`; returns {config: output bytes} (e.g. "tsv", "hocr").
    Raises TesseractTimeout once it has used `timeout` seconds of CPU, or hangs for
    WALL_OVER_CPU times that long (the process is killed). In a page process (`ocr.engine`
    enabled) a TSV read runs in the process itself, with the same limits."""
    variables = _variables(extra)
    if engine.enabled() and tuple(configs) == ("tsv",) and variables is not None:
        return {"tsv": _library_tsv(image, dpi, lang, psm, tessdata_dir, variables, timeout)}
    with tempfile.TemporaryDirectory(prefix="sohoa-tess-") as tmp:
        # Uncompressed PNM: written and read much faster than PNG, dpi passed explicitly.
        src = Path(tmp) / ("page.pgm" if image.ndim == 2 else "page.ppm")
        if not cv2.imwrite(str(src), image):
            raise ValueError("could not write the page image for tesseract")
        base = Path(tmp) / "out"
        cmd = [tesseract_exe(), str(src), str(base), "--dpi", str(int(dpi)), "-l", lang]
        cmd += ["--psm", str(psm)]
        if tessdata_dir is not None:
            cmd += ["--tessdata-dir", str(tessdata_dir)]
        # outputs as -c flags (not config files): works with any --tessdata-dir layout
        cmd += ["-c", "tessedit_do_invert=0", *extra]
        for config in configs:
            cmd += ["-c", f"tessedit_create_{config}=1"]
        try:
            proc = subprocess.run(
                _cpu_limited(cmd, timeout),
                capture_output=True,
                env=tesseract_env(),
                timeout=timeout and timeout * WALL_OVER_CPU,
            )
        except subprocess.TimeoutExpired as exc:
            wall = timeout * WALL_OVER_CPU
            raise TesseractTimeout(f"tesseract hung for over {wall:.0f} s") from exc
        if timeout and proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise TesseractTimeout(f"tesseract ran over {timeout:.0f} s of CPU")
        if proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", "replace")
            message = stderr.strip().splitlines()
            reason = message[-1] if message else f"exit code {proc.returncode}"
            if "Failed loading language" in stderr or "Error opening data file" in stderr:
                missing = next(m for m in message if "Failed loading" in m or "data file" in m)
                raise MissingDependency(f"tesseract model not installed: {missing}")
            raise RuntimeError(f"tesseract failed: {reason}")
        suffix = {"tsv": "tsv", "hocr": "hocr", "pdf": "pdf", "alto": "xml", "txt": "txt"}
        outputs = {c: base.with_suffix("." + suffix[c]) for c in configs}
        missing = [c for c, p in outputs.items() if not p.is_file()]
        if missing:
            raise RuntimeError(f"tesseract wrote no {', '.join(missing)} output")
        return {c: p.read_bytes() for c, p in outputs.items()}


def _variables(extra: Sequence[str]) -> dict[str, str] | None:
    """`-c name=value` pairs of `extra` (None: anything else, which only the command takes)."""
    pairs = {"tessedit_do_invert": "0"}
    items = list(extra)
    if len(items) % 2:
        return None
    for flag, setting in zip(items[::2], items[1::2], strict=True):
        name, eq, value = setting.partition("=")
        if flag != "-c" or not eq:
            return None
        pairs[name] = value
    return pairs


def _library_tsv(image, dpi, lang, psm, tessdata_dir, variables, timeout) -> bytes:
    if image.ndim == 3:  # the command reads the PPM cv2 writes: RGB
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    try:
        return engine.tsv(
            image,
            dpi=int(dpi),
            lang=lang,
            psm=psm,
            tessdata_dir=tessdata_dir,
            variables=variables,
            timeout=timeout,
            wall_over_cpu=WALL_OVER_CPU,
        )
    except engine.Cancelled as exc:
        if exc.cpu:
            raise TesseractTimeout(f"tesseract ran over {timeout:.0f} s of CPU") from None
        raise TesseractTimeout(f"tesseract hung for over {timeout * WALL_OVER_CPU:.0f} s") from None


def recognize(
    image: np.ndarray,
    *,
    dpi: int = 300,
    lang: str = "vie",
    psm: int = DEFAULT_PSM,
    tessdata_dir: Path | None = None,
    order: str = "layout",
    correct: bool = DEFAULT_CORRECT,
    drop_garbage: bool = True,
    max_dpi: int | None = RECOGNITION_DPI,
    timeout: float | None = TESSERACT_TIMEOUT,
    page_size: tuple[int, int] | None = None,
    reread: bool = True,
) -> Recognition:
    """Recognise one prepared page (gray or BGR). `order`: "layout" (ours) or "tesseract".

    A page finer than `max_dpi` is read downsampled to it; word boxes are in `image` pixels, or
    with `page_size` (width, height) in the pixels of the page `image` is a smaller copy of
    (cleaned at the reading resolution already, see ocr.preprocess.cleanup's `read_dpi`).
    With `reread`, lines Tesseract doubts are read once more on their own (`reread_unsure_lines`).
    """
    height, width = image.shape[:2]
    factor = min(1.0, max_dpi / dpi) if max_dpi else 1.0
    if factor < 0.95:
        small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        factor = small.shape[1] / width
    else:
        small, factor = image, 1.0
    read_dpi = max(1, round(dpi * factor))
    if page_size is not None and page_size != (width, height):
        width, height = page_size
        factor = small.shape[1] / width
    out = run_tesseract(
        small, dpi=read_dpi, lang=lang, psm=psm, tessdata_dir=tessdata_dir, timeout=timeout
    )
    words = parse_tsv(out["tsv"].decode("utf-8", "replace"))
    strips: list[int] = []
    if reread:

        def read_strip(strip: np.ndarray) -> list[Word]:
            strips.append(strip.shape[0] * strip.shape[1])
            got = run_tesseract(
                strip, dpi=read_dpi, lang=lang, psm=REREAD_PSM, tessdata_dir=tessdata_dir,
                timeout=timeout,
            )  # fmt: skip
            return parse_tsv(got["tsv"].decode("utf-8", "replace"))

        words = reread_unsure_lines(small, words, read_strip)
        words = read_missed_lines(small, words, read_strip)
    if factor != 1.0:
        words = [_rescaled(w, 1.0 / factor, width, height) for w in words]
    result = finish_words(
        words, width, height, order=order, correct=correct, drop_garbage=drop_garbage
    )
    result.reread_pixels = strips
    return result


def _line_score(words: Sequence[Word]) -> tuple[int, float]:
    """(characters of valid Vietnamese syllables and numbers, length-weighted confidence)."""
    chars = sum(len(w.text) for w in words)
    conf = sum(w.confidence * len(w.text) for w in words) / max(chars, 1)
    valid = 0
    for word in words:
        core = word.text.strip(".,;:!?()[]\"'“”-")
        if core and (_NUMBER.fullmatch(core) or _is_syllable(core)):
            valid += len(core)
    return valid, conf


_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
STRIP_GAP = 0.6  # blank between the lines of a re-read strip, in line heights
LINE_MARGIN = 0.25  # page around a cut-out line, in line heights


def reread_unsure_lines(
    image: np.ndarray, words: list[Word], read: Callable[[np.ndarray], list[Word]]
) -> list[Word]:
    """`words` (Tesseract's, in `image` pixels) with the lines it doubts read again.

    Each unsure line (REREAD_CONFIDENCE) is cut out of `image` with a margin, the cuts stacked
    one under the other in a white strip, and the strip read by `read` (one tesseract call;
    Tesseract finds the lines of a cut on its own, so a line it had merged with its neighbour
    comes back as two). A cut's second read replaces its line when it has more characters of
    valid syllables and numbers and a higher confidence; words of it that lie on another,
    confidently read line of the page are that line's, not this one's, and are left out."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    scores = {k: _line_score(ws) for k, ws in lines.items()}
    unsure = [
        k for k, ws in lines.items()
        if scores[k][1] < REREAD_CONFIDENCE and sum(len(w.text) for w in ws) >= REREAD_MIN_CHARS
    ]  # fmt: skip
    if not unsure:
        return words
    if not _sure_enough_to_reread(words):
        return words
    unsure = sorted(unsure, key=lambda k: scores[k][1])[:REREAD_MAX_LINES]
    height, width = image.shape[:2]
    cuts = []
    for k in unsure:
        x0, y0, x1, y1 = _union(w.box for w in lines[k])
        m = max(2, round(LINE_MARGIN * (y1 - y0)))
        cuts.append((k, max(0, x0 - m), max(0, y0 - m), min(width, x1 + m), min(height, y1 + m)))
    sure_boxes = [_union(w.box for w in ws) for k, ws in lines.items() if k not in unsure]
    replaced: dict[int, list[Word]] = {}
    taken: list[tuple[int, int, int, int]] = []  # cuts overlap: a word is read into one line only
    for k, read_back in _read_cuts(image, cuts, read):
        got = [
            replace(w, line=hash((k, w.line)))
            for w in read_back
            if not any(_inside(w.box, b) for b in sure_boxes)
            and not any(_inside(w.box, b) for b in taken)
        ]
        new, old = _line_score(got), scores[k]
        if got and new[0] > old[0] and new[1] > old[1]:
            replaced[k] = got
            taken.extend(w.box for w in got)
    if not replaced:
        return words
    out: list[Word] = []
    done: set[int] = set()
    for word in words:
        if word.line not in replaced:
            out.append(word)
        elif word.line not in done:
            out.extend(replaced[word.line])
            done.add(word.line)
    return out


def _sure_enough_to_reread(words: list[Word]) -> bool:
    """The page's confidence, as its text will have it (junk and leaders out), reaches
    REREAD_PAGE_CONFIDENCE: re-reads on a page read worse than that fix nothing (an upside-down
    or unreadable page)."""
    text = [w for w in (strip_leaders(w) for w in words) if w and not is_garbage(w)]
    return _line_score([w for w in text if not is_garbage_word(w)])[1] >= REREAD_PAGE_CONFIDENCE


def missed_lines(image: np.ndarray, words: list[Word]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of text lines Tesseract left out: rows of letter-sized ink that
    no word's box covers. Its page layout drops a line now and then whole (a line of small
    print with a hand-written value sitting on its dots: no word at all, not even a doubted
    one), and nothing else would read it again. Cheap: one threshold and one component pass
    (~15 ms on a 200 dpi A4 page); pages where every line was read find none."""
    heights = sorted(w.box[3] - w.box[1] for w in words if w.confidence >= MISSED_SURE)
    if len(heights) < MISSED_MIN_WORDS:
        return []
    tall = heights[len(heights) // 2]  # a line's height, ascenders to descenders
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    for w in words:
        x0, y0, x1, y1 = w.box
        ink[y0 : y1 + 1, x0 : x1 + 1] = 0
    stats = _components_in_bands(ink, min_rows=max(1, math.ceil(0.3 * tall)))
    if not len(stats):
        return []
    ws, hs = stats[:, 2], stats[:, 3]
    letters = stats[(hs >= 0.3 * tall) & (hs <= 1.6 * tall) & (ws <= 2.0 * tall)]
    if len(letters) < MISSED_MIN_LETTERS:
        return []
    middles = letters[:, 1] + letters[:, 3] // 2
    rows = np.bincount(middles, minlength=gray.shape[0])
    reach = max(1, tall // 2)
    density = np.convolve(rows, np.ones(2 * reach + 1, np.int64), mode="same")
    found = []
    y, end = 0, len(density)
    while y < end:
        if density[y] < MISSED_MIN_LETTERS:
            y += 1
            continue
        top = y
        while y < end and density[y] >= MISSED_MIN_LETTERS:
            y += 1
        centre = (top + y) / 2
        row = letters[np.abs(middles - centre) <= 0.6 * tall]
        if len(row) >= MISSED_MIN_LETTERS:
            x0, y0 = int(row[:, 0].min()), int(row[:, 1].min())
            x1, y1 = int((row[:, 0] + row[:, 2]).max()), int((row[:, 1] + row[:, 3]).max())
            found.append((x0, y0, x1, y1))
    return found[:REREAD_MAX_LINES]


def _components_in_bands(ink: np.ndarray, min_rows: int) -> np.ndarray:
    """The stats rows (x, y, w, h, area) of `ink`'s 8-connected components, found band by band:
    a component never crosses a row without ink, so each run of inked rows is labelled on its
    own, and runs lower than `min_rows` (no letter fits) are skipped. With the words' boxes
    blanked most of a page's rows are empty, and the labelling (the check's main cost, ~80 ms
    on a whole 300 dpi A4 page) only sees what is left."""
    inked = np.count_nonzero(ink, axis=1) > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([False], inked, [False])).astype(np.int8)))
    found = []
    for top, bottom in zip(edges[::2], edges[1::2], strict=True):
        if bottom - top < min_rows:
            continue
        count, _, stats, _ = cv2.connectedComponentsWithStats(ink[top:bottom], connectivity=8)
        if count > 1:
            stats = stats[1:].copy()
            stats[:, 1] += top
            found.append(stats)
    return np.concatenate(found) if found else np.zeros((0, 5), np.int32)


def read_missed_lines(
    image: np.ndarray, words: list[Word], read: Callable[[np.ndarray], list[Word]]
) -> list[Word]:
    """`words` with the lines Tesseract left out (`missed_lines`) read on their own, cut out and
    stacked in one strip (one more tesseract call, on pages that have such lines only). A cut's
    words are kept when they are text (REREAD_MIN_CHARS characters of valid syllables and
    numbers, confidence at least REREAD_CONFIDENCE) and not on a line already read."""
    if not _sure_enough_to_reread(words):
        return words  # (checked first: it costs less than looking for the lines)
    boxes = missed_lines(image, words)
    if not boxes:
        return words
    height, width = image.shape[:2]
    cuts = []
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        m = max(2, round(LINE_MARGIN * (y1 - y0)))
        cuts.append((k, max(0, x0 - m), max(0, y0 - m), min(width, x1 + m), min(height, y1 + m)))
    old = [w.box for w in words]
    added: list[Word] = []
    for k, got in _read_cuts(image, cuts, read):
        got = [w for w in got if not any(_inside(w.box, b) for b in old)]
        valid, conf = _line_score(got)
        if valid >= REREAD_MIN_CHARS and conf >= REREAD_CONFIDENCE:
            added.extend(replace(w, line=hash(("missed", k, w.line))) for w in got)
    return words + added if added else words


def _read_cuts(
    image: np.ndarray,
    cuts: list[tuple[int, int, int, int, int]],
    read: Callable[[np.ndarray], list[Word]],
) -> list[tuple[int, list[Word]]]:
    """(key, words in `image` pixels) of each cut (key, x0, y0, x1, y1), the cuts read stacked
    one under the other in a white strip by one call of `read`."""
    gap = max(8, round(STRIP_GAP * max(c[4] - c[2] for c in cuts)))
    strip_w = max(c[3] - c[1] for c in cuts) + 2 * gap
    strip_h = sum(c[4] - c[2] for c in cuts) + gap * (len(cuts) + 1)
    strip = np.full((strip_h, strip_w) + image.shape[2:], 255, np.uint8)
    tops = []
    y = gap
    for _, x0, y0, x1, y1 in cuts:
        strip[y : y + y1 - y0, gap : gap + x1 - x0] = image[y0:y1, x0:x1]
        tops.append(y)
        y += y1 - y0 + gap
    second = read(strip)
    out = []
    for (k, x0, y0, _, y1), top in zip(cuts, tops, strict=True):
        got = []
        for w in second:
            cy = (w.box[1] + w.box[3]) / 2
            if top <= cy < top + (y1 - y0):
                dx, dy = x0 - gap, y0 - top
                got.append(
                    replace(w, box=(w.box[0] + dx, w.box[1] + dy, w.box[2] + dx, w.box[3] + dy))
                )
        out.append((k, got))
    return out


def _inside(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> bool:
    """True when the centre of `box` lies within `other`."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return other[0] <= cx <= other[2] and other[1] <= cy <= other[3]


def _rescaled(word: Word, scale: float, width: int, height: int) -> Word:
    x0, y0, x1, y1 = word.box
    box = (
        int(x0 * scale),
        int(y0 * scale),
        min(width, int(round(x1 * scale))),
        min(height, int(round(y1 * scale))),
    )
    return replace(word, box=box)


def finish_words(
    words: list[Word],
    width: int,
    height: int,
    *,
    order: str = "layout",
    correct: bool = DEFAULT_CORRECT,
    drop_garbage: bool = True,
) -> Recognition:
    """Tesseract's words -> cleaned, ordered, corrected words and the page text."""
    if drop_garbage:
        words = [w for w in (strip_leaders(w) for w in words) if w and not is_garbage(w)]
    lines = group_lines(words)
    if drop_garbage:
        lines = drop_noise(lines)
    blocks = order_lines(lines, width) if order == "layout" else [[[ln]] for ln in lines]
    ordered = _number(blocks)
    if correct:
        ordered = apply_correction(ordered)
    ordered = [w for w in (_normalise(w) for w in ordered) if w.text]
    return Recognition(
        words=ordered,
        text=words_text(ordered),
        mean_confidence=mean_confidence(ordered),
        width=width,
        height=height,
    )


def parse_tsv(tsv: str) -> list[Word]:
    """Tesseract TSV -> words (level 5) with block/line ids unique over the page."""
    words: list[Word] = []
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        return words
    col = {name: i for i, name in enumerate(header)}
    for row in reader:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        text = unicodedata.normalize("NFC", row[col["text"]]).strip()
        conf = float(row[col["conf"]])
        if not text or conf < 0:
            continue
        x, y = int(row[col["left"]]), int(row[col["top"]])
        w, h = int(row[col["width"]]), int(row[col["height"]])
        block = int(row[col["block_num"]])
        line_key = (block, int(row[col["par_num"]]), int(row[col["line_num"]]))
        words.append(
            Word(
                text=text,
                confidence=round(conf / 100.0, 4),
                box=(x, y, x + w, y + h),
                block=block,
                line=hash(line_key),
            )
        )
    return words


# A dot leader or form rule as Tesseract reads it: a run of four or more dots, dashes, rule
# strokes (with the colons and commas it mixes in) holding at least three dots or strokes.
# "..." (an ellipsis) and "1.-" stay; "Quang.........." loses its leader, "::......" is a colon.
_LEADER = re.compile(r"[.…·_‒–—―\-:;,'`]{4,}")
_LEADER_MARKS = re.compile(r"[.…·_‒–—―]")


def strip_leaders(word: Word) -> Word | None:
    """`word` without the dot leader or rule run at its start or end (its box shrunk to what
    is left), or None when it is all leader. A form's dotted leaders are no text: the truth of
    'Họ và tên: ......' is 'Họ và tên:', and a value typed on the dots keeps its letters."""
    word = _without_bars(word)
    if word is None:
        return None
    text = word.text
    runs = [m for m in _LEADER.finditer(text) if len(_LEADER_MARKS.findall(m.group())) >= 3]
    if not runs:
        return word
    start, end = 0, len(text)
    if runs[-1].end() == len(text):
        end = runs[-1].start() + (text[runs[-1].start()] == ":")
    if runs[0].start() == 0:
        start = runs[0].end() if runs[0].end() < end else end
    kept = text[start:end]
    if not any(ch.isalnum() for ch in kept):
        return None
    if kept == text:
        return word
    x0, y0, x1, y1 = word.box
    per_char = (x1 - x0) / len(text)
    box = (round(x0 + start * per_char), y0, round(x0 + end * per_char), y1)
    return replace(word, text=kept, box=box)


def _without_bars(word: Word) -> Word | None:
    """`word` without a table's vertical rules read as '|' at its ends ('|QCVN', '|s93 |');
    None when it is one (or one read as 'Ì'). No administrative text has a '|'."""
    text = word.text
    if text in _BAR_WORDS:
        return None
    kept = text.strip(_BARS)
    if kept == text:
        return word
    if not kept:
        return None
    x0, y0, x1, y1 = word.box
    per_char = (x1 - x0) / len(text)
    start = len(text) - len(text.lstrip(_BARS))
    end = start + len(kept)
    box = (round(x0 + start * per_char), y0, round(x0 + end * per_char), y1)
    return replace(word, text=kept, box=box)


_BARS = "|¦"
# a rule on its own read as a letter or a slash: never a word of a Vietnamese text (training
# families seed 7: 10 in what was read, none in the truth)
_BAR_WORDS = frozenset(("Ì", "Ỉ", "\\"))


def is_garbage(word: Word) -> bool:
    """Low-confidence words with no letter or digit: seal rings, signature strokes, specks; and
    at any confidence a lone accent with no letter ('ˆ', '`'): a speck read as a mark, which
    no text has on its own (in a header's gutter it joined the two columns into one line)."""
    if _lone_accent(word.text):
        return True
    if word.confidence >= GARBAGE_CONFIDENCE:
        return False
    return not any(ch.isalnum() for ch in word.text)


def _lone_accent(text: str) -> bool:
    """A modifier letter or symbol ('ˆ', '`', '^'), with punctuation at most, and no letter."""
    cats = [unicodedata.category(ch) for ch in text]
    has_mark = any(c in ("Lm", "Sk") for c in cats)
    return has_mark and all(c in ("Lm", "Sk") or c[0] in "PS" for c in cats)


def is_garbage_word(word: Word) -> bool:
    """A word Tesseract barely believes that is neither a Vietnamese syllable nor a number."""
    if word.confidence >= JUNK_WORD_CONFIDENCE:
        return False
    core = word.text.strip(".,;:!?()[]\"'“”-")
    if core.replace(".", "").replace(",", "").isdigit():
        return False
    if _CODE_LIKE.fullmatch(core) and sum(ch.isdigit() for ch in core) >= 2:
        return False  # a code ("18/ĐK", "123/QĐ-UBND"): Tesseract doubts small italic codes it
    return not _is_syllable(core)  # reads right, and the fields need them


_CODE_LIKE = re.compile(r"[^\W_]+(?:[/.,:-][^\W_]+)*")  # letters and digits between separators


def _is_syllable(text: str) -> bool:
    try:
        from ocr.vietnamese import is_valid_syllable
    except ImportError:
        return text.isalpha()
    return bool(text) and is_valid_syllable(text.lower())


def drop_noise(lines: list[_Line]) -> list[_Line]:
    """Segments made only of words Tesseract doubts (signatures, seals) and junk words."""
    kept: list[_Line] = []
    for line in lines:
        segments = _split_at_gaps(line)
        doubted = [_doubted(seg) for seg in segments]
        sure = [k for k, d in enumerate(doubted) if not d]
        for k, seg in enumerate(segments):
            if doubted[k] and not _table_cell(seg, k, sure):
                continue
            words = [w for w in seg.words if not is_garbage_word(w)]
            if words:
                kept.append(_Line(words, seg.rank))
    return kept


def _doubted(seg: _Line) -> bool:
    """A short segment whose every word Tesseract doubts (a signature, a seal's ring, specks)."""
    return len(seg.words) <= NOISE_SEGMENT_WORDS and all(
        w.confidence < NOISE_SEGMENT_CONFIDENCE for w in seg.words
    )


def _table_cell(seg: _Line, k: int, sure: list[int]) -> bool:
    """A doubted segment `k` of a Tesseract line is a table cell when surely read segments of
    the line lie on both sides of it and the line has TABLE_CELLS of them ('1 | H2S | mg/Nm³ |
    3,9': a unit or formula Tesseract doubts is text): a signature row holds two names only."""
    has_text = any(ch.isalnum() for w in seg.words for ch in w.text)
    return has_text and len(sure) >= TABLE_CELLS and sure[0] < k < sure[-1]


def group_lines(words: list[Word]) -> list[_Line]:
    """Tesseract's lines, in its order."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return [
        _Line(sorted(ws, key=lambda w: w.box[0]), (k, 0)) for k, ws in enumerate(lines.values())
    ]


Row = list[_Line]  # segments side by side, left to right
Block = list[Row]


def order_lines(lines: list[_Line], page_width: int) -> list[Block]:
    """Reading order: blocks of rows of line segments, top to bottom.

    Segments: Tesseract lines cut where the gap between words is wider than GAP_SPLIT line
    heights. Rows: segments whose vertical extents overlap, read left to right (body lines,
    table rows). Two-column zones -- the national header at the top of the page and the signature
    block at its foot -- are read left column then right column: a zone starts at a row of two
    segments and goes on while rows keep to their side of a common gutter; it counts when it
    touches the first or the last rows of the page, or inside the page when it is laid out as a
    signature block (`_signature_zone`; otherwise two segments there are a table row or
    'label: value   label: value').
    """
    segments = _join_broken([seg for line in lines for seg in _split_at_gaps(line)])
    rows = _rows(segments)
    blocks: list[tuple[str, Block]] = []  # (kind, rows): kind "rows" or "column"

    def add_rows(new: list[Row]) -> None:
        if blocks and blocks[-1][0] == "rows":
            blocks[-1][1].extend(new)
        else:
            blocks.append(("rows", list(new)))

    middle_x = (
        (min(s.box[0] for s in segments) + max(s.box[2] for s in segments)) / 2 if segments else 0.0
    )
    i = 0
    while i < len(rows):
        end, gutter = _zone(rows, i, middle_x)
        two_columns = end - i >= 2
        at_top = i < EDGE_ROWS
        at_foot = (
            two_columns and end >= len(rows) - EDGE_ROWS and _gap_in_lines(rows[i]) >= FOOT_GUTTER
        )
        mid_page = two_columns and not (at_top or at_foot) and _signature_zone(rows[i:end])
        if two_columns and (at_top or at_foot or mid_page):
            middle = (gutter[0] + gutter[1]) / 2
            zone = [s for r in rows[i:end] for s in r]
            # each column's own rows: a tall line of one column no longer binds two lines of
            # the other into one row
            left = _rows([s for s in zone if _center_x(s) < middle])
            right = _rows([s for s in zone if _center_x(s) >= middle])
            blocks.extend(("column", b) for b in (left, right) if b)
            i = end
        else:
            add_rows([rows[i]])
            i += 1
    return [b for _, b in blocks]


def _zone(rows: list[Row], start: int, middle_x: float = -1e9) -> tuple[int, list[float]]:
    """End (exclusive) and gutter of the two-column zone starting at rows[start] (end=start if
    rows[start] is not two segments); `middle_x` is the middle of the page's text."""
    row = rows[start]
    if len(row) != 2 or row[1].box[0] <= row[0].box[2]:
        return start, [0.0, 0.0]
    zone = _Zone([float(row[0].box[2]), float(row[1].box[0])], _span(row[0]), _span(row[1]))
    zone.middle_x = middle_x
    end = start + 1
    while end < len(rows) and zone.take(rows[end]):
        end += 1
    return end, zone.gutter


GAP_SPLIT = 1.0  # word gap, in line heights, that separates two columns on one Tesseract line
MIN_GUTTER = 8  # px
AFTER_NEAR, AFTER_FAR = 1.5, 3.0  # line heights (see _comes_after)
PAGE_MIDDLE = 0.05  # a line centred this close to the text's middle (share of its width)
EDGE_ROWS = 1  # a two-column zone must start in the first row(s) or end in the last row(s)
# ... and one that ends the page (a signature block) starts with a row whose two parts are this
# many line heights apart: signature columns on the training families start 5.8-9.2 apart; a
# body line with a gap where a word was lost (1.1-1.7) is no column (bench/ocr.py families).
FOOT_GUTTER = 3.0
# A signature block inside the page (a contract's parties above the notary's attestation) is
# read column by column when it is this many rows and each column's lines are centred within
# CENTRED line heights of each other (see `_signature_zone`).
MID_ZONE_ROWS = 3
CENTRED = 2.0


def _signature_zone(rows: list[Row]) -> bool:
    """A two-column zone inside the page that is a signature block all the same (a contract's
    parties sign above the notary's attestation): its columns start FOOT_GUTTER line heights
    apart, it is MID_ZONE_ROWS rows or more, and each column's lines are centred on one axis
    (a party's title, "(Ký, ghi rõ họ tên)", the name) -- a table's or a form's cells line up
    on their left edges."""
    if len(rows) < MID_ZONE_ROWS or _gap_in_lines(rows[0]) < FOOT_GUTTER:
        return False
    middle = (rows[0][0].box[2] + rows[0][1].box[0]) / 2
    zone = [s for r in rows for s in r]
    return all(
        _centred([s for s in zone if (_center_x(s) < middle) == left]) for left in (True, False)
    )


def _centred(column: list[_Line]) -> bool:
    """Lines of one column centred on a common axis, not aligned on their left edges."""
    if len(column) < 2:
        return False
    centres = [_center_x(s) for s in column]
    lefts = [s.box[0] for s in column]
    height = statistics.median(s.box[3] - s.box[1] for s in column)
    spread = max(centres) - min(centres)
    return spread <= CENTRED * height and spread < max(lefts) - min(lefts)


def _gap_in_lines(row: Row) -> float:
    """The gap between a row's first two segments, in line heights."""
    height = max(1, min(s.box[3] - s.box[1] for s in row[:2]))
    return (row[1].box[0] - row[0].box[2]) / height


def _span(seg: _Line) -> list[float]:
    """A column's extent: [left, right, bottom]."""
    return [float(seg.box[0]), float(seg.box[2]), float(seg.box[3])]


@dataclass
class _Zone:
    """A two-column zone being grown row by row: the gutter and each column's extent."""

    gutter: list[float]
    left: list[float]
    right: list[float]
    middle_x: float = -1e9  # the middle of the page's text: a line centred on it is no column's

    def take(self, row: Row) -> bool:
        """Add `row` if it keeps to the columns (narrowing the gutter); False ends the zone.

        A row of several segments splits at the widest gap left of which everything ends
        before the gutter and right of which everything starts after it, each side's segments
        one over the other (a seal over the signature makes one column's lines tall, so a row
        may hold two lines of one column and specks; side by side, they are a table row); all
        of a row on one side must sit under that column, like a lone line."""
        g0, g1 = self.gutter
        best: tuple[float, float, int] | None = None
        for k in range(1, len(row)):
            if not (_one_column(row[:k]) and _one_column(row[k:])):
                continue  # side by side on one side: a table row
            a = max(g0, *(s.box[2] for s in row[:k]))
            b = min(g1, *(s.box[0] for s in row[k:]))
            if b - a >= MIN_GUTTER and (best is None or b - a > best[1] - best[0]):
                best = (a, b, k)
        if best is not None:
            a, b, k = best
            self.gutter = [a, b]
            for seg in row[:k]:
                self._widen(self.left, seg)
            for seg in row[k:]:
                self._widen(self.right, seg)
            return True
        if not row:
            return False
        seg = _Line([w for s in row for w in s.words]) if len(row) > 1 else row[0]
        x0, _, x1, _ = seg.box
        centre = (x0 + x1) / 2
        # a lone line belongs to a column if it stays clear of the gutter and sits under that
        # column (a centred title between the columns ends the zone, and so does a line centred
        # on the page: a column's lines are centred on the column)
        if abs(centre - self.middle_x) < PAGE_MIDDLE * (self.right[1] - self.left[0]):
            return False
        if x1 <= g1 - MIN_GUTTER and self.left[0] <= centre <= self.left[1]:
            if _comes_after(seg, self.left, self.right):
                return False
            self.gutter[0] = max(g0, x1)
            self._widen(self.left, seg)
            return True
        if x0 >= g0 + MIN_GUTTER and self.right[0] <= centre <= self.right[1]:
            if _comes_after(seg, self.right, self.left):
                return False
            self.gutter[1] = min(g1, x0)
            self._widen(self.right, seg)
            return True
        return False

    @staticmethod
    def _widen(extent: list[float], seg: _Line) -> None:
        extent[0], extent[1] = min(extent[0], seg.box[0]), max(extent[1], seg.box[2])
        extent[2] = max(extent[2], seg.box[3])


def _comes_after(seg: _Line, own: list[float], other: list[float]) -> bool:
    """True when a lone line under one column follows the other column's last line closely but
    its own column's last line from far ('Số phát hành' under a certificate's signature): it
    comes after the zone. A signer's name, after the room left for the signature, does not."""
    top, height = seg.box[1], max(1, seg.box[3] - seg.box[1])
    below_other = top - other[2]
    return 0 <= below_other < AFTER_NEAR * height and top - own[2] > AFTER_FAR * height


BROKEN_OVERLAP = 0.5  # vertical overlap (share of the lower height) of a line's two pieces


def _join_broken(segments: list[_Line]) -> list[_Line]:
    """Segments that continue one another on the same text line, rejoined: on a slanted or
    curved photo Tesseract cuts a line into pieces a little above or below each other, and read
    as rows the pieces of two lines interleave. A piece continues another when it starts within
    a word gap of its end and they overlap vertically by half a line."""
    chains: list[list[_Line]] = []
    ends: list[tuple[int, int, int, int]] = []  # box of each chain's last piece
    for box, seg in sorted(((s.box, s) for s in segments), key=lambda bs: bs[0][0]):
        best, best_overlap = -1, 0.0
        for k, last in enumerate(ends):
            height = min(last[3] - last[1], box[3] - box[1])
            if not 0 <= box[0] - last[2] <= max(GAP_SPLIT * height, 20):
                continue
            overlap = min(last[3], box[3]) - max(last[1], box[1])
            if overlap >= BROKEN_OVERLAP * max(height, 1) and overlap > best_overlap:
                best, best_overlap = k, overlap
        if best < 0:
            chains.append([seg])
            ends.append(box)
        else:
            chains[best].append(seg)
            ends[best] = box
    if len(chains) == len(segments):
        return segments
    joined = [
        _Line([w for s in chain for w in s.words], min(s.rank for s in chain)) for chain in chains
    ]
    return sorted(joined, key=lambda s: s.rank)


def _one_column(segments: Row) -> bool:
    """True when the segments all share some x extent (lines of one column, specks on them)."""
    return min(s.box[2] for s in segments) > max(s.box[0] for s in segments)


def _split_at_gaps(line: _Line) -> list[_Line]:
    x0, y0, x1, y1 = line.box
    limit = max(GAP_SPLIT * (y1 - y0), 20)
    parts: list[list[Word]] = [[line.words[0]]]
    for prev, word in zip(line.words, line.words[1:], strict=False):
        if word.box[0] - prev.box[2] > limit:
            parts.append([])
        parts[-1].append(word)
    return [_Line(p, (line.rank[0], line.rank[1] + k)) for k, p in enumerate(parts)]


def _rows(segments: list[_Line]) -> list[list[_Line]]:
    """Group segments into rows by vertical overlap, rows top to bottom, segments left to right."""
    rows: list[tuple[list[int], list[_Line]]] = []  # ([top, bottom], segments)
    for seg in sorted(segments, key=lambda s: (s.box[1] + s.box[3]) / 2):
        _, top, _, bottom = seg.box
        if rows:
            extent, members = rows[-1]
            overlap = min(bottom, extent[1]) - max(top, extent[0])
            if overlap > 0.5 * min(bottom - top, extent[1] - extent[0]):
                members.append(seg)
                extent[0], extent[1] = min(extent[0], top), max(extent[1], bottom)
                continue
        rows.append(([top, bottom], [seg]))
    return [row for _, members in rows for row in _row_order(members)]


STACKED_OVERLAP = 0.5  # x overlap, as a share of the narrower segment, of two stacked lines
STACKED_MIN_LENGTH = 6  # line heights: shorter segments never count as a stacked line


def _row_order(members: list[_Line]) -> list[list[_Line]]:
    """One row's segments left to right; but when two of them are stacked (one over the other:
    on a curved or slanted phone photo consecutive lines overlap vertically), one row per
    Tesseract line, in Tesseract's order, which follows the baselines (left to right
    interleaved the two lines)."""
    if not any(_stacked(a, b) for i, a in enumerate(members) for b in members[i + 1 :]):
        return [sorted(members, key=lambda s: s.box[0])]
    lines: dict[int, list[_Line]] = {}
    for seg in sorted(members, key=lambda s: s.rank):
        lines.setdefault(seg.rank[0], []).append(seg)
    return [sorted(line, key=lambda s: s.box[0]) for line in lines.values()]


def _stacked(a: _Line, b: _Line) -> bool:
    """True when `a` and `b` are two text lines one over the other: both long (a speck or a
    word fragment inside a line's box is no line) and sharing much of their x extent."""
    narrower = min(a.box[2] - a.box[0], b.box[2] - b.box[0])
    height = min(a.box[3] - a.box[1], b.box[3] - b.box[1])
    if narrower < STACKED_MIN_LENGTH * max(height, 1):
        return False
    overlap = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    return overlap > STACKED_OVERLAP * narrower


def _center_x(seg: _Line) -> float:
    return (seg.box[0] + seg.box[2]) / 2


def _number(blocks: list[Block]) -> list[Word]:
    """Flatten blocks to words, numbering blocks and lines (= rows) 1.. in reading order."""
    words: list[Word] = []
    line_no = 0
    for block_no, block in enumerate(blocks, start=1):
        for row in block:
            line_no += 1
            for seg in row:
                for word in seg.words:
                    words.append(
                        Word(word.text, word.confidence, word.box, block=block_no, line=line_no)
                    )
    return words


# Letters Tesseract's Vietnamese model emits that Vietnamese never uses, and what was printed.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ"})
# The superscript of "m²"/"m³" is read as a caret, degree sign, quote or digit. Per day/year
# it is a volume (wastewater m³/ngày), otherwise an area.
_UNIT = re.compile(r"^m[\u02c6^\u00b2\u00b3\u00b0\u201d\"'23](/\w+)?([.,;:)]?)$")


def _normalise(word: Word) -> Word:
    text = word.text.translate(_LOOKALIKES)
    unit = _UNIT.match(text)
    if unit:
        text = ("m³" if unit.group(1) else "m²") + (unit.group(1) or "") + unit.group(2)
    if text == word.text:
        return word
    return Word(text, word.confidence, word.box, word.block, word.line)


def apply_correction(words: list[Word]) -> list[Word]:
    """Vietnamese post-correction (ocr.vietnamese), when that module is present."""
    try:
        from ocr.vietnamese import correct_words
    except ImportError:
        return words
    fixed = correct_words([(w.text, w.confidence) for w in words])
    return [
        Word(text, w.confidence, w.box, w.block, w.line)
        for w, text in zip(words, fixed, strict=True)
        if text
    ]


def words_text(words: list[Word]) -> str:
    """Lines joined by newlines, blocks separated by a blank line."""
    out: list[str] = []
    prev: Word | None = None
    for word in words:
        if prev is not None:
            if word.block != prev.block:
                out.append("\n\n")
            elif word.line != prev.line:
                out.append("\n")
            else:
                out.append(" ")
        out.append(word.text)
        prev = word
    return "".join(out)


def mean_confidence(words: list[Word]) -> float:
    """Word-length-weighted mean confidence in 0..1 (0 for a page without words)."""
    total = sum(len(w.text) for w in words)
    if not total:
        return 0.0
    return round(sum(w.confidence * len(w.text) for w in words) / total, 4)


def _union(boxes) -> tuple[int, int, int, int]:
    arr = np.array(list(boxes))
    return int(arr[:, 0].min()), int(arr[:, 1].min()), int(arr[:, 2].max()), int(arr[:, 3].max())
