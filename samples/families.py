"""Families of the generator's variety, each tagged training or held-out, so a bench can say how
the pipeline reads what nobody tuned it on.

A family is one member of an axis of variety (layout, wording, font, form, background, card,
seal, capture, field labels). Rules, lexicons, thresholds and the page model are fitted on pages
whose every family is a training one; held-out pages always carry a held-out layout, wording and
font, and draw the optional axes (form lines, background, ID-card look, seal, capture, field
labels) from their held-out members or the plain base member. Values written by hand come in
both splits, each in its own hand (training rules must meet hand-written values, and the
held-out hand is not theirs); so do low-resolution phone images (training phone_small, held-out
phone_lowres, made differently: samples/capture.py). The split is a fixed table, so it is the
same on every run.

    dress(page, rng, "held_out")  # a PageSpec with families drawn, text re-worded, font set
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace

from samples.layout import Block, Card, Columns, Line, PageSpec, Signature, SignCol, Table

TRAIN, HELD_OUT = "train", "held_out"
SPLITS = (TRAIN, HELD_OUT)

# axis -> member -> split. The first member of an optional axis is its plain base member,
# which held-out pages may also use (a held-out page is not forced to be unreadable).
FAMILIES: dict[str, dict[str, str]] = {
    "wording": {"tone_new": TRAIN, "tone_old": HELD_OUT},  # hòa/ủy vs hoà/uỷ
    "font": {
        "serif": TRAIN, "dejavu-serif": TRAIN, "sans": TRAIN,
        "free-serif": HELD_OUT, "free-sans": HELD_OUT,  # Times-like and Helvetica-like, unseen
    },
    # values typed, typed on dotted leaders, or written by hand on them: a training hand
    # ("dots_pen") and a held-out one of other letter shapes, inks and slant (samples/forms.py)
    "form": {"typed": TRAIN, "dots_typed": TRAIN, "dots_pen": TRAIN, "dots_hand": HELD_OUT},
    # how a form words the labels of its fields: "Số định danh cá nhân" for "Số CCCD", ...
    "labels": {"labels_std": TRAIN, "labels_alt": HELD_OUT},
    "background": {"white": TRAIN, "tint": TRAIN, "guilloche": HELD_OUT},
    "card": {"large": TRAIN, "real": HELD_OUT},  # 1.5x grey copy vs 1.0-1.4x coloured card
    "seal": {"red_round": TRAIN, "violet_over_name": HELD_OUT},
    # Low resolution both ways, made differently (samples/capture.py): phone_small (training,
    # 760-1400 px, close crop, bilinear shrink, q 35-55, flat) fits small-text reading;
    # phone_lowres (held out, 500-1000 px, desk margin, area shrink, q 55-80, curl) tests it.
    "capture": {
        "flatbed": TRAIN, "phone": TRAIN, "phone_small": TRAIN, "phone_bent": TRAIN,
        "photocopy2": HELD_OUT, "phone_lowres": HELD_OUT,
    },
}  # fmt: skip
OPTIONAL_AXES = ("form", "background", "card", "seal", "capture", "labels")
# Axes added after the bench's seeds were fixed: drawn last, and only where a split has a choice
# (training pages have one member), so training pages keep the draws they had before.
LATE_AXES = ("labels",)
# How often a page takes each member, per split (members of the other split never appear).
WEIGHTS: dict[str, dict[str, float]] = {
    "form": {"typed": 0.5, "dots_typed": 0.25, "dots_pen": 0.25, "dots_hand": 0.5},
    "background": {"white": 0.6, "tint": 0.4, "guilloche": 0.4},
    "card": {"large": 0.5, "real": 0.5},
    "seal": {"red_round": 0.5, "violet_over_name": 0.5},
    "capture": {
        "flatbed": 0.7,
        "phone": 0.3,
        # Reached only by forcing it (bench/lowres.py): drawn at random it would move the
        # training pages every other bench has its figures on. Weight 0 leaves the draws as
        # they were (rng.choices takes one number whatever the weights).
        "phone_small": 0.0,
        "phone_bent": 0.0,  # the same: bent lines are fitted on it by forcing it
        "photocopy2": 0.2,
        "phone_lowres": 0.25,
    },
    "labels": {"labels_std": 0.4, "labels_alt": 0.6},
}
BACKGROUND_TYPES = ("giay_chung_nhan_qsdd", "trich_luc_ban_do", "phieu_tiep_nhan", "khac")
PAGE_KINDS = ("seal_overlap", "id_card", "coloured_form", "phone_photo", "photocopy", "rotated",
              "dotted_form")  # fmt: skip


def members(axis: str, split: str) -> tuple[str, ...]:
    """The members of `axis` a page of `split` may carry (held-out: held-out ones plus base)."""
    every = FAMILIES[axis]
    own = tuple(m for m, s in every.items() if s == split)
    if split == HELD_OUT and axis in OPTIONAL_AXES:
        return (next(iter(every)), *own)
    return own


def require_fonts(split: str) -> None:
    """Fail loudly when a family's font is missing (the renderer would fall back silently and
    the held-out fonts would be the training ones)."""
    from samples.forms import HANDS
    from samples.render import FONTS, find_font

    wanted = [(FONTS[family][0], family) for family in members("font", split)]
    hands = [form for form in members("form", split) if form in HANDS]
    wanted += [(name, form) for form in hands for name in HANDS[form].fonts]
    for name, family in wanted:
        if find_font(name) is None:
            raise FileNotFoundError(f"font {name} of family {family} missing: run `make system`")


def layout_variants(split: str) -> dict[str, tuple[str, ...]]:
    """Layout families: one variant per document type held out (`split_variants`)."""
    from samples.content import split_variants

    train, held = split_variants()
    return train if split == TRAIN else held


def is_held_out(families: Mapping[str, str]) -> bool:
    return any(FAMILIES.get(axis, {}).get(m) == HELD_OUT for axis, m in families.items())


def draw(rng: random.Random, split: str, doc_type: str) -> dict[str, str]:
    """One member per axis for a page (or document) of `split`; fixed draw order."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    chosen = {
        "wording": rng.choice(members("wording", split)),
        "font": rng.choice(members("font", split)),
    }
    for axis in (*(a for a in OPTIONAL_AXES if a not in LATE_AXES), *LATE_AXES):
        options = members(axis, split)
        if axis in LATE_AXES and len(options) == 1:
            chosen[axis] = options[0]
            continue
        chosen[axis] = rng.choices(options, weights=[WEIGHTS[axis][m] for m in options])[0]
    if doc_type not in BACKGROUND_TYPES:  # coloured paper is a certificate/form thing
        chosen["background"] = next(iter(FAMILIES["background"]))
    return chosen


def dress(page: PageSpec, families: Mapping[str, str]) -> PageSpec:
    """The page with its families applied to the text (wording, form lines) and font; the
    renderer reads the rest (background, card, seal) from `page.families`."""
    words = _Words(families.get("wording", "tone_new"), families.get("labels", "labels_std"))
    form = families.get("form", "typed")
    blocks = [_block(b, words, form) for b in page.blocks]
    footer = words(page.footer) if page.footer else page.footer
    return replace(
        page,
        blocks=blocks,
        footer=footer,
        font=families.get("font", page.font),
        families=dict(families),
    )


class _Words:
    """A text in the page's wording families: tone-mark style, then field labels."""

    def __init__(self, tone: str, labels: str) -> None:
        self.tone, self.labels = tone, labels

    def __call__(self, text: str) -> str:
        return relabel(retone(text, self.tone), self.labels)


def _block(block: Block, words: _Words, form: str) -> Block:
    if isinstance(block, Line):
        line = replace(block, text=words(block.text))
        if form != "typed" and is_form_line(line):
            line = replace(line, form=form)
        return line
    if isinstance(block, Columns):
        return replace(
            block,
            left=tuple(_block(x, words, "typed") for x in block.left),
            right=tuple(_block(x, words, "typed") for x in block.right),
        )
    if isinstance(block, Table):
        return replace(block, rows=tuple(tuple(words(c) for c in r) for r in block.rows))
    if isinstance(block, Signature):
        return replace(block, left=_sign(block.left, words), right=_sign(block.right, words))
    if isinstance(block, Card):
        printed = _Words(words.tone, "labels_std")  # an ID card's print is the state's
        return replace(block, lines=tuple(_block(x, printed, "typed") for x in block.lines))
    return block


def _sign(col: SignCol | None, words: _Words) -> SignCol | None:
    if col is None:
        return None
    return replace(
        col,
        top=tuple(_block(x, words, "typed") for x in col.top),
        name=tuple(_block(x, words, "typed") for x in col.name),
    )


# Field labels as other editions and other offices word them (the held-out "labels_alt"):
# the 2023 Identification Law's "số định danh cá nhân" and "họ, chữ đệm và tên", "số thửa" and
# "số tờ bản đồ" in the order of the cadastral register, a certificate's "số seri", "V/v" for
# "Về việc". Only labels are reworded (at a line's or cell's start, after a list marker or a
# form pair's gap, before ':' or a cell's end); the same words inside a sentence stay.
ALT_LABELS: dict[str, str] = {
    "Số CCCD": "Số định danh cá nhân",
    "CCCD số": "Số định danh cá nhân",
    "Họ và tên": "Họ, chữ đệm và tên",
    "Thửa đất số": "Số thửa",
    "Tờ bản đồ số": "Số tờ bản đồ",
    "Diện tích": "Diện tích đất",
    "Số phát hành": "Số seri",
    "Số vào sổ cấp GCN": "Số vào sổ cấp giấy chứng nhận",
    "Tên người nộp thuế": "Họ và tên người nộp thuế",
    "Tiếp nhận hồ sơ của": "Người nộp hồ sơ",
}
_LABEL = re.compile(
    r"(^|\s{3,}|[a-z]\)\s|\]\s|/)("
    + "|".join(sorted(map(re.escape, ALT_LABELS), key=len, reverse=True))
    + r")(?=\s*:|\s*\(|$)"
)
_SUBJECT = re.compile(r"^Về việc ")


def relabel(text: str, labels: str) -> str:
    """The text with its field labels in the `labels` family's words ('labels_std': as is)."""
    if labels == "labels_std" or not text:
        return text
    text = _SUBJECT.sub("V/v ", text)
    return _LABEL.sub(lambda m: m.group(1) + ALT_LABELS[m.group(2)], text)


FORM_PAIR = re.compile(r"^([^:]{2,45}):\s+(\S.*)$")


def form_pairs(text: str) -> list[tuple[str, str]] | None:
    """'Label: value   Label: value' as pairs, or None when the line is not a form line."""
    pairs = []
    for part in re.split(r"\s{3,}", text):
        m = FORM_PAIR.match(part)
        if not m:
            return None
        pairs.append((m.group(1), m.group(2)))
    return pairs or None


def is_form_line(line: Line) -> bool:
    return (
        line.align == "left" and not line.bold and line.size <= 1.0 and bool(form_pairs(line.text))
    )


# Tone-mark placement on the open diphthongs oa, oe, uy (no final consonant): the "new" style
# puts the mark on the second vowel's nucleus (hòa -> hoà is "old", ủy -> uỷ is "old").
_OLD = re.compile(r"([oOuU])([\u0300\u0301\u0309\u0303\u0323])([aAeEyY])$")
_NEW = re.compile(r"([oOuU])([aAeEyY])([\u0300\u0301\u0309\u0303\u0323])$")


def retone(text: str, tone: str) -> str:
    """Text with its oa/oe/uy tone marks in one style: 'tone_new' (hòa, ủy, khỏe) or 'tone_old'
    (hoà, uỷ, khoẻ). Only word-final diphthongs move (hoàn, quyết never change); 'qu' + y
    words (quý) keep their mark where it is in both styles."""
    words = re.split(r"(\W+)", unicodedata.normalize("NFC", text))
    out = [_retone_word(unicodedata.normalize("NFD", w), tone) for w in words]
    return unicodedata.normalize("NFC", "".join(out))


def _retone_word(word: str, tone: str) -> str:
    low = word.lower()
    if low.startswith(("qu", "gi")):  # u/i there is part of the consonant
        return word
    pattern = _OLD if tone == "tone_old" else _NEW
    return pattern.sub(_swap_mark, word)


def _swap_mark(m: re.Match[str]) -> str:
    """The mark moved across oa/oe/uy only: 'ua' (của, mùa) is written one way in both styles."""
    first, second, third = m.groups()
    vowel = third if unicodedata.combining(second) else second
    if (first + vowel).lower() not in ("oa", "oe", "uy"):
        return m.group(0)
    return first + third + second


def page_kinds(page: PageSpec, rotation: int, seal_overlap: bool) -> list[str]:
    """The page kinds the bench reports on, from the page's families and what was drawn."""
    fam = page.families
    kinds = []
    if seal_overlap:
        kinds.append("seal_overlap")
    if any(isinstance(b, Card) for b in page.blocks):
        kinds.append("id_card")
    if fam.get("background", "white") != "white":
        kinds.append("coloured_form")
    if fam.get("capture", "flatbed") in ("phone", "phone_small", "phone_bent", "phone_lowres"):
        kinds.append("phone_photo")
    if fam.get("capture") == "photocopy2":
        kinds.append("photocopy")
    if rotation:
        kinds.append("rotated")
    if any(isinstance(b, Line) and b.form for b in page.blocks):
        kinds.append("dotted_form")
    return kinds


def page_families(page: PageSpec) -> dict[str, str]:
    """The tags of a page: its layout family ('type:variant') and the drawn families that show
    on it (a card look only on a page with a card, a seal style only under a seal, ...)."""
    shows = {
        "card": any(isinstance(b, Card) for b in page.blocks),
        "seal": any(
            isinstance(b, Signature) and any(c and c.seal for c in (b.left, b.right))
            for b in page.blocks
        ),
        "form": any(isinstance(b, Line) and is_form_line(b) for b in page.blocks),
        "labels": any(k in page.text for k in (*ALT_LABELS, *ALT_LABELS.values())),
    }
    tags = {"layout": f"{page.doc_type}:{page.variant}"}
    tags.update({k: v for k, v in page.families.items() if shows.get(k, True)})
    return tags


def layout_split(doc_type: str, variant: str) -> str:
    return HELD_OUT if variant in layout_variants(HELD_OUT).get(doc_type, ()) else TRAIN


def split_of(families: Mapping[str, str]) -> str:
    """'held_out' when any tag is a held-out family (the layout tag included)."""
    layout = families.get("layout")
    if layout:
        doc_type, _, variant = layout.partition(":")
        if layout_split(doc_type, variant) == HELD_OUT:
            return HELD_OUT
    return HELD_OUT if is_held_out(families) else TRAIN
