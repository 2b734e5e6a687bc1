"""Notes that features show under a post, outside the post's own HTML (Ask Guru's disclaimer
under a guru's answer). A feature registers a provider at import time; the thread page renders
each note's template after the post body, and the API adds each note's data as a field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class PostNote:
    key: str  # the field name in the API's post object
    template: str  # rendered by templates/thread.html with `note` in its context
    data: dict[str, Any]


# (session, post rows from forum.services.reading.POST_ROW) -> {post id: [notes]}
Provider = Callable[[AsyncSession, Sequence[Any]], Awaitable[dict[int, list[PostNote]]]]
_providers: list[Provider] = []


def provider(fn: Provider) -> Provider:
    if fn not in _providers:
        _providers.append(fn)
    return fn


async def for_posts(session: AsyncSession, posts: Sequence[Any]) -> dict[int, list[PostNote]]:
    notes: dict[int, list[PostNote]] = {}
    if not posts:
        return notes
    for fn in _providers:
        for post_id, found in (await fn(session, posts)).items():
            notes.setdefault(post_id, []).extend(found)
    return notes


def fields(notes: Sequence[PostNote] | None) -> dict[str, Any]:
    """A post's notes as API fields."""
    return {note.key: note.data for note in notes or ()}
