"""Markdown to safe HTML: markdown-it renders, bleach keeps only a strict allowlist."""

from __future__ import annotations

from functools import partial

import bleach
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable(
    "strikethrough"
)

ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
     "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
    filters=[partial(bleach.linkifier.LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"})],
)


def render_markdown(text: str) -> str:
    """HTML for a post body. Raw HTML in the source is escaped by markdown-it, and bleach strips
    anything outside the allowlist (script, style, iframe, event handlers, javascript:/data: URLs)."""
    return _cleaner.clean(_markdown.render(text))

