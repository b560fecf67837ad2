"""The dot-leader rule applied to every run of marks at once (numpy) flags exactly the runs the
plain rule flags one by one: six or more marks, evenly spaced or missing whole dots."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from ocr.preprocess import leaders


def _plain_rule(xs: list[float]) -> bool:
    """The rule as written for one run (left to right x of its marks)."""
    if len(xs) < leaders.MIN_RUN:
        return False
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    mean = sum(gaps) / len(gaps)
    spread = math.sqrt(sum((g - mean) ** 2 for g in gaps) / len(gaps))
    if spread / mean <= leaders.REGULAR:
        return True
    pitch = statistics.median(gaps)
    steps = [g / pitch for g in gaps]
    if any(abs(st - round(st)) > leaders.STEP for st in steps):
        return False
    return sum(round(st) == 1 for st in steps) >= 0.5 * len(steps)


def _row(rng: np.random.Generator, kind: str, start: float) -> list[float]:
    n = int(rng.integers(3, 25))
    if kind == "even":
        return list(start + 6.0 * np.arange(n) + rng.normal(0, 0.4, n))
    if kind == "missing":  # whole dots hidden under a written value
        keep = rng.random(n) > 0.3
        return list(start + 6.0 * np.flatnonzero(keep) + rng.normal(0, 0.3, keep.sum()))
    return list(start + np.cumsum(rng.uniform(1.0, 12.0, n)))  # specks


def _plain_flags(cx: np.ndarray, keys: np.ndarray, max_gap: float) -> np.ndarray:
    """Each band's marks left to right, cut where a gap is not in (0, max_gap], each run tested
    by `_plain_rule`: one Python loop, as the rule reads."""
    flags = np.zeros(cx.size, bool)
    for band in np.unique(keys):
        row = sorted(np.flatnonzero(keys == band), key=lambda k: (cx[k], k))
        run = [row[0]]
        for k in [*row[1:], None]:
            if k is not None and 0 < cx[k] - cx[run[-1]] <= max_gap:
                run.append(k)
                continue
            flags[run] = _plain_rule([float(cx[i]) for i in run])
            run = [k]
    return flags


@pytest.mark.parametrize("seed", range(6))
def test_all_runs_at_once_flag_what_the_plain_rule_flags(seed):
    rng = np.random.default_rng(seed)
    cx, keys = [], []
    for band in rng.permutation(60):
        start = 0.0
        for _ in range(int(rng.integers(1, 4))):
            xs = _row(rng, str(rng.choice(["even", "missing", "specks"])), start)
            if not xs:
                continue
            if rng.random() < 0.3:  # two marks one above the other: the same centre x
                xs.append(xs[int(rng.integers(len(xs)))])
            cx += xs
            keys += [band] * len(xs)
            start = max(xs) + 40.0
    cx_a, keys_a = np.array(cx), np.array(keys, np.int64)
    order, run_of = leaders._runs(keys_a, cx_a, 20.0)
    flagged = np.zeros(cx_a.size, bool)
    flagged[order[leaders._leader_runs(order, run_of, cx_a)]] = True
    want = _plain_flags(cx_a, keys_a, 20.0)
    assert want.any() and (~want).any()
    assert np.array_equal(flagged, want)
