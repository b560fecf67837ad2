"""Downloads that work (issue 16): `sohoa s3 start` says where the server is; search links opened
after the command has exited still download (their lifetime as asked); `sohoa get` writes the
object to a file; with the server stopped, search says plainly that its links will not open."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

SOHOA = [sys.executable, "-m", "sohoa.cli"]
DOSSIER = "000.00.24.H18-231015-0042"


def sohoa(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SOHOA, *args], capture_output=True, text=True, env=env, timeout=300)


def _record(settings, key_prefix: str) -> None:
    from models.db import session_scope
    from models.scans import record_scan
    from sohoa.runtime import open_database

    engine = open_database(settings)
    page = dict(number=1, doc_type="quyet_dinh", doc_type_confidence=0.9, mean_confidence=0.9)
    page |= dict(rotation=0, skew_degrees=0.0, blank=False, text="QUYẾT ĐỊNH")
    doc = dict(doc_type="quyet_dinh", pages=[1], confidence=0.9, fields={}, field_details={})
    doc |= dict(needs_review=False, review_reasons=[])
    with session_scope(engine) as session:
        record_scan(
            session,
            sha256="e" * 64,
            source_name="qd.pdf",
            dossier_code=DOSSIER,
            office_code="000.00.24.H18",
            page_count=1,
            original_key=None,
            digitized_prefix=key_prefix,
            manifest_key=None,
            pages=[page],
            documents=[doc],
        )
    engine.dispose()


def test_links_outlive_the_command_and_get_downloads(settings_env, tmp_path):
    from storage import embedded, keys
    from storage.objects import ObjectStore

    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["SOHOA_DATA_DIR"] = str(settings_env.data_dir)
    started = sohoa(env, "s3", "start")
    try:
        assert started.returncode == 0, started.stderr
        endpoint = re.search(r"endpoint\s+(http://\S+)", started.stdout).group(1)
        assert re.search(r"bucket\s+sohoa\b", started.stdout)
        assert str(settings_env.data_dir / "s3" / "credentials.json") in started.stdout
        access, secret = embedded.credentials(settings_env.data_dir)
        assert secret not in started.stdout

        info = embedded.EndpointInfo(endpoint.removeprefix("http://"), access, secret)
        store = ObjectStore.from_endpoint(info, "sohoa")
        store.ensure_bucket()
        prefix = keys.digitized_prefix("000.00.24.H18", None, DOSSIER, "e" * 64)
        content = b"%PDF-1.4 the decision"
        key = prefix + "documents/01-quyet_dinh.pdf"
        store.put_bytes(key, content)
        _record(settings_env, prefix)

        found = sohoa(env, "search", "--dossier", DOSSIER, "--link-hours", "2")
        assert found.returncode == 0, found.stderr
        assert key in found.stdout and "note:" not in found.stderr
        url = next(w for w in found.stdout.split() if w.startswith("http"))
        expires = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["X-Amz-Expires"]
        assert expires == ["7200"]
        with urllib.request.urlopen(url, timeout=10) as response:  # the command has exited
            assert response.read() == content

        target = tmp_path / "out" / "qd.pdf"
        target.parent.mkdir()
        got = sohoa(env, "get", key, "-o", str(target))
        assert got.returncode == 0, got.stderr
        assert target.read_bytes() == content
    finally:
        stopped = sohoa(env, "s3", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout

    later = sohoa(env, "search", "--dossier", DOSSIER)
    assert later.returncode == 0, later.stderr
    assert "do not open" in later.stderr and "sohoa s3 start" in later.stderr
