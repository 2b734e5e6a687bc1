"""Alembic, driven from code: the serve command and the tests upgrade the schema through here."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from .settings import PROJECT_ROOT, get_settings


# Made by the migrations, not by a model: SQLite's FTS5 table (and its shadow tables) and
# PostgreSQL's full-text expression index.
UNMODELLED_TABLE_PREFIX = "thread_search"
UNMODELLED_INDEXES = frozenset({"ix_threads_search_terms", "ix_threads_search_vector",
                                "ix_threads_search_filter"})  # SQLite only (revision 0015_search_prefix)
# PostgreSQL's generated tsvector of threads.search_terms (revision 0012).
UNMODELLED_COLUMNS = frozenset({"search_vector"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIX):
        return False
    if type_ == "column" and name in UNMODELLED_COLUMNS and compare_to is None:
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.set_main_option("sqlalchemy.url", url or get_settings().db.url)
    return config


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
