"""How moderation plugs into the board app (forum/app.py): its pages and API, the start-up that
loads (or trains) the model, and the post hook that scores every post."""

from __future__ import annotations

from forum.settings import Settings
from moderation import notices  # noqa: F401  (registers the notification kinds)
from moderation.controllers import ROUTE_HANDLERS
from moderation.hook import ModerationHook
from moderation.runtime import on_startup


def post_hook(settings: Settings) -> ModerationHook:
    return ModerationHook(settings.moderation.model_dir)


__all__ = ("ROUTE_HANDLERS", "on_startup", "post_hook")
