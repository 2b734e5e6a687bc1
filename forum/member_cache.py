"""What a logged-in page read from the database on every request, kept per process: the member's
row, their unread notification count and the terms version in force.

A member's page used to spend more on these three ORM queries (built, cache-keyed and loaded per
request) than on the page itself. They change rarely and only through commits, so they are kept
under the page cache's tag generations (`forum.page_cache`): "u:<id>" (the member's row, bumped by
any change to it), "n:<id>" (their notifications), "terms" (terms versions) and "all". Every
request reads the generations (a shared memory read, or one Redis MGET) and uses its copy only
while they are unchanged, so a change committed by any process is seen on the next request.

Only reads (GET/HEAD) use the copies; a write loads the row from the database as before. The
member's row is re-attached to the request's session without a query (`make_transient_to_detached`
then `add`), so code that changes it still flushes an ordinary UPDATE.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request
from sqlalchemy import bindparam, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

import models as m

from .page_cache import ALL, ALL_NOTIFICATIONS, TERMS, notifications_tag, user_tag

_COLUMNS = tuple(column.key for column in sa_inspect(m.User).column_attrs)
UNREAD = select(func.count()).select_from(m.Notification).where(
    m.Notification.user_id == bindparam("user_id"), m.Notification.read_at.is_(None))
BANGKOK = dt.timezone(dt.timedelta(hours=7))
MAX_MEMBERS = 50_000


@dataclass(frozen=True)
class PendingTerms:
    version: str


@dataclass
class _Copy:
    generations: tuple[int, ...]
    values: dict[str, Any]
    unread: int


class MemberCache:
    def __init__(self, generations: Any) -> None:
        self.generations = generations
        self._members: collections.OrderedDict[int, _Copy] = collections.OrderedDict()
        self._terms: tuple[tuple[int, ...], dt.date, str | None] | None = None
        self.hits = 0
        self.loads = 0

    async def user(self, request: Request, db_session: AsyncSession, user_id: int) -> tuple[m.User | None, int | None]:
        """The member and their unread count (None: count it the usual way)."""
        if request.method not in ("GET", "HEAD"):
            return await load_with_unread(db_session, user_id)
        tags = (ALL, user_tag(user_id), notifications_tag(user_id), ALL_NOTIFICATIONS)
        generations = await self.generations.values(tags)
        copy = self._members.get(user_id)
        if copy is not None and copy.generations == generations:
            self.hits += 1
            return self._attach(db_session, user_id, copy.values), copy.unread
        self.loads += 1
        user = await db_session.get(m.User, user_id)
        if user is None:
            self._members.pop(user_id, None)
            return None, None
        unread = await self.unread(db_session, user_id)
        self._members[user_id] = _Copy(generations, {key: getattr(user, key) for key in _COLUMNS}, unread)
        self._members.move_to_end(user_id)
        while len(self._members) > MAX_MEMBERS:
            self._members.popitem(last=False)
        return user, unread

    async def peek(self, user_id: int) -> tuple[dict[str, Any], int] | None:
        """The kept row values and unread count, if kept and still current (no query: None
        otherwise). For forum.member_pages, which serves a page without a database session."""
        copy = self._members.get(user_id)
        if copy is None:
            return None
        generations = await self.generations.values((ALL, user_tag(user_id), notifications_tag(user_id), ALL_NOTIFICATIONS))
        return (copy.values, copy.unread) if copy.generations == generations else None

    async def terms_accepted(self, accepted_version: str | None) -> bool:
        """Whether a member who accepted `accepted_version` is up to date with the terms in force,
        from the kept terms version only (False when it is not known: ask the ordinary path)."""
        if self._terms is None:
            return False
        generations = await self.generations.values((TERMS,))
        if self._terms[0] != generations or self._terms[1] != dt.datetime.now(BANGKOK).date():
            return False
        return self._terms[2] is None or accepted_version == self._terms[2]

    @staticmethod
    async def unread(db_session: AsyncSession, user_id: int) -> int:
        connection = await db_session.connection()
        return (await connection.execute(UNREAD, {"user_id": user_id})).scalar() or 0

    @staticmethod
    def _attach(db_session: AsyncSession, user_id: int, values: dict[str, Any]) -> m.User:
        sync = db_session.sync_session
        key = sync.identity_key(m.User, user_id)
        if (present := sync.identity_map.get(key)) is not None:
            return present  # type: ignore[return-value]
        user = m.User(**values)
        make_transient_to_detached(user)  # as if just loaded: no pending changes
        sync.add(user)
        return user

    async def terms_pending(self, db_session: AsyncSession, user: m.User) -> PendingTerms | None:
        from .services.membership import current_terms

        today = dt.datetime.now(BANGKOK).date()
        generations = await self.generations.values((TERMS,))
        if self._terms is None or self._terms[0] != generations or self._terms[1] != today:
            current = await current_terms(db_session, today)
            self._terms = (generations, today, current.version if current else None)
        version = self._terms[2]
        return None if version is None or user.terms_version == version else PendingTerms(version)


# A write's member, read from the database as before, with the unread count in the same statement
# (a submit ran them as two: each ORM statement is a few hundred microseconds of CPU).
USER_AND_UNREAD = (select(m.User, UNREAD.scalar_subquery().label("unread")).where(m.User.id == bindparam("user_id"))
                   .execution_options(sqlite_on_loop=True))  # a point read: no thread hop (forum.sqlite_driver)


async def load_with_unread(db_session: AsyncSession, user_id: int) -> tuple[m.User | None, int | None]:
    """The member's row (through the session, as `session.get` would load it) and their unread count."""
    row = (await db_session.execute(USER_AND_UNREAD, {"user_id": user_id})).first()
    return (row[0], int(row[1] or 0)) if row is not None else (None, None)


def of(request: Request) -> MemberCache | None:
    return request.app.state.get("member_cache")
