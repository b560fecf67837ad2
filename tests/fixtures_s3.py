"""S3 fixtures: one real embedded SeaweedFS server per test session, isolated per test.

- `s3_server`: EndpointInfo of the session's server (data dir under pytest's tmp).
- `s3_store`: an ObjectStore on it (bucket `sohoa-test`), verify="stat".
- `s3_prefix`: a unique key prefix for one test; its objects are deleted afterwards.
- `s3_env`: points `SOHOA_S3_*` at the session server with a fresh bucket for this test, so
  code calling `open_store()` starts nothing. Request it after `settings_env`
  (which clears `SOHOA_S3_ENDPOINT`) when using both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from storage.embedded import EmbeddedServer, EndpointInfo
from storage.objects import ObjectStore

TEST_BUCKET = "sohoa-test"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndpointInfo]:
    data_dir = tmp_path_factory.mktemp("s3-session")
    with EmbeddedServer(data_dir) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def s3_store(s3_server: EndpointInfo) -> ObjectStore:
    store = ObjectStore.from_endpoint(s3_server, TEST_BUCKET)
    store.ensure_bucket()
    return store


@pytest.fixture
def s3_prefix(s3_store: ObjectStore, request: pytest.FixtureRequest) -> Iterator[str]:
    name = "".join(c if c.isalnum() else "-" for c in request.node.name)[:40]
    prefix = f"test/{name}-{uuid.uuid4().hex[:8]}/"
    yield prefix
    for stored in list(s3_store.list(prefix)):
        s3_store.delete(stored.key)


@pytest.fixture
def s3_env(s3_server: EndpointInfo, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    from sohoa.settings import get_settings

    env = {
        "SOHOA_S3_ENDPOINT": s3_server.endpoint,
        "SOHOA_S3_ACCESS_KEY": s3_server.access_key,
        "SOHOA_S3_SECRET_KEY": s3_server.secret_key,
        "SOHOA_S3_SECURE": "false",
        "SOHOA_S3_BUCKET": f"t-{uuid.uuid4().hex[:12]}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
