"""S3 storage: the minio-SDK adapter (`ObjectStore`), key layout, manifests, embedded SeaweedFS."""

from storage.embedded import EmbeddedServer, EndpointInfo
from storage.errors import (
    IntegrityError,
    ObjectMissing,
    ServerError,
    StorageError,
    WriteOnceError,
)
from storage.objects import ObjectStore, StoredObject

__all__ = [
    "EmbeddedServer",
    "EndpointInfo",
    "IntegrityError",
    "ObjectMissing",
    "ObjectStore",
    "ServerError",
    "StorageError",
    "StoredObject",
    "WriteOnceError",
]
