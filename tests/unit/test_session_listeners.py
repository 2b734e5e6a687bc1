"""The request session's Advanced Alchemy listeners (`forum.db.plugin_config`): the cache listener
and the updated-at listener work as before, the switch of the cache listener is answered by the
session's info (no engine options built per commit), and the file-object listener is left out
because no mapped column could ever give it anything to do."""

from __future__ import annotations

import asyncio

import pytest
from advanced_alchemy import _listeners
from advanced_alchemy.types import StoredObject
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import TypeDecorator

import models as m
from forum.db import SESSION_INFO, plugin_config
from forum.settings import DatabaseSettings


def _types(column_type):
    yield column_type
    if isinstance(column_type, TypeDecorator):
        yield from _types(column_type.impl_instance if hasattr(column_type, "impl_instance") else column_type.impl)


def test_no_mapped_column_is_a_file_object():
    """Why the file-object listener may stay unregistered: if a model ever gets a FileObject
    column, this fails, and `enable_file_object_listener=False` in `forum.db` must go."""
    columns = [column for table in m.metadata.tables.values() for column in table.columns]
    assert len(columns) > 50
    stored = [f"{column.table.name}.{column.name}" for column in columns
              if any(isinstance(kind, StoredObject) for kind in _types(column.type))]
    assert stored == []


@pytest.fixture
def config():
    engine = create_async_engine("sqlite+aiosqlite://")
    made = plugin_config(DatabaseSettings(url="sqlite+aiosqlite://"), engine)
    yield made
    asyncio.run(engine.dispose())


def test_sessions_say_the_cache_listener_is_on(config):
    maker = config.create_session_maker()
    session = maker()
    assert session.sync_session.info["enable_cache_listener"] is True
    # the same answer Advanced Alchemy's own lookup (the engines' options) gives by default
    assert _listeners._is_listener_enabled(session.sync_session, "enable_cache_listener") is True
    bare = maker.kw["sync_session_class"](bind=session.sync_session.bind)
    assert _listeners._is_listener_enabled(bare, "enable_cache_listener") is True
    # each session has its own info (a change to one never reaches the next)
    session.sync_session.info["enable_cache_listener"] = False
    assert maker().sync_session.info["enable_cache_listener"] is True
    assert SESSION_INFO == {"enable_cache_listener": True}


def test_which_listeners_are_registered(config):
    sync_maker = config.create_session_maker().kw["sync_session_class"]
    assert event.contains(sync_maker, "after_commit", _listeners.AsyncCacheListener.after_commit)
    assert event.contains(sync_maker, "after_rollback", _listeners.AsyncCacheListener.after_rollback)
    assert event.contains(sync_maker, "before_flush", _listeners.touch_updated_timestamp)
    for hook in ("before_flush", "after_commit", "after_rollback"):
        assert not event.contains(sync_maker, hook, getattr(_listeners.AsyncFileObjectListener, hook))


def test_a_commit_asks_no_engine_for_its_options(config, monkeypatch):
    """The cache listener's switch is found in the session's info: committing builds no
    OptionEngine (what `engine.execution_options()` without options does)."""
    built = []
    engine = config.get_engine()
    sync_engine_type = type(engine.sync_engine)
    original = sync_engine_type.execution_options

    def counted(self, **options):
        built.append(options)
        return original(self, **options)

    monkeypatch.setattr(sync_engine_type, "execution_options", counted)

    async def commit_twice():
        async with config.create_session_maker()() as session:
            await session.execute(text("SELECT 1"))
            await session.commit()
            await session.commit()

    asyncio.run(commit_twice())
    assert built == []
