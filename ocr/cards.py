"""ID-card copies on an A4 page: find each card, read it on its own at a working size, and put
its text back where the card lies in the page's reading order.

A card copy (CCCD 2021, Căn cước 2024, front or back, at 1.0-1.5x its real 85.6 x 54 mm) is a
closed outline of a rounded rectangle with small text inside. Read with the page, its lines are
cut at the page's reading resolution (letters of 6-9 px) and its photo and columns are mixed
with the page's layout; read alone, enlarged until its letters have body-text size, it reads
like a page of its own.

Finding cards is cheap (6.5 ms CPU a page on bench/ocr.py's families pages): the outlines
are connected ink components of a ~100 dpi binarised copy whose box has a card's width (a share
of the page width: A4 is assumed, no DPI needed) and whose ink runs along all four sides of
the box and hardly inside it (a ruled table has inner rules, a seal is round, a signature is
no frame).

    boxes = find_cards(gray)                      # [(x0, y0, x1, y1)] in gray's pixels
    image, factor = working_size(crop)            # the card enlarged to body-text letters
    words = merge(page_words, [(box, card_words), ...])   # one reading order
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from ocr.preprocess import textsize
from ocr.preprocess.view import shrink
from ocr.recognize import RECOGNITION_DPI
from ocr.result import Word

CARD_MM = (85.6, 54.0)
PAGE_MM = 210.0  # the page is taken to be A4 wide (no DPI needed)
VIEW_WIDTH = 830  # ~pixels across of the map outlines are looked for on (~100 dpi on A4)
# A card's width as a share of the page width: a real card at 1.0x is 0.41, copies enlarged
# to 1.5x (training "large" copies) 0.61; two cards side by side are each under half.
MIN_WIDTH, MAX_WIDTH = 0.3, 0.72
# Width over height: a card is 1.59; training copies draw the back only as tall as its text
# (up to ~3.4). Seals (1.0) and page frames (too wide) are out either way.
MIN_ASPECT, MAX_ASPECT = 1.25, 3.8
SIDE_COVER = 0.8  # share of each side's middle the outline's ink must run along
INNER_INK = 0.15  # at most this share of the outline component's ink lies inside its frame
PAD = 0.012  # of the page width, around a found card, cleared from the page read
# Letters are enlarged to this mark height (px): body text's x-height at the resolution the
# pipeline reads pages at. Training card pages (bench/ocr.py kinds, seed 7, 19 pages): CER
# 0.0819 at this height, 0.0822 at 22 px; 0.0847 read with the page.
TARGET_HEIGHT = textsize.REF_HEIGHT_300 * RECOGNITION_DPI / 300
MAX_ENLARGE = 3.0
# A card prints no letter under ~0.5 mm (0.6% of its 85.6 mm width); a smaller "letter height"
# measured on a crop took grain, JPEG blocks or the guilloche for letters (hard phone-photo
# cards of bench/ocr.py measured 3-6 px on 990 px crops, real letters 13 px): no measurement.
# Enlarged 3x on such a measurement, a card cost 9x the pixels (0.3-0.9 s of Tesseract each)
# and read no better.
MIN_LETTER_SHARE = 0.006
CARD_PSM = 4  # a card reads as one column of lines of varied sizes
CARD_DPI = 300  # and never under the card's own 300 dpi equivalent (85.6 mm across)


Box = tuple[int, int, int, int]


def find_cards(gray: np.ndarray) -> list[Box]:
    """Boxes (x0, y0, x1, y1, in `gray`'s pixels) of the ID-card outlines on the page, in
    reading order (rows top to bottom, left to right within a row)."""
    h, w = gray.shape[:2]
    step = max(1, round(w / VIEW_WIDTH))
    small = shrink(gray, step) if step > 1 else gray
    sh, sw = small.shape[:2]
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 12
    )
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        ink, connectivity=8, ltype=cv2.CV_16U
    )
    if count <= 1:
        return []
    bw, bh = stats[:, 2], stats[:, 3]
    wide = (bw >= MIN_WIDTH * sw) & (bw <= MAX_WIDTH * sw)
    shaped = (bw >= MIN_ASPECT * bh) & (bw <= MAX_ASPECT * bh)
    found = []
    for i in np.flatnonzero(wide & shaped):
        if i == 0:
            continue
        x, y, cw, ch = (int(v) for v in stats[i, :4])
        if _is_frame(labels[y : y + ch, x : x + cw] == i):
            found.append((x * step, y * step, min(w, (x + cw) * step), min(h, (y + ch) * step)))
    return reading_order(found)


def _is_frame(mask: np.ndarray) -> bool:
    """Does this component's ink run along all four sides of its box and hardly inside it?"""
    h, w = mask.shape
    band = max(2, round(0.06 * h))
    mx, my = w // 10, h // 10  # rounded corners: only the sides' middles are asked
    sides = (
        mask[:band, mx : w - mx].any(axis=0),
        mask[h - band :, mx : w - mx].any(axis=0),
        mask[my : h - my, :band].any(axis=1),
        mask[my : h - my, w - band :].any(axis=1),
    )
    if min(float(s.mean()) for s in sides) < SIDE_COVER:
        return False
    inner = int(np.count_nonzero(mask[band : h - band, band : w - band]))
    return inner <= INNER_INK * max(1, int(np.count_nonzero(mask)))


def reading_order(boxes: Sequence[Box]) -> list[Box]:
    """Top to bottom; cards side by side (overlapping by half their height) left to right."""
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b[1]):
        row = rows[-1] if rows else None
        if row and min(box[3], row[0][3]) - max(box[1], row[0][1]) > 0.5 * (box[3] - box[1]):
            row.append(box)
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def cleared(gray: np.ndarray, boxes: Sequence[Box]) -> np.ndarray:
    """A copy of the page with the cards painted the paper's own shade (read on their own; pure
    white on a grey photocopy moves Tesseract's global threshold and the rest of the page is
    lost)."""
    out = gray.copy()
    paper = int(np.median(gray[::8, ::8]))  # most of a page is paper
    pad = round(PAD * gray.shape[1])
    for x0, y0, x1, y1 in boxes:
        out[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = paper
    return out


INSET = 0.012  # of the card's width: the crop stays inside the outline (no border strokes)


def inset(width: int) -> int:
    return max(1, round(INSET * width))


def inside(gray: np.ndarray, box: Box) -> np.ndarray:
    """The card's inside: its outline (read as dashes and bars) left out."""
    x0, y0, x1, y1 = box
    m = inset(x1 - x0)
    return gray[y0 + m : y1 - m, x0 + m : x1 - m]


def working_size(crop: np.ndarray) -> tuple[np.ndarray, float]:
    """(the card enlarged, factor): letters to TARGET_HEIGHT, and the card to at least
    CARD_DPI as if it were printed at its real 85.6 mm (whichever enlarges more; letters
    measured implausibly small for a card are no measurement, see MIN_LETTER_SHARE)."""
    by_card = CARD_DPI * CARD_MM[0] / 25.4 / max(crop.shape[1], 1)
    size = textsize.measure(crop)
    plausible = size is not None and size.height >= MIN_LETTER_SHARE * crop.shape[1]
    by_text = TARGET_HEIGHT / size.height if plausible else 1.0
    factor = min(MAX_ENLARGE, max(1.0, by_card, by_text))
    if factor < 1.05:
        return crop, 1.0
    big = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return big, big.shape[1] / crop.shape[1]


def placed(words: Sequence[Word], factor: float, x0: int, y0: int) -> list[Word]:
    """Words read on an enlarged crop, in the page's pixels (crop at (x0, y0))."""
    out = []
    for word in words:
        a, b, c, d = word.box
        box = (
            x0 + int(a / factor),
            y0 + int(b / factor),
            x0 + round(c / factor),
            y0 + round(d / factor),
        )
        out.append(replace(word, box=box))
    return out


def merge(page: Sequence[Word], cards: Sequence[tuple[Box, Sequence[Word]]]) -> list[Word]:
    """One reading order: the page's blocks as read, each card's words as a block of its own
    before the first page line that starts below the card's top (a page block running past a
    card, such as a certification beside both cards, is cut there); blocks and lines numbered
    again 1.. in that order."""
    lines: list[list[Word]] = []
    for word in page:
        if not lines or (lines[-1][0].block, lines[-1][0].line) != (word.block, word.line):
            lines.append([])
        lines[-1].append(word)
    pending = [list(words) for _, words in cards]
    tops = [box[1] for box, _ in cards]
    ordered: list[list[Word]] = []
    part: list[Word] = []
    for line in lines:
        top = min(w.box[1] for w in line)
        if part and (part[-1].block != line[0].block or (pending and tops[0] <= top)):
            ordered.append(part)
            part = []
        while pending and tops[0] <= top:
            ordered.append(pending.pop(0))
            tops.pop(0)
        part += line
    if part:
        ordered.append(part)
    ordered += pending
    out: list[Word] = []
    line_no = 0
    for block_no, block in enumerate((b for b in ordered if b), start=1):
        seen: dict[tuple[int, int], int] = {}
        for word in block:
            key = (word.block, word.line)
            if key not in seen:
                line_no += 1
                seen[key] = line_no
            out.append(replace(word, block=block_no, line=seen[key]))
    return out
