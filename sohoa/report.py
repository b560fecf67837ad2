"""Human-readable terminal output (rich tables) for the commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 160)


def print_ocr_summary(result: Any) -> None:
    code = result.dossier_code or "no dossier code found"
    console.print(f"[bold]{result.source}[/bold]: {result.page_count} pages, {code}")
    table = Table("pages", "type", "confidence", "fields", "review")
    for doc in result.documents:
        pages = f"{doc.pages[0]}-{doc.pages[-1]}" if len(doc.pages) > 1 else str(doc.pages[0])
        fields = ", ".join(f"{k}={v}" for k, v in list(doc.fields.items())[:4])
        review = "; ".join(doc.review_reasons) if doc.needs_review else ""
        table.add_row(pages, doc.doc_type, f"{doc.confidence:.2f}", fields, review)
    console.print(table)


def print_ingest_summary(summary: Any) -> None:
    table = Table("scan", "outcome", "dossier", "pages", "reason", title="Ingest")
    for o in summary.outcomes:
        table.add_row(o.source, o.status, o.dossier_code or "", str(o.pages or ""), o.reason or "")
    for f in summary.failed:
        table.add_row(f["source"], "failed", "", "", f["error"])
    console.print(table)


def print_rates(rows: Sequence[Any]) -> None:
    """Received dossiers; scanned = components digitized; digitized = components and result."""
    table = Table(
        "office",
        "name",
        "level",
        "period",
        "received",
        "scanned",
        "digitized",
        "rate",
        "e-result",
        "reuse",
        "points",
        title="Digitization rates",
    )
    for r in rows:
        table.add_row(
            r.office_code,
            _short(r.office_name or "", 34),
            r.level or "",
            str(r.period),
            str(r.received),
            str(r.components_digitized),
            str(r.digitized),
            _pct(r.digitized_rate),
            _pct(r.e_result_rate),
            _pct(r.reuse_rate),
            "" if r.points is None else f"{r.points:.2f}/{r.points_max:g}",
        )
    console.print(table)


def rates_json(rows: Sequence[Any]) -> str:
    return json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1)


def as_json(data: Any) -> str:
    """Service results (dataclasses, lists of them) as the indented JSON `--json` prints."""
    if is_dataclass(data):
        data = asdict(data)
    elif isinstance(data, list):
        data = [asdict(d) if is_dataclass(d) else d for d in data]
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def print_search_hits(hits: Sequence[Any]) -> None:
    """Per document found: dossier, type, pages and its key (for `sohoa get`), then its link."""
    for hit in hits:
        print(f"{hit.dossier_code or '-'}  {hit.doc_type}  pages {_pages(hit.pages)}  {hit.key}")
        print(f"    {hit.url}")
    print(f"{len(hits)} document(s) found" if hits else "no documents found")


def print_review_queue(items: Sequence[Any]) -> None:
    """One line per document waiting for review, with the reasons, then the count."""
    for r in items:
        print(
            f"#{r.id}  {r.dossier_code or '-'}  {r.doc_type} ({r.confidence:.2f})  "
            f"pages {_pages(r.pages)}  {'; '.join(r.reasons or [])}"
        )
    print(f"{len(items)} document(s) to review")


def _pages(pages: Sequence[int]) -> str:
    """[3, 4, 5] -> '3-5' (a document's pages are consecutive), [2] -> '2'."""
    if not pages:
        return "-"
    return f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"
