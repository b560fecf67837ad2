"""SQLModel tables: the schema at Alembic head (the migrations in models/migrations create it).

- `office`: a one-stop office or body by identifier code (`000.00.24.H18`, `H44.45`); `level` one
  of LEVELS; `parent_code` the office above it (roll-ups follow it); `province_code` its level-1
  unit (`H18`, `G09`).
- `dossier`: a dossier (hồ sơ) by its code. Register columns come from the one-stop export
  (`source='register'`), or only what a scan showed (`source='scan'`). Digitization facts:
  `components_digitized` (at least one stored scan), `result_digitized` (a stored result
  document, RESULT_DOC_TYPES), `reused` (a reuse link from one of its documents); kept current by
  `models.scans` and `models.documents`, recomputable from scans/documents/links by
  `models.dossiers.refresh_facts`.
- `scan`: one input file by SHA-256, stored (objects written), quarantined or failed, with keys.
- `document`: a document found in a stored scan: type, pages, fields, plus the fields search and
  reuse need as indexed columns (`citizen_id`, `gcn_serial`, `parcel_number`, `map_sheet`).
- `page`: a recognised page and its text. Full-text index: SQLite FTS5 table `page_fts`
  (external content, kept by triggers), PostgreSQL GIN index on the stored generated column
  `text_search` = `to_tsvector('simple', sohoa_fold(text))` (sohoa_fold: diacritics and đ folded;
  not a field here: the database computes it).
- `reuse_link`: a document that matches an earlier digitized document of another dossier.
- `event`: append-only log (UPDATE/DELETE refused by triggers): what happened to which scan, by
  which tool version, with what outcome.

Times are timezone-aware UTC (SQLite stores them as UTC text).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

LEVELS = ("ministry", "province", "department", "district", "commune", "unknown")
RESULT_KINDS = ("paper", "electronic", "none", "unknown")
CHANNELS = ("counter", "online", "post")
# A scan is `stored` (objects written, rows recorded: it counts), `quarantined` (bad input; the
# same bytes would fail the same way) or `failed` (our side failed: an outage; worth retrying).
STORED, QUARANTINED, FAILED = "stored", "quarantined", "failed"
SCAN_STATUSES = (STORED, QUARANTINED, FAILED)
# Finished: nothing is left to do with these bytes unless someone asks (`models.scans.finished`).
FINISHED_STATUSES = (STORED, QUARANTINED)
# A stored document of one of these types is the dossier's result (certificate, decision, permit).
RESULT_DOC_TYPES = ("giay_chung_nhan_qsdd", "quyet_dinh", "giay_phep_moi_truong")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json(**kw: Any) -> Any:
    return Field(sa_column=Column(JSON, **kw))


class Office(SQLModel, table=True):
    __tablename__ = "office"

    code: str = Field(primary_key=True, max_length=40)
    name: str = ""
    level: str = Field(default="unknown", max_length=20)
    parent_code: str | None = Field(default=None, foreign_key="office.code", index=True)
    province_code: str | None = Field(default=None, max_length=8, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Dossier(SQLModel, table=True):
    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_received_office", "received_at", "office_code"),)

    code: str = Field(primary_key=True, max_length=60)
    office_code: str = Field(foreign_key="office.code", index=True)
    procedure_code: str | None = None
    received_at: date | None = None
    channel: str | None = None
    resolved_at: date | None = None
    result_kind: str = Field(default="unknown", max_length=12)
    attributes: dict[str, Any] | None = _json(nullable=True)
    source: str = Field(default="scan", max_length=10)
    components_digitized: bool = False
    result_digitized: bool = False
    reused: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class Scan(SQLModel, table=True):
    __tablename__ = "scan"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    source_name: str = ""
    dossier_code: str | None = Field(default=None, foreign_key="dossier.code", index=True)
    office_code: str | None = Field(default=None, index=True)  # ix_scan_office_code (0007)
    status: str = Field(default=STORED, max_length=12)
    page_count: int = 0
    original_key: str | None = None
    digitized_prefix: str | None = None
    manifest_key: str | None = None
    error: str | None = None
    ingested_at: datetime = Field(default_factory=utcnow)
    tool_versions: dict[str, Any] | None = _json(nullable=True)


class Document(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_parcel", "parcel_number", "map_sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    dossier_code: str | None = Field(default=None, foreign_key="dossier.code", index=True)
    doc_type: str = "khac"
    pages: list[int] | None = _json(nullable=True)
    first_page: int = 1
    confidence: float = 0.0
    fields: dict[str, Any] | None = _json(nullable=True)
    field_details: dict[str, Any] | None = _json(nullable=True)
    needs_review: bool = False
    review_reasons: list[str] | None = _json(nullable=True)
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    is_result: bool = False
    citizen_id: str | None = Field(default=None, index=True)
    gcn_serial: str | None = Field(default=None, index=True)
    parcel_number: str | None = None
    map_sheet: str | None = None


class Page(SQLModel, table=True):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("scan_id", "number", name="uq_page_scan_number"),)

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True)
    number: int
    doc_type: str = "khac"
    doc_type_confidence: float = 0.0
    mean_confidence: float = 0.0
    rotation: int = 0
    skew_degrees: float = 0.0
    blank: bool = False
    text: str = ""


class ReuseLink(SQLModel, table=True):
    __tablename__ = "reuse_link"
    __table_args__ = (
        UniqueConstraint("document_id", "earlier_document_id", name="uq_reuse_link_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    earlier_document_id: int = Field(foreign_key="document.id", index=True)
    reason: str  # "gcn_serial" | "citizen_parcel"
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    scan_sha256: str | None = Field(default=None, index=True)
    dossier_code: str | None = Field(default=None, index=True)
    action: str
    outcome: str
    tool: str | None = None
    tool_version: str | None = None
    detail: dict[str, Any] | None = _json(nullable=True)
