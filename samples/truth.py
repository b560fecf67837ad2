"""What a perfect reader should find in generated scans: the JSON written beside each dossier.

Field values follow TAXONOMY.md "Field keys": dates `YYYY-MM-DD`, `area_m2` float, `price_vnd`
int, IDs as digit strings, serials `CS 123456`, names NFC single-spaced as printed. `subject` is the
text after "Về việc" (no prefix); `document_number`/`form_number` drop the "Số:"/"Mẫu số" label.

Per page: `rotation` is the clockwise rotation (0/90/180/270) a reader must apply to the image (as
loaded with its EXIF orientation applied) to make it upright = the expected `Page.rotation`;
`skew_degrees` is the expected `Page.skew_degrees`: the upright page content was rotated by this
many degrees counter-clockwise (positive = counter-clockwise, the sign
`cv2.getRotationMatrix2D` uses), so removing it means rotating by `-skew_degrees`.
A blank page has `text == ""` and belongs to the document whose sheet it is the back of (its
`doc_type` is that document's type).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class PageTruth:
    number: int
    doc_type: str
    text: str
    rotation: int = 0
    skew_degrees: float = 0.0
    blank: bool = False
    level: str = "clean"
    dpi: int = 300
    defects: list[str] = field(default_factory=list)
    variant: str = "a"
    qr_codes: list[str] = field(default_factory=list)
    font: str = "serif"
    has_title: bool = False
    file: str = ""  # image path relative to the output dir (`generate_pages` only)
    # family tags (axis -> member, samples.families; 'layout' is 'type:variant'), the split they
    # make ('train' | 'held_out'; "" for the legacy generator) and the page kinds the bench reports
    families: dict[str, str] = field(default_factory=dict)
    split: str = ""
    kinds: list[str] = field(default_factory=list)

    # Mapping protocol, so `dict(page)` and `page["text"]` work like the JSON records.
    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)


@dataclass
class DocumentTruth:
    doc_type: str
    pages: list[int]
    fields: dict[str, Any]
    variant: str = "a"


@dataclass
class DossierTruth:
    dossier_code: str
    office_code: str
    scan_path: str  # relative to the output directory
    format: str  # pdf | tiff | jpeg
    pages: list[PageTruth]
    documents: list[DocumentTruth]
    procedure_code: str = ""
    received_at: str = ""
    channel: str = ""
    resolved_at: str = ""
    result_kind: str = "none"
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for page in data["pages"]:
            page.pop("file", None)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DossierTruth:
        data = dict(data)
        data["pages"] = [PageTruth(**p) for p in data["pages"]]
        data["documents"] = [DocumentTruth(**d) for d in data["documents"]]
        return cls(**data)


def dumps(data: Any) -> str:
    """Stable JSON text (same seed -> byte-identical files)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_truth(out_dir: Path, truth: DossierTruth) -> Path:
    path = out_dir / "truth" / f"{truth.dossier_code}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(truth.to_json()), encoding="utf-8")
    return path


def load_truth(out_dir: Path | str) -> list[DossierTruth]:
    """Every dossier truth under `out_dir/truth/`, in file-name order."""
    folder = Path(out_dir) / "truth"
    return [
        DossierTruth.from_json(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(folder.glob("*.json"))
    ]
