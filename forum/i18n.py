"""UI language: Thai by default, English on request; strings come from gettext catalogs
(forum/locales/<lang>/LC_MESSAGES/messages.po, compiled to .mo) through Babel."""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES = ("th", "en")
DEFAULT_LOCALE = "th"
LOCALE_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locales"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=None)
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def gettext(message: str) -> str:
    return translations(current_locale.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ungettext(singular, plural, n)


def pick_locale(cookie_value: str | None, accept_language: str | None = None) -> str:
    if cookie_value in LOCALES:
        return cookie_value
    return DEFAULT_LOCALE


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, where it is shown."""
    return message


_ = gettext
