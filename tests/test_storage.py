"""The embedded SeaweedFS server and the ObjectStore, against real servers."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from sohoa.runtime import open_store
from sohoa.settings import Settings
from storage import embedded
from storage.errors import IntegrityError, ObjectMissing, StorageError, WriteOnceError
from storage.manifest import build_manifest, check_manifest
from storage.objects import ObjectStore, sha256_file

REPO = Path(__file__).resolve().parents[1]


def _listening(pid: int) -> list[tuple[str, str]]:
    """(table, local address hex) of every listening TCP socket the process holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.append((table, fields[1]))
    return found


def _ports_of(listening: list[tuple[str, str]]) -> set[int]:
    return {int(address.split(":")[1], 16) for _, address in listening}


def _python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# ---------------------------------------------------------------- embedded server


def test_server_starts_fast_on_loopback_and_stops_with_last_lease(tmp_path: Path) -> None:
    began = time.monotonic()
    with embedded.EmbeddedServer(tmp_path) as endpoint:
        elapsed = time.monotonic() - began
        pid = endpoint.pid
        assert pid and endpoint.endpoint.startswith("127.0.0.1:")
        ports = json.loads((tmp_path / "s3" / "ports.json").read_text())
        deadline = time.monotonic() + 10  # the admin server comes up last, after S3 answers
        while ports["admin"] not in _ports_of(listening := _listening(pid)):
            assert time.monotonic() < deadline, f"admin never listened: {listening}"
            time.sleep(0.1)
        creds = tmp_path / "s3" / "credentials.json"
        assert creds.stat().st_mode & 0o777 == 0o600
        assert list((tmp_path / "s3" / "log").glob("weed.*INFO*")), "logs go to the data dir"
    # 2 s on an idle machine; the budget grows with CPU contention (other tests, OCR workers)
    budget = 2.0 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert elapsed < budget, f"start took {elapsed:.2f}s (budget {budget:.1f}s)"
    assert listening, "weed mini listens somewhere"
    for table, address in listening:
        assert table == "tcp" and address.startswith("0100007F:"), f"public listener {address}"
    # every port we chose is what it listens on: nothing on a default or random extra port
    assert _ports_of(listening) <= set(ports.values())
    assert not embedded._alive(pid), "the last lease holder stops the server"
    assert not (tmp_path / "s3" / "server.json").exists()
    leftovers = [p for p in Path("/tmp").glob("seaweedfs-*") if str(ports["s3_grpc"]) in p.name]
    leftovers += [
        p
        for name in ("master", "volume", "filer", "admin")
        for p in Path("/tmp").glob(f"seaweedfs-{name}-grpc-{ports[name + '_grpc']}.sock")
    ]
    assert not leftovers


def test_second_process_reuses_the_running_server(s3_server) -> None:
    data_dir = Path(s3_server_data_dir(s3_server))
    code = (
        "from storage import embedded\n"
        f"info = embedded.acquire({str(data_dir)!r})\n"
        "print(info.endpoint, info.pid)\n"
    )
    endpoint, pid = _python(code).split()
    assert endpoint == s3_server.endpoint and int(pid) == s3_server.pid
    # the other process left; its lease went with it, ours keeps the server up
    assert embedded._alive(s3_server.pid)
    assert embedded.status(data_dir) is not None


def s3_server_data_dir(endpoint: embedded.EndpointInfo) -> Path:
    """The data dir of a running server, from its command line."""
    cmdline = Path(f"/proc/{endpoint.pid}/cmdline").read_bytes().split(b"\0")
    data = next(a for a in cmdline if a.startswith(b"-dir=")).decode()[len("-dir=") :]
    return Path(data).parent.parent


def test_start_keeps_server_for_other_processes_until_stop(tmp_path: Path) -> None:
    code = (
        "from storage import embedded\n"
        f"info = embedded.start({str(tmp_path)!r})\n"
        "print(info.endpoint, info.pid)\n"
    )
    endpoint, pid = _python(code).split()
    try:
        running = embedded.status(tmp_path)
        assert running is not None and running.endpoint == endpoint and running.pid == int(pid)
        with embedded.EmbeddedServer(tmp_path) as reused:
            assert reused.pid == int(pid)
        assert embedded._alive(int(pid)), "a lease holder does not stop a started server"
    finally:
        assert embedded.stop(tmp_path)
    assert not embedded._alive(int(pid))
    assert embedded.status(tmp_path) is None
    assert embedded.stop(tmp_path) is False


def test_data_and_ports_persist_across_restarts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(data_dir=tmp_path, s3_bucket="persist")
    with open_store(settings) as store:
        first = store.put_bytes("a/kept.txt", "giữ lại".encode())
        endpoint = store.client._base_url.host
        running = embedded.status(tmp_path)
    assert not embedded._alive(running.pid)
    with open_store(settings) as store:
        assert store.client._base_url.host == endpoint
        assert store.get_bytes("a/kept.txt") == "giữ lại".encode()
        assert store.stat("a/kept.txt") == first
    # credentials are never logged nor shown
    _, secret = embedded.credentials(tmp_path)
    assert "started weed mini" in caplog.text
    assert secret not in caplog.text and secret not in repr(running)


def test_stale_state_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "s3").mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    state = {"pid": dead.pid, "endpoint": "127.0.0.1:1", "ports": {}, "persistent": True}
    (tmp_path / "s3" / "server.json").write_text(json.dumps(state))
    with embedded.EmbeddedServer(tmp_path) as endpoint:
        assert endpoint.pid != dead.pid and endpoint.endpoint != "127.0.0.1:1"


# ---------------------------------------------------------------- ObjectStore


def test_put_file_streams_verifies_and_reads_back(s3_store, s3_prefix, tmp_path) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(os.urandom(300_000))
    stored = s3_store.put_file(s3_prefix + "scan.pdf", source, metadata={"office": "H18"})
    assert stored.sha256 == sha256_file(source) and stored.size == 300_000
    assert stored.content_type == "application/pdf"
    assert s3_store.get_bytes(s3_prefix + "scan.pdf") == source.read_bytes()
    assert s3_store.rehash(s3_prefix + "scan.pdf") == stored.sha256
    copy = s3_store.download(s3_prefix + "scan.pdf", tmp_path / "out" / "copy.pdf")
    assert copy.sha256 == stored.sha256 and (tmp_path / "out" / "copy.pdf").read_bytes() == (
        source.read_bytes()
    )
    raw = s3_store.client.stat_object(s3_store.bucket, s3_prefix + "scan.pdf").metadata
    assert raw["x-amz-meta-sha256"] == stored.sha256 and raw["x-amz-meta-office"] == "H18"


def test_multipart_upload_with_full_verify(s3_server, s3_prefix, tmp_path) -> None:
    store = ObjectStore.from_endpoint(s3_server, "sohoa-test", verify="full")
    big = tmp_path / "big.tif"
    with open(big, "wb") as out:  # 17 MiB: over PART_SIZE, so a multipart upload
        for _ in range(17):
            out.write(os.urandom(1024 * 1024))
    stored = store.put_file(s3_prefix + "big.tif", big)
    assert stored.sha256 == sha256_file(big) and stored.size == 17 * 1024 * 1024
    assert "-" in stored.etag, "multipart etag"


def test_write_once_is_idempotent_and_refuses_other_content(s3_store, s3_prefix) -> None:
    key = s3_prefix + "original.pdf"
    first = s3_store.put_bytes(key, b"%PDF-1.4 one", write_once=True)
    again = s3_store.put_bytes(key, b"%PDF-1.4 one", write_once=True)
    assert again.sha256 == first.sha256 and again.etag == first.etag
    with pytest.raises(WriteOnceError, match="different content"):
        s3_store.put_bytes(key, b"%PDF-1.4 two", write_once=True)
    assert s3_store.get_bytes(key) == b"%PDF-1.4 one"
    # without metadata the bytes themselves are compared
    bare = s3_prefix + "bare.bin"
    s3_store.client.put_object(s3_store.bucket, bare, io.BytesIO(b"abc"), 3)
    assert s3_store.put_bytes(bare, b"abc", write_once=True).size == 3
    with pytest.raises(WriteOnceError):
        s3_store.put_bytes(bare, b"abd", write_once=True)


def test_corrupted_object_is_found_by_rehash(s3_store, s3_prefix, tmp_path) -> None:
    key = s3_prefix + "text.txt"
    good = s3_store.put_bytes(key, "Thửa đất số 12".encode())
    bad = "Thửa đất số 13".encode()
    # overwrite behind the adapter's back, keeping the old sha256 metadata
    s3_store.client.put_object(
        s3_store.bucket, key, io.BytesIO(bad), len(bad), metadata={"sha256": good.sha256}
    )
    assert s3_store.stat(key).sha256 == good.sha256, "metadata still claims the old hash"
    assert s3_store.rehash(key) == hashlib.sha256(bad).hexdigest() != good.sha256
    manifest = build_manifest([good])
    assert check_manifest(s3_store, manifest) == [], "a stat alone cannot see it"
    problems = check_manifest(s3_store, manifest, full=True)
    assert [(p.key, p.kind) for p in problems] == [(key, "corrupt")]
    with pytest.raises(IntegrityError):
        s3_store.download(key, tmp_path / "t.txt")


def test_upload_that_lands_wrong_is_detected_and_removed(s3_server, s3_prefix) -> None:
    store = ObjectStore.from_endpoint(s3_server, "sohoa-test")
    real_put = store.client.put_object

    def truncating_put(bucket, key, data, length, **kwargs):
        return real_put(bucket, key, io.BytesIO(data.read()[:-1]), length - 1, **kwargs)

    store.client.put_object = truncating_put
    with pytest.raises(IntegrityError, match="size"):
        store.put_bytes(s3_prefix + "short.bin", b"0123456789", write_once=True)
    assert store.stat(s3_prefix + "short.bin") is None, "a bad copy is not left behind"


def test_listing_stat_delete_and_missing(s3_store, s3_prefix) -> None:
    for name in ("b.txt", "a.txt", "sub/c.json"):
        s3_store.put_bytes(s3_prefix + name, name.encode())
    listed = list(s3_store.list(s3_prefix))
    assert [o.key for o in listed] == [s3_prefix + n for n in ("a.txt", "b.txt", "sub/c.json")]
    assert all(o.sha256 is None for o in listed), "listing carries no user metadata"
    full = list(s3_store.list(s3_prefix + "sub/", with_sha256=True))
    assert [o.sha256 for o in full] == [hashlib.sha256(b"sub/c.json").hexdigest()]
    assert full[0].content_type == "application/json"
    s3_store.delete(s3_prefix + "b.txt")
    assert not s3_store.exists(s3_prefix + "b.txt") and s3_store.exists(s3_prefix + "a.txt")
    assert s3_store.stat(s3_prefix + "nothing") is None
    with pytest.raises(ObjectMissing):
        s3_store.get_bytes(s3_prefix + "nothing")


def test_store_pickles_for_process_pool_tasks(s3_store, s3_prefix) -> None:
    s3_store.put_bytes(s3_prefix + "p.txt", b"pickled")
    copy = pickle.loads(pickle.dumps(s3_store))
    assert copy is not s3_store and copy.client is not s3_store.client
    assert copy.get_bytes(s3_prefix + "p.txt") == b"pickled"


def test_presigned_url_downloads_without_credentials(s3_store, s3_prefix) -> None:
    s3_store.put_bytes(s3_prefix + "doc.pdf", b"%PDF-1.7 presigned")
    url = s3_store.presigned_get_url(s3_prefix + "doc.pdf", timedelta(minutes=5))
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"%PDF-1.7 presigned"
    tampered = url.replace("doc.pdf", "doc2.pdf")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(tampered, timeout=10)


def test_external_endpoint_mode_starts_nothing(s3_server, tmp_path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        s3_endpoint=f"http://{s3_server.endpoint}",
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        s3_bucket="external-mode",
    )
    with open_store(settings) as store:
        stored = store.put_bytes("k/v.txt", b"external")
        assert store.client._base_url.host == s3_server.endpoint
    assert stored.sha256 == hashlib.sha256(b"external").hexdigest()
    assert not (tmp_path / "s3").exists(), "nothing started, nothing written in the data dir"
    half = settings.model_copy(update={"s3_secret_key": None})
    with pytest.raises(StorageError, match="SOHOA_S3_SECRET_KEY"), open_store(half):
        pass


def test_env_fixture_points_settings_at_session_server(s3_env, s3_server, tmp_path) -> None:
    from sohoa.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": tmp_path})
    with open_store(settings) as store:
        assert store.bucket == s3_env["SOHOA_S3_BUCKET"]
        store.put_bytes("x", b"1")
        assert store.client.bucket_exists(s3_env["SOHOA_S3_BUCKET"])
    assert not (tmp_path / "s3").exists()


# ---------------------------------------------------------------- retries


class FlakyProxy:
    """TCP proxy to the real server whose first `drops` connections fail: closed unanswered
    (`how="drop"`) or answered `503 Service Unavailable` (`how="503"`)."""

    def __init__(self, target: str, drops: int, how: str = "drop"):
        host, port = target.split(":")
        self.target = (host, int(port))
        self.drops = drops
        self.how = how
        self.dropped = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.dropped < self.drops:
                self.dropped += 1
                client.recv(65536)
                if self.how == "503":
                    client.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("how", ["drop", "503"])
def test_transient_failures_are_retried(s3_server, s3_prefix, how: str) -> None:
    proxy = FlakyProxy(s3_server.endpoint, drops=3, how=how)
    try:
        via_proxy = embedded.EndpointInfo(
            proxy.endpoint, s3_server.access_key, s3_server.secret_key
        )
        store = ObjectStore.from_endpoint(via_proxy, "sohoa-test", backoff=0.05)
        stored = store.put_bytes(s3_prefix + "flaky.txt", b"survives")
        assert store.get_bytes(s3_prefix + "flaky.txt") == b"survives"
        assert stored.size == 8 and proxy.dropped == 3
    finally:
        proxy.close()


def test_unreachable_store_fails_with_storage_error(s3_server) -> None:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    nowhere = embedded.EndpointInfo(f"127.0.0.1:{port}", "a", "b")
    store = ObjectStore.from_endpoint(nowhere, "sohoa-test", retries=2, backoff=0.01)
    began = time.monotonic()
    with pytest.raises(StorageError, match="stat k"):
        store.stat("k")
    assert time.monotonic() - began < 5


def test_concurrent_starts_share_one_server(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from storage import embedded\n"
        f"info = embedded.acquire({str(tmp_path)!r})\n"
        "print(info.endpoint, info.pid, flush=True)\n"
        "sys.stdin.read()\n"  # hold the lease until the test lets go
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        seen = {proc.stdout.readline().strip() for proc in procs}
        assert len(seen) == 1, f"one server for one data dir, got {seen}"
        pid = int(seen.pop().split()[1])
        assert len(list((tmp_path / "s3" / "leases").iterdir())) == 3
    finally:
        for proc in procs:
            proc.communicate("", timeout=30)
    assert not embedded._alive(pid), "the last of the three stopped it"


def test_weed_runs_with_a_soft_memory_limit(tmp_path: Path, monkeypatch) -> None:
    """Go keeps the heap a large upload grew to (~650 MB after a 70 MB PDF) unless given a soft
    limit; the embedded store gets one (a GOMEMLIMIT already set by the operator wins)."""
    seen: list[dict] = []

    def popen(args, **kwargs):
        seen.append(kwargs["env"])
        return None

    monkeypatch.setattr(embedded.subprocess, "Popen", popen)
    layout = embedded._Layout(tmp_path)
    layout.make()
    monkeypatch.delenv("GOMEMLIMIT", raising=False)
    embedded._spawn(layout, dict.fromkeys(embedded.PORT_NAMES, 1))
    monkeypatch.setenv("GOMEMLIMIT", "1GiB")
    embedded._spawn(layout, dict.fromkeys(embedded.PORT_NAMES, 1))
    assert [env["GOMEMLIMIT"] for env in seen] == [embedded.WEED_MEMORY_LIMIT, "1GiB"]
