"""search index: FTS5 prefix indexes and a narrow index of the search filters (SQLite)

Revision ID: 0015_search_prefix
Revises: 0014
Create Date: 2026-12-03 09:30:00

Every query word is matched as a prefix ("น้ำมัน"* also finds "น้ำมันเครื่อง"). Without a prefix
index FTS5 answers `"word"*` by merging the doclists of every indexed word that starts so, in
full, on every search, however few rows are kept: at 100,000 threads a common word costs
milliseconds per term and per pass, and a Thai compound typed half-way ("น้ำมันเครื่" ->
"เค"*, "รื่"*) tens of milliseconds. With `prefix=` FTS5 also stores each word under its first
2 to 12 characters, so such a term is one doclist read lazily, newest first, like a whole word
(longer prefixes still merge, and match few words). The index grows about fivefold.

`ix_threads_search_filter` holds what the search reads of each matching thread (visibility,
category, kind, reply count, last activity) keyed by id: the search looks each match up there
rather than in `threads`, whose rows (with the stored search words) fill a page each or nearly,
so a filter that keeps few matches (a category) no longer reads tens of thousands of table pages.

The FTS5 table is rebuilt from `threads.search_terms` (no re-tokenizing, SQL only). PostgreSQL's GIN
index already serves prefix tsqueries: nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = '0015_search_prefix'
down_revision = '0014'
branch_labels = None
depends_on = None

TOKENIZE = "tokenize=\"unicode61 categories 'L* N* Co M*'\""
# Characters, not bytes; a query prefix uses an index only when its length is one of these.
PREFIX_LENGTHS = "2 3 4 5 6 7 8 9 10 11 12"

_TITLE = ("CASE WHEN instr({row}search_terms, char(10)) > 0 "
          "THEN substr({row}search_terms, 1, instr({row}search_terms, char(10)) - 1) ELSE {row}search_terms END")
_BODY = ("CASE WHEN instr({row}search_terms, char(10)) > 0 "
         "THEN substr({row}search_terms, instr({row}search_terms, char(10)) + 1) ELSE '' END")
TITLE, BODY = _TITLE.format(row="new."), _BODY.format(row="new.")
# The same triggers as revision 0012's: dropping the table drops them.
TRIGGERS = (
    f"""CREATE TRIGGER threads_search_ai AFTER INSERT ON threads BEGIN
         INSERT INTO thread_search(rowid, title, body) VALUES (new.id, {TITLE}, {BODY}); END""",
    """CREATE TRIGGER threads_search_ad AFTER DELETE ON threads BEGIN
         DELETE FROM thread_search WHERE rowid = old.id; END""",
    f"""CREATE TRIGGER threads_search_au AFTER UPDATE OF search_terms ON threads BEGIN
         DELETE FROM thread_search WHERE rowid = old.id;
         INSERT INTO thread_search(rowid, title, body) VALUES (new.id, {TITLE}, {BODY}); END""",
)
TRIGGER_NAMES = ("threads_search_ai", "threads_search_ad", "threads_search_au")


def _rebuild(options: str) -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS thread_search")
    op.execute(f"CREATE VIRTUAL TABLE thread_search USING fts5(title, body, {options})")
    op.execute(f"INSERT INTO thread_search(rowid, title, body) "
               f"SELECT id, {_TITLE.format(row='')}, {_BODY.format(row='')} FROM threads")
    # One b-tree per index instead of one segment per 1,000 rows or so: fewer pages per lookup.
    op.execute("INSERT INTO thread_search(thread_search) VALUES ('optimize')")
    for statement in TRIGGERS:
        op.execute(statement)


# forum.services.search names it (INDEXED BY) and forum.migrate keeps it out of the models.
FILTER_INDEX = ("CREATE INDEX ix_threads_search_filter ON threads "
                "(id, visibility, category_id, kind, reply_count, last_activity_at)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(f"{TOKENIZE}, prefix='{PREFIX_LENGTHS}'")
        op.execute("DROP INDEX IF EXISTS ix_threads_search_filter")
        op.execute(FILTER_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_threads_search_filter")
        _rebuild(TOKENIZE)
