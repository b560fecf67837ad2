"""Office registry, dossier register, digitization facts, reuse links, event log, search index
(issue 5). Backfills existing skeleton rows so their rates do not change.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-27
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the rules at the time of this migration (models/ may change later).
RESULT_DOC_TYPES = ("giay_chung_nhan_qsdd", "quyet_dinh", "giay_phep_moi_truong")
INDEXED = ("citizen_id", "gcn_serial", "parcel_number", "map_sheet")
VIET_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
PLAIN_LETTERS = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
assert len(VIET_LETTERS) == len(PLAIN_LETTERS)
_FULL = re.compile(r"(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})")
_SHORT = re.compile(r"([A-Z]\d{2})((?:\.\d{1,3}){0,2})")
_DOSSIER = re.compile(r"(.+)-(\d{8}|\d{6})-(\d{4,8})")


def _units(code: str) -> list[str] | None:
    if m := _FULL.fullmatch(code):
        v, z, y, top = m.groups()
        units = [top, y, z, v]
    elif m := _SHORT.fullmatch(code):
        units = [m.group(1), *[p for p in m.group(2).split(".") if p]]
    else:
        return None
    return [units[0], *[u for u in units[1:] if int(u)]]


def _full(units: list[str]) -> str:
    y, z, v = [*units[1:], "0", "0", "0"][:3]
    return f"{v.zfill(3)}.{z.zfill(2)}.{y.zfill(2)}.{units[0]}"


def _received(code: str):
    from datetime import date

    m = _DOSSIER.fullmatch(code)
    if not m:
        return None
    d = m.group(2)
    try:
        if len(d) == 6:
            return date(2000 + int(d[:2]), int(d[2:4]), int(d[4:]))
        return date(int(d[:4]), int(d[4:6]), int(d[6:]))
    except ValueError:
        return None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _office_columns()
    _dossier_columns()
    _document_columns()
    _new_tables(dialect)
    _search_index(dialect)
    _backfill_offices()
    _backfill_dossiers()
    _backfill_documents()
    _backfill_facts()


def _add_reference(table: str, column: str, length: int, ref: str, ref_column: str) -> None:
    """A nullable foreign-key column. SQLite allows REFERENCES in ADD COLUMN (not a separate
    constraint, and a batch table copy would cascade through the foreign keys), so say it in SQL."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR({length}) "
            f"REFERENCES {ref} ({ref_column})"
        )
    else:
        op.add_column(
            table,
            sa.Column(
                column, sa.String(length), sa.ForeignKey(f"{ref}.{ref_column}"), nullable=True
            ),
        )


def _office_columns() -> None:
    op.add_column(
        "office", sa.Column("level", sa.String(20), nullable=False, server_default="unknown")
    )
    _add_reference("office", "parent_code", 40, "office", "code")
    op.add_column("office", sa.Column("province_code", sa.String(8), nullable=True))
    op.create_index("ix_office_parent_code", "office", ["parent_code"])
    op.create_index("ix_office_province_code", "office", ["province_code"])


def _dossier_columns() -> None:
    add = lambda col: op.add_column("dossier", col)  # noqa: E731
    add(sa.Column("procedure_code", sa.String(), nullable=True))
    add(sa.Column("received_at", sa.Date(), nullable=True))
    add(sa.Column("channel", sa.String(), nullable=True))
    add(sa.Column("resolved_at", sa.Date(), nullable=True))
    add(sa.Column("result_kind", sa.String(12), nullable=False, server_default="unknown"))
    add(sa.Column("attributes", sa.JSON(), nullable=True))
    add(sa.Column("source", sa.String(10), nullable=False, server_default="scan"))
    for fact in ("components_digitized", "result_digitized", "reused"):
        add(sa.Column(fact, sa.Boolean(), nullable=False, server_default=sa.false()))
    add(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_dossier_received_office", "dossier", ["received_at", "office_code"])


def _document_columns() -> None:
    add = lambda col: op.add_column("document", col)  # noqa: E731
    _add_reference("document", "dossier_code", 60, "dossier", "code")
    add(sa.Column("field_details", sa.JSON(), nullable=True))
    add(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false()))
    add(sa.Column("review_reasons", sa.JSON(), nullable=True))
    add(sa.Column("reviewed_by", sa.String(), nullable=True))
    add(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    add(sa.Column("is_result", sa.Boolean(), nullable=False, server_default=sa.false()))
    for name in ("citizen_id", "gcn_serial", "parcel_number", "map_sheet"):
        add(sa.Column(name, sa.String(), nullable=True))
    op.create_index("ix_document_dossier_code", "document", ["dossier_code"])
    op.create_index("ix_document_citizen_id", "document", ["citizen_id"])
    op.create_index("ix_document_gcn_serial", "document", ["gcn_serial"])
    op.create_index("ix_document_parcel", "document", ["parcel_number", "map_sheet"])


def _new_tables(dialect: str) -> None:
    op.create_table(
        "reuse_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column(
            "earlier_document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False
        ),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "earlier_document_id", name="uq_reuse_link_pair"),
    )
    op.create_index("ix_reuse_link_document_id", "reuse_link", ["document_id"])
    op.create_index("ix_reuse_link_earlier_document_id", "reuse_link", ["earlier_document_id"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scan_sha256", sa.String(64), nullable=True),
        sa.Column("dossier_code", sa.String(60), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("tool", sa.String(), nullable=True),
        sa.Column("tool_version", sa.String(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    for col in ("at", "scan_sha256", "dossier_code"):
        op.create_index(f"ix_event_{col}", "event", [col])
    if dialect == "sqlite":
        for when in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER event_no_{when.lower()} BEFORE {when} ON event "
                "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'event log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER event_no_change BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION event_append_only()"
        )


def _search_index(dialect: str) -> None:
    if dialect == "sqlite":
        # unicode61 folds diacritics but not đ (a letter of its own): fold it in the triggers
        # (and in queries) so "quyet dinh" finds "QUYẾT ĐỊNH". Index and delete must see the
        # same folded text, hence no 'rebuild' (it would read the unfolded page.text).
        fold = lambda col: f"replace(replace({col}, 'đ', 'd'), 'Đ', 'D')"  # noqa: E731
        op.execute(
            "CREATE VIRTUAL TABLE page_fts USING fts5(text, content='page', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER page_fts_ai AFTER INSERT ON page BEGIN "
            f"INSERT INTO page_fts(rowid, text) VALUES (new.id, {fold('new.text')}); END"
        )
        op.execute(
            "CREATE TRIGGER page_fts_ad AFTER DELETE ON page BEGIN "
            "INSERT INTO page_fts(page_fts, rowid, text) "
            f"VALUES ('delete', old.id, {fold('old.text')}); END"
        )
        op.execute(
            "CREATE TRIGGER page_fts_au AFTER UPDATE OF text ON page BEGIN "
            "INSERT INTO page_fts(page_fts, rowid, text) "
            f"VALUES ('delete', old.id, {fold('old.text')}); "
            f"INSERT INTO page_fts(rowid, text) VALUES (new.id, {fold('new.text')}); END"
        )
        op.execute(f"INSERT INTO page_fts(rowid, text) SELECT id, {fold('text')} FROM page")
    elif dialect == "postgresql":
        # No Vietnamese text-search configuration ships with PostgreSQL, and `unaccent` is an
        # extension a hosted server may not allow: fold the letters with a plain SQL function.
        src, dst = VIET_LETTERS + VIET_LETTERS.upper(), PLAIN_LETTERS + PLAIN_LETTERS.upper()
        op.execute(
            "CREATE FUNCTION sohoa_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE "
            f"PARALLEL SAFE AS $$ SELECT lower(translate(t, '{src}', '{dst}')) $$"
        )
        op.execute(
            "CREATE INDEX ix_page_text_fts ON page "
            "USING gin (to_tsvector('simple', sohoa_fold(text)))"
        )


def _backfill_offices() -> None:
    """Province and level from the code; parent = nearest registered ancestor, creating the
    level-1 office (province People's Committee / central body) when it is missing."""
    bind = op.get_bind()
    office = sa.table(
        "office",
        sa.column("code"),
        sa.column("name"),
        sa.column("level"),
        sa.column("parent_code"),
        sa.column("province_code"),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    codes = {row.code for row in bind.execute(sa.select(office.c.code))}
    from datetime import UTC, datetime

    for code in sorted(codes):
        units = _units(code)
        if not units:
            continue
        top = _full(units[:1])
        if top not in codes and units[0] not in codes:
            bind.execute(
                office.insert().values(
                    code=top,
                    name=top,
                    level="province"
                    if top.endswith(units[0]) and units[0].startswith("H")
                    else "ministry",
                    province_code=units[0],
                    created_at=datetime.now(UTC),
                )
            )
            codes.add(top)
    for code in sorted(codes):
        units = _units(code)
        if not units:
            continue
        values: dict = {"province_code": units[0]}
        if len(units) == 1:
            values["level"] = "province" if units[0].startswith("H") else "ministry"
        for depth in range(len(units) - 1, 0, -1):
            found = [
                c
                for c in (_full(units[:depth]), ".".join(units[:depth]))
                if c in codes and c != code
            ]
            if found:
                values["parent_code"] = found[0]
                break
        bind.execute(office.update().where(office.c.code == code).values(**values))


def _backfill_dossiers() -> None:
    bind = op.get_bind()
    dossier = sa.table("dossier", sa.column("code"), sa.column("received_at", sa.Date()))
    params = [
        {"c": code, "r": received}
        for (code,) in bind.execute(sa.select(dossier.c.code)).all()
        if (received := _received(code)) is not None
    ]
    if params:
        stmt = dossier.update().where(dossier.c.code == sa.bindparam("c"))
        bind.execute(stmt.values(received_at=sa.bindparam("r")), params)


def _backfill_documents() -> None:
    bind = op.get_bind()
    document = sa.table(
        "document",
        sa.column("id"),
        sa.column("scan_id"),
        sa.column("doc_type"),
        sa.column("fields", sa.JSON()),
        sa.column("dossier_code"),
        sa.column("is_result"),
        *(sa.column(k) for k in INDEXED),
    )
    scan = sa.table("scan", sa.column("id"), sa.column("dossier_code"))
    rows = bind.execute(
        sa.select(document.c.id, document.c.doc_type, document.c.fields, scan.c.dossier_code).join(
            scan, scan.c.id == document.c.scan_id
        )
    ).all()
    params = []
    for row in rows:
        fields = row.fields or {}
        params.append(
            {
                "i": row.id,
                "d": row.dossier_code,
                "r": row.doc_type in RESULT_DOC_TYPES,
                **{
                    f"v_{k}": str(fields[k]) if fields.get(k) not in (None, "") else None
                    for k in INDEXED
                },
            }
        )
    if params:
        stmt = document.update().where(document.c.id == sa.bindparam("i"))
        values = {k: sa.bindparam(f"v_{k}") for k in INDEXED}
        values.update(dossier_code=sa.bindparam("d"), is_result=sa.bindparam("r"))
        bind.execute(stmt.values(**values), params)


def _backfill_facts() -> None:
    op.execute(
        "UPDATE dossier SET components_digitized = EXISTS (SELECT 1 FROM scan s "
        "WHERE s.dossier_code = dossier.code AND s.status = 'stored'), "
        "result_digitized = EXISTS (SELECT 1 FROM document d JOIN scan s ON s.id = d.scan_id "
        "WHERE d.dossier_code = dossier.code AND d.is_result AND s.status = 'stored')"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS page_fts")
        for trig in ("page_fts_ai", "page_fts_ad", "page_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trig}")
    else:
        op.execute("DROP INDEX IF EXISTS ix_page_text_fts")
        op.execute("DROP FUNCTION IF EXISTS sohoa_fold(text)")
    op.drop_table("event")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS event_append_only()")
    op.drop_table("reuse_link")
    with op.batch_alter_table("document") as b:
        for idx in (
            "ix_document_dossier_code",
            "ix_document_citizen_id",
            "ix_document_gcn_serial",
            "ix_document_parcel",
        ):
            b.drop_index(idx)
        for col in (
            "dossier_code",
            "field_details",
            "needs_review",
            "review_reasons",
            "reviewed_by",
            "reviewed_at",
            "is_result",
            "citizen_id",
            "gcn_serial",
            "parcel_number",
            "map_sheet",
        ):
            b.drop_column(col)
    with op.batch_alter_table("dossier") as b:
        b.drop_index("ix_dossier_received_office")
        for col in (
            "procedure_code",
            "received_at",
            "channel",
            "resolved_at",
            "result_kind",
            "attributes",
            "source",
            "components_digitized",
            "result_digitized",
            "reused",
            "updated_at",
        ):
            b.drop_column(col)
    with op.batch_alter_table("office") as b:
        b.drop_index("ix_office_parent_code")
        b.drop_index("ix_office_province_code")
        for col in ("level", "parent_code", "province_code"):
            b.drop_column(col)
