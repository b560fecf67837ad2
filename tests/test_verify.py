"""Fixity (issue 5): `verify` finds a deleted object, a corrupted object and an orphan planted in
a real S3 bucket, and `repair` removes only orphaned derived objects."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from models.db import session_scope
from models.scans import record_scan
from sohoa.runtime import open_database, open_store
from storage import keys
from storage.manifest import build_manifest, store_manifest
from storage.objects import ObjectStore


def store_scan(store: ObjectStore, engine, sha: str, dossier: str) -> dict[str, str]:
    """A stored scan as the ingest flow leaves it: original, outputs, manifest, then the row."""
    office = dossier.rsplit("-", 2)[0]
    original = keys.original_key(office, None, dossier, sha, "pdf")
    prefix = keys.digitized_prefix(office, None, dossier, sha)
    objects = [
        store.put_bytes(original, b"%PDF-1.4 original scan " + sha.encode(), write_once=True),
        store.put_bytes(prefix + "searchable.pdf", b"%PDF-1.4 searchable " + sha.encode()),
        store.put_bytes(prefix + "text.txt", "Thửa đất số 12".encode()),
    ]
    manifest = store_manifest(store, prefix, build_manifest(objects, source={"key": original}))
    with session_scope(engine) as session:
        record_scan(
            session,
            sha256=sha,
            source_name=f"{dossier}.pdf",
            dossier_code=dossier,
            office_code=office,
            page_count=1,
            original_key=original,
            digitized_prefix=prefix,
            manifest_key=manifest.key,
            pages=[],
            documents=[],
        )
    return {
        "original": original,
        "searchable": prefix + "searchable.pdf",
        "text": prefix + "text.txt",
    }


@pytest.fixture
def planted(settings_env, s3_env):
    from flows.verify import verify
    from sohoa.settings import get_settings

    settings = get_settings()  # after s3_env: the session's S3 server, a fresh bucket
    assert settings.s3_endpoint
    engine = open_database(settings)
    with open_store(settings) as store:
        a = store_scan(store, engine, "a" * 64, "000.00.24.H18-231015-0042")
        b = store_scan(store, engine, "b" * 64, "000.00.24.H18-231016-0043")
        clean = verify(store, engine)
        store.delete(a["searchable"])
        data = b"tampered" * 10
        store.client.put_object(  # same key, different bytes, the old sha256 still in metadata
            store.bucket, b["text"], io.BytesIO(data), len(data), metadata={"sha256": "b" * 64}
        )
        orphan = "digitized/000.00.24.H18/2023/10/_unknown/" + "c" * 64 + "/text.txt"
        store.put_bytes(orphan, b"left by a crash before the row was committed")
        yield store, engine, clean, a, b, orphan
    engine.dispose()


def test_verify_finds_missing_corrupt_and_orphan(planted):
    from flows.verify import verify

    store, engine, clean, a, b, orphan = planted
    assert clean.findings == [] and clean.scans_checked == 2
    report = verify(store, engine)
    assert [f.key for f in report.of("missing")] == [a["searchable"]]
    assert [f.key for f in report.of("corrupt")] == [b["text"]]
    assert [f.key for f in report.of("orphan")] == [orphan]


def test_repair_deletes_only_orphaned_derived_objects(planted):
    from flows.verify import verify

    store, engine, _, a, _, orphan = planted
    report = verify(store, engine, repair=True)
    assert report.repaired == [orphan]
    assert not store.exists(orphan) and store.exists(a["original"])
    assert verify(store, engine).of("orphan") == []


def test_verify_command_exits_1_and_lists_findings(planted, settings_env):
    proc = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "verify", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    kinds = sorted(f["kind"] for f in json.loads(proc.stdout)["findings"])
    assert kinds == ["corrupt", "missing", "orphan"]
