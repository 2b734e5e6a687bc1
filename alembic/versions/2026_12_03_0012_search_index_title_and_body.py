"""search index: title and body apart, compound parts and vocabulary concepts

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-03 06:10:00

`threads.search_terms` becomes "<title words>\\n<body words>" with the parts of Thai compounds
and the club vocabulary's concept tokens (forum.search_text), so every thread's terms are
rebuilt here from its title and opening post. SQLite: a new FTS5 table with a title and a body
column (a plain FTS5 table, fed by triggers that split search_terms at the newline). PostgreSQL: a
generated tsvector column, title weighted A and body D, with a GIN index.

Not a batch_alter_table on "threads": on SQLite that recreates the table and drops the triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None

_TITLE = ("CASE WHEN instr(new.search_terms, char(10)) > 0 "
          "THEN substr(new.search_terms, 1, instr(new.search_terms, char(10)) - 1) ELSE new.search_terms END")
_BODY = ("CASE WHEN instr(new.search_terms, char(10)) > 0 "
         "THEN substr(new.search_terms, instr(new.search_terms, char(10)) + 1) ELSE '' END")
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER threads_search_ai AFTER INSERT ON threads BEGIN
         INSERT INTO thread_search(rowid, title, body) VALUES (new.id, {_TITLE}, {_BODY}); END""",
    """CREATE TRIGGER threads_search_ad AFTER DELETE ON threads BEGIN
         DELETE FROM thread_search WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER threads_search_au AFTER UPDATE OF search_terms ON threads BEGIN
         DELETE FROM thread_search WHERE rowid = old.id;
         INSERT INTO thread_search(rowid, title, body) VALUES (new.id, {_TITLE}, {_BODY}); END""",
)
TRIGGER_NAMES = ("threads_search_ai", "threads_search_ad", "threads_search_au")
PG_VECTOR = ("setweight(to_tsvector('simple', split_part(search_terms, E'\\n', 1)), 'A') || "
             "setweight(to_tsvector('simple', split_part(search_terms, E'\\n', 2)), 'D')")


def _rebuild_terms(index_terms) -> None:
    bind = op.get_bind()
    threads = bind.execute(sa.text(
        "SELECT t.id, t.title, p.body_raw FROM threads t "
        "LEFT JOIN posts p ON p.thread_id = t.id AND p.is_opening = :yes ORDER BY t.id"
    ), {"yes": True}).all()
    update = sa.text("UPDATE threads SET search_terms = :terms WHERE id = :id")
    batch = []
    for row in threads:
        batch.append({"id": row.id, "terms": index_terms(row.title or "", row.body_raw or "")})
        if len(batch) == 1000:
            bind.execute(update, batch)
            batch.clear()
    if batch:
        bind.execute(update, batch)


def upgrade() -> None:
    from forum.search_text import index_terms

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS thread_search")
        _rebuild_terms(index_terms)
        op.execute("CREATE VIRTUAL TABLE thread_search USING fts5(title, body, "
                   "tokenize=\"unicode61 categories 'L* N* Co M*'\")")
        op.execute(f"INSERT INTO thread_search(rowid, title, body) "
                   f"SELECT id, {_TITLE.replace('new.', '')}, {_BODY.replace('new.', '')} FROM threads")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_threads_search_terms")
        _rebuild_terms(index_terms)
        op.execute(f"ALTER TABLE threads ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_threads_search_vector ON threads USING gin (search_vector)")


def downgrade() -> None:
    """Back to revision 0001's index (one column over search_terms, which keeps its new words)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS thread_search")
        op.execute(
            "CREATE VIRTUAL TABLE thread_search USING fts5(search_terms, content='threads', content_rowid='id', "
            "tokenize=\"unicode61 categories 'L* N* Co M*'\")"
        )
        op.execute("INSERT INTO thread_search(thread_search) VALUES ('rebuild')")
        op.execute("""CREATE TRIGGER threads_search_ai AFTER INSERT ON threads BEGIN
         INSERT INTO thread_search(rowid, search_terms) VALUES (new.id, new.search_terms); END""")
        op.execute("""CREATE TRIGGER threads_search_ad AFTER DELETE ON threads BEGIN
         INSERT INTO thread_search(thread_search, rowid, search_terms) VALUES ('delete', old.id, old.search_terms); END""")
        op.execute("""CREATE TRIGGER threads_search_au AFTER UPDATE OF search_terms ON threads BEGIN
         INSERT INTO thread_search(thread_search, rowid, search_terms) VALUES ('delete', old.id, old.search_terms);
         INSERT INTO thread_search(rowid, search_terms) VALUES (new.id, new.search_terms); END""")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_threads_search_vector")
        op.execute("ALTER TABLE threads DROP COLUMN IF EXISTS search_vector")
        op.execute("CREATE INDEX ix_threads_search_terms ON threads USING gin (to_tsvector('simple', search_terms))")
