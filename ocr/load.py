"""Open a scan (PDF, TIFF, JPEG/PNG, folder of page images) and load one page at a time.

`open_source` only reads headers, so it is cheap; a worker process calls
`open_source(path).load_page(i)` itself and decodes just that page, which keeps memory flat on a
500-page PDF. Every page comes back as a BGR uint8 array with the resolution it was scanned at.
Unreadable inputs raise `BadInput("<file>: <reason>")` so the caller can quarantine them.

Budgets (`Limits`): a file-size and page-count limit when opening; per page a pixel budget (a
bigger page is decoded, then downscaled to it) and a decode limit checked on the header before
any pixel is decoded (a decompression bomb is refused, never allocated). A PDF page's size comes
from its MediaBox: its render resolution is lowered to fit the budget, and the page refused when
even 50 dpi would not. pdftoppm runs with an address-space limit and a time limit.
A symbolic link is never opened: what it points at may lie anywhere on the machine.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import resource
import subprocess
import threading
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from ocr.errors import BadInput, MissingDependency

DEFAULT_DPI = 300
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".jp2"})
A4_LONG_INCHES = 11.69
MAX_RENDER_DPI = 600  # a PDF image scanned finer than this is rendered at 600 dpi
MIN_RENDER_DPI = 72
EXIF_ORIENTATION = 0x0112

MIN_BUDGET_DPI = 50  # a PDF page that fits the pixel budget only below this is refused
LINK_REASON = "liên kết trỏ ra ngoài hộp thư (link points outside the inbox)"
# Pillow's own bomb check is replaced by ours (`Limits`, checked on every header before decoding),
# which names the size and the limit and is configurable.
Image.MAX_IMAGE_PIXELS = None


@dataclass(frozen=True)
class Limits:
    """What one input and one page may cost. Defaults keep one page process under ~500 MB
    (measured in tests/test_hostile.py): a 30 Mpx page is an A4 at 550 dpi or an A3 at 390."""

    max_page_pixels: int = 30_000_000  # bigger pages are downscaled to this
    max_decode_pixels: int = 60_000_000  # bigger images are refused before decoding
    max_pages: int = 2000
    max_file_bytes: int = 2 * 1024**3
    render_seconds: float = 300.0  # pdftoppm, per page
    render_memory_bytes: int = 1536 * 1024**2  # pdftoppm's address space


@dataclass
class LoadedPage:
    index: int  # 0-based
    image: np.ndarray  # BGR uint8
    dpi: int
    embedded_text: str | None = None  # the PDF's own text layer for this page, if it has one


@dataclass
class Source:
    """An opened input. Holds only paths and counts, so it pickles cheaply to worker processes."""

    path: Path
    kind: str  # "pdf" | "tiff" | "image" | "folder"
    page_count: int
    files: list[Path] = field(default_factory=list)  # folder pages, in natural name order
    limits: Limits = field(default_factory=Limits)

    def load_page(self, index: int) -> LoadedPage:
        if not 0 <= index < self.page_count:
            last = self.page_count - 1
            raise IndexError(f"{self.path.name}: page index {index} outside 0..{last}")
        if self.kind == "pdf":
            return _load_pdf_page(self.path, index, self.limits)
        if self.kind == "folder":
            image, dpi = _decode_image_file(self.files[index], 0, self.limits)
            return LoadedPage(index, image, dpi)
        image, dpi = _decode_image_file(self.path, index, self.limits)
        return LoadedPage(index, image, dpi)


# ---------------------------------------------------------------------------------------------
# hashing


def sha256_of(path: Path) -> str:
    """A file's sha256; a folder's is the sha256 of its page files' hex digests, in name order."""
    path = Path(path)
    _refuse_link(path)
    if path.is_dir():
        digests = [_file_sha256(p) for p in sorted(_page_files(path), key=lambda p: p.name)]
        return hashlib.sha256("\n".join(digests).encode()).hexdigest()
    return _file_sha256(path)


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise BadInput(f"{path.name}: {LINK_REASON}")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# opening


def open_source(path: Path, limits: Limits | None = None) -> Source:
    """Identify the input by its content (not its name) and count its pages, or raise BadInput."""
    path = Path(path)
    limits = limits or Limits()
    _refuse_link(path)
    if path.is_dir():
        return _counted(_open_folder(path, limits), limits)
    if not path.is_file():
        raise BadInput(f"{path.name}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise BadInput(f"{path.name}: empty file")
    if size > limits.max_file_bytes:
        raise BadInput(
            f"{path.name}: file of {size / 1024**2:.0f} MB over the "
            f"{limits.max_file_bytes / 1024**2:.0f} MB limit"
        )
    with path.open("rb") as f:
        head = f.read(1024)
    kind = _sniff(head)
    if kind == "pdf":
        return _counted(Source(path, "pdf", _pdf_page_count(path), limits=limits), limits)
    if path.suffix.lower() == ".pdf":
        what = "a text file" if _looks_like_text(head) else "not a PDF"
        raise BadInput(f"{path.name}: named .pdf but {what} (no %PDF header)")
    if kind is None:
        what = "a text file" if _looks_like_text(head) else f"'{path.suffix or 'no suffix'}'"
        raise BadInput(f"{path.name}: unsupported file type ({what})")
    count = _image_frame_count(path, limits)
    kind = "tiff" if kind == "tiff" else "image"
    return _counted(Source(path, kind, count, limits=limits), limits)


def _counted(source: Source, limits: Limits) -> Source:
    if source.page_count > limits.max_pages:
        raise BadInput(
            f"{source.path.name}: {source.page_count} pages, over the {limits.max_pages}-page limit"
        )
    return source


def _sniff(head: bytes) -> str | None:
    if b"%PDF-" in head:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:3] == b"\xff\xd8\xff" or head[:8] == b"\x89PNG\r\n\x1a\n" or head[:2] == b"BM":
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51":
        return "image"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def _open_folder(path: Path, limits: Limits) -> Source:
    files = sorted(_page_files(path), key=_natural_key)
    if not files:
        raise BadInput(f"{path.name}: folder without page images")
    return Source(path, "folder", len(files), files, limits)


def _page_files(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.iterdir()
        if not p.is_symlink()
        and p.is_file()
        and not p.name.startswith(".")
        and p.suffix.lower() in IMAGE_SUFFIXES
    ]


def _natural_key(path: Path) -> list[object]:
    """'page2' before 'page10': digit runs compare as numbers."""
    parts = re.split(r"(\d+)", path.name.lower())
    return [int(p) if p.isdigit() else p for p in parts]


def _image_frame_count(path: Path, limits: Limits) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                _check_decode_budget(path, img, limits, _reduction(img, limits.max_page_pixels))
                count = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError as exc:
        raise BadInput(f"{path.name}: refused before decoding ({_short(exc)})") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise BadInput(f"{path.name}: unreadable image ({_short(exc)})") from exc
    if count < 1:
        raise BadInput(f"{path.name}: zero pages")
    return count


# ---------------------------------------------------------------------------------------------
# PDF


def _pdf_page_count(path: Path) -> int:
    import pikepdf

    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 2048))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise BadInput(f"{path.name}: truncated PDF (no %%EOF at the end)")
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise BadInput(f"{path.name}: encrypted PDF (password required)") from exc
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError) as exc:
        raise BadInput(f"{path.name}: corrupt PDF ({_short(exc)})") from exc
    if count == 0:
        raise BadInput(f"{path.name}: PDF with zero pages")
    return count


def _load_pdf_page(path: Path, index: int, limits: Limits) -> LoadedPage:
    facts = _pdf_page_facts(path, index)
    dpi = _budget_dpi(path, index, facts, limits)
    image = _render_pdf_page(path, index, dpi, facts, limits)
    text = _pdf_page_text(path, index) if facts.has_fonts else None
    return LoadedPage(index, image, dpi, text)


def _budget_dpi(path: Path, index: int, facts: _PageFacts, limits: Limits) -> int:
    """The page's render dpi, lowered so the page fits the pixel budget; refused when even
    MIN_BUDGET_DPI would not fit, or when an image on it is a decompression bomb."""
    where = f"{path.name}: page {index + 1}"
    for px_w, px_h in facts.image_sizes:
        if px_w * px_h > limits.max_decode_pixels:
            raise BadInput(
                f"{where} holds a {px_w}×{px_h} px image, over the "
                f"{limits.max_decode_pixels // 1_000_000} Mpx limit (refused before decoding)"
            )
    area = facts.width_in * facts.height_in
    if area <= 0 or facts.dpi**2 * area <= limits.max_page_pixels:
        return facts.dpi
    fit = math.floor(math.sqrt(limits.max_page_pixels / area))
    if fit < MIN_BUDGET_DPI:
        raise BadInput(
            f"{where} is {facts.width_in * 2.54:.0f}×{facts.height_in * 2.54:.0f} cm, too large "
            f"to render within the {limits.max_page_pixels // 1_000_000} Mpx page budget"
        )
    return fit


def _render_pdf_page(
    path: Path, index: int, dpi: int, facts: _PageFacts, limits: Limits
) -> np.ndarray:
    """One page through pdftoppm as BGR, with a time and an address-space limit. Its PPM is
    read from the pipe straight into the page array, converted in place: one page-sized buffer,
    where bytes, a Pillow image and two array copies were four (a 300 dpi A4: ~100 -> ~26 MB).

    Called directly rather than through pdf2image, which runs pdfinfo before every page.
    """
    page = str(index + 1)
    where = f"{path.name}: page {index + 1}"
    command = ["pdftoppm", "-r", str(dpi), "-f", page, "-l", page, str(path)]
    expected = (facts.width_in * dpi, facts.height_in * dpi)
    try:
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_memory_cap(limits.render_memory_bytes),
        )
    except FileNotFoundError as exc:
        raise MissingDependency("poppler-utils (pdftoppm) is not installed") from exc
    with _Rendering(proc, limits.render_seconds) as rendering:
        try:
            image = _read_ppm(proc.stdout, where, expected)
        except _NotPpm as exc:  # not pdftoppm's usual P6: Pillow reads whatever it is
            image = _decode_whole(exc.head + proc.stdout.read(), where, expected)
    if rendering.expired:
        raise BadInput(f"{where}: pdftoppm took over {limits.render_seconds:.0f} s")
    if proc.returncode != 0 or image is None:
        reason = _short(RuntimeError(rendering.stderr.decode("utf-8", errors="replace")))
        raise BadInput(f"{where}: pdftoppm cannot render it ({reason})")
    return image


class _Rendering:
    """A running pdftoppm: its stderr drained by a thread (a hostile PDF's warnings must not
    fill the pipe), killed after `seconds`, reaped on exit whatever happened."""

    def __init__(self, proc: subprocess.Popen[bytes], seconds: float):
        self.proc, self.expired, self.stderr = proc, False, b""
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._timer = threading.Timer(seconds, self._expire)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def _expire(self) -> None:
        self.expired = True
        self.proc.kill()

    def __enter__(self) -> _Rendering:
        self._drain.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.proc.poll() is None:
            self.proc.kill()  # our side failed (a page time limit): stop rendering
        try:
            assert self.proc.stdout is not None
            while self.proc.stdout.read(1 << 16):  # anything after the page: not ours to keep
                pass
            self.proc.wait()
        finally:
            self._timer.cancel()
            self._drain.join()
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


class _NotPpm(Exception):
    def __init__(self, head: bytes):
        self.head = head


_PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+255\s")


def _read_ppm(stream, where: str, expected: tuple[float, float]) -> np.ndarray | None:
    """A binary 8-bit PPM (P6) from `stream` into a BGR array; None when the stream is empty.
    Its size is checked against the page's (`expected`) before anything is allocated."""
    head = b""
    while True:
        chunk = stream.read1(64) if hasattr(stream, "read1") else stream.read(64)
        head += chunk
        match = _PPM_HEADER.match(head)
        if match or not chunk or len(head) > 64 or not b"P6".startswith(head[:2]):
            break
    if not head:
        return None
    if match is None:
        raise _NotPpm(head)
    width, height = int(match.group(1)), int(match.group(2))
    _check_rendered_size(where, (width, height), expected)
    image = np.empty((height, width, 3), dtype=np.uint8)
    buffer = memoryview(image).cast("B")
    rest = head[match.end() :][: len(buffer)]
    buffer[: len(rest)] = rest
    filled = len(rest)
    while filled < len(buffer):
        got = stream.readinto(buffer[filled:])
        if not got:
            raise BadInput(f"{where}: pdftoppm output unreadable (cut short)")
        filled += got
    return cv2.cvtColor(image, cv2.COLOR_RGB2BGR, dst=image)


def _decode_whole(data: bytes, where: str, expected: tuple[float, float]) -> np.ndarray | None:
    """Any other pdftoppm output, through Pillow."""
    if not data:
        return None
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise BadInput(f"{where}: pdftoppm output unreadable ({_short(exc)})") from exc
    _check_rendered_size(where, img.size, expected)
    return _to_bgr(img)


def _check_rendered_size(where: str, size: tuple[int, int], expected: tuple[float, float]) -> None:
    if min(size) <= 2 < min(expected) or not _plausible(size, expected):
        raise BadInput(
            f"{where}: pdftoppm rendered {size[0]}×{size[1]} px for a page of "
            f"{expected[0]:.0f}×{expected[1]:.0f} px (the page cannot be drawn)"
        )


def _plausible(size: tuple[int, int], expected: tuple[float, float]) -> bool:
    """pdftoppm's page matches the MediaBox (either way round: /Rotate) within a few pixels."""
    if min(expected) <= 0:
        return True
    w, h = size
    ew, eh = expected
    return any(
        abs(a - x) <= 0.05 * x + 2 and abs(b - y) <= 0.05 * y + 2
        for a, b, x, y in ((w, h, ew, eh), (h, w, ew, eh))
    )


def _memory_cap(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


@dataclass(frozen=True)
class _PageFacts:
    dpi: int  # native resolution of its one scanned image, else DEFAULT_DPI
    has_fonts: bool
    width_in: float = 0.0  # the MediaBox (times /UserUnit)
    height_in: float = 0.0
    image_sizes: tuple[tuple[int, int], ...] = ()


def _pdf_page_facts(path: Path, index: int) -> _PageFacts:
    """Render dpi, fonts, size and image sizes. A page that is one scanned image renders at its
    native dpi."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            page = pdf.pages[index]
            box = [float(v) for v in page.mediabox]
            unit = float(page.obj.get("/UserUnit", 1))
            width_in = abs(box[2] - box[0]) * unit / 72
            height_in = abs(box[3] - box[1]) * unit / 72
            images = list(page.get_images().values())
            resources = page.obj.get("/Resources", {})
            has_fonts = bool(resources.get("/Font")) if resources else False
            sizes = [(int(im.get("/Width", 0)), int(im.get("/Height", 0))) for im in images]
    except pikepdf.PasswordError as exc:
        raise BadInput(f"{path.name}: encrypted PDF (password required)") from exc
    except (pikepdf.PdfError, OSError, ValueError, RuntimeError, KeyError) as exc:
        raise BadInput(f"{path.name}: page {index + 1} unreadable ({_short(exc)})") from exc
    facts = _PageFacts(DEFAULT_DPI, has_fonts, width_in, height_in, tuple(sizes))
    if len(sizes) != 1 or width_in <= 0 or height_in <= 0:
        return facts
    px_w, px_h = sizes[0]
    # area ratio: independent of whether the image is drawn rotated on the page
    native = ((px_w * px_h) / (width_in * height_in)) ** 0.5
    return replace(facts, dpi=_snap_dpi(native))


def _snap_dpi(dpi: float) -> int:
    """Scanners use round resolutions; snap within 3 % so 299.7 renders at 300."""
    for common in (75, 96, 100, 150, 200, 240, 300, 400, 600):
        if abs(dpi - common) <= 0.03 * common:
            return common
    return int(min(MAX_RENDER_DPI, max(MIN_RENDER_DPI, round(dpi))))


def _pdf_page_text(path: Path, index: int) -> str | None:
    page = str(index + 1)
    try:
        done = subprocess.run(
            ["pdftotext", "-f", page, "-l", page, "-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError as exc:
        raise MissingDependency("poppler-utils (pdftotext) is not installed") from exc
    except subprocess.TimeoutExpired:
        return None
    text = done.stdout.decode("utf-8", errors="replace").replace("\f", "").strip()
    return text or None


# ---------------------------------------------------------------------------------------------
# images


def _decode_image_file(path: Path, frame: int, limits: Limits) -> tuple[np.ndarray, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # EXIF/TIFF tag warnings are not our business
            with Image.open(path) as img:
                if frame:
                    img.seek(frame)
                dpi, width = _image_dpi(img), img.size[0]  # from the header, before any draft
                factor = _reduction(img, limits.max_page_pixels)
                _check_decode_budget(path, img, limits, factor)
                if factor > 1:  # a JPEG decodes at 1/2, 1/4 or 1/8 directly
                    img.draft(img.mode, (img.size[0] // factor, img.size[1] // factor))
                elif frame == 0 and _plain_jpeg(img, limits):
                    fast = _decode_jpeg(path, img.size)
                    if fast is not None:
                        return fast, dpi
                img.load()
                dpi = max(1, round(dpi * img.size[0] / width))
                turn = img.getexif().get(EXIF_ORIENTATION, 1) if frame == 0 else 1
                if img.size[0] * img.size[1] > limits.max_page_pixels:
                    return _turned(*_downscaled(img, dpi, limits.max_page_pixels), turn)
                if turn != 1:
                    img = ImageOps.exif_transpose(img)  # (a copy: only when it turns the page)
                return _to_bgr(img), dpi
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise BadInput(f"{path.name}: unreadable image ({_short(exc)})") from exc


def _plain_jpeg(img: Image.Image, limits: Limits) -> bool:
    """A JPEG OpenCV decodes to the very pixels Pillow + `_to_bgr` make (RGB or gray, upright,
    within the page budget), straight into BGR."""
    return (
        img.format == "JPEG"
        and img.mode in ("RGB", "L")
        and img.size[0] * img.size[1] <= limits.max_page_pixels
        and img.getexif().get(EXIF_ORIENTATION, 1) == 1
    )


def _decode_jpeg(path: Path, size: tuple[int, int]) -> np.ndarray | None:
    """OpenCV's decode of a plain JPEG (no RGB copy and channel swap: ~13 ms of a 300 dpi page's
    ~30); None when it cannot (Pillow then decodes)."""
    data = np.fromfile(path, np.uint8)
    if data.size < 4 or data[-2] != 0xFF or data[-1] != 0xD9:
        return None  # truncated (or trailing bytes): Pillow's decode says what it makes of it
    image = cv2.imdecode(data, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None or image.shape[:2] != (size[1], size[0]):
        return None
    return image


def _check_decode_budget(path: Path, img: Image.Image, limits: Limits, factor: int = 1) -> None:
    """The header's size, checked before a single pixel is decoded (`factor`: a JPEG decoded
    that many times smaller each way)."""
    width, height = img.size
    if width < 1 or height < 1:
        raise BadInput(f"{path.name}: image of {width}×{height} px")
    if width * height / factor**2 > limits.max_decode_pixels:
        raise BadInput(
            f"{path.name}: image of {width}×{height} px, over the "
            f"{limits.max_decode_pixels // 1_000_000} Mpx limit (refused before decoding)"
        )


def _reduction(img: Image.Image, budget: int) -> int:
    """The power of two (up to 8) a JPEG is decoded smaller by (draft mode), to fit `budget`."""
    factor = 1
    if img.format != "JPEG":
        return factor
    while factor < 8 and img.size[0] * img.size[1] / factor**2 > budget:
        factor *= 2
    return factor


def _downscaled(img: Image.Image, dpi: int, budget: int) -> tuple[np.ndarray, int]:
    """A page over the pixel budget, shrunk by a whole factor to fit it (box filter, no
    intermediate copies: ~1.25x the decoded size at peak), as BGR; dpi scaled alike."""
    factor = math.ceil(math.sqrt(img.size[0] * img.size[1] / budget))
    if img.mode in ("1", "I;16", "I;16B", "I;16L"):
        img = img.convert("L" if img.mode == "1" else "I")
    elif img.mode not in ("L", "RGB", "RGBA", "LA", "I", "F"):
        img = img.convert("RGBA" if "A" in img.mode or "transparency" in img.info else "RGB")
    small = img.reduce(factor)
    img.close()  # the full-size pixels go before the page is converted
    return _to_bgr(small), max(1, round(dpi / factor))


def _turned(image: np.ndarray, dpi: int, orientation: int) -> tuple[np.ndarray, int]:
    """EXIF orientation applied to a decoded page (the turns; mirrored variants are ignored)."""
    turns = {3: cv2.ROTATE_180, 6: cv2.ROTATE_90_CLOCKWISE, 8: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if orientation in turns:
        image = cv2.rotate(image, turns[orientation])
    return image, dpi


def _image_dpi(img: Image.Image) -> int:
    """Resolution from metadata when it is believable, else estimated as an A4 page.

    Phones write 72 dpi (or nothing) whatever the photo; a real page at that resolution would be
    a 55-inch sheet, so metadata is trusted only when it implies a page of sensible size.
    """
    width, height = img.size
    raw = img.info.get("dpi")
    dpi = 0.0
    if isinstance(raw, tuple) and raw:
        try:
            dpi = float(raw[0])
        except (TypeError, ValueError):
            dpi = 0.0
    long_inches = max(width, height) / dpi if dpi > 0 else 0
    if 100 <= dpi <= 2400 and 2.5 <= long_inches <= 24:
        return _snap_dpi(dpi) if dpi <= MAX_RENDER_DPI else round(dpi)
    aspect = max(width, height) / max(1, min(width, height))
    if 1.2 <= aspect <= 1.6:  # page-shaped: assume A4
        return max(MIN_RENDER_DPI, min(1200, round(max(width, height) / A4_LONG_INCHES)))
    if 100 <= dpi <= 2400:
        return round(dpi)
    return DEFAULT_DPI


def _to_bgr(img: Image.Image) -> np.ndarray:
    """Any Pillow mode as BGR uint8; transparent areas become white paper."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img)
        arr = _to_uint8(arr)
        gray = arr
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    # cv2 colour conversions: one fast pass where numpy's channel reversal is a slow strided copy
    if img.mode in ("1", "L"):
        gray = np.asarray(img if img.mode == "L" else img.convert("L"))
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    """16-bit (or 12-bit data in 16-bit containers) and float images down to 0..255."""
    if arr.dtype == np.uint8:
        return arr
    if np.issubdtype(arr.dtype, np.floating):
        top = float(arr.max()) if arr.size else 1.0
        scale = 255.0 if top <= 1.0 else 255.0 / max(top, 1.0)
        return np.clip(arr * scale, 0, 255).astype(np.uint8)
    top = int(arr.max()) if arr.size else 0
    if top > 4095:
        return (arr.astype(np.uint32) >> 8).astype(np.uint8)
    if top > 255:
        return (arr.astype(np.uint32) >> 4).astype(np.uint8)
    return arr.astype(np.uint8)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]
