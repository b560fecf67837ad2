"""Progress of scans and pages for whoever watches (the CLI's progress bars).

The CLI sets a listener for the duration of a command; flows and tasks report to it. Without a
listener (a served deployment, a worker) nothing happens: Prefect's logs are the record there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Listener(Protocol):
    def scans(self, total: int) -> None: ...
    def scan_started(self, name: str) -> None: ...
    def pages(self, name: str, done: int, total: int) -> None: ...
    def scan_finished(self, name: str, status: str) -> None: ...


_LISTENER: ContextVar[Listener | None] = ContextVar("sohoa_progress", default=None)


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def scans(total: int) -> None:
    if (listener := _LISTENER.get()) is not None:
        listener.scans(total)


def scan_started(name: str) -> None:
    if (listener := _LISTENER.get()) is not None:
        listener.scan_started(name)


def scan_finished(name: str, status: str) -> None:
    if (listener := _LISTENER.get()) is not None:
        listener.scan_finished(name, status)


def page_callback(name: str) -> Callable[[int, int], None] | None:
    """An `on_page(done, total)` for `ocr.pipeline.process`, or None when nobody listens."""
    listener = _LISTENER.get()
    if listener is None:
        return None
    return lambda done, total: listener.pages(name, done, total)
