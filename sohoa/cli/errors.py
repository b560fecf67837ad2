"""One exit-code policy for every command, and one line on stderr per error.

0 ok · 1 some inputs failed or were quarantined · 2 bad arguments or input · 3 a required tool
missing · 4 a service unreachable (S3, database, Prefect) · 130 interrupted. A traceback is shown
only with `sohoa --debug`."""

from __future__ import annotations

OK = 0
SOME_FAILED = 1
BAD_INPUT = 2
TOOL_MISSING = 3
UNREACHABLE = 4
INTERRUPTED = 130

POLICY = (
    "Exit codes: 0 ok, 1 some inputs failed or were quarantined, 2 bad arguments or input, "
    "3 a required tool missing, 4 a service unreachable (S3, database, Prefect), 130 interrupted."
)


def stop_on_sigterm() -> None:
    """A kill (SIGTERM) stops the command as Ctrl-C does: temp dirs, claims and the servers it
    started are cleaned up on the way out, and it exits 130."""
    import signal

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)


def classify(exc: BaseException) -> tuple[int, str]:
    """(exit code, one line in the user's terms) for an error that reached the command line."""
    from ocr.errors import BadInput, MissingDependency
    from sohoa.errors import ServiceUnreachable, ToolMissing, UserError

    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED, "interrupted"
    if isinstance(exc, UserError | BadInput):
        return BAD_INPUT, str(exc)
    if isinstance(exc, MissingDependency | ToolMissing):
        return TOOL_MISSING, f"missing tool: {exc}"
    if isinstance(exc, ServiceUnreachable):
        return UNREACHABLE, str(exc)
    found = _storage(exc) or _database(exc) or _prefect(exc) or _files(exc)
    if found:
        return found
    return SOME_FAILED, f"unexpected error: {type(exc).__name__}: {exc} (run with --debug)"


def _storage(exc: BaseException) -> tuple[int, str] | None:
    from storage.errors import ObjectMissing, StorageError

    if isinstance(exc, ObjectMissing):
        return BAD_INPUT, str(exc)
    if not isinstance(exc, StorageError):
        return None
    from sohoa.settings import get_settings

    settings = get_settings()
    url = settings.s3_endpoint or f"the embedded server under {settings.data_dir / 's3'}"
    return UNREACHABLE, f"S3 unreachable at {url}: {_reason(exc)}"


def _database(exc: BaseException) -> tuple[int, str] | None:
    try:
        from sqlalchemy.exc import InterfaceError, OperationalError
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    from sohoa.errors import safe_url
    from sohoa.settings import get_settings

    reason = _reason(exc.orig if getattr(exc, "orig", None) else exc)
    return UNREACHABLE, f"database unreachable at {safe_url(get_settings().db_url)}: {reason}"


def _prefect(exc: BaseException) -> tuple[int, str] | None:
    import os

    if type(exc).__module__.split(".")[0] != "httpx":
        return None
    url = os.environ.get("PREFECT_API_URL", "the Prefect API")
    return UNREACHABLE, f"Prefect unreachable at {url}: {_first_line(exc)}"


def _files(exc: BaseException) -> tuple[int, str] | None:
    if isinstance(exc, OSError) and exc.filename:
        return BAD_INPUT, f"{exc.filename}: {exc.strerror or exc}"
    return None


def _reason(exc: BaseException) -> str:
    """The OS's words for a failed connection when buried in a wrapped error, else its line."""
    import re

    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    return found.group(1).strip() if found else _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.splitlines()[0].split())[:300]
