"""Staff web app (issue 18): accounts, sessions, login attempts, uploads.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def _now() -> sa.TextClause:
    return sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String, nullable=False, server_default=""),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("office_code", sa.String(40), sa.ForeignKey("office.code"), nullable=True),
        sa.Column("password_hash", sa.String, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column(
            "password_changed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=_now(),
        ),
    )
    op.create_index("ix_web_user_office_code", "web_user", ["office_code"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("web_user.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String, nullable=True),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_login_attempt_username_at", "login_attempt", ["username", "at"])
    op.create_index("ix_login_attempt_address_at", "login_attempt", ["address", "at"])
    op.create_table(
        "upload",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now()),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("web_user.id"), nullable=True),
        sa.Column("office_code", sa.String(40), nullable=True),
        sa.Column("dossier_hint", sa.String(60), nullable=True),
        sa.Column("filename", sa.String, nullable=False, server_default=""),
        sa.Column("relative", sa.String, nullable=False, server_default=""),
        sa.Column("size", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("files", sa.Integer, nullable=False, server_default="1"),
        sa.Column("state", sa.String(12), nullable=False, server_default="queued"),
        sa.Column("reason", sa.String, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("dossier_code", sa.String(60), nullable=True),
        sa.Column("flow_run_id", sa.String(40), nullable=True),
    )
    op.create_index("ix_upload_office_created", "upload", ["office_code", "created_at"])
    op.create_index("ix_upload_state", "upload", ["state"])
    op.create_index("ix_upload_sha256", "upload", ["sha256"])


def downgrade() -> None:
    for table in ("upload", "login_attempt", "web_session", "web_user"):
        op.drop_table(table)
