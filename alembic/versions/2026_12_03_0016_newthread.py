"""duplicates: threads.content_changed_at, moved only by what the duplicate index holds

Revision ID: 0016_newthread
Revises: 0015_search_prefix
Create Date: 2026-12-03 15:45:00

Each server process keeps its duplicate index in step with the database by reading, before a
query, the threads changed since its last look. It keyed that on `threads.updated_at`, which every
reply moves (the reply count and last activity are on the thread), so a new thread's check re-read
every thread replied to in the last half minute or so, only to find its text unchanged.

`content_changed_at` moves only when what the index holds of a thread can change: its creation,
the title, the category, the author, the visibility, `duplicate_of_id`, and the opening post's
text, visibility or thread. The database keeps it (triggers), so every writer does, through the
ORM, a Core UPDATE or SQL by hand: it takes the value of the row's own `updated_at` (the
application's clock, like the watermark it is compared with). On INSERT the model sets it; a row
inserted without it (SQL by hand, the benchmark seeder) gets its `updated_at`. Existing rows get
their `updated_at`, so a duplicate index snapshot written before this revision still matches.

`ix_threads_updated_at` (revision 0003, for the old catch-up) is dropped: nothing else reads
threads by `updated_at`, and every reply had to keep it up to date.
"""

from __future__ import annotations

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision = "0016_newthread"
down_revision = "0015_search_prefix"
branch_labels = None
depends_on = None

THREAD_COLUMNS = ("title", "visibility", "category_id", "author_id", "duplicate_of_id")
POST_COLUMNS = ("body_raw", "visibility", "thread_id", "is_opening")


def _changed(columns: tuple[str, ...], differ: str) -> str:
    return " OR ".join(f"NEW.{c} {differ} OLD.{c}" for c in columns)


SQLITE = (
    """CREATE TRIGGER threads_content_insert AFTER INSERT ON threads
         WHEN NEW.content_changed_at IS NULL BEGIN
         UPDATE threads SET content_changed_at = NEW.updated_at WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER threads_content_update AFTER UPDATE OF {", ".join(THREAD_COLUMNS)} ON threads
         WHEN {_changed(THREAD_COLUMNS, "IS NOT")} BEGIN
         UPDATE threads SET content_changed_at = NEW.updated_at WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER posts_opening_content_update AFTER UPDATE OF {", ".join(POST_COLUMNS)} ON posts
         WHEN (OLD.is_opening OR NEW.is_opening) AND ({_changed(POST_COLUMNS, "IS NOT")}) BEGIN
         UPDATE threads SET content_changed_at = NEW.updated_at WHERE id IN (OLD.thread_id, NEW.thread_id); END""",
)
SQLITE_TRIGGERS = ("threads_content_insert", "threads_content_update", "posts_opening_content_update")

POSTGRES = (
    """CREATE FUNCTION threads_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           NEW.content_changed_at := COALESCE(NEW.content_changed_at, NEW.updated_at);
         ELSIF """ + _changed(THREAD_COLUMNS, "IS DISTINCT FROM") + """ THEN
           NEW.content_changed_at := NEW.updated_at;
         END IF;
         RETURN NEW;
       END $$""",
    f"""CREATE TRIGGER threads_content_insert BEFORE INSERT ON threads
         FOR EACH ROW EXECUTE FUNCTION threads_content_changed()""",
    f"""CREATE TRIGGER threads_content_update BEFORE UPDATE OF {", ".join(THREAD_COLUMNS)} ON threads
         FOR EACH ROW EXECUTE FUNCTION threads_content_changed()""",
    """CREATE FUNCTION posts_opening_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF (OLD.is_opening OR NEW.is_opening) AND (""" + _changed(POST_COLUMNS, "IS DISTINCT FROM") + """) THEN
           UPDATE threads SET content_changed_at = NEW.updated_at WHERE id IN (OLD.thread_id, NEW.thread_id);
         END IF;
         RETURN NULL;
       END $$""",
    f"""CREATE TRIGGER posts_opening_content_update AFTER UPDATE OF {", ".join(POST_COLUMNS)} ON posts
         FOR EACH ROW EXECUTE FUNCTION posts_opening_content_changed()""",
)


def upgrade() -> None:
    op.add_column("threads", sa.Column("content_changed_at", DateTimeUTC(timezone=True), nullable=True))
    op.execute("UPDATE threads SET content_changed_at = updated_at")
    op.create_index("ix_threads_content_changed_at", "threads", ["content_changed_at"], unique=False)
    op.drop_index("ix_threads_updated_at", table_name="threads")
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS posts_opening_content_update ON posts")
        op.execute("DROP TRIGGER IF EXISTS threads_content_update ON threads")
        op.execute("DROP TRIGGER IF EXISTS threads_content_insert ON threads")
        op.execute("DROP FUNCTION IF EXISTS posts_opening_content_changed()")
        op.execute("DROP FUNCTION IF EXISTS threads_content_changed()")
    op.create_index("ix_threads_updated_at", "threads", ["updated_at"], unique=False)
    op.drop_index("ix_threads_content_changed_at", table_name="threads")
    op.drop_column("threads", "content_changed_at")
