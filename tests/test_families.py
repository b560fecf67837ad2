"""Families of the generator: a fixed training/held-out split that never leaks, deterministic
pages, and the new capture kinds written the way they arrive (no DPI, small, JPEG)."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from PIL import Image

from samples import families
from samples.content import iter_documents
from samples.families import FAMILIES, HELD_OUT, TRAIN, draw, dress, retone, split_of
from samples.generate import generate_pages
from samples.render import FONTS, font_path, has_vietnamese


def _dressed(split: str, n: int = 60, seed: int = 4):
    rng = random.Random(seed)
    variants = families.layout_variants(split)
    for doc in iter_documents(seed, n, variants=variants):
        for page in doc.pages:
            yield dress(page, draw(rng, split, page.doc_type))


def test_training_pages_never_carry_a_held_out_family():
    seen: set[tuple[str, str]] = set()
    for page in _dressed(TRAIN):
        tags = families.page_families(page)
        assert split_of(tags) == TRAIN, tags
        seen |= set(tags.items())
    held = {(a, m) for a, ms in FAMILIES.items() for m, s in ms.items() if s == HELD_OUT}
    assert not seen & held


def test_held_out_pages_always_carry_held_out_layout_wording_and_font():
    for page in _dressed(HELD_OUT):
        tags = families.page_families(page)
        assert split_of(tags) == HELD_OUT
        assert FAMILIES["font"][tags["font"]] == HELD_OUT
        assert FAMILIES["wording"][tags["wording"]] == HELD_OUT
        assert families.layout_split(page.doc_type, page.variant) == HELD_OUT


def test_layout_split_is_disjoint_and_covers_every_type():
    train, held = families.layout_variants(TRAIN), families.layout_variants(HELD_OUT)
    assert set(train) == set(held)
    for doc_type in train:
        assert train[doc_type] and held[doc_type]
        assert not set(train[doc_type]) & set(held[doc_type])


def test_training_classifier_samples_use_training_wording_only():
    from samples.train import DEFAULT_CONFIG, generate_samples

    samples = generate_samples(3, {**DEFAULT_CONFIG, "n_docs": 40, "level_weights": [1, 0, 0, 0]})
    text = " ".join(s.text for s in samples)
    assert "HÒA" in text
    assert retone(text, "tone_new") == text  # no hoà/uỷ-style word left


@pytest.mark.parametrize(
    ("new", "old"),
    [("CỘNG HÒA", "CỘNG HOÀ"), ("ỦY BAN", "UỶ BAN"), ("thủy lợi", "thuỷ lợi"),
     ("khỏe", "khoẻ"), ("Thanh Hóa", "Thanh Hoá")],
)  # fmt: skip
def test_tone_styles(new, old):
    assert retone(new, "tone_old") == old
    assert retone(old, "tone_new") == new


@pytest.mark.parametrize(
    "word", ["hoàn thành", "quý", "huyện", "Quỳ", "thuyền", "của", "mùa", "lúa"]
)
def test_tone_style_leaves_other_words(word):
    assert retone(word, "tone_old") == word == retone(word, "tone_new")


def test_every_font_family_draws_vietnamese():
    """fonts-liberation 1.x (same file names, no Vietnamese) must never be picked."""
    for family in FONTS:
        for bold in (False, True):
            assert has_vietnamese(font_path(family, bold)), (family, bold)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


@pytest.mark.slow
def test_family_pages_are_deterministic_by_seed(tmp_path):
    a = generate_pages(tmp_path / "a", seed=11, n_pages=2, split=HELD_OUT, workers=1)
    b = generate_pages(tmp_path / "b", seed=11, n_pages=2, split=HELD_OUT, workers=2)
    generate_pages(tmp_path / "c", seed=12, n_pages=2, split=HELD_OUT, workers=1)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")
    assert [p.families for p in a] == [p.families for p in b]
    records = json.loads((tmp_path / "a" / "pages.json").read_text())
    assert all(r["split"] == HELD_OUT and r["families"]["layout"] for r in records)


def test_low_resolution_phone_capture_has_no_dpi_and_is_small(tmp_path):
    import numpy as np

    from samples.capture import capture
    from samples.write import write_page_image

    page = np.full((3508, 2480, 3), 255, np.uint8)
    page[1000:1040, 300:2000] = 20
    image, dpi, defects = capture(page, "phone_lowres", random.Random(2), 300)
    assert 500 <= image.shape[1] <= 1000 and dpi == 0
    assert "no_dpi" in defects
    write_page_image(tmp_path / "p.jpg", image, dpi)
    with Image.open(tmp_path / "p.jpg") as im:
        assert "dpi" not in im.info and im.format == "JPEG"


@pytest.mark.slow
def test_held_out_dossiers_carry_their_families(tmp_path):
    from samples.generate import generate
    from samples.truth import load_truth

    truths = generate(tmp_path, seed=5, dossiers=1, split=HELD_OUT, formats=("jpeg",), workers=1)
    pages = truths[0].pages
    assert pages and all(p.split == HELD_OUT or p.blank for p in pages)
    assert len({p.families.get("capture") for p in pages if not p.blank}) == 1  # one device
    again = load_truth(tmp_path)[0]
    assert [p.families for p in again.pages] == [p.families for p in pages]
    if any(p.families.get("wording") == "tone_old" for p in pages):
        text = " ".join(p.text for p in pages)
        assert "HÒA" not in text and "HOÀ" in text


def test_training_has_its_own_low_resolution_capture(tmp_path):
    """phone_small (training) is small, without DPI, and made unlike the held-out phone_lowres
    (other widths, heavier JPEG), so small-text rules are fitted without the held-out one."""
    import numpy as np

    from samples.capture import capture

    assert FAMILIES["capture"]["phone_small"] == TRAIN
    assert FAMILIES["capture"]["phone_lowres"] == HELD_OUT
    page = np.full((3508, 2480, 3), 255, np.uint8)
    page[1000:1040, 300:2000] = 20
    for seed in range(4):
        image, dpi, defects = capture(page, "phone_small", random.Random(seed), 300)
        assert 760 <= image.shape[1] <= 1400 and dpi == 0, defects
        quality = int(next(d for d in defects if d.startswith("jpeg_q"))[6:])
        assert 35 <= quality <= 55
        assert "no_dpi" in defects and not any("lowres" in d for d in defects)
    drawn = {page.families["capture"] for page in _dressed(TRAIN)}
    assert "phone_small" in drawn and "phone_lowres" not in drawn
