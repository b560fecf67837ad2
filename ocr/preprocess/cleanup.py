"""Page cleanup before recognition: `prepare(image, dpi)` -> `Prepared`, the steps in order.

Everything is *measured* on a ~100 dpi analysis view (a few ms per step) and the full-size page
is then edited once: one warp for rotation + deskew, and per-pixel operations only for the steps
whose measurement says the page needs them. Steps can be switched off by name (`steps=`) so the
benchmark can measure each on its own; `ALL_STEPS` lists them, `DEFAULT_STEPS` is what the
pipeline uses. Blank-page detection always runs (it decides whether there is anything to read).

Geometry: `ocr_image` and `pdf_image` have the same size, so word boxes found on the first are
valid on the second (both are upscaled together when the page is under 200 dpi), except with
`read_dpi`: then `ocr_image` is the page at the reading resolution (see `prepare`).
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import cv2
import numpy as np

from ocr.preprocess import (
    blank,
    borders,
    denoise,
    deskew,
    illumination,
    leaders,
    orientation,
    perspective,
    slant,
    textsize,
)
from ocr.preprocess import stamps as stamps_step
from ocr.preprocess.view import View, ink_mask, make_view, text_ink

ALL_STEPS: tuple[str, ...] = (
    "textsize",  # resolution from the letters themselves (with "upscale": small text enlarged
    # to a working size before anything else)
    "perspective",  # find the sheet in a phone photo and warp it flat
    "orientation",  # 0/90/180/270 from text-line shape
    "osd",  # ask Tesseract OSD when the line shape is not conclusive
    "deskew",  # remove the text-line angle (+-16 degrees)
    "stamps",  # red/blue seals read as paper
    "illumination",  # divide by the paper brightness when it is uneven or dim
    "denoise",  # specks painted white when the page is speckled; dense salt-and-pepper
    # (a grey sheet through a bilevel scanner) cleared first, before anything measures the page
    "borders",  # dark scanner borders and punch holes painted white
    "leaders",  # dot leaders of forms painted white (Tesseract reads them as letters)
    "slant",  # on form pages (leaders found): words leaning right (values written by hand)
    # sheared to a mild lean
    "upscale",  # small text enlarged first (see textsize); pages still under 200 dpi upscaled
    # to 300 dpi for recognition
)
DEFAULT_STEPS: frozenset[str] = frozenset(ALL_STEPS)
UPSCALE_BELOW_DPI = 200
UPSCALE_TO_DPI = 300
MIN_SKEW = 0.05  # degrees; smaller angles are not worth a resampling pass
SPARSE_POINTS = 15_000  # text-line edge points in the view below which the angle is refined
FINE_VIEW_DPI = 200  # ... on an ink mask at this resolution
SURE_AXIS = 1.04  # line-structure ratio between the two axes below which OSD is asked


@dataclass
class Prepared:
    ocr_image: np.ndarray  # uint8 gray: what Tesseract reads
    pdf_image: np.ndarray  # BGR uint8: upright, deskewed page, same size as ocr_image
    rotation: int  # clockwise correction applied: 0, 90, 180, 270
    skew_degrees: float  # skew found and removed, counter-clockwise positive (cv2 sign)
    blank: bool
    dpi: int  # resolution of ocr_image (after any upscaling)
    # CPU seconds per step, and "total" (this process and the tesseract OSD it waits for)
    timings: dict[str, float] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)  # steps that changed the page
    osd_pixels: list[int] = field(default_factory=list)  # image size of each OSD call made


def prepare(
    image: np.ndarray,
    dpi: int,
    *,
    steps: frozenset[str] | None = None,
    read_dpi: int | None = None,
) -> Prepared:
    """Clean one page for recognition; see the module docstring for what each step does.

    `read_dpi`: the resolution the page will be read at (ocr.recognize's `max_dpi`). A finer page
    is brought to it right after straightening, with the very resize recognition would make, and
    cleaned there (2.25x fewer pixels than a 300 dpi page); `ocr_image` is then that smaller copy
    (`dpi` its resolution) and `pdf_image` keeps the page's full size."""
    steps = DEFAULT_STEPS if steps is None else frozenset(steps)
    unknown = steps - set(ALL_STEPS)
    if unknown:
        raise ValueError(f"unknown preprocessing steps: {sorted(unknown)}")
    timings: dict[str, float] = {}
    applied: list[str] = []
    start = cpu_seconds()
    image = _as_bgr(image)
    dpi = max(int(dpi or UPSCALE_TO_DPI), 1)
    plain = None  # the page's luminance, made once for the steps that read it (~5 ms a copy)
    if "denoise" in steps:  # dense noise would pass for tiny letters and lines of text
        with _timed(timings, "denoise"):
            image, plain = _without_dense_noise(image, dpi, applied)
    letters = None  # the page with seal ink lifted, when it has any (computed once: ~0.15 s)
    patterned = None  # its paper printed with a pattern (asked once: the same sheet throughout)
    if "textsize" in steps:  # before anything measures: every step assumes readable letters
        with _timed(timings, "textsize"):
            letters, patterned = _letters_only(image, steps, plain)
            measured = letters if letters is not None else plain
            image, dpi, enlarged = textsize.working_size(
                image, dpi, enlarge="upscale" in steps, gray=measured
            )
            if enlarged:
                applied.append("textsize")
                letters = patterned = plain = None  # made from the page before it was enlarged

    with _timed(timings, "view"):
        look = _look(image, dpi, steps, letters, patterned, plain)

    if "perspective" in steps:
        with _timed(timings, "perspective"):
            sheet = perspective.find_sheet(look.view.gray, look.view.scale)
            if sheet is not None:
                image = perspective.flatten_sheet(image, sheet)
                dpi = perspective.sheet_dpi(sheet)
                look = _look(image, dpi, steps)
                applied.append("perspective")
    view = look.view

    with _timed(timings, "blank"):
        is_blank = blank.is_blank(view, illumination.background(view))
    if is_blank:
        return _finish(Prepared(look.gray, image, 0, 0.0, True, dpi, timings, applied), start)

    osd_pixels: list[int] = []
    rotation, skew = _orientation_and_skew(
        view, look.gray, dpi, steps, timings, applied, osd_pixels
    )

    with _timed(timings, "straighten"):
        if not rotation and not skew:
            pdf_image, ocr = image, look.gray
        elif look.colour:
            pdf_image = deskew.straighten(image, rotation, skew)
            # lifted again after the warp: warping the seal-free gray instead (~0.1 s less)
            # moved held-out hard pages' CER both ways, +0.013 pooled (bench/ocr.py families)
            ocr = _recognition_gray(pdf_image, look.stamped, look.patterned)
        else:  # a gray page in a BGR array: warp one channel, not three
            ocr = deskew.straighten(look.gray, rotation, skew)
            pdf_image = cv2.cvtColor(ocr, cv2.COLOR_GRAY2BGR)
        if rotation or skew:
            small = deskew.straighten(view.gray, rotation, skew)
            view = View(small, ink_mask(small, view.dpi), view.scale, view.dpi)
    if look.stamped:
        applied.append("stamps")

    paper = None
    if {"illumination", "borders"} & steps:
        with _timed(timings, "illumination"):
            paper = illumination.background(view)
    if "illumination" in steps:
        with _timed(timings, "illumination"):
            if illumination.needs_flattening(paper):
                ocr = illumination.flatten(ocr, paper)
                applied.append("illumination")

    if "denoise" in steps:
        with _timed(timings, "denoise"):
            ocr, changed = denoise.despeckle(ocr)
            if changed:
                applied.append("denoise")

    if "borders" in steps:
        with _timed(timings, "borders"):
            mask = borders.artefact_mask(view, paper)
            if mask is not None:
                ocr = borders.whiten(ocr, mask)
                applied.append("borders")

    if read_dpi:
        with _timed(timings, "resize"):
            ocr, dpi = _at_read_dpi(ocr, dpi, read_dpi)

    if "leaders" in steps:
        with _timed(timings, "leaders"):
            ocr, changed = leaders.remove(ocr, dpi)
            if changed:
                applied.append("leaders")

    if "slant" in steps and "leaders" in applied:  # a form: values may be written by hand
        with _timed(timings, "slant"):
            ocr, changed = slant.straighten(ocr, dpi)
            if changed:
                applied.append("slant")

    if "upscale" in steps and dpi < UPSCALE_BELOW_DPI and ocr.shape == pdf_image.shape[:2]:
        with _timed(timings, "upscale"):
            factor = UPSCALE_TO_DPI / dpi
            ocr = cv2.resize(ocr, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
            size = (ocr.shape[1], ocr.shape[0])
            pdf_image = cv2.resize(pdf_image, size, interpolation=cv2.INTER_CUBIC)
            dpi = UPSCALE_TO_DPI
            applied.append("upscale")

    prepared = Prepared(ocr, pdf_image, rotation, skew, False, dpi, timings, applied, osd_pixels)
    return _finish(prepared, start)


def _at_read_dpi(gray: np.ndarray, dpi: int, read_dpi: int) -> tuple[np.ndarray, int]:
    """`gray` as ocr.recognize reads it: downsampled (INTER_AREA) to `read_dpi` when finer by
    more than 5%; (image, its dpi)."""
    factor = min(1.0, read_dpi / dpi)
    if factor >= 0.95:
        return gray, dpi
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return small, max(1, round(dpi * small.shape[1] / gray.shape[1]))


def _orientation_and_skew(
    view: View,
    gray: np.ndarray,
    dpi: int,
    steps: frozenset[str],
    timings: dict,
    applied: list[str],
    osd_pixels: list[int],
) -> tuple[int, float]:
    if not {"orientation", "deskew"} & steps:
        return 0, 0.0
    with _timed(timings, "lines"):
        ink = text_ink(view)
        angle = deskew.text_angle(ink)
        if angle is not None and angle.points < SPARSE_POINTS and view.scale < 1.0:
            fine = make_view(gray, dpi, FINE_VIEW_DPI)
            angle = deskew.refine(text_ink(fine), angle)
    rotation = 0
    if "orientation" in steps:
        with _timed(timings, "orientation"):
            if angle is not None:
                found = orientation.orientation_from_lines(ink, angle)
                rotation = found.rotation
                unsure = found.score < orientation.SURE or angle.ratio < SURE_AXIS
            else:
                unsure = True
            if unsure and "osd" in steps:
                with _timed(timings, "osd"):  # also counted in "orientation"
                    half = _half(gray, view)
                    osd_pixels.append(half.shape[0] * half.shape[1])
                    osd = orientation.orientation_from_osd(half)
                if osd is not None:
                    rotation = osd
                    applied.append("osd")
        if rotation:
            applied.append("orientation")
    skew = 0.0
    if "deskew" in steps and angle is not None and abs(angle.degrees) >= MIN_SKEW:
        skew = round(angle.degrees, 3)
        applied.append("deskew")
    return rotation, skew


@dataclass
class _Look:
    gray: np.ndarray  # full-size gray the analysis saw (seal ink already removed if stamped)
    view: View
    colour: bool  # the page has colour at all (else it is warped as one channel)
    stamped: bool  # red/blue seal ink present and the "stamps" step on
    patterned: bool | None = None  # stamped: its paper printed with a pattern (stamps)


def _look(
    image: np.ndarray,
    dpi: int,
    steps: frozenset[str],
    letters: np.ndarray | None = None,
    patterned: bool | None = None,
    plain: np.ndarray | None = None,
) -> _Look:
    """Gray copy and analysis view; seals are removed first so they cannot mislead the angle.
    `letters`, `patterned`: `_letters_only(image, steps)` when already made (the same test, the
    same gray); `plain`: the page's luminance when already made."""
    sample = _sample(image)
    colour = _is_colour(sample)
    stamped = colour and "stamps" in steps
    stamped = stamped and stamps_step.colour_ink_share(sample) >= stamps_step.MIN_SHARE
    if not stamped:
        gray = plain if plain is not None else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        patterned = None
    elif letters is not None:
        gray = letters
    else:
        if patterned is None:
            patterned = stamps_step.is_patterned(image)
        gray = stamps_step.suppress(image, patterned)
    return _Look(gray, make_view(gray, dpi), colour, stamped, patterned)


def _without_dense_noise(
    image: np.ndarray, dpi: int, applied: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The page with dense salt-and-pepper cleared (as gray: the noise is most of its pixels),
    and its luminance."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if not denoise.is_dense(gray):
        return image, gray
    applied.append("dense_noise")
    gray = denoise.clear_dense(gray, dpi)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), gray


def _letters_only(
    image: np.ndarray, steps: frozenset[str], plain: np.ndarray | None = None
) -> tuple[np.ndarray | None, bool | None]:
    """The page with seals, stamps and coloured background patterns lifted, for measuring
    letters, and whether its paper is patterned ((None, None): a page without colour, measured
    as it is). `plain`: the page's luminance when already made."""
    sample = _sample(image)
    if "stamps" not in steps or not _is_colour(sample):
        return None, None
    if stamps_step.colour_ink_share(sample) < stamps_step.MIN_SHARE:
        return None, None
    patterned = stamps_step.is_patterned(image)
    return stamps_step.suppress(image, patterned, plain), patterned


def _recognition_gray(
    image: np.ndarray, stamped: bool, patterned: bool | None = None
) -> np.ndarray:
    """The gray Tesseract reads; `patterned` as measured on this sheet before a warp (the
    measurement is ~65 ms of a lift's ~140 on a tinted page; None: measured here)."""
    if not stamped:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return stamps_step.suppress(image, patterned)


def _half(gray: np.ndarray, view: View) -> np.ndarray:
    """~150-200 dpi copy for OSD: big enough for its classifier, half the cost of full size."""
    factor = min(1.0, 2.0 * view.scale)
    if factor >= 1.0:
        return gray
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def _sample(image: np.ndarray) -> np.ndarray:
    """Every 4th pixel of every 4th row: enough to judge colours, ~1 ms."""
    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_NEAREST)


def _is_colour(sample: np.ndarray) -> bool:
    """Any noticeable colour at all; a gray page is then warped as one channel."""
    hsv = cv2.cvtColor(sample, cv2.COLOR_BGR2HSV)
    coloured = cv2.countNonZero(cv2.compare(hsv[:, :, 1], 40, cv2.CMP_GT))
    return coloured > 0.0005 * sample.shape[0] * sample.shape[1]


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _finish(prepared: Prepared, start: float) -> Prepared:
    prepared.timings["total"] = cpu_seconds() - start
    return prepared


def cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for (tesseract): unlike
    wall time, hardly changed by what else a shared machine runs."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    began = cpu_seconds()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + cpu_seconds() - began


__all__ = ["ALL_STEPS", "DEFAULT_STEPS", "Prepared", "prepare"]
