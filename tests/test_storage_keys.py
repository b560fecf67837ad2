"""Object key layout (issue 5) and the manifest of one scan's outputs."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import pytest

from storage.keys import (
    UNKNOWN,
    digitized_prefix,
    original_folder_prefix,
    original_key,
    original_page_key,
    segment,
)
from storage.manifest import (
    build_manifest,
    check_manifest,
    checksum_folder,
    store_manifest,
    upload_folder,
)

SHA = hashlib.sha256(b"scan").hexdigest()


def test_original_and_digitized_keys_show_office_month_and_dossier() -> None:
    received = date(2023, 10, 15)
    office, dossier = "000.00.24.H18", "000.00.24.H18-231015-0042"
    assert original_key(office, received, dossier, SHA, "PDF") == (
        f"originals/000.00.24.H18/2023/10/000.00.24.H18-231015-0042/{SHA}.pdf"
    )
    assert digitized_prefix(office, received, dossier, SHA) == (
        f"digitized/000.00.24.H18/2023/10/000.00.24.H18-231015-0042/{SHA}/"
    )
    assert original_page_key("G09.20", received, "G09.20-20231015-0092637", SHA, 3, ".jpg") == (
        f"originals/G09.20/2023/10/G09.20-20231015-0092637/{SHA}/0003.jpg"
    )
    assert original_folder_prefix("G09.20", received, "d", SHA).endswith(f"/d/{SHA}/")


def test_unknown_parts_and_missing_date() -> None:
    key = original_key(None, None, "", SHA.upper(), "tif", ingested=date(2024, 2, 1))
    assert key == f"originals/{UNKNOWN}/2024/02/{UNKNOWN}/{SHA}.tif"
    today = date.today()
    assert digitized_prefix("H18", None, None, SHA).startswith(
        f"digitized/H18/{today.year:04d}/{today.month:02d}/{UNKNOWN}/"
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("000.00.24.H18", "000.00.24.H18"),
        ("..", UNKNOWN),
        (".", UNKNOWN),
        ("../../etc", "etc"),
        ("a/b", "a_b"),
        ("H18/../../x", "H18_.._.._x"),
        (" Sở Tài nguyên ", "So_Tai_nguyen"),
        ("Đất đai", "Dat_dai"),
        (".hidden", "hidden"),
        ("", UNKNOWN),
        ("///", UNKNOWN),
    ],
)
def test_segments_are_sanitised(raw: str, clean: str) -> None:
    assert segment(raw) == clean


def test_sanitised_keys_never_escape_their_folder() -> None:
    key = original_key("../x", date(2023, 1, 2), "a/../../b", SHA, "pdf")
    parts = key.split("/")
    assert len(parts) == 6 and ".." not in parts and all(parts)


@pytest.mark.parametrize("bad", ["abc", "g" * 64, SHA[:-1], SHA + "/.."])
def test_bad_sha256_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        original_key("H18", None, "d", bad, "pdf")


@pytest.mark.parametrize("bad", ["", ".", "p/df", "pdf?x", "ảnh"])
def test_bad_extension_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="extension"):
        original_key("H18", None, "d", SHA, bad)


def test_page_numbers_start_at_one() -> None:
    with pytest.raises(ValueError):
        original_page_key("H18", None, "d", SHA, 0, "jpg")


def test_manifest_lists_every_output_and_finds_missing_and_corrupt(
    s3_store, s3_prefix, tmp_path
) -> None:
    out = tmp_path / "out"
    (out / "alto").mkdir(parents=True)
    (out / "searchable.pdf").write_bytes(b"%PDF-1.7 searchable")
    (out / "text.txt").write_text("GIẤY CHỨNG NHẬN\n", encoding="utf-8")
    (out / "alto" / "0001.xml").write_text("<alto/>")
    (out / "manifest.json").write_text("{}")  # a stale one is not uploaded as an output
    local = checksum_folder(out, exclude=["manifest.json"])
    assert [f.path for f in local] == ["alto/0001.xml", "searchable.pdf", "text.txt"]

    stored = upload_folder(s3_store, out, s3_prefix)
    assert [o.key for o in stored] == [s3_prefix + f.path for f in local]
    pages = [{"number": 1, "doc_type": "giay_chung_nhan_qsdd"}]
    manifest = build_manifest(
        stored,
        source={"key": "originals/x.pdf", "sha256": SHA},
        metadata={"pages": pages, "tool_versions": {"tesseract": "5.3.0"}},
    )
    assert manifest["schema"] == "sohoa.manifest/v1" and manifest["pages"] == pages
    entries = {e["key"]: e for e in manifest["objects"]}
    for item in local:
        entry = entries[s3_prefix + item.path]
        assert (entry["sha256"], entry["size"]) == (item.sha256, item.size)
    assert entries[s3_prefix + "text.txt"]["content_type"].startswith("text/plain")
    # the manifest built from local checksums is the same list of objects
    assert build_manifest(local, prefix=s3_prefix)["objects"] == manifest["objects"]

    written = store_manifest(s3_store, s3_prefix, manifest)
    assert json.loads(s3_store.get_bytes(written.key)) == manifest
    assert check_manifest(s3_store, manifest, full=True) == []

    s3_store.delete(s3_prefix + "alto/0001.xml")
    s3_store.client.put_object(s3_store.bucket, s3_prefix + "text.txt", io.BytesIO(b"x"), 1)
    problems = {(p.key, p.kind) for p in check_manifest(s3_store, manifest)}
    assert problems == {
        (s3_prefix + "alto/0001.xml", "missing"),
        (s3_prefix + "text.txt", "corrupt"),
    }


def test_manifest_metadata_cannot_replace_the_object_list() -> None:
    with pytest.raises(ValueError, match="objects"):
        build_manifest([], metadata={"objects": []})
