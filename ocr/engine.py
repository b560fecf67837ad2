"""Tesseract as a library inside a page process: the model loaded once per process, not per call.

`tesseract FILE OUT` starts a process, loads the language model and reads a PNM the caller
wrote; on a page read in ~0.3-0.8 s of CPU that start-up and file round trip is ~0.1-0.15 s
(bench/ocr.py, medium and hard pages). Here libtesseract's C API (ctypes, no extra package) is
initialised once per process and language and given the page pixels directly; its TSV is the
same text, byte for byte, that the command writes for the same image, dpi and settings
(tests/test_engine.py checks it).

Only page worker processes use it (`enable()`, from the pool's initializer): a crash inside
Tesseract then kills one worker, which the pool replaces and retries (ocr.pipeline), never the
application. Time limits: Tesseract's own cancel hook is asked between words; it stops the read
once the call has used `timeout` CPU seconds of this thread, or run `timeout * wall_over_cpu`
seconds of wall time (a hung call). A watchdog thread ends the process when a call runs past
that without reaching the hook (layout analysis does not ask it): the pool reports the page.
Signals (the page's SIGALRM deadline, Ctrl-C, SIGTERM) are noted while a read runs; the hook then
stops it and their own handlers run once Tesseract has returned.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np

from ocr.errors import MissingDependency

_ENABLED = False
_LIB = None
_APIS: dict[tuple[str, str | None], ctypes.c_void_p] = {}
CPU_SECONDS = 0.0  # CPU s this process spent inside Tesseract calls (ocr.pipeline's stage clock)
WATCHDOG_GRACE = 30.0  # s past the wall limit before a call that never reached the hook is ended

_CANCEL = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_int)


class Cancelled(Exception):
    """The call ran over its CPU (`cpu=True`) or wall-time limit."""

    def __init__(self, cpu: bool):
        super().__init__("cpu" if cpu else "wall")
        self.cpu = cpu


def enable(on: bool = True) -> None:
    """Read with the library in this process from now on (page workers only, see above)."""
    global _ENABLED
    _ENABLED = on and _library() is not None


def enabled() -> bool:
    return _ENABLED


def _open(name: str | None):
    """The library by name, or None. Tesseract 5's soname is tried first: find_library runs
    `ldconfig -p` in a child process, once per page worker."""
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def _library():
    global _LIB
    if _LIB is None:
        lib = _open("libtesseract.so.5") or _open(ctypes.util.find_library("tesseract"))
        if lib is None:
            _LIB = False
            return None
        _declare(lib)
        _LIB = lib
    return _LIB or None


def _declare(lib) -> None:
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    signatures = {
        "TessBaseAPICreate": ([], p),
        "TessBaseAPIInit3": ([p, s, s], i),
        "TessBaseAPISetPageSegMode": ([p, i], None),
        "TessBaseAPISetVariable": ([p, s, s], ctypes.c_bool),
        "TessBaseAPISetImage": ([p, p, i, i, i, i], None),
        "TessBaseAPISetSourceResolution": ([p, i], None),
        "TessBaseAPIRecognize": ([p, p], i),
        "TessBaseAPIGetTsvText": ([p, i], p),
        "TessBaseAPIClear": ([p], None),
        "TessBaseAPIClearAdaptiveClassifier": ([p], None),
        "TessBaseAPIEnd": ([p], None),
        "TessBaseAPIDelete": ([p], None),
        "TessDeleteText": ([p], None),
        "TessMonitorCreate": ([], p),
        "TessMonitorDelete": ([p], None),
        "TessMonitorSetCancelFunc": ([p, _CANCEL], None),
    }
    for name, (args, result) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, result


def _api(lang: str, tessdata_dir: Path | None) -> ctypes.c_void_p:
    key = (lang, str(tessdata_dir) if tessdata_dir is not None else None)
    if key not in _APIS:
        lib = _library()
        api = ctypes.c_void_p(lib.TessBaseAPICreate())
        path = key[1].encode() if key[1] is not None else None
        if lib.TessBaseAPIInit3(api, path, lang.encode()) != 0:
            lib.TessBaseAPIDelete(api)
            where = f" in {tessdata_dir}" if tessdata_dir is not None else ""
            raise MissingDependency(f"tesseract model not installed: {lang}{where}")
        # its messages ("Detected 12 diacritics", leptonica's box errors) are not ours to print:
        # the command's stderr was discarded, and so are they
        lib.TessBaseAPISetVariable(api, b"debug_file", b"/dev/null")
        _quiet_leptonica()
        if not _APIS:
            atexit.register(_end_all)
        _APIS[key] = api
    return _APIS[key]


def _quiet_leptonica() -> None:
    """Leptonica (loaded with libtesseract) prints its errors to stderr: off (L_SEVERITY_NONE)."""
    name = ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name or "liblept.so.5").setMsgSeverity(6)


def _end_all() -> None:
    lib = _library()
    while _APIS:
        _, api = _APIS.popitem()
        lib.TessBaseAPIEnd(api)
        lib.TessBaseAPIDelete(api)


def tsv(
    image: np.ndarray,
    *,
    dpi: int,
    lang: str,
    psm: int,
    tessdata_dir: Path | None,
    variables: dict[str, str],
    timeout: float | None,
    wall_over_cpu: float,
) -> bytes:
    """Tesseract's TSV for `image` (gray, or RGB), as `tesseract ... -c tessedit_create_tsv=1`
    writes it (header line included). Raises Cancelled past the time limits. `variables` stay
    set on this process's API for later calls (the command starts afresh): pass the same ones."""
    global CPU_SECONDS
    lib = _library()
    api = _api(lang, tessdata_dir)
    pixels = np.ascontiguousarray(image)
    height, width = pixels.shape[:2]
    depth = 1 if pixels.ndim == 2 else pixels.shape[2]
    began_cpu, began_wall = time.thread_time(), time.monotonic()
    over: list[bool] = []  # a limit reached: True CPU, False wall
    stop: list[BaseException] = []  # a signal waiting, or what the hook itself raised

    def cancel(_this, _words) -> bool:
        try:
            if caught:
                stop.append(InterruptedError("signal"))
            elif timeout and time.thread_time() - began_cpu > timeout:
                over.append(True)
            elif timeout and time.monotonic() - began_wall > timeout * wall_over_cpu:
                over.append(False)
        except BaseException as exc:  # noqa: BLE001 - raised below, never lost inside ctypes
            stop.append(exc)
        return bool(over or stop)

    hook = _CANCEL(cancel)
    monitor = ctypes.c_void_p(lib.TessMonitorCreate())
    done = threading.Event()
    body = b""
    # The page's SIGALRM deadline, Ctrl-C and SIGTERM only are noted while Tesseract reads (a
    # Python handler raising inside the ctypes hook would have its exception swallowed): the hook
    # then stops the read, and their own handlers run once it has returned.
    caught: list[int] = []
    saved = _catch_signals(caught)
    try:
        if timeout:
            limit = timeout * wall_over_cpu + WATCHDOG_GRACE
            threading.Thread(target=_watchdog, args=(done, limit), daemon=True).start()
        lib.TessMonitorSetCancelFunc(monitor, hook)
        lib.TessBaseAPISetPageSegMode(api, int(psm))
        for name, value in variables.items():
            lib.TessBaseAPISetVariable(api, name.encode(), value.encode())
        lib.TessBaseAPISetImage(api, pixels.ctypes.data, width, height, depth, pixels.strides[0])
        lib.TessBaseAPISetSourceResolution(api, int(dpi))
        status = lib.TessBaseAPIRecognize(api, monitor)
        if status == 0 and not (over or stop):
            text = lib.TessBaseAPIGetTsvText(api, 0)
            try:
                body = ctypes.string_at(text) if text else b""
            finally:
                if text:
                    lib.TessDeleteText(text)
    finally:
        done.set()
        lib.TessBaseAPIClear(api)
        lib.TessBaseAPIClearAdaptiveClassifier(api)  # nothing learnt carries to the next page
        lib.TessMonitorDelete(monitor)
        CPU_SECONDS += time.thread_time() - began_cpu
        _release_signals(saved, caught)  # last: a signal's own handler may raise here
    if stop:
        if isinstance(stop[0], InterruptedError):
            raise RuntimeError("tesseract stopped by a signal")
        raise stop[0]
    if over:
        raise Cancelled(cpu=over[0])
    if status != 0:
        raise RuntimeError(f"tesseract failed: recognition status {status}")
    return _TSV_HEADER + body


_SIGNALS = (signal.SIGALRM, signal.SIGINT, signal.SIGTERM)


def _catch_signals(caught: list[int]) -> dict | None:
    """Note _SIGNALS in `caught` instead of handling them (main thread only, where Python runs
    handlers); the handlers they had, or None elsewhere."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def note(signum, _frame) -> None:
        caught.append(signum)

    saved = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for signum, handler in saved.items():
        if handler is not None:
            signal.signal(signum, note)
    return saved


def _release_signals(saved: dict | None, caught: list[int]) -> None:
    """Give the signals their handlers back and handle what came meanwhile, as it would have
    been (the page deadline's PageTimeout, KeyboardInterrupt, a default SIGTERM ends us)."""
    if saved is None:
        return
    for signum, handler in saved.items():
        if handler is not None:  # (None: a handler set outside Python, which we left alone)
            signal.signal(signum, handler)
    for signum in dict.fromkeys(caught):
        handler = saved[signum]
        if callable(handler):
            handler(signum, None)
        elif handler == signal.SIG_DFL:
            os.kill(os.getpid(), signum)


# the header line `tesseract ... tsv` writes before the rows (the C API's text has none)
_TSV_HEADER = (
    b"level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\t"
    b"text\n"
)


def _watchdog(done: threading.Event, seconds: float) -> None:
    """End this process when a call has not finished after `seconds` (it hung where Tesseract
    does not ask the cancel hook): its pool reports the page as failed."""
    if not done.wait(seconds):
        os._exit(70)
