"""Template helpers for the board's look: people-facing names of every enum value (so no raw
"silver" reaches a Thai page), the SVG icons, and initials avatars. Registered as Jinja globals
in `forum.app.jinja_environment`; plain functions because they run once per row."""

from __future__ import annotations

import enum
import zlib

from markupsafe import Markup, escape

import models as m

from .coins.service import REASON_LABELS
from .i18n import N_, gettext
from .notices.service import FUNCTION_LABELS, KIND_LABELS

# Every enum a page can show, value by value. tests/unit/test_enum_labels.py checks that each
# member of each enum in `models` is here and has a Thai translation.
ENUM_LABELS: dict[enum.Enum, str] = {
    m.Role.MEMBER: N_("Member"),
    m.Role.GURU: N_("Guru"),
    m.Role.ADMIN: N_("Admin"),
    m.Tier.SILVER: N_("Silver"),
    m.Tier.GOLD: N_("Gold"),
    m.MemberStatus.ACTIVE: N_("active"),
    m.MemberStatus.SUSPENDED: N_("suspended"),
    m.MemberStatus.REVOKED: N_("revoked"),
    m.MemberStatus.RESIGNED: N_("resigned"),
    m.Visibility.PUBLISHED: N_("published"),
    m.Visibility.HELD: N_("held"),
    m.Visibility.DELETED: N_("deleted"),
    m.ThreadKind.DISCUSSION: N_("Discussion"),
    m.ThreadKind.QUESTION: N_("Ask Guru question"),
    m.CategoryAccess.OPEN: N_("Everyone"),
    m.CategoryAccess.GOLD: N_("Gold members only"),
    m.CategoryAccess.ADULT: N_("Members aged 18 or over"),
    m.GoldStatus.PENDING: N_("pending"),
    m.GoldStatus.APPROVED: N_("approved"),
    m.GoldStatus.REJECTED: N_("rejected"),
    m.ReviewStatus.OPEN: N_("waiting"),
    m.ReviewStatus.APPROVED: N_("approved"),
    m.ReviewStatus.DELETED: N_("deleted"),
    m.RedemptionStatus.PENDING: N_("Waiting to ship"),
    m.RedemptionStatus.SHIPPED: N_("Shipped"),
    # Notice kinds, board functions and coin reasons: the tables their own pages already use.
    **KIND_LABELS,
    **FUNCTION_LABELS,
    **REASON_LABELS,
    m.PhotoStatus.ATTACHED: N_("attached"),
    m.PhotoStatus.REMOVED: N_("removed"),
    m.PhotoPurpose.POST: N_("Post photo"),
    m.PhotoPurpose.REGISTRATION: N_("Registration book photo"),
}

# The moderation labels (plain strings, not an enum) as people see them.
MODERATION_LABELS: dict[str, str] = {
    "lese_majeste": N_("Lèse-majesté"),
    "profanity": N_("Profanity"),
    "trading": N_("Trading"),
    "obscene": N_("Obscene"),
    "incitement": N_("Incitement"),
}


def label(value: enum.Enum | str | None) -> str:
    """The translated name of an enum value (or of a moderation label); never the raw value."""
    if value is None:
        return ""
    msgid = ENUM_LABELS.get(value) if isinstance(value, enum.Enum) else MODERATION_LABELS.get(value)
    return gettext(msgid) if msgid else str(getattr(value, "value", value))


ICONS = ("ask", "guru", "gold", "lock", "bell", "check", "search")


def icon(name: str, text: str | None = None) -> Markup:
    """An icon from static/icons.svg; decorative unless `text` names it for screen readers."""
    label_attr = Markup(' role="img" aria-label="%s"') % text if text else Markup(' aria-hidden="true"')
    return Markup('<svg class="icon i-%s"%s focusable="false"><use href="/static/icons.svg#i-%s"></use></svg>') % (
        name, label_attr, name)


# Thai leading vowels and signs that never start a syllable's sound: an initial skips them.
_THAI_SKIP = set("เแโใไ") | {chr(c) for c in range(0x0E31, 0x0E3B)} | {chr(c) for c in range(0x0E47, 0x0E4F)}


def initials(name: str | None) -> str:
    """One Thai consonant, or up to two Latin initials ("James T." -> "JT")."""
    words = (name or "").split()
    if not words:
        return "?"
    first = next((ch for ch in words[0] if ch not in _THAI_SKIP and ch.isalnum()), "")
    if not first:
        return "?"
    if "\u0e00" <= first <= "\u0e7f":
        return first
    second = ""
    if len(words) > 1:
        second = next((ch for ch in words[-1] if ch.isalpha() and not "\u0e00" <= ch <= "\u0e7f"), "")
    return (first + second).upper()


AVATAR_COLOURS = 8


def avatar(name: str | None, key: int | str | None = None, size: str = "") -> Markup:
    """An initials avatar; the colour follows the member (id or name), so it stays the same."""
    seed = str(key if key is not None else name or "")
    colour = zlib.crc32(seed.encode()) % AVATAR_COLOURS
    size_class = f" avatar-{size}" if size else ""
    return Markup('<span class="avatar c%d%s" aria-hidden="true">%s</span>') % (colour, size_class, escape(initials(name)))


GLOBALS = {"label": label, "icon": icon, "avatar": avatar}
