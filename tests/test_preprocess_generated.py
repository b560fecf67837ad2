"""Orientation, deskew and blank detection on pages from the sample generator (all levels).

The generator (samples) records the exact rotation and skew it applied, with the same
conventions as `Prepared.rotation` / `Prepared.skew_degrees`.
"""

from __future__ import annotations

import random

import pytest

samples = pytest.importorskip("samples")
defects = pytest.importorskip("samples.defects")
render = pytest.importorskip("samples.render")

from ocr.preprocess import prepare  # noqa: E402

LEVELS = ("clean", "mild", "medium", "hard")


def _pages(n: int, seed: int):
    specs = [doc.pages[0] for doc in samples.iter_documents(seed, n)]
    for i, spec in enumerate(specs):
        level = LEVELS[i % 4]
        image = render.render_page(spec, dpi=300, seed=i).image
        rotation = (0, 90, 180, 270)[(i // 4) % 4]
        scan, applied = defects.degrade(
            image, level, random.Random(seed * 1000 + i), rotation=rotation
        )
        yield level, scan, applied


@pytest.mark.slow
def test_rotation_and_skew_on_generated_pages():
    wrong_rotation, skew_errors = [], []
    for level, scan, applied in _pages(24, seed=31):
        result = prepare(scan, applied.dpi)
        assert not result.blank, (level, applied.defects)
        if result.rotation != applied.rotation:
            wrong_rotation.append((level, applied.defects, result.rotation))
        skew_errors.append(abs(result.skew_degrees - applied.skew_degrees))
    assert not wrong_rotation
    within = sum(e <= 0.1 for e in skew_errors) / len(skew_errors)
    assert within >= 0.95, sorted(skew_errors)[-3:]


@pytest.mark.slow
def test_generated_blank_backs_with_bleed_through_are_blank():
    docs = list(samples.iter_documents(8, 6))
    blank_spec = samples.PageSpec(doc_type=docs[0].doc_type, variant=docs[0].variant, blank=True)
    for i, doc in enumerate(docs):
        front = render.render_page(doc.pages[0], dpi=300, seed=i).image
        back = render.render_page(blank_spec, dpi=300, seed=i, bleed_from=front).image
        level = LEVELS[i % 4]
        scan, applied = defects.degrade(back, level, random.Random(i), blank=True)
        assert prepare(scan, applied.dpi).blank, (level, applied.defects)
        text, applied = defects.degrade(front, level, random.Random(i))
        assert not prepare(text, applied.dpi).blank, (level, applied.defects)
