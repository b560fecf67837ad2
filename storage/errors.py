"""Storage errors: each names the key or server it is about, so a caller can record why."""


class StorageError(Exception):
    """An object store operation failed (after retries)."""


class ServerError(StorageError):
    """The embedded SeaweedFS server could not be found, started or reached."""


class WriteOnceError(StorageError):
    """A write-once key already holds different content; it is never overwritten."""


class IntegrityError(StorageError):
    """What the store holds does not match what was written (size or SHA-256)."""


class ObjectMissing(StorageError):
    """The key is not in the bucket."""
