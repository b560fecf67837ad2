"""Skeleton schema (issue 2): offices, dossiers, scans, documents, pages.

Revision ID: 0001
Revises:
Create Date: 2025-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dossier",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("office_code", sa.String(40), sa.ForeignKey("office.code"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dossier_office_code", "dossier", ["office_code"])
    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("source_name", sa.String(), nullable=False, server_default=""),
        sa.Column("dossier_code", sa.String(60), sa.ForeignKey("dossier.code"), nullable=True),
        sa.Column("office_code", sa.String(40), nullable=True),
        sa.Column("status", sa.String(12), nullable=False, server_default="stored"),
        sa.Column("page_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("original_key", sa.String(), nullable=True),
        sa.Column("digitized_prefix", sa.String(), nullable=True),
        sa.Column("manifest_key", sa.String(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tool_versions", sa.JSON(), nullable=True),
    )
    op.create_index("ix_scan_dossier_code", "scan", ["dossier_code"])
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), nullable=False),
        sa.Column("doc_type", sa.String(40), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.Column("first_page", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("confidence", sa.Float(), nullable=False, server_default="0"),
        sa.Column("fields", sa.JSON(), nullable=True),
    )
    op.create_index("ix_document_scan_id", "document", ["scan_id"])
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(40), nullable=False),
        sa.Column("doc_type_confidence", sa.Float(), nullable=False, server_default="0"),
        sa.Column("mean_confidence", sa.Float(), nullable=False, server_default="0"),
        sa.Column("rotation", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("skew_degrees", sa.Float(), nullable=False, server_default="0"),
        sa.Column("blank", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("scan_id", "number", name="uq_page_scan_number"),
    )
    op.create_index("ix_page_scan_id", "page", ["scan_id"])


def downgrade() -> None:
    for table in ("page", "document", "scan", "dossier", "office"):
        op.drop_table(table)
