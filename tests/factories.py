"""Test data builders and browser-like helpers (log in, post forms with the CSRF token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.rendering import render_markdown
from forum.security import hash_password
from forum.settings import Settings
from forum.text import search_terms

PASSWORD = "correct-horse-battery"
_HASH = hash_password(PASSWORD)


class Factory:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    async def user(self, login_id: str, display_name: str | None = None, *, role: m.Role = m.Role.MEMBER,
                   age_days: int = 30, **fields: Any) -> m.User:
        now = dt.datetime.now(dt.timezone.utc)
        user = m.User(login_id=login_id, display_name=display_name or login_id, email=f"{login_id}@example.com",
                      password_hash=_HASH, date_of_birth=dt.date(1990, 1, 1), role=role,
                      terms_version=self.settings.board.terms_version, terms_accepted_at=now,
                      created_at=now - dt.timedelta(days=age_days), **fields)
        self.session.add(user)
        await self.session.commit()
        return user

    async def category(self, slug: str, name_th: str, name_en: str, position: int = 0) -> m.Category:
        category = m.Category(slug=slug, name_th=name_th, name_en=name_en, position=position, thread_count=0)
        self.session.add(category)
        await self.session.commit()
        return category

    async def thread(self, category: m.Category, author: m.User, title: str, body: str = "body", *,
                     at: dt.datetime | None = None, visibility: m.Visibility = m.Visibility.PUBLISHED) -> m.Thread:
        at = at or dt.datetime.now(dt.timezone.utc)
        thread = m.Thread(category_id=category.id, author_id=author.id, title=title, last_activity_at=at,
                          last_author_id=author.id, search_terms=search_terms(f"{title}\n{body}"), created_at=at,
                          visibility=visibility)
        self.session.add(thread)
        await self.session.flush()
        self.session.add(m.Post(thread_id=thread.id, author_id=author.id, is_opening=True, body_raw=body,
                                body_html=render_markdown(body), created_at=at, visibility=visibility))
        if visibility == m.Visibility.PUBLISHED:
            category.thread_count += 1
        await self.session.commit()
        return thread


async def csrf_token(client: AsyncTestClient) -> str:
    if "csrftoken" not in client.cookies:
        await client.get("/login")
    return client.cookies["csrftoken"]


async def post_form(client: AsyncTestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
    form = {"_csrf_token": await csrf_token(client), **(data or {})}
    return await client.post(url, data=form, **kwargs)


async def api(client: AsyncTestClient, method: str, url: str, json: Any = None):
    headers = {"x-csrftoken": await csrf_token(client)}
    return await client.request(method, url, json=json, headers=headers)


async def login(client: AsyncTestClient, user: m.User, password: str = PASSWORD) -> None:
    response = await post_form(client, "/login", {"login_id": user.login_id, "password": password})
    assert response.status_code in (200, 303), response.text
    assert "session" in client.cookies
