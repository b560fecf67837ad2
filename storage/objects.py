"""The object store sohoa writes to: S3 through the minio SDK, every object checked after upload.

Each object carries the SHA-256 of its content in user metadata (`x-amz-meta-sha256`); an upload
is verified by a stat (size and that metadata) or, with `verify="full"`, by reading it back and
hashing it. Write-once keys (originals) are never overwritten with different content.

Transient failures (connection errors, 5xx) are retried twice over: urllib3 retries single
requests with backoff, and `_retry` repeats whole idempotent operations (a multipart upload
restarts from scratch) with exponential backoff before giving up with a `StorageError`.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import certifi
import urllib3
from minio import Minio
from minio import error as minio_error

from storage import embedded
from storage.errors import IntegrityError, ObjectMissing, StorageError, WriteOnceError

log = logging.getLogger(__name__)

SHA256_META = "x-amz-meta-sha256"
CHUNK = 1024 * 1024
# multipart above this (S3's smallest part): client and server each hold a few parts of an
# upload, so smaller parts cost both less (a 200 MB file: client peak 140 -> 74 MB, embedded
# weed 296 -> 199 MB, same time)
PART_SIZE = 5 * 1024 * 1024
VerifyMode = Literal["stat", "full"]
T = TypeVar("T")

_TRANSIENT_S3_CODES = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"}
# connection trouble; a local OSError (file vanished, disk full) is not retried
_TRANSIENT_ERRORS = (
    minio_error.ServerError,
    urllib3.exceptions.HTTPError,
    ConnectionError,
    TimeoutError,
)
_BUCKET_EXISTS = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
_MISSING_S3_CODES = {"NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"}
_CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".hocr": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@dataclass(frozen=True)
class StoredObject:
    key: str
    sha256: str | None  # None when the object has no sha256 metadata (or it was not fetched)
    size: int
    etag: str
    content_type: str | None = None
    last_modified: datetime | None = None


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file, read in chunks (memory stays flat on large scans)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_type_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def http_client(*, retries: int = 3, timeout: float = 300.0) -> urllib3.PoolManager:
    """A pool that retries connection errors and 5xx with exponential backoff (0.25 s, 0.5 s...)."""
    retry = urllib3.Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=0.25,
        status_forcelist=[500, 502, 503, 504],
        raise_on_status=True,
    )
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=10.0, read=timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=retry,
    )


class ObjectStore:
    """One bucket, with checked writes. Build it with `from_endpoint` (the application's
    `sohoa.runtime.open_store` does so from its settings)."""

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        verify: VerifyMode = "stat",
        attempts: int = 3,
        backoff: float = 1.0,
    ):
        self.client = client
        self.bucket = bucket
        self.verify = verify
        self.attempts = attempts
        self.backoff = backoff
        self.endpoint: embedded.EndpointInfo | None = None  # set by from_endpoint
        self._retries = attempts

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable (for process-pool tasks): the child rebuilds its own client."""
        if self.endpoint is None:
            raise TypeError("only an ObjectStore made by from_endpoint pickles")
        options = {"verify": self.verify, "retries": self._retries, "backoff": self.backoff}
        return (_rebuild, (self.endpoint, self.bucket, options))

    def for_bucket(self, bucket: str) -> ObjectStore:
        """The same server and credentials on another bucket (e.g. a backfill source)."""
        if bucket == self.bucket:
            return self
        other = ObjectStore(
            self.client, bucket, verify=self.verify, attempts=self.attempts, backoff=self.backoff
        )
        other.endpoint = self.endpoint
        return other

    # ------------------------------------------------------------ construction

    @classmethod
    def from_endpoint(
        cls,
        endpoint: embedded.EndpointInfo,
        bucket: str,
        *,
        verify: VerifyMode = "stat",
        retries: int = 3,
        backoff: float = 1.0,
    ) -> ObjectStore:
        """A store on a known endpoint: `retries` per HTTP request (urllib3), and `attempts =
        retries` for whole operations, waiting `backoff`, 2x`backoff`... between them."""
        client = Minio(
            endpoint.endpoint,
            access_key=endpoint.access_key or None,
            secret_key=endpoint.secret_key or None,
            secure=endpoint.secure,
            region=endpoint.region,
            http_client=http_client(retries=retries),
        )
        log.debug("object store %s bucket %s", endpoint.url, bucket)  # never the keys
        store = cls(client, bucket, verify=verify, attempts=max(retries, 1), backoff=backoff)
        store.endpoint = endpoint
        return store

    def ensure_bucket(self) -> None:
        if self._retry("bucket_exists", self.client.bucket_exists, self.bucket):
            return
        try:
            self._retry(f"make bucket {self.bucket}", self.client.make_bucket, self.bucket)
        except StorageError as error:
            cause = error.__cause__
            if not (isinstance(cause, minio_error.S3Error) and cause.code in _BUCKET_EXISTS):
                raise

    # ------------------------------------------------------------ writing

    def put_file(
        self,
        key: str,
        path: Path | str,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        write_once: bool = False,
    ) -> StoredObject:
        """Upload a file (streamed), then verify it. `write_once`: an existing key must hold the
        same bytes (then this is a no-op) or `WriteOnceError` is raised."""
        path = Path(path)
        sha256 = sha256_file(path)
        size = path.stat().st_size
        if write_once and (same := self._existing_same(key, sha256, size)):
            return same
        headers = _metadata(metadata, sha256)
        kind = content_type or content_type_for(path.name)

        def upload() -> None:
            with open(path, "rb") as handle:
                self.client.put_object(
                    self.bucket,
                    key,
                    handle,
                    size,
                    content_type=kind,
                    metadata=headers,
                    part_size=PART_SIZE,
                )

        self._retry(f"put {key}", upload)
        return self._verified(key, sha256, size)

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str | None = None,
        metadata: Mapping[str, str] | None = None,
        write_once: bool = False,
    ) -> StoredObject:
        """`put_file` for data already in memory (manifests, small texts)."""
        sha256 = hashlib.sha256(data).hexdigest()
        if write_once and (same := self._existing_same(key, sha256, len(data))):
            return same
        headers = _metadata(metadata, sha256)
        kind = content_type or content_type_for(key)
        self._retry(
            f"put {key}",
            lambda: self.client.put_object(
                self.bucket, key, BytesIO(data), len(data), content_type=kind, metadata=headers
            ),
        )
        return self._verified(key, sha256, len(data))

    def delete(self, key: str) -> None:
        self._retry(f"delete {key}", self.client.remove_object, self.bucket, key)

    def move(self, key: str, new_key: str) -> StoredObject:
        """Server-side copy (metadata kept), checked, then the old key removed: never lost."""
        from minio.commonconfig import CopySource

        source = self.stat(key)
        if source is None:
            raise ObjectMissing(f"move {key}: no such key in bucket {self.bucket}")
        self._retry(
            f"copy {key}",
            lambda: self.client.copy_object(self.bucket, new_key, CopySource(self.bucket, key)),
        )
        copied = self.stat(new_key)
        if copied is None or copied.size != source.size or copied.sha256 != source.sha256:
            raise IntegrityError(f"move {key}: the copy at {new_key} differs; original kept")
        self.delete(key)
        return copied

    # ------------------------------------------------------------ reading

    def stat(self, key: str) -> StoredObject | None:
        try:
            info = self._retry(f"stat {key}", self.client.stat_object, self.bucket, key)
        except ObjectMissing:
            return None
        return StoredObject(
            key=key,
            sha256=(info.metadata or {}).get(SHA256_META),
            size=int(info.size or 0),
            etag=info.etag or "",
            content_type=info.content_type,
            last_modified=info.last_modified,
        )

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def get_bytes(self, key: str) -> bytes:
        def read() -> bytes:
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return self._retry(f"get {key}", read)

    def download(self, key: str, path: Path | str) -> StoredObject:
        """Stream an object to a file (written beside it, then renamed: never half a file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.part")

        def fetch() -> str:
            digest = hashlib.sha256()
            with open(partial, "wb") as out:
                self._stream(key, lambda chunk: (digest.update(chunk), out.write(chunk)))
            return digest.hexdigest()

        try:
            sha256 = self._retry(f"get {key}", fetch)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)
        stored = self.stat(key)
        if stored and stored.sha256 and stored.sha256 != sha256:
            raise IntegrityError(f"{key}: content sha256 {sha256} != recorded {stored.sha256}")
        return stored or StoredObject(key, sha256, path.stat().st_size, "")

    def rehash(self, key: str) -> str:
        """SHA-256 of what the store holds now (fixity), streamed."""

        def digest() -> str:
            hasher = hashlib.sha256()
            self._stream(key, hasher.update)
            return hasher.hexdigest()

        return self._retry(f"rehash {key}", digest)

    def list(self, prefix: str = "", *, with_sha256: bool = False) -> Iterator[StoredObject]:
        """Objects under `prefix`, in key order. Listing carries no user metadata (SeaweedFS
        ignores include_user_meta), so `with_sha256=True` stats each object: one request each."""
        for item in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
            if item.is_dir or item.object_name is None:
                continue
            if with_sha256:
                stored = self.stat(item.object_name)
                if stored is not None:
                    yield stored
                continue
            yield StoredObject(
                key=item.object_name,
                sha256=None,
                size=int(item.size or 0),
                etag=(item.etag or "").strip('"'),
                last_modified=item.last_modified,
            )

    def presigned_get_url(self, key: str, expires: timedelta = timedelta(minutes=15)) -> str:
        return self.client.presigned_get_object(self.bucket, key, expires=expires)

    # ------------------------------------------------------------ internals

    def _existing_same(self, key: str, sha256: str, size: int) -> StoredObject | None:
        """The existing object if it holds these bytes; None if the key is free."""
        existing = self.stat(key)
        if existing is None:
            return None
        held = existing.sha256
        if held is None and existing.size == size:
            held = self.rehash(key)  # written without metadata: compare the bytes themselves
        if existing.size == size and held == sha256:
            return StoredObject(
                key,
                sha256,
                existing.size,
                existing.etag,
                existing.content_type,
                existing.last_modified,
            )
        raise WriteOnceError(
            f"{key}: write-once object exists with different content "
            f"(stored sha256 {held}, size {existing.size}; new sha256 {sha256}, size {size})"
        )

    def _verified(self, key: str, sha256: str, size: int) -> StoredObject:
        """Check what was just written; a bad copy is removed so a retry can write it again."""
        try:
            return self._check(key, sha256, size)
        except IntegrityError:
            self.delete(key)
            raise

    def _check(self, key: str, sha256: str, size: int) -> StoredObject:
        stored = self.stat(key)
        if stored is None:
            raise IntegrityError(f"{key}: missing right after upload")
        if stored.size != size or stored.sha256 != sha256:
            raise IntegrityError(
                f"{key}: stored size {stored.size} sha256 {stored.sha256}, "
                f"uploaded size {size} sha256 {sha256}"
            )
        if self.verify == "full" and (actual := self.rehash(key)) != sha256:
            raise IntegrityError(f"{key}: stored bytes hash to {actual}, uploaded {sha256}")
        return stored

    def _stream(self, key: str, sink: Callable[[bytes], Any]) -> None:
        response = self.client.get_object(self.bucket, key)
        try:
            for chunk in response.stream(CHUNK):
                sink(chunk)
        finally:
            response.close()
            response.release_conn()

    def _retry(self, what: str, call: Callable[..., T], *args: Any) -> T:
        """Repeat an idempotent call on transient errors, doubling the wait each time."""
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return call(*args)
            except minio_error.S3Error as error:
                if error.code in _MISSING_S3_CODES:
                    raise ObjectMissing(f"{what}: no such key in bucket {self.bucket}") from error
                if error.code not in _TRANSIENT_S3_CODES or attempt == self.attempts:
                    raise StorageError(f"{what}: {error.code}: {error.message}") from error
                reason = error.code
            except _TRANSIENT_ERRORS as error:
                if attempt == self.attempts:
                    raise StorageError(f"{what}: {type(error).__name__}: {error}") from error
                reason = type(error).__name__
            log.warning(
                "%s failed (%s); retry %d/%d in %.1fs",
                what,
                reason,
                attempt,
                self.attempts - 1,
                delay,
            )
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


def _rebuild(endpoint: embedded.EndpointInfo, bucket: str, options: dict[str, Any]) -> ObjectStore:
    return ObjectStore.from_endpoint(endpoint, bucket, **options)


def _metadata(metadata: Mapping[str, str] | None, sha256: str) -> dict[str, str]:
    """User metadata headers plus the sha256; non-ASCII values are percent-encoded (S3 headers
    are ASCII). Content facts (page types, fields) belong in manifest.json, not here."""
    headers = {}
    for name, value in (metadata or {}).items():
        text = str(value)
        if not text.isascii():
            text = quote(text, safe=" !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~")
        headers[name] = text
    headers["sha256"] = sha256
    return headers
