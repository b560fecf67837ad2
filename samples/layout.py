"""The page model shared by the text generator and the renderer.

A page is a list of blocks. The text truth of a page is derived from the blocks alone (reading
order: header left column, right column, title, body, tables row by row, signature columns left then
right, footer), so the text-only API and the rendered image always agree. Stamps, seals, QR codes,
photos and sketches carry no truth text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    italic: bool = False
    size: float = 1.0  # relative to the page's body font
    indent: float = 0.0  # em
    rule: bool = False  # short rule drawn under the line (national header)
    form: str = ""  # "dots_typed" | "dots_pen" | "dots_hand": 'label: value' on a dotted leader

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", unicodedata.normalize("NFC", self.text))


@dataclass(frozen=True)
class Space:
    lines: float = 1.0


@dataclass(frozen=True)
class Columns:
    """Two columns side by side (the national header, 'Số: …' beside the date line)."""

    left: tuple[Line, ...]
    right: tuple[Line, ...]
    split: float = 0.42  # left column share of the text width


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # column shares, summing to 1
    header_rows: int = 1
    size: float = 0.9

    def __post_init__(self) -> None:
        rows = tuple(tuple(unicodedata.normalize("NFC", c) for c in row) for row in self.rows)
        object.__setattr__(self, "rows", rows)


@dataclass(frozen=True)
class SignCol:
    top: tuple[Line, ...]
    name: tuple[Line, ...] = ()
    signed: bool = True  # leave room for a handwritten signature
    seal: str | None = None  # ring text of the red seal stamped over the signature


@dataclass(frozen=True)
class Signature:
    left: SignCol | None
    right: SignCol | None


@dataclass(frozen=True)
class Card:
    """A photocopied ID card: bordered box, photo at left, small text at right."""

    lines: tuple[Line, ...]
    photo: bool = True


@dataclass(frozen=True)
class Sketch:
    """Parcel sketch: the boundary polygon (metres, local frame) with numbered-point circles."""

    points: tuple[tuple[float, float], ...]
    lines: float = 9.0  # height in body lines


@dataclass(frozen=True)
class QRCode:
    data: str


Block = Line | Space | Columns | Table | Signature | Card | Sketch | QRCode


def block_lines(block: Block) -> list[str]:
    """The text lines a perfect reader reads from one block, in reading order."""
    if isinstance(block, Line):
        return [block.text]
    if isinstance(block, Columns):
        return [ln.text for ln in block.left] + [ln.text for ln in block.right]
    if isinstance(block, Table):
        return [" ".join(c for c in row if c) for row in block.rows]
    if isinstance(block, Signature):
        out: list[str] = []
        for col in (block.left, block.right):
            if col:
                out += [ln.text for ln in col.top] + [ln.text for ln in col.name]
        return out
    if isinstance(block, Card):
        return [ln.text for ln in block.lines]
    return []


def block_height(block: Block) -> float:
    """Estimated height in body lines (pagination; the renderer shrinks a page that overflows)."""
    if isinstance(block, Line):
        return 1.3 * block.size if block.bold and block.size > 1 else block.size
    if isinstance(block, Space):
        return block.lines
    if isinstance(block, Columns):
        return max(len(block.left), len(block.right)) + 0.3
    if isinstance(block, Table):
        return len(block.rows) * block.size * 1.25 + 0.5
    if isinstance(block, Signature):
        heights = [
            len(c.top) + len(c.name) + (3.5 if c.signed else 0)
            for c in (block.left, block.right)
            if c
        ]
        return max(heights, default=0) + 0.5
    if isinstance(block, Card):
        return len(block.lines) * 0.8 + 1.5
    if isinstance(block, Sketch):
        return block.lines
    if isinstance(block, QRCode):
        return 4.0
    return 1.0


PAGE_LINES = 40.0  # body lines that fit one A4 page at the nominal font size


@dataclass
class PageSpec:
    """One sheet side as generated: its blocks and what a reader should find on it."""

    doc_type: str
    variant: str
    blocks: list[Block] = field(default_factory=list)
    blank: bool = False
    footer: str | None = None  # 'Trang 2/3'
    qr_codes: list[str] = field(default_factory=list)
    font: str = "serif"  # font family key, chosen per document (see render.FONTS)
    families: dict[str, str] = field(default_factory=dict)  # axis -> member (samples.families)

    @property
    def lines(self) -> list[str]:
        out = [text for block in self.blocks for text in block_lines(block)]
        if self.footer:
            out.append(self.footer)
        return [" ".join(t.split()) for t in out if t.strip()]

    @property
    def text(self) -> str:
        return unicodedata.normalize("NFC", "\n".join(self.lines))

    @property
    def has_title(self) -> bool:
        return any(isinstance(b, Line) and b.bold and b.size > 1.05 for b in self.blocks)


def paginate(
    head: list[Block], body: list[Block], tail: list[Block], capacity: float = PAGE_LINES
) -> list[list[Block]]:
    """Flow blocks onto pages; a block never splits and the tail (signatures) stays together."""
    pages: list[list[Block]] = [list(head)]
    used = sum(block_height(b) for b in head)
    for block in body + [_Keep(tail)] if tail else body:
        blocks = block.blocks if isinstance(block, _Keep) else [block]
        height = sum(block_height(b) for b in blocks)
        if used + height > capacity and pages[-1]:
            pages.append([])
            used = 0.0
            if isinstance(blocks[0], Space):
                blocks = blocks[1:]
        pages[-1].extend(blocks)
        used += height
    return pages


@dataclass(frozen=True)
class _Keep:
    blocks: list[Block]
