"""Dependencies of the Ask Guru controllers: the service and the `requires_guru` member."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.i18n import gettext
from forum.services.posting import PostingService
from forum.web import provide_member

from .services import GuruService
from forum.inputs import parse_id


def provide_guru_service(db_session: AsyncSession, posting: PostingService) -> GuruService:
    return GuruService(db_session, posting)


async def requires_guru(request: Request, db_session: AsyncSession) -> m.User:
    """The logged-in member, who must hold the guru role now (403 otherwise)."""
    user = await provide_member(request, db_session)
    if not user.is_guru:
        raise PermissionDeniedException(gettext("Only gurus can do this."))
    return user


GURU_DEPENDENCIES: dict[str, Any] = {
    "guru_service": Provide(provide_guru_service, sync_to_thread=False),
    "guru_user": Provide(requires_guru),
}


def parse_int(value: Any, default: int | None = None) -> int | None:
    return parse_id(value, default)  # out of 64-bit range counts as not a number


def parse_ids(values: Any) -> list[int]:
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        values = [values]
    return [number for number in (parse_int(v) for v in values) if number is not None]
