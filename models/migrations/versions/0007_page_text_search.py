"""Full-text search on PostgreSQL reads a stored tsvector (issue 19's bench: 1,000,000 pages).

Until now the GIN index was on the expression `to_tsvector('simple', sohoa_fold(text))`. The
planner costs `sohoa_fold` (an inlined `translate` over ~130 letters) as one operator, but it
takes ~1.5 ms per page of text: for an office-scoped query it walked the office's pages and
folded each one (0.7 s over 20,000 pages, tens of seconds over a million), and any recheck of a
lossy bitmap folded again. The same tsvector is now a stored generated column `text_search`
(computed once when a page is written, the value the index held), indexed by GIN; queries
compare it directly. Results are unchanged: the column is the former index expression.

Also an index on `scan.office_code`: every office-scoped query (search, review queue, status
list) selected the office's scans by reading all of them.

Upgrading rewrites `page` once (the fold of every page, as building the old index did).
SQLite is unchanged (FTS5 `page_fts`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EXPRESSION = "to_tsvector('simple', sohoa_fold(text))"


def upgrade() -> None:
    # the office's scans: what search, the review queue and the status list filter by
    op.create_index("ix_scan_office_code", "scan", ["office_code"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE page ADD COLUMN text_search tsvector "
        f"GENERATED ALWAYS AS ({EXPRESSION}) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_page_text_fts")
    op.execute("CREATE INDEX ix_page_text_search ON page USING gin (text_search)")


def downgrade() -> None:
    op.drop_index("ix_scan_office_code", "scan")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_page_text_search")
    op.execute("ALTER TABLE page DROP COLUMN IF EXISTS text_search")
    op.execute(f"CREATE INDEX ix_page_text_fts ON page USING gin ({EXPRESSION})")
