"""Families of the generator: a fixed training/held-out split that never leaks, deterministic
pages, and the new capture kinds written the way they arrive (no DPI, small, JPEG)."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from samples import families
from samples.content import iter_documents
from samples.families import FAMILIES, HELD_OUT, SPLITS, TRAIN, draw, dress, retone, split_of
from samples.generate import generate_pages
from samples.layout import Line
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


def test_training_forms_carry_hand_written_values_and_held_out_hands_are_another_hand():
    """The rules must see hand-written values on training pages; the held-out hand shares no
    font, ink or slant range with the training one (it is writing nobody tuned on)."""
    from samples.forms import HANDS

    train = [m for m in families.members("form", TRAIN) if m in HANDS]
    held = [m for m in families.members("form", HELD_OUT) if m in HANDS]
    assert train and held and not set(train) & set(held)
    forms = Counter(
        b.form for page in _dressed(TRAIN) for b in page.blocks if isinstance(b, Line) and b.form
    )
    assert forms["dots_pen"] > 20 and forms["dots_typed"] > 20 and not forms["dots_hand"]
    for a in train:
        for b in held:
            ha, hb = HANDS[a], HANDS[b]
            assert not set(ha.fonts) & set(hb.fonts)
            assert not set(ha.inks) & set(hb.inks)
            assert ha.slant[1] < hb.slant[0]


def test_every_hand_font_is_installed_with_vietnamese():
    from samples.forms import HANDS
    from samples.render import find_font

    for hand in HANDS.values():
        for name in hand.fonts:
            path = find_font(name)
            assert path and has_vietnamese(path), name
    for split in SPLITS:
        families.require_fonts(split)


def test_a_missing_hand_font_fails_loudly(monkeypatch):
    from samples import forms

    monkeypatch.setitem(forms.HANDS, "dots_hand",
                        replace(forms.HANDS["dots_hand"], fonts=("NoSuchHand.ttf",)))  # fmt: skip
    with pytest.raises(FileNotFoundError, match="NoSuchHand"):
        families.require_fonts(HELD_OUT)
    families.require_fonts(TRAIN)  # the training hand is untouched


def test_held_out_labels_reword_field_labels_only_on_held_out_pages():
    text = " ".join(p.text for p in _dressed(HELD_OUT, n=120))
    assert "Số định danh cá nhân:" in text and "Số thửa:" in text and "V/v " in text
    # (an ID card prints "Số định danh cá nhân" itself, on training cards too)
    train = " ".join(p.text for p in _dressed(TRAIN, n=120) if p.doc_type != "can_cuoc")
    for label in families.ALT_LABELS.values():
        assert f"\n{label}:" not in train and f"   {label}:" not in train, label
    assert "Thửa đất số:" in train and "Số CCCD:" in train


@pytest.mark.parametrize(
    ("std", "alt"),
    [("Thửa đất số: 12   Tờ bản đồ số: 4", "Số thửa: 12   Số tờ bản đồ: 4"),
     ("a) Thửa đất số: 5", "a) Số thửa: 5"),
     ("[03] Mã số thuế/Số CCCD: 0123", "[03] Mã số thuế/Số định danh cá nhân: 0123"),
     ("Diện tích (m²)", "Diện tích đất (m²)"),
     ("Về việc phê duyệt", "V/v phê duyệt"),
     ("tại thửa đất số 12, tờ bản đồ số 4, Diện tích là", None),  # a sentence stays
     ("Cấp giấy Về việc", None)],
)  # fmt: skip
def test_relabel(std, alt):
    assert families.relabel(std, "labels_alt") == (alt or std)
    assert families.relabel(std, "labels_std") == std


def test_a_one_member_axis_draws_nothing():
    """Adding a held-out-only axis must not move the training pages' other draws."""
    a, b = random.Random(9), random.Random(9)
    chosen = draw(a, TRAIN, "khac")
    assert chosen["labels"] == "labels_std"
    for axis in ("wording", "font"):
        b.choice(families.members(axis, TRAIN))
    for axis in families.OPTIONAL_AXES:
        if axis not in families.LATE_AXES:
            b.random()  # rng.choices: one draw per axis, whatever its number of members
    assert a.random() == b.random()
    held = [draw(random.Random(s), HELD_OUT, "khac")["labels"] for s in range(40)]
    assert {"labels_std", "labels_alt"} <= set(held)


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
    assert drawn == {"flatbed", "phone"}  # phone_small only when forced (bench/lowres.py)


def test_the_bench_ocr_cache_is_keyed_by_the_code_that_draws_the_hands():
    """bench/classify.py keys recognised pages by their text: a new hand (same text, other look)
    must still make the cached pages stale, so the drawing code is in the fingerprint."""
    from bench import classify

    root = Path(classify.__file__).resolve().parents[1]
    assert all((root / name).exists() for name in classify.OCR_CODE)
    for drawing in ("samples/forms.py", "samples/render.py", "samples/defects.py"):
        assert any(drawing == n or drawing.startswith(n + "/") for n in classify.OCR_CODE), drawing


def test_the_bench_ocr_cache_is_keyed_by_every_module_that_reads_a_page():
    """A module the pipeline reads pages with (ocr.cards came after the key was written) must
    be in the fingerprint, or the bench reads pages recognised by older code. The writers of
    outputs and the error types do not change what is read."""
    import subprocess
    import sys

    from bench import classify

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ocr.pipeline; print(*sorted(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    keyed = [name.removesuffix(".py").replace("/", ".") for name in classify.OCR_CODE]
    for module in loaded:
        if module.startswith("ocr.") and not module.startswith(("ocr.outputs", "ocr.errors")):
            assert any(module == k or module.startswith(k + ".") for k in keyed), module


def test_training_has_a_bent_sheet_capture():
    """phone_bent (training, reached by forcing it) bends text lines, a parabola from one edge
    unlike the held-out phone_lowres bulge, so straightening bent lines can be fitted without
    the held-out curl; small, without DPI. A flat phone photo keeps a rule straight."""
    import cv2
    import numpy as np

    from samples.capture import capture

    assert FAMILIES["capture"]["phone_bent"] == TRAIN
    assert families.WEIGHTS["capture"]["phone_bent"] == 0.0  # training draws unchanged
    page = np.full((3508, 2480, 3), 255, np.uint8)
    page[1700:1740, 200:2280] = 20  # one straight rule across the sheet

    def bend(kind: str, seed: int) -> float:
        """How far the rule strays from its straight line (pixels), inside the sheet."""
        image, dpi, defects = capture(page, kind, random.Random(seed), 300)
        if kind == "phone_bent":
            assert 1100 <= image.shape[1] <= 1800 and dpi == 0 and "no_dpi" in defects
        h, w = image.shape[:2]
        dark = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[int(0.3 * h) : int(0.7 * h)] < 90
        xs = np.arange(int(0.2 * w), int(0.8 * w))
        ys = np.array([np.flatnonzero(dark[:, x]).mean() for x in xs])
        return float(np.abs(ys - np.polyval(np.polyfit(xs, ys, 1), xs)).max())

    assert max(bend("phone", seed) for seed in range(4)) < 1.0
    assert min(bend("phone_bent", seed) for seed in range(4)) > 1.4
