"""Least exposure (issue 17): the embedded SeaweedFS serves data only through its authenticated
S3 API (its filer HTTP port answers 401 to an unsigned request), its folder is 0700 and the
SQLite file, which holds citizen IDs, is 0600."""

from __future__ import annotations

import json
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storage.embedded import EmbeddedServer
from storage.objects import ObjectStore


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_filer_http_refuses_what_s3_serves(tmp_path: Path) -> None:
    with EmbeddedServer(tmp_path) as endpoint:
        store = ObjectStore.from_endpoint(endpoint, "sohoa")
        store.ensure_bucket()
        store.put_bytes("originals/x/scan.txt", b"CCCD 001234567890")
        assert store.get_bytes("originals/x/scan.txt") == b"CCCD 001234567890"
        filer = json.loads((tmp_path / "s3" / "ports.json").read_text())["filer"]
        for path in ("/", "/buckets/sohoa/originals/x/", "/buckets/sohoa/originals/x/scan.txt"):
            assert _status(f"http://127.0.0.1:{filer}{path}") == 401, path
    for secret in ("s3", "s3/security.toml", "s3/credentials.json"):
        mode = stat.S_IMODE((tmp_path / secret).stat().st_mode)
        assert mode & 0o077 == 0, f"{secret} is {oct(mode)}"


def test_sqlite_file_is_owner_only(settings_env) -> None:
    from sohoa.runtime import open_database

    open_database(settings_env).dispose()
    db = settings_env.data_dir / "sohoa.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings_env.data_dir.stat().st_mode) & 0o077 == 0
