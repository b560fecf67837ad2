"""Seals, stamps, signatures and coloured paper out of the recognition image; black print and
pen-written values kept.

Seal ink is coloured; print is black or grey, also where it runs under the seal (inks multiply,
so black stays black). The recognition image is the luminance lifted by the pixel's chroma
(max - min channel): full-strength seal ink and its faint anti-aliased edges lift to paper white,
grey and black strokes (chroma ~0) are unchanged. A small chroma dead zone keeps JPEG colour
fringes around black letters from lightening them. Used only when the page carries saturated red
or blue ink at all (checked on a sparse sample), so plain pages keep plain luminance.

Coloured ink in letter-sized marks (under 5% of the page width one way at least, outside any seal or
stamp) is what a citizen wrote with a ballpoint on a form: it is text and keeps its (dark)
luminance; every other coloured pixel is lifted (seals, stamps, signatures, printed background
patterns, the colour cast of a photo).

Paper printed with a background pattern (certificates, guilloche) is first made white by dividing
each channel by the paper's own colour, estimated with a max filter that erases letters and
pattern lines; the faint pattern left is then stretched to white. Plain tinted paper and a
photo's colour cast are left to the lift (whitening them measured no gain). A
printed frame around the page is lifted like a seal, but what it encloses is not seal.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.preprocess.view import shrink

MIN_SHARE = 0.0005  # of sampled pixels: below this the page has no stamp worth removing
MIN_SATURATION = 50  # HSV saturation of seal ink; a faded seal ("mild" scans) sits at 50-90


def colour_ink_share(sample: np.ndarray) -> float:
    """Share of saturated pixels (seal red, stamp blue or violet, coloured paper) in a small BGR
    sample."""
    hsv = cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)
    sat, val = hsv[:, :, 1], hsv[:, :, 2]
    return float(((sat > MIN_SATURATION) & (val > 70)).mean())


LIFT = 1.6  # gray levels added per unit of chroma: blue seal ink (chroma ~140) reaches white
DEAD_ZONE = 16  # chroma below this is JPEG noise, not ink


MARK_INK = 45  # chroma of ink that makes up a coloured mark
BIG_MARK = 0.05  # of the page width, both ways: a seal, stamp, signature or background pattern
MARKS_WIDTH = 400  # ~pixels across of the map on which coloured marks are measured (a whole
# factor of the page: see view.shrink)
FRAME = 0.3  # of the page width, one way: a printed frame or band, not a seal (under ~45 mm)


def suppress(
    bgr: np.ndarray, patterned: bool | None = None, lum: np.ndarray | None = None
) -> np.ndarray:
    """Gray recognition image where coloured ink reads as paper, except pen-written letters.

    On paper printed with a pattern (guilloche) each channel is first divided by the paper's own
    colour (the paper reads white, the pattern keeps only its difference from the paper) and the
    pattern's light residue is then stretched to white. `patterned`: `is_patterned(bgr)` when
    already known for this sheet (the page before a warp), else measured here. `lum`: the
    page's luminance when already made."""
    if lum is None:
        lum = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    printed = _chroma(bgr, DEAD_ZONE)  # marks are measured on the page as printed
    white = None
    if patterned is None:
        patterned, white = _pattern(bgr)
    if patterned:
        if white is None:
            white = whiten_paper(bgr, paper_colour(bgr))
        # only dark ink can be pen: the pattern's lines would join the pen's letters into one
        # page-sized mark
        pen = _small_marks(cv2.bitwise_and(printed, cv2.compare(lum, PEN_DARK, cv2.CMP_LT)))
        printed, lum = _chroma(white, DEAD_ZONE), cv2.cvtColor(white, cv2.COLOR_BGR2GRAY)
    else:
        pen = _small_marks(printed)
    gray = cv2.addWeighted(lum, 1.0, printed, LIFT, 0.0)
    if pen is not None:  # pen-written letters keep their luminance (their chroma not added)
        cv2.copyTo(lum, pen, gray)
    return clip_pattern(gray) if patterned else gray


def is_patterned(bgr: np.ndarray) -> bool:
    """Is the page printed on paper with a background pattern? (~45 ms on a tinted 300 dpi page:
    asked once per sheet, see `suppress`.) Only tinted paper is asked (a photo's colour cast
    too: whitened only under a printed pattern)."""
    return _pattern(bgr)[0]


def _pattern(bgr: np.ndarray) -> tuple[bool, np.ndarray | None]:
    """(patterned, the whitened page when the paper is tinted). (Whitening a half-size copy
    instead is not the same: the full page's whitening clips ~20% of its pixels at 255 before
    the share's halving averages them; shares measured 0.01-0.05 higher.)"""
    paper = paper_colour(bgr)
    if not tinted(paper):
        return False, None
    white = whiten_paper(bgr, paper)
    return pattern_share(white) > PATTERN_SHARE, white


_CHANNELS = np.ones((1, 3), np.uint8)  # a pixel's three channels, side by side in a row


def _chroma(bgr: np.ndarray, minus: int = 0) -> np.ndarray:
    """max - min of each pixel's channels, less `minus` (saturated at 0). Taken on the rows as
    one channel, where a 1x3 max / min filter anchored at the blue byte spans the pixel, then the
    blue bytes kept: the same values as splitting the channels with fewer whole-page arrays
    (a 300 dpi page in a page process, whose heap is trimmed: ~26 vs ~38 ms; the same when
    the memory is warm)."""
    h, w = bgr.shape[:2]
    row = np.ascontiguousarray(bgr).reshape(h, w * 3)
    high = cv2.extractChannel(cv2.dilate(row, _CHANNELS, anchor=(0, 0)).reshape(h, w, 3), 0)
    low = cv2.extractChannel(cv2.erode(row, _CHANNELS, anchor=(0, 0)).reshape(h, w, 3), 0)
    return cv2.subtract(high, cv2.add(low, minus) if minus else low)


PAPER_MM = 8  # a max filter over this erases letters and pattern lines, not the paper's colour
PAPER_WIDTH_MM = 210  # the page is taken to be A4 wide to size the filter (no DPI needed)
TINTED = 8  # median chroma of the paper itself above which the page is on coloured paper
# Share of the page that is light and faintly coloured once the paper is white: a printed
# pattern. Pages of the training families (tinted paper with a frame, seals, pen; colour-cast
# phone photos and hard scans) stay under 0.2 (bench families, seed 7, 24 training pages, and
# 10 tinted training pages); the threshold is above that envelope.
PATTERN_SHARE = 0.25
PATTERN_CHROMA = 6  # chroma of a faint pattern pixel on whitened paper (half size, blurred)
PEN_DARK = 135  # ballpoint ink is darker than this, a printed pattern's lines are lighter
WHITE_POINT_MIN = 215  # the stretch never brightens more than this: strokes keep their darkness


def paper_colour(bgr: np.ndarray) -> np.ndarray:
    """The paper's colour (BGR) at 1/8 size: letters and pattern lines removed by a max filter
    over ~PAPER_MM, then smoothed."""
    small = shrink(bgr, 8)
    k = max(3, int(small.shape[1] * PAPER_MM / PAPER_WIDTH_MM) | 1)
    small = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.blur(small, (k, k))


def tinted(paper: np.ndarray) -> bool:
    chroma = paper.max(axis=2).astype(np.int16) - paper.min(axis=2)
    return bool(np.median(chroma) > TINTED)


def whiten_paper(bgr: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """Each channel divided by the paper's: the paper reads white, whatever its tint or light."""
    h, w = bgr.shape[:2]
    full = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(bgr, cv2.max(full, (1, 1, 1, 0)), scale=255)  # (np.maximum: 3x slower)


def pattern_share(white: np.ndarray) -> float:
    """Share of the (whitened) page that is light but coloured: a printed pattern, not paper or
    text. Measured on a half-size, slightly blurred copy, so that scanner and JPEG colour noise
    (random hues) averages out and a pattern's lines (one hue) stay."""
    small = shrink(white, 2)
    small = cv2.blur(small, (3, 3))
    light = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) > 170
    return float((light & (_chroma(small) >= PATTERN_CHROMA)).mean())


def clip_pattern(gray: np.ndarray) -> np.ndarray:
    """A printed pattern's light residue to white: the 5th percentile of the light pixels (the
    pattern's darkest lines) becomes paper white, the levels below it are stretched."""
    sample = gray[::3, ::3]
    light = sample[sample > 170]
    if light.size == 0:
        return gray
    white = max(WHITE_POINT_MIN, float(np.percentile(light, 5)))
    lut = np.clip(np.arange(256, dtype=np.float32) * 255.0 / white, 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)


def _small_marks(chroma: np.ndarray) -> np.ndarray | None:
    """255 over coloured marks of letter size (pen writing), 0 elsewhere; None when there are
    none. Marks are measured on a ~MARKS_WIDTH map; large ones (seals, stamps, signatures,
    printed patterns) and their whole boxes stay liftable."""
    h, w = chroma.shape
    small = shrink(chroma, round(w / MARKS_WIDTH))
    ink = (small > MARK_INK - DEAD_ZONE).astype(np.uint8)
    ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))  # a seal's ring letters join its ring
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return None
    side = BIG_MARK * small.shape[1]
    large = np.minimum(stats[:, 2], stats[:, 3]) >= side
    large[0] = True
    if large.all():
        return None
    boxes = np.zeros_like(ink)
    # A mark spanning a third of the page (a printed frame or border band) is lifted itself, but
    # its box is the whole page: what lies inside is not seal.
    frame = large & (np.maximum(stats[:, 2], stats[:, 3]) >= FRAME * small.shape[1])
    frame[0] = False
    if frame.any():
        boxes[frame[labels]] = 255
        large &= ~frame
    for x, y, bw, bh, _ in stats[1:][large[1:]]:  # inside a seal's box everything is seal
        cv2.rectangle(boxes, (int(x) - 1, int(y) - 1), (int(x + bw), int(y + bh)), 255, -1)
    boxes = cv2.resize(boxes, (w, h), interpolation=cv2.INTER_NEAREST)
    strong = cv2.compare(chroma, MARK_INK - DEAD_ZONE, cv2.CMP_GT)  # 255 / 0, one pass
    strong = cv2.dilate(strong, np.ones((3, 3), np.uint8))  # the strokes' soft edges
    pen = cv2.subtract(strong, boxes)  # 255 where strong and not in a box (both 0 / 255)
    return pen if cv2.countNonZero(pen) else None
