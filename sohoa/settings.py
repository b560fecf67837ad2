"""All configuration, from environment variables `SOHOA_*` (the only global state sohoa keeps).

Embedded defaults need no configuration at all: a SQLite file, a local S3 server (SeaweedFS
`weed mini`) and a local Prefect server (`sohoa dashboard`), all under the data dir
(`SOHOA_DATA_DIR` or `sohoa --data-dir`). Production sets:

  SOHOA_DATABASE_URL   postgresql+psycopg://user:pass@host:5432/sohoa
  SOHOA_S3_ENDPOINT    minio.example:9000 (then nothing is started locally)
  SOHOA_S3_ACCESS_KEY / SOHOA_S3_SECRET_KEY / SOHOA_S3_SECURE / SOHOA_S3_BUCKET
  PREFECT_API_URL      http://prefect:4200/api (Prefect's own variable)
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    data_dir: Path = Path("var")
    inbox: Path | None = None  # default: <data_dir>/inbox
    database_url: str | None = None  # default: sqlite:///<data_dir>/sohoa.db
    s3_endpoint: str | None = None  # unset: start the embedded server
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = False
    s3_bucket: str = "sohoa"
    s3_region: str = "us-east-1"
    ocr_workers: int = 0  # 0: one process per core
    ocr_lang: str = "vie"
    tessdata_dir: Path | None = None  # default: <data_dir>/tessdata if present, else system
    stable_seconds: float = 3.0  # inbox file unchanged this long before it is read
    link_hours: float = 24.0  # lifetime of download links (`sohoa search`), at most 7 days
    debug: bool = False  # `sohoa --debug`: tracebacks with errors
    # budgets per input and per page (bigger pages are downscaled; over the rest: quarantined)
    max_page_mpx: float = 30.0  # megapixels a page is read at (one page process < 500 MB)
    max_decode_mpx: float = 60.0  # larger images are refused before decoding (JPEG: once reduced)
    max_pages: int = 2000  # pages per scan
    max_file_mb: float = 2048.0  # size of one input file
    tesseract_seconds: float = 180.0  # CPU seconds of one Tesseract call (hung: 10x in wall time)
    page_seconds: float = 600.0  # one page, everything included
    orphan_purge_days: float = 30.0  # `verify --purge` deletes orphans/ objects older than this
    orphan_grace_minutes: float = 10.0  # younger unreferenced objects may be an ingest in flight

    @property
    def inbox_dir(self) -> Path:
        return self.inbox or self.data_dir / "inbox"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'sohoa.db').resolve()}"

    @property
    def workers(self) -> int:
        return self.ocr_workers or os.cpu_count() or 1


@lru_cache
def get_settings() -> Settings:
    return Settings()
