from __future__ import annotations

from sqlalchemy import func, select

import models as m

from ...factories import api, login


async def post_thread(client, user, category, title: str, body: str) -> dict:
    await login(client, user)
    response = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": title, "body": body})
    assert response.status_code == 201, response.text
    await logout(client)
    return response.json()


async def post_reply(client, user, thread_id: int, body: str) -> dict:
    await login(client, user)
    response = await api(client, "POST", f"/api/threads/{thread_id}/replies", {"body": body})
    assert response.status_code == 201, response.text
    await logout(client)
    return response.json()


async def logout(client) -> None:
    await api(client, "POST", "/api/auth/logout")


async def item_for(db, post_id: int) -> m.ReviewItem | None:
    return await db.scalar(select(m.ReviewItem).where(m.ReviewItem.post_id == post_id).order_by(m.ReviewItem.id.desc())
                           .execution_options(populate_existing=True))


async def history(db, action: str | None = None) -> list[m.ReviewHistory]:
    query = select(m.ReviewHistory).order_by(m.ReviewHistory.id).execution_options(populate_existing=True)
    if action:
        query = query.where(m.ReviewHistory.action == action)
    return list((await db.scalars(query)).all())


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def notifications_of(db, user: m.User) -> list[m.Notification]:
    return list((await db.scalars(select(m.Notification).where(m.Notification.user_id == user.id)
                                  .order_by(m.Notification.id)
                                  .execution_options(populate_existing=True))).all())


async def fresh(db, model, ident):
    """A row as the database has it now (the app committed in its own session)."""
    return await db.get(model, ident, populate_existing=True)
