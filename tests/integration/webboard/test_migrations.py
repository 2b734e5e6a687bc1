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
