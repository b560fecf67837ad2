"""Draw a `PageSpec` as an A4 page image (PIL), the way offices print: Times-like fonts,
two-column national header, centred capital titles, ruled tables, signatures under red seals.

The image is upright and clean; `defects.py` degrades it. Text boxes are returned per truth line
(same order as `PageSpec.lines`), in pixels of this clean image.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from samples import forms
from samples.layout import (
    Block,
    Card,
    Columns,
    Line,
    PageSpec,
    QRCode,
    Signature,
    SignCol,
    Sketch,
    Space,
    Table,
)
from samples.stamps import (
    RED,
    SIGN_INK,
    VIOLET,
    apply_ink,
    inked,
    seal_mask,
    signature_strokes,
)

A4_MM = (210.0, 297.0)
LINE = 1.42  # line height in em
INK = 22  # near-black, drawn on a grayscale canvas; colour inks are added after
FONT_DIRS = (Path("/usr/share/fonts"),)
FONTS: dict[str, tuple[str, str, str, str]] = {  # regular, bold, italic, bold italic
    "serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "dejavu-serif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
    "noto-serif": (
        "NotoSerif-Regular.ttf",
        "NotoSerif-Bold.ttf",
        "NotoSerif-Italic.ttf",
        "NotoSerif-BoldItalic.ttf",
    ),
    "sans": (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-BoldItalic.ttf",
    ),
    "noto-sans": (
        "NotoSans-Regular.ttf",
        "NotoSans-Bold.ttf",
        "NotoSans-Italic.ttf",
        "NotoSans-BoldItalic.ttf",
    ),
    # held-out font families (samples.families): fonts-freefont-ttf, never seen by the rules
    "free-serif": ("FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifItalic.ttf",
                   "FreeSerifBoldItalic.ttf"),
    "free-sans": ("FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf",
                  "FreeSansBoldOblique.ttf"),
}  # fmt: skip


@cache
def font_path(family: str, bold: bool = False, italic: bool = False) -> str:
    """Path of a system font file; falls back to Liberation Serif, then DejaVu Serif."""
    names = FONTS.get(family, FONTS["serif"])
    wanted = names[int(bold) + 2 * int(italic)]
    for name in (wanted, FONTS["serif"][int(bold)], FONTS["dejavu-serif"][int(bold)]):
        hit = find_font(name)
        if hit:
            return hit
    raise FileNotFoundError(f"no font for {family}: install fonts-liberation2 or fonts-dejavu")


@cache
def find_font(name: str) -> str | None:
    """The first installed file called `name` that has Vietnamese letters: Debian's
    fonts-liberation (1.x, pulled in by other packages) has the same file names as
    fonts-liberation2 but no Vietnamese, and would draw boxes."""
    for root in FONT_DIRS:
        for hit in sorted(root.rglob(name)):
            if has_vietnamese(str(hit)):
                return str(hit)
    return None


def has_vietnamese(path: str) -> bool:
    """Does the font draw 'ệ' and 'ữ' as their own glyphs (not the missing-glyph box)?"""
    font = ImageFont.truetype(path, 24, layout_engine=ImageFont.Layout.BASIC)

    def pixels(ch: str) -> bytes:
        return bytes(np.asarray(font.getmask(ch), dtype=np.uint8).tobytes())

    missing = pixels("\U0010fffd")
    return all(pixels(ch) != missing for ch in "ệữ")


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(6, size), layout_engine=ImageFont.Layout.BASIC)


@dataclass
class Rendered:
    image: np.ndarray  # BGR uint8, upright and clean
    dpi: int
    boxes: list[tuple[str, tuple[int, int, int, int]]] = field(default_factory=list)
    seals: list[tuple[int, int, int, int]] = field(default_factory=list)


def page_size(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


class _Canvas:
    """Cursor-based drawing: each block draws at `y` and moves it down."""

    def __init__(self, page: PageSpec, dpi: int, rng: random.Random) -> None:
        self.page, self.dpi, self.rng = page, dpi, rng
        self.width, self.height = page_size(dpi)
        mm = dpi / 25.4
        self.mm = mm
        self.x0 = (30 + rng.uniform(-3, 3)) * mm
        self.x1 = self.width - (17 + rng.uniform(-2, 3)) * mm
        self.top = (18 + rng.uniform(-3, 4)) * mm
        self.bottom = self.height - (18 + rng.uniform(-2, 3)) * mm
        self.px = rng.uniform(12.8, 13.6) * dpi / 72
        self.image = Image.new("L", (self.width, self.height), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.boxes: list[tuple[str, tuple[int, int, int, int]]] = []
        self.inks: list[tuple[np.ndarray, int, int, tuple[int, int, int]]] = []
        self.seals: list[tuple[int, int, int, int]] = []
        self.y = self.top
        self.family = page.families  # empty for the legacy generator: nothing below changes
        self.frng = random.Random(0)  # family draws (render_page seeds it): legacy ones unshifted

    # -- measuring --------------------------------------------------------------------------

    def lh(self, size: float = 1.0) -> float:
        return self.px * size * LINE

    def height_of(self, block: Block) -> float:
        if isinstance(block, Line):
            return self.lh(block.size)
        if isinstance(block, Space):
            return self.lh() * block.lines
        if isinstance(block, Columns):
            left = sum(self.lh(ln.size) for ln in block.left)
            right = sum(self.lh(ln.size) for ln in block.right)
            return max(left, right) + self.lh() * 0.3
        if isinstance(block, Table):
            return len(block.rows) * self._row_h(block) + self.lh() * 0.4
        if isinstance(block, Signature):
            cols = [c for c in (block.left, block.right) if c]
            return max((self._col_h(c) for c in cols), default=0.0) + self.lh() * 0.3
        if isinstance(block, Card):
            return sum(self.lh(ln.size) for ln in block.lines) + 6 * self.mm + self.lh() * 0.3
        if isinstance(block, Sketch):
            return self.lh() * block.lines
        if isinstance(block, QRCode):
            return 24 * self.mm + self.lh() * 0.3
        return 0.0

    def _row_h(self, table: Table) -> float:
        return self.px * table.size * 1.75

    def _col_h(self, col: SignCol) -> float:
        lines = col.top + col.name
        return sum(self.lh(ln.size) for ln in lines) + (self.lh() * 3.3 if col.signed else 0.0)

    def fit(self, blocks: list[Block], footer: bool) -> None:
        """Shrink the page font (never enlarge) so the widest body line and all blocks fit.

        One size for the whole page, as a word processor would print it; only lines in narrow
        columns (header, signatures) may still shrink on their own."""
        room_w = self.x1 - self.x0
        widest = 0.0
        for block in blocks:
            if isinstance(block, Line) and block.text.strip():
                font = self.font(block.bold, block.italic, self.px * block.size)
                indent = block.indent * self.px * block.size * 0.5
                widest = max(widest, font.getlength(block.text) / (room_w - indent))
        if widest > 1.0:
            self.px /= widest * 1.005
        room = self.bottom - self.top - (self.lh() * 1.5 if footer else 0.0)
        need = sum(self.height_of(b) for b in blocks)
        if need > room:
            self.px *= max(0.55, room / need)

    # -- drawing ----------------------------------------------------------------------------

    def font(self, bold: bool, italic: bool, size_px: float) -> ImageFont.FreeTypeFont:
        return _font(font_path(self.page.font, bold, italic), round(size_px))

    def text(self, line: Line, xa: float, xb: float, y: float) -> float:
        """Draw one line inside [xa, xb] with its top at y; returns the next y."""
        height = self.lh(line.size)
        text = " ".join(line.text.split())
        if not text:
            return y + height
        if line.form:
            return forms.form_line(self, line, xa, xb, y)
        size = self.px * line.size
        font = self.font(line.bold, line.italic, size)
        indent = line.indent * size * 0.5
        room = xb - xa - indent
        width = font.getlength(text)
        if width > room:
            font = self.font(line.bold, line.italic, size * room / width * 0.98)
            width = font.getlength(text)
        if line.align == "center":
            x = xa + (xb - xa - width) / 2
        elif line.align == "right":
            x = xb - width
        else:
            x = xa + indent
        base = y + (height + size * 0.62) / 2
        self.draw.text((x, base), text, font=font, fill=INK, anchor="ls")
        box = self.draw.textbbox((x, base), text, font=font, anchor="ls")
        self.boxes.append((text, tuple(int(v) for v in box)))
        if line.rule:  # the motto is underlined along its length, body names by a short rule
            rule_w = width * (0.9 if text.startswith("Độc lập") else 0.4)
            ry = base + size * 0.42
            self.draw.line(
                (x + (width - rule_w) / 2, ry, x + (width + rule_w) / 2, ry),
                fill=INK,
                width=max(1, round(self.px * 0.05)),
            )
        return y + height

    def block(self, block: Block) -> None:
        if isinstance(block, Line):
            self.y = self.text(block, self.x0, self.x1, self.y)
        elif isinstance(block, Space):
            self.y += self.lh() * block.lines
        elif isinstance(block, Columns):
            self.columns(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Signature):
            self.signature(block)
        elif isinstance(block, Card):
            self.card(block)
        elif isinstance(block, Sketch):
            self.sketch(block)
        elif isinstance(block, QRCode):
            self.qr(block)

    def columns(self, block: Columns) -> None:
        mid = self.x0 - 12 * self.mm + (self.x1 - self.x0 + 24 * self.mm) * block.split
        left_edge = self.x0 - 12 * self.mm
        y_left = self.y
        for ln in block.left:
            y_left = self.text(ln, left_edge, mid, y_left)
        y_right = self.y
        for ln in block.right:
            y_right = self.text(ln, mid, self.x1 + 5 * self.mm, y_right)
        self.y = max(y_left, y_right) + self.lh() * 0.3

    def table(self, table: Table) -> None:
        width = self.x1 - self.x0
        xs = [self.x0]
        for share in table.widths:
            xs.append(xs[-1] + share * width)
        xs[-1] = self.x1
        pad = self.px * 0.3
        size = self.px * table.size
        scale = 1.0
        for row in table.rows:
            for i, cell in enumerate(row):
                if cell:
                    font = self.font(True, False, size)
                    need = font.getlength(cell)
                    room = xs[i + 1] - xs[i] - 2 * pad
                    scale = min(scale, room / need if need > room else 1.0)
        size *= scale
        row_h = self._row_h(table)
        thick = max(1, round(self.dpi / 150))
        y = self.y
        for r, row in enumerate(table.rows):
            header = r < table.header_rows
            font = self.font(header, False, size)
            base = y + (row_h + size * 0.62) / 2
            for i, cell in enumerate(row):
                if not cell:
                    continue
                if header:
                    x = xs[i] + (xs[i + 1] - xs[i] - font.getlength(cell)) / 2
                else:
                    x = xs[i] + pad
                self.draw.text((x, base), cell, font=font, fill=INK, anchor="ls")
            text = " ".join(c for c in row if c)
            if text:
                self.boxes.append((text, (int(xs[0]), int(y), int(xs[-1]), int(y + row_h))))
            self.draw.line((xs[0], y, xs[-1], y), fill=INK, width=thick)
            y += row_h
        self.draw.line((xs[0], y, xs[-1], y), fill=INK, width=thick)
        for x in xs:
            self.draw.line((x, self.y, x, y), fill=INK, width=thick)
        self.y = y + self.lh() * 0.4

    def signature(self, block: Signature) -> None:
        mid = (self.x0 + self.x1) / 2
        bottoms = [self.y]
        for col, (xa, xb) in ((block.left, (self.x0, mid)), (block.right, (mid, self.x1))):
            if col:
                bottoms.append(self.sign_col(col, xa, xb))
        self.y = max(bottoms) + self.lh() * 0.3

    def sign_col(self, col: SignCol, xa: float, xb: float) -> float:
        y = self.y
        for ln in col.top:
            y = self.text(ln, xa, xb, y)
        if col.signed:
            gap = self.lh() * 3.3
            self.scribble(xa + (xb - xa) * 0.25, y + gap * 0.1, (xb - xa) * 0.5, gap * 0.8)
            if col.seal:
                radius = int(self.mm * self.rng.uniform(16.5, 19))
                cx = xa + (xb - xa) * self.rng.uniform(0.22, 0.36)
                cy = y + gap * self.rng.uniform(0.2, 0.45)
                mask = inked(
                    seal_mask(col.seal, radius, font_path("serif", True)),
                    self.rng,
                    angle=self.rng.uniform(-40, 40),
                )
                colour = RED
                if self.family.get("seal") == "violet_over_name":  # over the signer's name
                    colour, cy = VIOLET, y + gap * self.frng.uniform(0.75, 1.0)
                    cx = xa + (xb - xa) * self.frng.uniform(0.3, 0.5)
                x, yy = int(cx - mask.shape[1] / 2), int(cy - mask.shape[0] / 2)
                self.inks.append((mask, x, yy, colour))
                self.seals.append((x, yy, x + mask.shape[1], yy + mask.shape[0]))
            y += gap
        for ln in col.name:
            y = self.text(ln, xa, xb, y)
        return y

    def scribble(self, x: float, y: float, w: float, h: float) -> None:
        """A handwritten signature in blue-black ink (kept as a mask, coloured at the end)."""
        width = max(2, round(self.px * 0.08))
        tile = Image.new("L", (int(w) + 2 * width, int(h) + 2 * width), 0)
        draw = ImageDraw.Draw(tile)
        for stroke in signature_strokes(self.rng, int(w), int(h)):
            points = [(px + width, py + width) for px, py in stroke]
            draw.line(points, fill=255, width=width, joint="curve")
        mask = np.asarray(tile, dtype=np.float32) / 255.0
        self.inks.append((mask, int(x) - width, int(y) - width, SIGN_INK))

    def card(self, card: Card) -> None:
        if self.family.get("card") == "real":
            forms.real_card(self, card)
            return
        pad = 3 * self.mm
        inner_h = sum(self.lh(ln.size) for ln in card.lines)
        w = min(self.x1 - self.x0, 128 * self.mm)
        h = inner_h + 2 * pad
        x = self.x0 + (self.x1 - self.x0 - w) / 2
        y = self.y
        self.draw.rounded_rectangle(
            (x, y, x + w, y + h),
            radius=4 * self.mm,
            fill=238,
            outline=90,
            width=max(1, round(self.dpi / 100)),
        )
        text_x = x + pad
        if card.photo:
            pw, ph = 26 * self.mm, 34 * self.mm
            py = y + h - pad - ph
            self.draw.rectangle((x + pad, py, x + pad + pw, py + ph), fill=205)
            cx = x + pad + pw / 2
            self.draw.ellipse(
                (cx - pw * 0.22, py + ph * 0.12, cx + pw * 0.22, py + ph * 0.52),
                fill=150,
            )
            self.draw.pieslice(
                (cx - pw * 0.45, py + ph * 0.55, cx + pw * 0.45, py + ph * 1.35),
                180,
                360,
                fill=150,
            )
            text_x = x + 2 * pad + pw
        ty = y + pad
        for ln in card.lines:
            left = text_x if ln.align != "center" or not card.photo else text_x
            ty = self.text(ln, left, x + w - pad, ty)
        self.y = y + h + self.lh() * 0.3

    def sketch(self, sketch: Sketch) -> None:
        box_h = self.lh() * sketch.lines * 0.9
        box_w = (self.x1 - self.x0) * 0.55
        xs = [p[0] for p in sketch.points]
        ys = [p[1] for p in sketch.points]
        span = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
        scale = min(box_w / span[0], box_h / span[1]) * 0.85
        ox = (self.x0 + self.x1) / 2 - span[0] * scale / 2
        oy = self.y + (self.lh() * sketch.lines - span[1] * scale) / 2
        pts = [
            (ox + (px - min(xs)) * scale, oy + (max(ys) - py) * scale) for px, py in sketch.points
        ]
        width = max(2, round(self.mm * 0.35))
        self.draw.line(pts + [pts[0]], fill=INK, width=width, joint="curve")
        r = self.mm * 0.8
        for px, py in pts:
            self.draw.ellipse((px - r, py - r, px + r, py + r), outline=INK, width=width)
        self.y += self.lh() * sketch.lines

    def qr(self, block: QRCode) -> None:
        qr = segno.make(block.data, error="m", micro=False)
        matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
        n = matrix.shape[0] + 4
        module = max(2, round(22 * self.mm / n))
        full = np.pad(matrix, 2)
        pixels = np.where(np.kron(full, np.ones((module, module), dtype=np.uint8)), 0, 255)
        tile = Image.fromarray(pixels.astype(np.uint8), "L")
        self.image.paste(tile, (int(self.x0 - 10 * self.mm), int(self.y)))
        self.y += n * module + self.lh() * 0.3

    def footer(self, text: str) -> None:
        y = self.bottom + (self.height - self.bottom) * 0.15
        self.text(Line(text, align="center", size=0.85), self.x0, self.x1, y)

    def finish(self) -> np.ndarray:
        bgr = cv2.cvtColor(np.asarray(self.image), cv2.COLOR_GRAY2BGR)
        if self.family.get("background", "white") != "white":
            bgr = forms.paper(bgr, self.family["background"], self.frng, self.mm)
        for mask, x, y, rgb in self.inks:
            apply_ink(bgr, mask, x, y, rgb[::-1])
        return bgr


def render_page(
    page: PageSpec, *, dpi: int = 300, seed: int = 0, bleed_from: np.ndarray | None = None
) -> Rendered:
    """Render one page spec to a clean upright BGR image (A4 at `dpi`).

    A blank page is white paper, with a faint mirror image of `bleed_from` (the other side of
    the sheet) when given."""
    rng = random.Random(seed)
    canvas = _Canvas(page, dpi, rng)
    canvas.frng = random.Random(f"families-{seed}")
    if page.blank:
        image = np.full((canvas.height, canvas.width, 3), 255, np.uint8)
        if bleed_from is not None:
            image = _bleed(image, bleed_from, rng)
        return Rendered(image, dpi)
    canvas.fit(page.blocks, footer=page.footer is not None)
    for block in page.blocks:
        canvas.block(block)
    if page.footer:
        canvas.footer(page.footer)
    image = canvas.finish()
    boxes = [(t, b) for t, b in canvas.boxes if t.strip()]
    return Rendered(image, dpi, boxes, canvas.seals)


def _bleed(image: np.ndarray, other: np.ndarray, rng: random.Random) -> np.ndarray:
    """Show-through of the other side: mirrored, blurred, a few percent of its darkness."""
    mirrored = cv2.resize(
        other[:, ::-1], (image.shape[1], image.shape[0]), interpolation=cv2.INTER_AREA
    )
    mirrored = cv2.GaussianBlur(mirrored, (0, 0), 2.0)
    strength = rng.uniform(0.04, 0.09)
    dark = (255.0 - mirrored.astype(np.float32)) * strength
    return np.clip(image.astype(np.float32) - dark, 0, 255).astype(np.uint8)
