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

import math
import statistics

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
    for row in _rows(cy, 0.5 * xh):
        row = row[np.argsort(cx[row], kind="stable")]
        run: list[int] = [int(row[0])]
        for k in row[1:]:
            gap = cx[k] - cx[run[-1]]
            if 0 < gap <= MAX_GAP * xh:
                run.append(int(k))
                continue
            leaders[_leader(run, cx)] = True
            run = [int(k)]
        leaders[_leader(run, cx)] = True
        leaders[_bridged(row, leaders, cx, cy, size, xh)] = True
    if not leaders.any():
        return None
    keep = np.zeros(count, np.uint8)
    keep[ids[leaders] + 1] = 255
    mask = keep[labels]
    return cv2.dilate(mask, np.ones((3, 3), np.uint8))


def _rows(cy: np.ndarray, band: float) -> list[np.ndarray]:
    """Indices grouped into horizontal bands of height `band`, twice (the second grid shifted
    by half a band), so a row of dots straddling one band boundary is whole in the other."""
    out = []
    for shift in (0.0, 0.5):
        keys = np.floor(cy / band + shift).astype(np.int64)
        order = np.argsort(keys, kind="stable")
        breaks = np.flatnonzero(np.diff(keys[order])) + 1
        out += [g for g in np.split(order, breaks) if g.size >= MIN_RUN]
    return out


def _leader(run: list[int], cx: np.ndarray) -> list[int]:
    """`run` when its dots are evenly spaced (or miss whole dots), else []. Plain Python: it is
    called for every row of specks on a noisy page, where numpy's per-call cost dominated."""
    if len(run) < MIN_RUN:
        return []
    xs = cx[run].tolist()
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    mean = sum(gaps) / len(gaps)
    if mean <= 0:
        return []
    spread = math.sqrt(sum((g - mean) ** 2 for g in gaps) / len(gaps))
    if spread / mean <= REGULAR:
        return run
    # dots missing under a written value: every gap a whole number of pitches, most gaps one
    pitch = statistics.median(gaps)
    steps = [g / pitch for g in gaps]
    if any(abs(st - round(st)) > STEP for st in steps):
        return []
    return run if sum(round(st) == 1 for st in steps) >= 0.5 * len(steps) else []


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
    gaps = np.diff(cx[run])
    pitch = float(np.median(gaps[gaps > 0])) if (gaps > 0).any() else 0.0
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
