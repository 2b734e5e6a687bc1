"""A thread's duplicate analysis kept with the thread (`models.ThreadAnalysis`, revision
0017_thread_analysis), so that the other server processes' catch-ups add a new thread to their
indexes without analysing its text again.

The process that saves a thread's text has just analysed it (the duplicate check of a new thread;
an edit of the opening post analyses the new text) and writes the analysis in the same
transaction. A catch-up that reads the thread uses the stored analysis only when

- it is of the catch-up's own analyser version (`LiveIndex.version()`, the snapshot's version: the
  analysis code, the vocabulary and PyThaiNLP's version), and
- the text digest it carries is that of the text the catch-up would analyse (the row's title and
  the first `QUERY_BODY_CHARS` of its opening post), so a text changed by any writer that did not
  store a new analysis (SQL by hand, a restored backup, code that forgot) is analysed again;

otherwise (old rows, another version, another text, bytes it cannot read) it analyses the text as
before. Either way the index gets the same `Analysis`.

The bytes: one format byte, the 8-byte digest, then the `Analysis` fields in declaration order as
one MessagePack array (msgspec, already a dependency through Litestar), decoded straight into the
fields' types (dicts keep their order, floats are float64: exactly the analysis that was stored).
About 0.6-0.8 KB for a ~400-character post; decoding takes microseconds against milliseconds for
an analysis (docs/BENCHMARKS.md, "Stored analysis for the catch-up"). No pickle: the bytes come
from the database, and a decoder that builds only these types cannot run code.
"""

from __future__ import annotations

import hashlib
import typing
from dataclasses import fields
from typing import Any

import msgspec
from sqlalchemy import bindparam, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .features import Analysis

FORMAT = 1  # the first byte; bump when the layout below changes
DIGEST_BYTES = 8
_FIELDS = tuple(f.name for f in fields(Analysis))
_HINTS = typing.get_type_hints(Analysis)
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(tuple[tuple(_HINTS[name] for name in _FIELDS)])  # type: ignore[misc]


def text_digest(title: str | None, body: str) -> bytes:
    """The digest of the text an analysis is of: (title, body as analysed, i.e. already cut)."""
    return hashlib.blake2b(f"{title or ''}\x1f{body}".encode(), digest_size=DIGEST_BYTES).digest()


def encode(analysis: Analysis, title: str | None, body: str) -> bytes:
    """The stored form of the analysis of (title, body) (body as analysed)."""
    values = tuple(getattr(analysis, name) for name in _FIELDS)
    return bytes((FORMAT,)) + text_digest(title, body) + _ENCODER.encode(values)


def decode(data: bytes | memoryview | None, title: str | None, body: str) -> Analysis | None:
    """The stored analysis when `data` is of this format and of this text, else None."""
    if not data or len(data) <= 1 + DIGEST_BYTES or data[0] != FORMAT:
        return None
    view = memoryview(data)
    if view[1:1 + DIGEST_BYTES] != text_digest(title, body):
        return None
    try:
        return Analysis(*_DECODER.decode(view[1 + DIGEST_BYTES:]))
    except (msgspec.DecodeError, TypeError, ValueError):  # not ours, or cut short
        return None


# -- writing ----------------------------------------------------------------------------------
_TABLE = m.ThreadAnalysis.__table__
_INSERT = insert(_TABLE).values(thread_id=bindparam("analysed_thread_id"), analyzer=bindparam("analyzer"),
                                data=bindparam("analysis"))


def _upsert(dialect: str) -> Any:
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(_TABLE)
    return statement.values(thread_id=bindparam("analysed_thread_id"), analyzer=bindparam("analyzer"),
                            data=bindparam("analysis")).on_conflict_do_update(
        index_elements=[_TABLE.c.thread_id],
        set_={"analyzer": statement.excluded.analyzer, "data": statement.excluded.data})


_UPSERTS = {dialect: _upsert(dialect) for dialect in ("sqlite", "postgresql")}


async def save(session: AsyncSession, thread_id: int, version: str, data: bytes, *, new: bool) -> None:
    """Writes a thread's stored analysis: a plain INSERT for a thread saved in this transaction
    (`new`), else replacing the row it may have."""
    params = {"analysed_thread_id": thread_id, "analyzer": version, "analysis": data}
    if new:
        await session.execute(_INSERT, params)
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    await session.execute(_UPSERTS.get(dialect, _UPSERTS["sqlite"]), params)
