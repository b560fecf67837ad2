"""Rich progress bars (scans and pages, with ETA) when the user watches a terminal; nothing when
output goes to a file or a pipe, where the plain log lines are the record."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def interactive() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


def _bars() -> Progress:
    return Progress(
        TextColumn("{task.description}", justify="left"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


class ScanBars:
    """A `flows.progress.Listener`: one bar for the scans, one for the current scan's pages."""

    def __init__(self, progress: Progress, label: str):
        self.progress = progress
        self.label = label
        self.scan_bar: TaskID | None = None
        self.page_bar: TaskID | None = None
        self.done = 0

    def scans(self, total: int) -> None:
        if self.scan_bar is None:
            self.scan_bar = self.progress.add_task(self.label, total=total)
        else:
            self.progress.update(self.scan_bar, total=total)

    def scan_started(self, name: str) -> None:
        if self.page_bar is None:
            self.page_bar = self.progress.add_task(f"pages of {name}", total=None)
        else:
            self.progress.reset(self.page_bar, total=None, description=f"pages of {name}")

    def pages(self, name: str, done: int, total: int) -> None:
        if self.page_bar is not None:
            self.progress.update(self.page_bar, completed=done, total=total)

    def scan_finished(self, name: str, status: str) -> None:
        self.done += 1
        if self.scan_bar is not None:
            self.progress.update(self.scan_bar, completed=self.done)


@contextmanager
def scan_progress(label: str) -> Iterator[None]:
    """Bars for a flow run in this process (ingest, backfill) while it runs."""
    from flows.progress import listening

    if not interactive():
        yield
        return
    with _bars() as progress, listening(ScanBars(progress, label)):
        yield


@contextmanager
def page_progress(name: str) -> Iterator[Callable[[int, int], None] | None]:
    """An `on_page` callback drawing the pages of one input (sohoa ocr)."""
    if not interactive():
        yield None
        return
    with _bars() as progress:
        bar = progress.add_task(f"pages of {name}", total=None)
        yield lambda done, total: progress.update(bar, completed=done, total=total)


@contextmanager
def row_progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """An `on_rows(done, total)` callback for long imports (register import)."""
    if not interactive():
        yield None
        return
    with _bars() as progress:
        bar = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(bar, completed=done, total=total)
