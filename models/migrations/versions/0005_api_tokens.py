"""Exchange API (issue 21): API tokens and webhook delivery attempts; indexes for the change feed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("office_code", sa.String(40), sa.ForeignKey("office.code"), nullable=False),
        sa.Column("scopes", sa.String, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("webhook_url", sa.String, nullable=True),
        sa.Column("webhook_secret", sa.String(64), nullable=True),
        sa.Column("rate_per_minute", sa.Integer, nullable=False, server_default="600"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_id", sa.Integer, sa.ForeignKey("api_token.id"), nullable=False),
        sa.Column("delivery_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("dossier_code", sa.String(60), nullable=True),
        sa.Column("scan_sha256", sa.String(64), nullable=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.String, nullable=True),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_index("ix_scan_ingested_at", "scan", ["ingested_at"])
    op.create_index("ix_dossier_updated_at", "dossier", ["updated_at"])
    op.create_index("ix_document_reviewed_at", "document", ["reviewed_at"])


def downgrade() -> None:
    for index, table in (
        ("ix_document_reviewed_at", "document"),
        ("ix_dossier_updated_at", "dossier"),
        ("ix_scan_ingested_at", "scan"),
    ):
        op.drop_index(index, table_name=table)
    op.drop_table("webhook_delivery")
    op.drop_table("api_token")
