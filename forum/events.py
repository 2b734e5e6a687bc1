"""In-process domain events, so features react to each other without importing each other
(coins credit a published post, reverse it on a moderator's deletion, forfeit on resignation).

Handlers run inside the emitting request's transaction and must not commit. Subscribe at import
time of the feature module; `forum.app.create_app` imports every feature.

Events and their payloads (keyword arguments after the session):
- "post.saving": draft (posting.Draft): a new thread or reply about to be written (hooks have run, its
  visibility is final); reads only, results kept in `draft.prepared` for the "post.created" part
- "post.created": post (models.Post), thread (models.Thread), draft (posting.Draft)
- "post.visibility_changed": post, thread, before (Visibility), after (Visibility), actor (User | None)
- "membership.ended": user (models.User), reason (str)
- "guru.answer_posted": answer (models.Post), question (models.Thread), guru (models.User)
- "guru.answer_accepted": answer (models.Post), question (models.Thread), asker (User), answerer (User)
- "guru.answer_marked_helpful": answer (models.Post), marker (User), answerer (User)
- "membership.gold_decided": application (models.GoldApplication), admin (User)
- "post.photos_changed": post, thread, actor (User): a photo was taken down; the post's visibility is unchanged
- "thread.closed_as_duplicate": thread, original (models.Thread), actor (User), moved_post_ids (list[int])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Handler = Callable[..., Awaitable[None]]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event]:
            _handlers[event].append(handler)
        return handler

    return register


async def emit(event: str, session: AsyncSession, **payload: Any) -> None:
    for handler in list(_handlers[event]):
        await handler(session, **payload)
