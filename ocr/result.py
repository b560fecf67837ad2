"""The recognition result: one shape shared by `sohoa ocr --json`, the ingest flow and storage.

Every confidence here is a probability-like number in 0..1 (Tesseract's 0..100 is divided by 100).
Page numbers are 1-based. Boxes are pixel boxes (x0, y0, x1, y1) on the *corrected* page image
(after rotation/deskew), the same image the searchable PDF shows.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA = "sohoa.ocr/v1"


@dataclass(slots=True)
class Word:
    text: str
    confidence: float
    box: tuple[int, int, int, int]
    block: int = 0
    line: int = 0


@dataclass
class Page:
    number: int
    text: str = ""
    mean_confidence: float = 0.0
    rotation: int = 0  # clockwise correction applied, degrees: 0, 90, 180, 270
    skew_degrees: float = 0.0  # skew measured and removed, degrees (counter-clockwise positive)
    blank: bool = False
    doc_type: str = "khac"
    doc_type_confidence: float = 0.0
    width: int = 0
    height: int = 0
    dpi: int = 300
    text_source: str = "ocr"  # "ocr", or "pdf" when a good embedded text layer was used
    qr_codes: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    # CPU seconds per stage of this page's processing, "tesseract_calls" and "tesseract_pixels"
    # (for bench/ocr.py's stage table; not part of the JSON result)
    timings: dict[str, float] = field(default_factory=dict, repr=False)
    # which read was kept (ocr.guard): "pipeline", "checked" (a plain read was made and lost) or
    # "plain" (the page as loaded read more confidently)
    reading: str = "pipeline"
    needs_review: bool = False  # e.g. a non-blank page that yielded no text
    warnings: list[str] = field(default_factory=list)

    def to_json(self, *, words: bool = True) -> dict[str, Any]:
        """This page in the `sohoa.ocr/v1` shape (no timings; words only when asked: without
        them nothing of the words is copied)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "timings" or (f.name == "words" and not words):
                continue
            value = getattr(self, f.name)
            if f.name == "words":
                data["words"] = [asdict(w) for w in value]
            else:
                data[f.name] = copy.deepcopy(value)
        return data


@dataclass
class Document:
    doc_type: str
    pages: list[int]
    confidence: float
    fields: dict[str, Any] = field(default_factory=dict)
    # key -> {"page": int, "confidence": float}
    field_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)


@dataclass
class OcrResult:
    source: str
    sha256: str
    page_count: int
    pages: list[Page]
    documents: list[Document] = field(default_factory=list)
    dossier_code: str | None = None
    office_code: str | None = None
    tool_versions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_json(self, *, words: bool = False, pages: bool = True) -> dict[str, Any]:
        """The `sohoa.ocr/v1` shape; per-word boxes only on request (they are large). With
        `pages=False` the pages list is left empty (`ocr.pipeline.write_result_json` writes them
        one at a time)."""
        data: dict[str, Any] = {"schema": SCHEMA}
        for f in fields(self):
            if f.name == "pages":
                data["pages"] = [p.to_json(words=words) for p in self.pages] if pages else []
            elif f.name == "documents":
                data["documents"] = [asdict(d) for d in self.documents]
            else:
                data[f.name] = copy.deepcopy(getattr(self, f.name))
        return data
