"""Markdown to safe HTML: markdown-it renders, bleach keeps only a strict allowlist."""

from __future__ import annotations

import re
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


# HTML that bleach gives back unchanged: only tags of the allowlist that carry no attribute and that
# markdown-it writes well nested (no <pre>, which drops a newline after it; no table, which moves
# text; no <br />, <hr /> or <img>, which are rewritten), and text with no "&" (markdown-it writes
# every <, >, & and " of the post as an entity, which bleach would rewrite), no character that
# bleach replaces or html5lib reports (controls but tab and newline, surrogates, non-characters),
# and nothing the linkifier would turn into a link (see `render_markdown`).
_UNCHANGED_BY_BLEACH = re.compile(
    r"(?:</?(?:p|em|strong|blockquote|ul|ol|li|h[1-6]|code|s|del)>"
    r"|[^<>&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(0x11)) + "])*"
)


def render_markdown(text: str) -> str:
    """HTML for a post body. Raw HTML in the source is escaped by markdown-it, and bleach strips
    anything outside the allowlist (script, style, iframe, event handlers, javascript:/data: URLs).

    Most posts are paragraphs of plain text, perhaps with emphasis or a list: markdown-it's HTML
    is then already what bleach would give back (same tags, same text: nothing to strip, no
    entity to rewrite), so bleach's parse and serialisation are skipped. The linkifier turns into
    links only what `bleach.linkifier.URL_RE` finds in a text node (emails are not linkified here);
    a text node's edges in the HTML are tags or white space, which that pattern reads as it reads
    the start and end of a string, so no match in the whole HTML means no link in any text node."""
    html = _markdown.render(text)
    if _UNCHANGED_BY_BLEACH.fullmatch(html) and not bleach.linkifier.URL_RE.search(html):
        return html
    return _cleaner.clean(html)


def render_markdown_reference(text: str) -> str:
    """`render_markdown` without the shortcut: bleach cleans every post (tests compare the two)."""
    return _cleaner.clean(_markdown.render(text))

