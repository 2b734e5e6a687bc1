"""Rows written with a prepared Core INSERT instead of the ORM unit of work, for the rows every
submit writes (the post, a new thread, the coin-ledger row).

A flush of one new object costs more CPU than the statement it sends: the unit of work sorts
and inspects the session, runs the flush listeners (Advanced Alchemy's file-object check, the
page cache's tags) and compiles or looks up the INSERT each time. `insert_row` sends one INSERT
built once per (model, columns), with RETURNING every column, and hands back an instance of the
model that is *persistent in the session* exactly as if it had been flushed: every column
loaded, in the identity map, no history. Later changes to it flush as UPDATEs as usual, and the
mapper's update/delete events still apply (the ledger stays append-only).

What a flush would have told the page cache (`page_cache.tags_of_flush` of a new object) is
added here, so a page showing the row is invalidated at the commit in the same way."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from . import page_cache

T = TypeVar("T")


@cache
def insert_statement(model: type, columns: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """The INSERT of these columns, RETURNING every column, and the attribute name of each
    returned column (in order)."""
    table = model.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table).values({name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
        .returning(*table.c)
    )
    return statement, returned_keys(model)


async def insert_row(session: AsyncSession, model: type[T], **values: Any) -> T:
    """INSERTs one row of `model` with these column values (the columns' own defaults fill the
    rest: ids, audit timestamps, enum defaults) and returns it as a persistent, loaded instance."""
    if session.new or session.dirty or session.deleted:
        await session.flush()  # what is pending goes first, as in a flush that took the new row along
    names = tuple(sorted(values))
    statement, keys = insert_statement(model, names)
    row = (await session.execute(statement, {f"v_{name}": values[name] for name in names})).one()
    return adopt_row(session, model, keys, row)


def returned_keys(model: type) -> tuple[str, ...]:
    """The attribute name of each of the table's columns, in the table's order (what an INSERT
    RETURNING every column gives back)."""
    table, mapper = model.__table__, sa_inspect(model)  # type: ignore[attr-defined]
    return tuple(mapper.get_property_by_column(column).key for column in table.c)


def adopt_row(session: AsyncSession, model: type[T], keys: tuple[str, ...], row: Any) -> T:
    """The row an INSERT ... RETURNING every column gave back (its first `len(keys)` values, in
    `keys`' order), made a persistent, loaded instance of `model` in the session, with the page
    cache told what a flush of it would have told it."""
    # The instance is made as a load makes it: the row's values go straight into its state, with
    # no constructor and no attribute events (`model(**row)` recorded each as a change, which
    # `make_transient_to_detached` then committed again: a fifth of a reply's insert CPU).
    obj = sa_inspect(model).class_manager.new_instance()
    instance_state(obj).dict.update(zip(keys, row))
    make_transient_to_detached(obj)
    sync = session.sync_session
    stale = sync.identity_map.get(sa_inspect(obj).key)
    if stale is not None:  # a row of a rolled-back insert whose id SQLite has given out again
        sync.expunge(stale)
    session.add(obj)
    if tags := page_cache.tags_of_flush([obj], (), ()):
        page_cache.add_tags(session, tags)
    return obj
