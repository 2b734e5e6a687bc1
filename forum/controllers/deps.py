"""Dependency providers shared by the HTML and JSON controllers."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from ..services.accounts import AccountService
from ..services.categories import CategoryService
from ..services.posting import PostingService
from ..settings import Settings
from ..web import provide_admin, provide_member, provide_user


def provide_settings(state: State) -> Settings:
    return state.settings


def provide_posting(db_session: AsyncSession, state: State) -> PostingService:
    return PostingService(db_session, state.settings, state.post_hooks)


def provide_accounts(db_session: AsyncSession, state: State) -> AccountService:
    return AccountService(db_session, state.settings)


def provide_categories(db_session: AsyncSession) -> CategoryService:
    return CategoryService(db_session)


DEPENDENCIES = {
    "user": Provide(provide_user),
    "member": Provide(provide_member),
    "admin": Provide(provide_admin),
    "posting": Provide(provide_posting, sync_to_thread=False),
    "accounts": Provide(provide_accounts, sync_to_thread=False),
    "categories": Provide(provide_categories, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
}
