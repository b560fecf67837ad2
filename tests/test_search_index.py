"""The full-text index behind `search_documents` (issue 19's bench: a million pages).

PostgreSQL keeps the folded tsvector of each page in the stored column `page.text_search`
(migration 0007) so that no query folds page text: `sohoa_fold` costs ~1.5 ms a page, and a
plan that folded an office's pages one by one took seconds at the bench's size."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from models.db import make_engine, migrate, session_scope
from models.scans import record_scan
from models.search import fold, search_documents
from models.tables import Page

OFFICES = ("000.01.24.H18", "000.02.24.H18")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")


def _scan(session, n: int, office: str, texts: list[str]) -> None:
    dossier = f"{office}-231015-{n:06d}"
    record_scan(
        session,
        sha256=f"{n:064d}",
        source_name=f"{n}.pdf",
        dossier_code=dossier,
        office_code=office,
        page_count=len(texts),
        original_key=f"originals/{n}.pdf",
        digitized_prefix=f"digitized/{n}/",
        manifest_key=None,
        pages=[{"number": i + 1, "text": t} for i, t in enumerate(texts)],
        documents=[{"doc_type": "khac", "pages": list(range(1, len(texts) + 1))}],
    )


def test_changed_page_text_is_found_by_its_new_words(engine):
    """The index follows an edited page (SQLite: FTS5 triggers; PostgreSQL: the generated
    column is recomputed on UPDATE)."""
    with session_scope(engine) as s:
        _scan(s, 1, OFFICES[0], ["Giấy tiếp nhận hồ sơ của ông Nguyễn Văn An"])
    with session_scope(engine) as s:
        page = s.exec(select(Page)).one()
        page.text = "Quyết định giao đất cho bà Trần Thị Bình"
    with session_scope(engine) as s:
        assert search_documents(s, text_query="nguyen van an") == []
        assert len(search_documents(s, text_query="tran thi binh")) == 1
        assert len(search_documents(s, text_query="Bình tran thi binh")) == 1  # a word twice
        assert len(search_documents(s, text_query="quyet dinh", offices={OFFICES[0]})) == 1
        assert search_documents(s, text_query="quyet dinh", offices={OFFICES[1]}) == []


@pytest.fixture
def pg_engine(pg_url):
    eng = make_engine(pg_url)
    migrate(eng)
    yield eng
    eng.dispose()


def test_postgres_search_plan_never_folds_page_text(pg_engine):
    """The statement `search_documents` runs for an office-scoped, diacritic-free query is
    planned without `sohoa_fold` (inlined as `translate`) over `page.text`: before migration
    0007 the index was on that expression, and the planner (which costs the fold as one
    operator) chose to walk the office's pages and fold each one."""
    with session_scope(pg_engine) as s:
        for n in range(1, 121):
            name = NAMES[n % len(NAMES)]
            _scan(
                s,
                n,
                OFFICES[n % 2],
                [f"Người nộp: {name}. Giấy tiếp nhận hồ sơ và hẹn trả kết quả {k}" for k in (1, 2)],
            )
    with pg_engine.connect() as conn:
        conn.execute(text("ANALYZE scan, page, document"))
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM page p" in statement:
            statements.append((statement, parameters))

    event.listen(pg_engine, "before_cursor_execute", capture)
    try:
        with session_scope(pg_engine) as s:
            hits = search_documents(s, text_query="nguyen van an", offices={OFFICES[0]})
    finally:
        event.remove(pg_engine, "before_cursor_execute", capture)
    assert hits and all(scan.office_code == OFFICES[0] for _, scan in hits)
    assert len(statements) == 1
    statement, parameters = statements[0]
    with pg_engine.connect() as conn:
        raw = conn.connection.driver_connection
        plan = "\n".join(
            row[0] for row in raw.execute(f"EXPLAIN VERBOSE {statement}", parameters).fetchall()
        )
    assert "text_search" in plan, plan
    assert "translate(p.text" not in plan and "sohoa_fold(p.text" not in plan, plan


def test_postgres_text_search_is_planned_for_its_words(pg_engine):
    """psycopg prepares a statement executed five times and PostgreSQL may then reuse a generic
    plan, blind to how common the words are (at the bench's million pages: a bitmap of every
    page with a common name, ~1 s, instead of the office's few pages). Even on a connection
    that prefers generic plans, each text search is planned for its own words."""
    with session_scope(pg_engine) as s:
        for n in range(1, 21):
            _scan(s, n, OFFICES[n // len(NAMES) % 2], [f"Người nộp: {NAMES[n % len(NAMES)]}"])

    @event.listens_for(pg_engine, "connect")
    def _prefer_generic(dbapi_conn, _record) -> None:
        dbapi_conn.execute("SET plan_cache_mode = force_generic_plan")

    pg_engine.dispose()  # new connections, with the setting above
    with pg_engine.connect() as conn:  # one connection, a transaction per search (as the app)
        for name in NAMES * 3:
            with Session(bind=conn) as s:
                assert search_documents(s, text_query=fold(name), offices={OFFICES[0]})
                s.commit()
        plans = conn.exec_driver_sql(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE strpos(statement, 'text_search @@') > 0"
        ).all()
    assert plans, "psycopg did not prepare the statement: the test does not test anything"
    assert all(generic == 0 and custom > 0 for generic, custom in plans), plans
