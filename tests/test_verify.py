"""Fixity (issues 5 and 17): `verify` finds a deleted object, a corrupted object and an orphan
planted in a real S3 bucket, an original altered together with its manifest and bytes flipped in
a volume file; `repair` deletes nothing: orphans move under orphans/, a lost manifest is rebuilt
from the database."""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import session_scope
from models.scans import record_scan
from sohoa.runtime import open_database, open_store
from storage import keys
from storage.manifest import build_manifest, store_manifest
from storage.objects import ObjectStore


def store_scan(store: ObjectStore, engine, seed: str, dossier: str) -> dict[str, str]:
    """A stored scan as the ingest flow leaves it: original, outputs, manifest, then the row."""
    office = dossier.rsplit("-", 2)[0]
    data = b"%PDF-1.4 original scan " + seed.encode()
    sha = hashlib.sha256(data).hexdigest()
    original = keys.original_key(office, None, dossier, sha, "pdf")
    prefix = keys.digitized_prefix(office, None, dossier, sha)
    objects = [
        store.put_bytes(original, data, write_once=True),
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
        "sha": sha,
        "original": original,
        "searchable": prefix + "searchable.pdf",
        "text": prefix + "text.txt",
        "manifest": manifest.key,
        "prefix": prefix,
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


def test_repair_moves_orphans_aside_and_purge_deletes_them(planted):
    from datetime import timedelta

    from flows.verify import verify

    store, engine, _, a, _, orphan = planted
    report = verify(store, engine, repair=True)
    assert report.repaired == [orphan]
    assert not store.exists(orphan) and store.exists("orphans/" + orphan)
    assert store.exists(a["original"])
    assert verify(store, engine).of("orphan") == []
    kept = verify(store, engine, purge=True, purge_after=timedelta(days=30))
    assert kept.purged == [] and store.exists("orphans/" + orphan)
    gone = verify(store, engine, purge=True, purge_after=timedelta(0))
    assert gone.purged == ["orphans/" + orphan] and not store.exists("orphans/" + orphan)


def test_young_unreferenced_objects_are_not_orphans_yet(planted):
    from datetime import timedelta

    from flows.verify import verify

    store, engine, _, _, _, orphan = planted
    report = verify(store, engine, repair=True, orphan_grace=timedelta(hours=1))
    assert report.of("orphan") == [] and store.exists(orphan)


@pytest.fixture
def clean_pair(settings_env, s3_env):
    from sohoa.settings import get_settings

    settings = get_settings()
    engine = open_database(settings)
    with open_store(settings) as store:
        a = store_scan(store, engine, "a", "000.00.24.H18-231015-0042")
        b = store_scan(store, engine, "b", "000.00.24.H18-231016-0043")
        yield store, engine, a, b
    engine.dispose()


def test_lost_manifest_is_rebuilt_and_nothing_deleted(clean_pair):
    from flows.verify import verify

    store, engine, a, b = clean_pair
    before = sorted(o.key for o in store.list(""))
    store.delete(a["manifest"])
    report = verify(store, engine, repair=True)
    assert [(f.kind, f.key) for f in report.findings] == [("missing", a["manifest"])]
    assert report.repaired == [] and report.manifests_rebuilt == [a["manifest"]]
    assert sorted(o.key for o in store.list("")) == before  # every object still there
    rebuilt = json.loads(store.get_bytes(a["manifest"]))
    assert rebuilt["source"]["sha256"] == a["sha"]
    assert {e["key"] for e in rebuilt["objects"]} == {a["original"], a["searchable"], a["text"]}
    assert verify(store, engine).findings == []


def test_original_altered_with_its_manifest_is_found(clean_pair):
    from flows.verify import verify

    store, engine, a, _ = clean_pair
    forged = b"%PDF-1.4 a different scan"
    forged_sha = hashlib.sha256(forged).hexdigest()
    store.client.put_object(
        store.bucket,
        a["original"],
        io.BytesIO(forged),
        len(forged),
        metadata={"sha256": forged_sha},
    )
    manifest = json.loads(store.get_bytes(a["manifest"]))
    for entry in manifest["objects"]:
        if entry["key"] == a["original"]:
            entry.update(sha256=forged_sha, size=len(forged))
    store_manifest(store, a["prefix"], manifest)
    report = verify(store, engine)
    assert [(f.kind, f.key) for f in report.findings] == [("corrupt", a["original"])]


@pytest.mark.slow
def test_bytes_flipped_in_a_volume_file_are_reported_not_a_crash(settings_env):
    """On the data dir's own embedded server: 16 bytes of a stored object flipped on disk."""
    from sohoa.settings import get_settings

    settings = get_settings()
    engine = open_database(settings)
    with open_store(settings) as store:
        marker = b"%PDF-1.4 " + random.Random(17).randbytes(8000)  # not compressed on disk
        stored = store_scan(store, engine, "v", "000.00.24.H18-231017-0044")
        store.put_bytes(stored["searchable"], marker)  # overwrite: the manifest entry must match
        manifest = json.loads(store.get_bytes(stored["manifest"]))
        for entry in manifest["objects"]:
            if entry["key"] == stored["searchable"]:
                entry.update(sha256=hashlib.sha256(marker).hexdigest(), size=len(marker))
        store_manifest(store, stored["prefix"], manifest)
        volumes = [
            p for p in Path(settings.data_dir, "s3").rglob("*.dat") if marker in p.read_bytes()
        ]
        assert volumes, "the object's bytes are in a volume file"
        for volume in volumes:
            data = bytearray(volume.read_bytes())
            at = data.rfind(marker) + 100
            data[at : at + 16] = bytes(b ^ 0xFF for b in data[at : at + 16])
            volume.write_bytes(bytes(data))
        proc = subprocess.run(
            [sys.executable, "-m", "sohoa.cli", "verify", "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
    engine.dispose()
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["kind"], f["key"]) for f in findings] == [("corrupt", stored["searchable"])]


def test_verify_command_exits_1_and_lists_findings(planted, settings_env, monkeypatch):
    monkeypatch.setenv("SOHOA_ORPHAN_GRACE_MINUTES", "0")  # the orphan was planted just now
    proc = subprocess.run(
        [sys.executable, "-m", "sohoa.cli", "verify", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    kinds = sorted(f["kind"] for f in json.loads(proc.stdout)["findings"])
    assert kinds == ["corrupt", "missing", "orphan"]
