"""Least exposure (issue 17): the embedded SeaweedFS serves data only through its authenticated
S3 API. Every port the weed process listens on (read from /proc) binds 127.0.0.1, and every one
but S3 refuses a client without the server's certificate: no master UI, /dir/assign or
/dir/lookup, no volume read by file id, no filer listing, no plaintext gRPC. Its folder is 0700,
its secrets 0600, and the SQLite file, which holds citizen IDs, is 0600."""

from __future__ import annotations

import json
import socket
import ssl
import stat
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storage.embedded import EmbeddedServer
from storage.objects import ObjectStore

# what a local user would ask each kind of port for, without credentials
PROBES = (
    "/",
    "/dir/assign",
    "/dir/lookup?volumeId=1",
    "/dir/status",
    "/vol/status",
    "/cluster/status",
    "/status",
    "/metrics",
    "/1,01637037d6",
    "/buckets/sohoa/originals/x/",
    "/buckets/sohoa/originals/x/scan.txt",
    "/sohoa/originals/x/scan.txt",
    "/sohoa?list-type=2",
)
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def listening_ports(pid: int) -> dict[int, str]:
    """{port: local address} of every TCP socket `pid` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = {}
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                address, port = fields[1].split(":")
                found[int(port, 16)] = address
    return found


def _http(url: str, context: ssl.SSLContext | None = None) -> int | str:
    """The status a request gets, or the name of the error that ended the connection."""
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return type(reason).__name__


def _answers_plain_grpc(port: int) -> bool:
    """True when the port speaks HTTP/2 in the clear (plaintext gRPC answers the client
    preface with a SETTINGS frame)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(HTTP2_PREFACE + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        try:
            head = sock.recv(9)
        except (TimeoutError, ConnectionResetError):
            return False
    return len(head) == 9 and head[3] == 0x04


@pytest.mark.slow
def test_only_the_s3_port_answers_without_credentials(tmp_path: Path) -> None:
    no_cert = ssl.create_default_context()
    no_cert.check_hostname, no_cert.verify_mode = False, ssl.CERT_NONE
    with EmbeddedServer(tmp_path) as endpoint:
        store = ObjectStore.from_endpoint(endpoint, "sohoa")
        store.ensure_bucket()
        store.put_bytes("originals/x/scan.txt", b"CCCD 001234567890")
        assert store.get_bytes("originals/x/scan.txt") == b"CCCD 001234567890"
        s3 = int(endpoint.endpoint.rsplit(":", 1)[1])
        named = json.loads((tmp_path / "s3" / "ports.json").read_text())
        deadline = time.monotonic() + 30  # the admin port opens last, after S3 answers
        while not set(named.values()) <= set(ports := listening_ports(endpoint.pid)):
            assert time.monotonic() < deadline, (named, ports)
            time.sleep(0.2)

        assert set(ports.values()) == {"0100007F"}, ports  # 127.0.0.1 only
        answered = {}
        for port in sorted(ports):
            for path in PROBES:
                plain = _http(f"http://127.0.0.1:{port}{path}")
                s3_health = port == s3 and path == "/status"  # 200, empty: a health check
                if isinstance(plain, int) and plain < 300 and not s3_health:
                    answered[(port, path, "http")] = plain
                if port != s3:
                    tls = _http(f"https://127.0.0.1:{port}{path}", no_cert)
                    if isinstance(tls, int):  # a request got through the TLS handshake
                        answered[(port, path, "https")] = tls
            if _answers_plain_grpc(port):
                answered[(port, "grpc", "h2c")] = "SETTINGS"
        names = {v: k for k, v in named.items()}
        assert not answered, {(names.get(p, p), *rest): v for (p, *rest), v in answered.items()}
        assert _http(f"http://127.0.0.1:{s3}/sohoa/originals/x/scan.txt") == 403
    for secret in ("s3", "s3/security.toml", "s3/credentials.json", "s3/tls", "s3/tls/server.key"):
        mode = stat.S_IMODE((tmp_path / secret).stat().st_mode)
        assert mode & 0o077 == 0, f"{secret} is {oct(mode)}"


def test_sqlite_file_is_owner_only(settings_env) -> None:
    from sohoa.runtime import open_database

    open_database(settings_env).dispose()
    db = settings_env.data_dir / "sohoa.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings_env.data_dir.stat().st_mode) & 0o077 == 0
