"""Alembic environment: runs on the connection `models.db.migrate` passes, or on the URL set in
the config (`alembic_config(url)`), never on an ini file."""

from __future__ import annotations

from alembic import context

from models.db import make_engine

config = context.config


MIGRATION_LOCK = 7_261_001  # PostgreSQL advisory lock key: one migrator at a time


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=None, compare_type=True)
    with context.begin_transaction():
        # Several processes may start on a fresh database at once. SQLite transactions are
        # BEGIN IMMEDIATE (models.db), which already serialises them; PostgreSQL needs a lock,
        # taken before Alembic reads the current revision.
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
