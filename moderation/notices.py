"""What authors are told about their posts' moderation. Neutral by design: never the post's text,
never who raised it (a member's report or the classifier), only what happened and which rule.
(Suspensions and revocations are told by forum.services.membership, under the terms.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.i18n import N_
from forum.services.notifications import notify, register_kind
from forum.web import format_time

REMOVED_SUBJECT = N_("Your post was removed")
# {date}: when the post was written; {note}: the admins' optional reason on its own line.
REMOVED_BODY: dict[str, str] = {
    "lese_majeste": N_("Your post of {date} was removed because it breaks the club rule against lèse-majesté.{note}"),
    "profanity": N_("Your post of {date} was removed because it breaks the club rule against profanity, insults "
                    "and slander.{note}"),
    "incitement": N_("Your post of {date} was removed because it breaks the club rule against incitement to "
                     "violence.{note}"),
    "trading": N_("Your post of {date} was removed because it breaks the club rule against trading.{note}"),
    "obscene": N_("Your post of {date} was removed because it breaks the club rule against obscene "
                  "content.{note}"),
    "impersonation": N_("Your post of {date} was removed because it breaks the club rule against "
                        "impersonation.{note}"),
    "other": N_("Your post of {date} was removed by the admins.{note}"),
}

KINDS = {
    "moderation.published": (N_("Your post is now published"),
                             N_("An admin reviewed your post of {date} and it is now visible to everyone.")),
    "moderation.restored": (N_("Your post was restored"),
                            N_("An admin reviewed your post of {date} again and restored it.")),
    "moderation.edited": (N_("An admin edited your post"),
                          N_("An admin edited your post of {date} so that it follows the club rules, and "
                             "published it.")),
}


def register() -> None:
    for rule, body in REMOVED_BODY.items():
        register_kind(f"moderation.removed.{rule}", REMOVED_SUBJECT, body)
    for kind, (subject, body) in KINDS.items():
        register_kind(kind, subject, body)


register()


def _note(reason: str | None) -> str:
    reason = (reason or "").strip()
    return f"\n{reason}" if reason else ""


async def tell(session: AsyncSession, user: m.User, kind: str, *, post: m.Post | None = None,
               link: str | None = None, reason: str | None = None, **params: Any) -> None:
    if post is not None:
        params["date"] = format_time(post.created_at)
    params["note"] = _note(reason)
    await notify(session, user, kind, params, link)
