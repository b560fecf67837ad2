"""Dot leaders of forms ('Họ và tên: ........') painted out before recognition.

Tesseract reads a row of dots as letters ('nh nh ni ni', '7021/71 ...'); the dots carry no text,
so they are removed from the page it reads: a leader is six or more small round marks in a row on
one baseline, evenly spaced. Letters, diacritics (the dot below of 'ạ', the dot of 'i') and
full stops never form such runs.

A value written by hand over the dots hides some of them (strokes touch them, so they are no
longer dots) and leaves short runs between its words ('thôn..Trung..xã.Phù'): a run is regular
when every gap is a whole number of the leader's pitch (dots missing, not displaced), and a
leader's run reaches across such gaps, up to MAX_BRIDGE x-heights, for dots of its own size on
its own baseline and in step with its pitch.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.textsize import REF_HEIGHT_300

MIN_RUN = 6  # dots in a row
MAX_DOT = 0.45  # largest dot, in x-heights
# smallest dot: the side of a square of its area, in x-heights (a leader's dots, the body
# font's full stops, are 0.3-0.4 x-heights wide; a scanner's specks a pixel or two)
MIN_DOT = 0.15
MAX_GAP = 2.2  # widest gap between neighbouring dots, in x-heights
REGULAR = 0.45  # spread of the gaps (std / mean) above which a row is not a leader
STEP = 0.2  # a gap may miss whole dots: within this share of the pitch of a whole number of them
MAX_BRIDGE = 8.0  # widest gap, in x-heights, a leader's run reaches across (a written word)
BRIDGE_STEP = 0.1  # ... and across a written value, in step with the pitch within this share
SAME_DOT = 0.15  # dots of one leader: width, height and centre line within this share of an
# x-height, area within SAME_AREA of the leader's own (a letter's dot below is rarely all three)
SAME_AREA = 0.35
COLON_DX = 0.25  # a colon's dots: one above the other within this (x-heights) ...
COLON_RISE = (0.3, 1.0)  # ... the upper this much higher


def leader_mask(gray: np.ndarray, dpi: int) -> np.ndarray | None:
    """uint8 0/255 mask of leader dots (slightly dilated), or None when the page has none."""
    xh = REF_HEIGHT_300 * dpi / 300
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, (int(dpi / 6) | 1), 20
    )
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= MIN_RUN:
        return None
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    small = (w <= MAX_DOT * xh) & (h <= MAX_DOT * xh) & (w >= 1) & (h >= 1)
    small &= (w <= 2.2 * h) & (h <= 2.2 * w) & (area >= 0.35 * w * h)
    small &= area >= (MIN_DOT * xh) ** 2  # a speck beside a dot breaks the run's spacing
    ids = np.flatnonzero(small)
    if ids.size < MIN_RUN:
        return None
    cx, cy = centroids[ids + 1, 0], centroids[ids + 1, 1]
    size = np.stack([w[ids], h[ids], area[ids]])
    leaders = np.zeros(ids.size, bool)  # a flag per small mark
    for shift in (0.0, 0.5):  # the second grid's bridges see the first grid's leaders
        keys = np.floor(cy / (0.5 * xh) + shift).astype(np.int64)
        order, run_of = _runs(keys, cx, MAX_GAP * xh)
        leaders[order[_leader_runs(order, run_of, cx)]] = True
        for row in _rows(order, keys, leaders):
            leaders[_bridged(row, leaders, cx, cy, size, xh)] = True
    leaders &= ~_colon_feet(cx, cy, leaders, xh)
    if not leaders.any():
        return None
    mask = np.zeros(gray.shape, np.uint8)
    for label in ids[leaders] + 1:  # dot by dot in its box (a whole-page lookup: ~9 ms)
        left, top, width, height = (int(v) for v in stats[label, :4])
        box = np.s_[top : top + height, left : left + width]
        mask[box][labels[box] == label] = 255
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _pitch(gaps: np.ndarray) -> float:
    """A leader's pitch: the mean of its one-pitch gaps (within a quarter of the median gap).
    Dots sit on whole pixels, so one-pitch gaps alternate (10, 11, 11, 10 px for a pitch of
    10.67) and their median is up to half a pixel off: across a written value of ten pitches
    the bridge's step test then missed every dot under it."""
    gaps = gaps[gaps > 0]
    if gaps.size == 0:
        return 0.0
    rough = float(np.median(gaps))
    ones = gaps[np.abs(gaps / rough - 1) < 0.25]
    return float(ones.mean()) if ones.size else rough


def _colon_feet(cx: np.ndarray, cy: np.ndarray, found: np.ndarray, xh: float) -> np.ndarray:
    """Flags of the leader dots (`found`) with another small mark right above them: the lower
    dot of the label's colon ('Họ và tên: ....'), which sits on the leader's baseline and in
    step with it. A leader's dots are alone in their column; painting the colon's foot out left
    ':' to be read as '-' or '.'."""
    feet = np.zeros(found.size, bool)
    order = np.argsort(cx)
    xs = cx[order]
    for k in np.flatnonzero(found):
        lo, hi = np.searchsorted(xs, [cx[k] - COLON_DX * xh, cx[k] + COLON_DX * xh])
        rise = cy[k] - cy[order[lo:hi]]
        feet[k] = bool(((rise > COLON_RISE[0] * xh) & (rise < COLON_RISE[1] * xh)).any())
    return feet


def _rows(order: np.ndarray, keys: np.ndarray, found: np.ndarray) -> list[np.ndarray]:
    """The marks, left to right (`order`: see `_runs`), of each band holding MIN_RUN or more
    leader dots (`found`: a flag per mark); the bridges of `_bridged` start from those only."""
    sure = np.bincount(keys[found], minlength=int(keys.max()) + 1) >= MIN_RUN
    if not sure.any():
        return []
    breaks = np.flatnonzero(np.diff(keys[order])) + 1
    return [g for g in np.split(order, breaks) if sure[keys[g[0]]]]


def _runs(keys: np.ndarray, cx: np.ndarray, max_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Marks of each band left to right, cut into runs where the gap to the previous mark is not
    in (0, max_gap]: (mark order, run number of each mark in that order)."""
    order = np.lexsort((np.arange(keys.size), cx, keys))
    x, band = cx[order], keys[order]
    gap = np.diff(x)
    cut = (band[1:] != band[:-1]) | (gap <= 0) | (gap > max_gap)
    return order, np.concatenate(([0], np.cumsum(cut)))


def _leader_runs(order: np.ndarray, run_of: np.ndarray, cx: np.ndarray) -> np.ndarray:
    """Positions (in `order`) of the marks of runs that are leaders: MIN_RUN dots or more, evenly
    spaced (spread of the gaps / their mean within REGULAR) or missing whole dots. All runs at
    once: a noisy page has thousands of runs of specks, where a Python loop cost ~0.1 s."""
    x = cx[order]
    runs = int(run_of[-1]) + 1
    marks = np.bincount(run_of, minlength=runs)
    long = marks >= MIN_RUN
    inside = run_of[1:] == run_of[:-1]  # gap i (marks i and i+1) belongs to run run_of[i]
    gap_run = run_of[:-1][inside]
    gaps = np.diff(x)[inside]
    taken = long[gap_run]
    gap_run, gaps = gap_run[taken], gaps[taken]
    count = np.maximum(marks - 1, 1)
    mean = np.bincount(gap_run, gaps, runs) / count
    spread = np.sqrt(np.bincount(gap_run, (gaps - mean[gap_run]) ** 2, runs) / count)
    ratio = np.full(runs, np.inf)
    np.divide(spread, mean, out=ratio, where=long)
    leader = long & (ratio <= REGULAR)
    leader |= long & ~leader & _whole_pitches(gap_run, gaps, runs)
    return np.flatnonzero(leader[run_of])


def _whole_pitches(gap_run: np.ndarray, gaps: np.ndarray, runs: int) -> np.ndarray:
    """Per run (gaps grouped by `gap_run`): dots missing under a written value, i.e. every gap a
    whole number of the run's pitch (its median gap) within STEP, and most gaps one pitch."""
    order = np.lexsort((gaps, gap_run))
    run, gap = gap_run[order], gaps[order]
    n = np.bincount(run, minlength=runs)
    first = np.concatenate(([0], np.cumsum(n)[:-1]))
    has = n > 0
    low = first + (n - 1) // 2  # the median: the middle gap, or the mean of the middle two
    high = first + n // 2
    pitch = np.zeros(runs)
    pitch[has] = (gap[low[has]] + gap[high[has]]) / 2
    steps = gaps / pitch[gap_run]
    whole = np.rint(steps)
    off = np.bincount(gap_run, np.abs(steps - whole) > STEP, runs)
    ones = np.bincount(gap_run, whole == 1, runs)
    return has & (off == 0) & (ones >= 0.5 * n)


def _bridged(
    row: np.ndarray,
    found: np.ndarray,
    cx: np.ndarray,
    cy: np.ndarray,
    size: np.ndarray,
    xh: float,
) -> list[int]:
    """Dots of `row` that continue a leader already found in it (`found`: a flag per mark)
    across a written value: each in step with the leader's pitch from the last dot taken, of its
    size, on its baseline, within MAX_BRIDGE x-heights of it (left and right of the leader's
    run)."""
    member = found[row]
    if member.sum() < MIN_RUN:
        return []
    run = [int(k) for k in row[member]]
    pitch = _pitch(np.diff(cx[run]))
    if pitch <= 0:
        return []
    base = float(np.median(cy[run]))
    dot = np.median(size[:, run], axis=1)  # width, height, area
    tol = max(1.5, SAME_DOT * xh)
    w, h, area = size[:, row]
    like = (
        (np.abs(cy[row] - base) <= tol)
        & (np.abs(w - dot[0]) <= tol)
        & (np.abs(h - dot[1]) <= tol)
        & (np.abs(area - dot[2]) <= SAME_AREA * dot[2])
    )
    keep = member | like  # the leader's dots and the dots like them, left to right
    if not (like & ~member).any():
        return []
    taken: list[int] = []
    members = set(run)
    order = [int(k) for k in row[keep]]
    for direction in (1, -1):
        seq = order if direction == 1 else order[::-1]
        last = None
        for k in seq:
            if k in members:
                last = k
                continue
            if last is None:
                continue
            gap = (cx[k] - cx[last]) * direction
            steps = gap / pitch
            if 0 < gap <= MAX_BRIDGE * xh and abs(steps - round(steps)) <= BRIDGE_STEP:
                taken.append(k)
                members.add(k)
                last = k
    # a lone dot beyond the leader's ends is more likely a letter's (the dot below of a label's
    # 'ạ'): kept only between leader dots or beside another at one pitch
    xs = np.sort(cx[list(members)])
    lo, hi = cx[run].min(), cx[run].max()

    def kept(k: int) -> bool:
        if lo < cx[k] < hi:
            return True
        near = np.abs(np.abs(xs - cx[k]) - pitch) <= BRIDGE_STEP * pitch
        return bool(near.any())

    return [k for k in taken if kept(k)]


def remove(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, bool]:
    """The page with leader dots painted paper-white; (page, whether any were found)."""
    mask = leader_mask(gray, dpi)
    if mask is None:
        return gray, False
    out = gray.copy()
    out[mask > 0] = 255
    return out, True
