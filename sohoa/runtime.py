"""Opening the shared resources a command needs, on the embedded defaults or production services."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from sohoa.settings import Settings, get_settings


def prefect_ready(settings: Settings | None = None) -> None:
    """Set Prefect's environment; call before anything imports `prefect`."""
    from flows.prefect_env import configure

    configure(settings or get_settings())


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database with the schema migrated to the newest version."""
    from models.db import make_engine, migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url)
    migrate(engine)
    return engine
