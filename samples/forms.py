"""Drawing of the newer families (samples.families): dotted form lines with typed or hand-like
values, ID cards at their real size, tinted and guilloche paper. Called by the renderer's
canvas; none of this is text truth except the form line's 'label: value'."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.families import form_pairs
from samples.layout import Card, Line
from samples.stamps import PEN, PEN_BLACK, PEN_BLUE_BLACK

if TYPE_CHECKING:
    from samples.render import _Canvas

TINTS = {  # pale paper colours (RGB) and the darker ink of their pattern
    "pink": ((252, 236, 238), (225, 120, 140)),
    "green": ((236, 248, 236), (110, 175, 120)),
    "ochre": ((252, 246, 226), (200, 150, 80)),
    "blue": ((234, 242, 252), (110, 150, 210)),
}
CARD_TINTS = ((205, 225, 240), (215, 235, 215), (235, 225, 205))  # RGB, card print


@dataclass(frozen=True)
class Hand:
    """How one form family writes its values by hand: the letter shapes (fonts that draw
    Vietnamese), the pen's inks, the slant (a shear, right-leaning when positive) and how
    unevenly letters sit, tilt and space. The training and held-out hands share no font, ink
    or slant range, so the held-out one is writing no rule was tuned on."""

    fonts: tuple[str, ...]
    inks: tuple[tuple[int, int, int], ...]  # RGB
    slant: tuple[float, float]
    tilt: float  # the baseline's slope, at most
    bounce: float  # a letter's vertical jitter, in body sizes
    spacing: tuple[float, float]  # advance multiplier per letter
    scale: tuple[float, float]  # writing size against the print


HANDS: dict[str, Hand] = {
    # training: the oblique/italic cuts of the training print fonts, blue ballpoint, upright-ish
    "dots_pen": Hand(
        fonts=("LiberationSans-Italic.ttf", "DejaVuSans-Oblique.ttf",
               "LiberationSerif-Italic.ttf", "DejaVuSerifCondensed-Italic.ttf"),
        inks=(PEN,), slant=(0.0, 0.08), tilt=0.04, bounce=0.05, spacing=(0.98, 1.1),
        scale=(1.0, 1.15),
    ),
    # held-out: school-hand letter shapes (Andika, fonts-sil-andika) and the held-out FreeFont
    # italics, black or blue-black ink, a stronger slant, livelier baseline
    "dots_hand": Hand(
        fonts=("Andika-Regular.ttf", "Andika-Italic.ttf", "FreeSerifItalic.ttf",
               "FreeSansOblique.ttf"),
        inks=(PEN_BLACK, PEN_BLUE_BLACK), slant=(0.12, 0.28), tilt=0.07, bounce=0.08,
        spacing=(0.95, 1.16), scale=(0.95, 1.2),
    ),
}  # fmt: skip


def form_line(canvas: _Canvas, line: Line, xa: float, xb: float, y: float) -> float:
    """'Label: value' pairs, each on a dotted leader; values typed after the label or written
    by hand above the dots (blue, uneven). Returns the next y."""
    pairs = form_pairs(" ".join(line.text.split())) or [(line.text, "")]
    height = canvas.lh(line.size)
    size = canvas.px * line.size
    hand = HANDS.get(line.form)
    indent = line.indent * size * 0.5
    share = (xb - xa - indent) / len(pairs)
    font = canvas.font(False, False, size)
    need = max(
        font.getlength(f"{k}: ") + font.getlength(v) * (1.15 if hand else 1.0) + 2 * size
        for k, v in pairs
    )
    if need > share:
        size *= share / need
        font = canvas.font(False, False, size)
    base = y + (height + size * 0.62) / 2
    dot = font.getlength(".")
    for i, (label, value) in enumerate(pairs):
        x = xa + indent + i * share
        end = x + share - size * 0.8
        label_text = f"{label}:"
        canvas.draw.text((x, base), label_text, font=font, fill=22, anchor="ls")
        start = x + font.getlength(label_text + " ")
        if hand:
            dots_from = start
            _hand(canvas, hand, value, start + size * 0.3, base - size * 0.18, size)
        else:
            canvas.draw.text((start, base), value, font=font, fill=22, anchor="ls")
            dots_from = start + font.getlength(value + " ")
        count = int((end - dots_from) / (dot * 1.35))
        if count > 2:
            dots = " ".join("." for _ in range(count // 2)) if dot < size * 0.2 else "." * count
            canvas.draw.text((dots_from, base), dots, font=font, fill=70, anchor="ls")
    box = (int(xa + indent), int(base - size), int(xb), int(base + size * 0.3))
    canvas.boxes.append((" ".join(line.text.split()), box))
    return y + height


@lru_cache(maxsize=64)
def _hand_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    from samples.render import find_font

    path = find_font(name)
    if path is None:  # never fall back silently: the hand would be another family's
        raise FileNotFoundError(f"hand font {name} missing: run `make system`")
    return ImageFont.truetype(path, max(6, size), layout_engine=ImageFont.Layout.BASIC)


def _hand(canvas: _Canvas, hand: Hand, text: str, x: float, base: float, size: float) -> None:
    """Hand-like writing: letters drawn one by one with jitter in the hand's font, slanted,
    in the hand's pen."""
    rng = canvas.frng
    name = rng.choice(hand.fonts)
    font = _hand_font(name, round(size * rng.uniform(*hand.scale)))
    height = int(size * 2.2)
    width = int(font.getlength(text) * 1.2 + size * 2)
    tile = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(tile)
    cx, tilt = size * 0.2, rng.uniform(-hand.tilt, hand.tilt)
    for ch in text:
        dy = rng.uniform(-hand.bounce, hand.bounce) * size + tilt * cx
        draw.text((cx, size * 1.5 + dy), ch, font=font, fill=255, anchor="ls")
        cx += font.getlength(ch) * rng.uniform(*hand.spacing)
    mask = np.asarray(tile, dtype=np.float32) / 255.0
    slant = rng.uniform(*hand.slant)
    if slant:  # x' = x + slant * (baseline - y): the tops lean right, the baseline stays put
        shear = np.float32([[1, -slant, slant * size * 1.5], [0, 1, 0]])
        mask = cv2.warpAffine(mask, shear, (width, height), flags=cv2.INTER_LINEAR)
    mask *= rng.uniform(0.8, 0.95)
    canvas.inks.append((mask, int(x - size * 0.2), int(base - size * 1.5), rng.choice(hand.inks)))


def real_card(canvas: _Canvas, card: Card) -> None:
    """An ID card photocopied at 1.0-1.4x its real 85.6 x 54 mm: small text on a printed
    coloured card with rounded corners, photo at left (front) or none (back)."""
    rng, mm = canvas.frng, canvas.mm
    scale = rng.uniform(1.0, 1.4)
    w, h = 85.6 * mm * scale, 54.0 * mm * scale
    pad = 2.5 * mm * scale
    x = canvas.x0 + (canvas.x1 - canvas.x0 - w) / 2
    y = canvas.y
    canvas.draw.rounded_rectangle(
        (x, y, x + w, y + h),
        radius=3 * mm * scale,
        fill=250,
        outline=120,
        width=max(1, round(mm / 6)),
    )
    tint = np.zeros((int(h), int(w)), np.float32)
    cv2.rectangle(tint, (0, 0), (int(w) - 1, int(h) - 1), 1.0, -1)
    tint *= 0.35 + 0.25 * _waves(tint.shape, rng, period=w / rng.uniform(18, 30))
    canvas.inks.append((tint, int(x), int(y), rng.choice(CARD_TINTS)))
    text_x = x + pad
    if card.photo:
        pw, ph = 20 * mm * scale, 26 * mm * scale
        py = y + h - pad - ph
        canvas.draw.rectangle((x + pad, py, x + pad + pw, py + ph), fill=190)
        cx = x + pad + pw / 2
        canvas.draw.ellipse(
            (cx - pw * 0.22, py + ph * 0.12, cx + pw * 0.22, py + ph * 0.52), fill=140
        )
        text_x = x + 2 * pad + pw
    saved = canvas.px
    need = sum(canvas.lh(ln.size) for ln in card.lines)
    canvas.px = min(saved, saved * (h - 2 * pad) / max(need, 1.0))
    ty = y + pad
    for ln in card.lines:
        left = x + pad if ln.align == "center" else text_x
        ty = canvas.text(ln, left, x + w - pad, ty)
    canvas.px = saved
    canvas.y = y + h + canvas.lh() * 0.6


def _waves(shape: tuple[int, int], rng: random.Random, period: float) -> np.ndarray:
    """0..1 thin wavy lines (two crossing families), the guilloche of banknotes and certificates."""
    h, w = shape
    sh, sw = max(2, h // 2), max(2, w // 2)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) * 2
    out = np.zeros((sh, sw), np.float32)
    for k in range(2):
        amp, phase = rng.uniform(0.3, 0.8), rng.uniform(0, 2 * math.pi)
        slope = (1 if k else -1) * rng.uniform(0.2, 0.6)
        v = np.sin(2 * np.pi * ((xx + slope * yy) / period + amp * np.sin(yy / period + phase)))
        out = np.maximum(out, np.exp(-((v / 0.22) ** 2)))
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)


def paper(bgr: np.ndarray, kind: str, rng: random.Random, mm: float) -> np.ndarray:
    """Tinted paper with a printed frame ('tint'), or tinted paper covered with guilloche and
    a dense guilloche border ('guilloche', as land-use certificates are printed)."""
    name = rng.choice(sorted(TINTS))
    base, ink = TINTS[name]
    h, w = bgr.shape[:2]
    field = np.zeros((h, w), np.float32)
    margin = int(8 * mm)
    if kind == "guilloche":
        field = _waves((h, w), rng, period=rng.uniform(6, 11) * mm) * rng.uniform(0.25, 0.45)
        band = np.zeros((h, w), np.float32)
        cv2.rectangle(band, (margin, margin), (w - margin, h - margin), 1.0, int(9 * mm))
        field = np.maximum(field, band * _waves((h, w), rng, period=3 * mm) * 0.8)
    cv2.rectangle(field, (margin // 2, margin // 2), (w - margin // 2, h - margin // 2), 0.9,
                  max(2, int(mm * 0.8)))  # fmt: skip
    paper_bgr = np.array(base[::-1], np.float32)
    ink_bgr = np.array(ink[::-1], np.float32)
    colour = paper_bgr * (1 - field[..., None]) + ink_bgr * field[..., None]
    out = bgr.astype(np.float32) * colour / 255.0
    return np.clip(out, 0, 255).astype(np.uint8)
