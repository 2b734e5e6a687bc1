"""The club rules a post can break (BRIEF.md, "Prohibited"): what members choose when they
report a post and what admins pick when they delete one. The classifier's labels are a subset."""

from __future__ import annotations

from forum.i18n import N_
from moderation.classifier import LABELS

RULES: dict[str, str] = {
    "lese_majeste": N_("Lèse-majesté: insulting or defaming the monarchy"),
    "profanity": N_("Profanity, insults, slander or divisive content"),
    "incitement": N_("Incitement to violence"),
    "trading": N_("Trading: offers to buy, sell or swap"),
    "obscene": N_("Obscene or sexually suggestive content"),
    "impersonation": N_("Impersonation of a real person"),
    "other": N_("Other (a duplicate, a post with no content, …)"),
}

LABEL_NAMES: dict[str, str] = {
    "lese_majeste": N_("Lèse-majesté"),
    "profanity": N_("Profanity"),
    "trading": N_("Trading"),
    "obscene": N_("Obscene"),
    "incitement": N_("Incitement"),
}


def labels_for_rule(rule: str | None) -> list[str]:
    """The classifier labels a deletion for `rule` teaches (none for rules the model lacks)."""
    return [rule] if rule in LABELS else []

# Member statuses as shown on the queue (marked here for translation).
STATUS_NAMES: dict[str, str] = {
    "active": N_("active"),
    "suspended": N_("suspended"),
    "revoked": N_("revoked"),
    "resigned": N_("resigned"),
}
