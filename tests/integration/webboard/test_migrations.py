from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import models as m
from forum.db import create_engine
from forum.migrate import downgrade, include_object, upgrade
from forum.settings import DatabaseSettings



async def _diff(url: str):
    engine = create_engine(DatabaseSettings(url=url))
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(
            MigrationContext.configure(sync, opts={"compare_type": True, "include_object": include_object}), m.metadata))
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    await engine.dispose()
    return diff, tables


async def test_migrations_give_exactly_the_models_schema_and_downgrade_to_base(db_url):
    diff, _ = await _diff(db_url)
    assert diff == []
    await asyncio.to_thread(downgrade, db_url, "base")
    _, tables = await _diff(db_url)
    assert set(tables) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, db_url)
    diff, tables = await _diff(db_url)
    assert diff == [] and "threads" in tables


async def test_search_prefix_revision_keeps_every_thread_findable_up_and_down(db_url, factory, member, category):
    """0015_search_prefix rebuilds SQLite's FTS5 table (with prefix indexes) from the stored words;
    down again it rebuilds it without them. PostgreSQL: nothing to do."""
    from sqlalchemy import text

    thread = await factory.thread(category, member, "เปลี่ยนน้ำมันเครื่องเอง", "ใช้ 5w-30")
    sqlite = db_url.startswith("sqlite")

    async def found(expression: str) -> list[int]:
        engine = create_engine(DatabaseSettings(url=db_url))
        async with engine.connect() as conn:
            if sqlite:
                ids = (await conn.execute(text("SELECT rowid FROM thread_search WHERE thread_search MATCH :q"),
                                          {"q": expression})).scalars().all()
                sql = (await conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'thread_search'"))).scalar()
                ids = [*ids, "prefix=" in sql]
            else:
                tsquery = expression.replace('"', "'").replace("'*", "':*")
                ids = (await conn.execute(text("SELECT id FROM threads WHERE search_vector @@ to_tsquery('simple', :q)"),
                                          {"q": tsquery})).scalars().all()
        await engine.dispose()
        return list(ids)

    assert (await found('"น้ำมันเค"*'))[:1] == [thread.id]
    await asyncio.to_thread(downgrade, db_url, "0014")
    assert (await found('"น้ำมันเค"*')) == ([thread.id, False] if sqlite else [thread.id])
    await asyncio.to_thread(upgrade, db_url)
    assert (await found('"น้ำมันเค"*')) == ([thread.id, True] if sqlite else [thread.id])
    assert (await found('"5w30"'))[:1] == [thread.id]


async def test_thread_analysis_revision_adds_the_table_and_down_again_drops_it(db_url, settings, factory, member,
                                                                               category):
    """0017_thread_analysis: the table of stored duplicate analyses (empty for the threads that
    exist: they are analysed from their text as before), dropped again by the downgrade; a thread
    posted afterwards gets its row, and deleting the thread deletes it."""
    from sqlalchemy import delete, func, select

    from forum.duplicates.hook import DuplicateHook
    from forum.duplicates.service import LiveIndex
    from forum.services.posting import PostingService

    old = (await factory.thread(category, member, "Vios idle rough when cold", "shakes until warm")).id
    await asyncio.to_thread(downgrade, db_url, "0016_newthread")
    _, tables = await _diff(db_url)
    assert "thread_analyses" not in tables and "threads" in tables
    await asyncio.to_thread(upgrade, db_url)
    diff, tables = await _diff(db_url)
    assert diff == [] and "thread_analyses" in tables

    engine = create_engine(DatabaseSettings(url=db_url))
    try:
        from sqlalchemy.ext.asyncio import AsyncSession

        async with AsyncSession(engine) as session:
            assert await session.scalar(select(func.count()).select_from(m.ThreadAnalysis)) == 0
            author = await session.get(m.User, member.id)
            thread, _ = await PostingService(session, settings, hooks=[DuplicateHook(LiveIndex())]).create_thread(
                author, category_id=category.id, title="Ranger gearbox whine in fifth", body="only when cruising")
            thread_id = thread.id
            await session.commit()
            assert (await session.scalars(select(m.ThreadAnalysis.thread_id))).all() == [thread_id]
            await session.execute(delete(m.Post).where(m.Post.thread_id == thread_id))
            await session.execute(delete(m.Thread).where(m.Thread.id == thread_id))
            await session.commit()
            assert await session.scalar(select(func.count()).select_from(m.ThreadAnalysis)) == 0
            assert await session.get(m.Thread, old) is not None
    finally:
        await engine.dispose()
