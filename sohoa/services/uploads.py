"""Scans sent through the web app: typed by content, written into the inbox, ingested by the
same flow as the inbox, followed from `queued` to their outcome.

An upload is written into its own inbox folder `<office>/[<dossier>/]web-<id>/` (a folder of
page images keeps its pages there, in the order sent), named by what its bytes are, never by the
name it came with. `run_pending` then runs the `ingest-upload` flow over the queued folders: the
same `run_units` as `sohoa ingest`, so quarantine, reasons and the SHA-256 duplicate skip are
the inbox's own. Files are copied in chunks: an upload is never held whole in memory.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Engine

from models import accounts as db
from models.codes import parse_dossier_code
from models.db import session_scope
from models.tables import utcnow
from ocr.load import sha256_of
from sohoa.services.accounts import Account
from sohoa.settings import Settings

CHUNK = 1 << 20
PAGE_IMAGE_KINDS = ("jpg", "png", "bmp", "webp", "jp2")


class UploadRefused(ValueError):
    """The upload as a whole is refused (message in Vietnamese); nothing was queued."""


@dataclass
class Incoming:
    """One file of a request: the name it came with and a readable stream."""

    filename: str
    stream: BinaryIO


def sniff(head: bytes) -> str:
    """The extension for these first bytes; `bin` when they are nothing sohoa reads (the ingest
    flow then quarantines the file with its reason, like any unreadable inbox file)."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tif"
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or head[:4] == b"\xff\x4f\xff\x51":
        return "jp2"
    return "bin"


def clean_dossier_hint(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    if not value:
        return None
    if not parse_dossier_code(value):
        raise UploadRefused(f"Mã hồ sơ không đúng định dạng: {value[:60]}")
    return value


def accept(
    engine: Engine,
    settings: Settings,
    account: Account,
    files: list[Incoming],
    *,
    as_folder: bool = False,
    dossier: str | None = None,
    max_bytes: int,
) -> list[db.Upload]:
    """Write the files into the inbox and queue them: each file one scan, or (`as_folder`) the
    page images together as one scan. Refused whole if the account cannot upload, nothing was
    sent, or the files exceed `max_bytes` together."""
    if not account.can_upload:
        raise UploadRefused("Tài khoản này không được tải hồ sơ lên")
    files = [f for f in files if f.filename]
    if not files:
        raise UploadRefused("Chưa chọn tệp nào")
    hint = clean_dossier_hint(dossier)
    staging = settings.data_dir / "uploads" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        staged = _stage(files, staging, max_bytes)
        groups = _group(staged, as_folder)
        return [_queue(engine, settings, account, hint, group) for group in groups]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass
class _Staged:
    name: str
    path: Path
    kind: str
    size: int


def _stage(files: list[Incoming], staging: Path, max_bytes: int) -> list[_Staged]:
    total = 0
    staged = []
    for number, incoming in enumerate(files, start=1):
        target = staging / f"{number:04d}.part"
        size = 0
        head = b""
        with target.open("wb") as out:
            while chunk := incoming.stream.read(CHUNK):
                if len(head) < 1024:
                    head += chunk[: 1024 - len(head)]
                size += len(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise UploadRefused(
                        f"Tệp tải lên vượt quá giới hạn {max_bytes // (1 << 20)} MB"
                    )
                out.write(chunk)
        staged.append(_Staged(_display_name(incoming.filename), target, sniff(head), size))
    return staged


def _group(staged: list[_Staged], as_folder: bool) -> list[list[_Staged]]:
    """One group per scan: page images together when sent as a folder, anything else alone."""
    if not as_folder:
        return [[s] for s in staged]
    pages = sorted(
        (s for s in staged if s.kind in PAGE_IMAGE_KINDS), key=lambda s: _natural(s.name)
    )
    others = [[s] for s in staged if s.kind not in PAGE_IMAGE_KINDS]
    return ([pages] if pages else []) + others


def _queue(
    engine: Engine, settings: Settings, account: Account, hint: str | None, group: list[_Staged]
) -> db.Upload:
    """Record the upload, move its files into its inbox folder (the row first: its id names it)."""
    office = account.office_code
    name = group[0].name if len(group) == 1 else _folder_label(group)
    with session_scope(engine) as session:
        upload = db.Upload(
            user_id=account.id,
            office_code=office,
            dossier_hint=hint,
            filename=name,
            size=sum(s.size for s in group),
            files=len(group),
        )
        session.add(upload)
        session.flush()
        folder = "/".join(p for p in (office, hint, f"web-{upload.id}") if p)
        upload.relative = folder
    target = settings.inbox_dir / folder
    partial = target.with_name(f".{target.name}.part")  # discover skips hidden names
    partial.mkdir(parents=True, exist_ok=True)
    for number, staged in enumerate(group, start=1):
        stem = f"{number:04d}" if len(group) > 1 else "scan"
        os.replace(staged.path, partial / f"{stem}.{staged.kind}")
    os.replace(partial, target)
    # the scan's hash as the flow computes it: if `inbox-watch` files this upload first, the
    # outcome is still found by it
    # (page images: the folder is the unit, as flows.discover sees it; anything else: the file)
    unit = target if group[0].kind in PAGE_IMAGE_KINDS else next(target.iterdir())
    with session_scope(engine) as session:
        row = session.get(db.Upload, upload.id)
        assert row is not None
        row.sha256 = upload.sha256 = sha256_of(unit)
    return upload


def _display_name(filename: str) -> str:
    """The sent name for display: its last path part, printable, at most 120 characters."""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:120] or "tệp"


def _folder_label(group: list[_Staged]) -> str:
    return f"{len(group)} trang ảnh ({group[0].name} …)"


def _natural(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]


# ------------------------------------------------------------------ running the flow


def recover(engine: Engine) -> None:
    """Uploads left `reading` by a server that stopped mid-run go back to the queue."""
    with session_scope(engine) as session:
        for upload in db.uploads_in_state(session, "reading"):
            upload.state = "queued"
            upload.updated_at = utcnow()


def run_pending(engine: Engine, settings: Settings) -> int:
    """Run the `ingest-upload` flow over every queued upload; returns how many were handled.
    Prefect's environment must be ready (sohoa.runtime.prefect_ready) before this is called."""
    with session_scope(engine) as session:
        queued = db.uploads_in_state(session, "queued")
        for upload in queued:
            upload.state = "reading"
            upload.updated_at = utcnow()
    if not queued:
        return 0
    from flows.upload import ingest_upload

    folders = [u.relative for u in queued]
    state = ingest_upload(
        folders, label=", ".join(f"web-{u.id}" for u in queued), return_state=True
    )
    run_id = str(state.state_details.flow_run_id or "") or None
    outcomes: dict[str, object] = {}
    failures: dict[str, str] = {}
    if state.is_completed():
        summary = state.result()
        outcomes = {o.source: o for o in summary.outcomes}
        failures = {f["source"]: f["error"] for f in summary.failed}
    with session_scope(engine) as session:
        for upload in queued:
            row = session.get(db.Upload, upload.id)
            assert row is not None
            row.flow_run_id = run_id
            _settle(session, row, outcomes, failures, state.message)
            _remove_empty(settings.inbox_dir / row.relative)
    return len(queued)


def _settle(session, row: db.Upload, outcomes: dict, failures: dict, run_message) -> None:
    """An upload's outcome from its scan's outcome in the flow's summary."""
    row.updated_at = utcnow()
    outcome = next((o for s, o in outcomes.items() if _within(s, row.relative)), None)
    if outcome is None and row.sha256:
        scan, review = db.scan_outcome(session, row.sha256)
        if scan is not None and scan.status == "stored":  # filed by another run (inbox-watch)
            row.state, row.dossier_code = ("review" if review else "stored"), scan.dossier_code
            return
    if outcome is None:
        error = next((e for s, e in failures.items() if _within(s, row.relative)), None)
        row.state = "failed"
        row.reason = error or str(run_message or "không tìm thấy trong hộp thư đến")
        return
    row.sha256 = outcome.sha256
    row.dossier_code = outcome.dossier_code
    if outcome.status == "quarantined":
        row.state, row.reason = "quarantined", outcome.reason
        return
    scan, review = db.scan_outcome(session, outcome.sha256) if outcome.sha256 else (None, False)
    if scan is not None:
        row.dossier_code = scan.dossier_code
    if outcome.status == "skipped":
        row.state = "duplicate"
        row.reason = "already stored"
    else:
        row.state = "review" if review else "stored"


def _remove_empty(folder: Path) -> None:
    """The upload's own folder, once the flow filed its files away."""
    with contextlib.suppress(OSError):  # not empty (a scan left in place), or already gone
        folder.rmdir()


def _within(source: str, folder: str) -> bool:
    source = source.replace(os.sep, "/")
    return source == folder or source.startswith(folder + "/")


def status_rows(engine: Engine, account: Account, limit: int = 50) -> list[db.Upload]:
    """The newest uploads the account's offices sent."""
    offices = None if account.offices is None else set(account.offices)
    with session_scope(engine) as session:
        return db.recent_uploads(session, offices, limit)


def visible(upload: db.Upload, account: Account) -> bool:
    return account.sees(upload.office_code)


def pending(uploads: Iterable[db.Upload]) -> bool:
    return any(u.state not in db.FINAL_STATES for u in uploads)
