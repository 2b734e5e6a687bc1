"""Marks, in a post's text, the words that drove a label's score (ModerationModel.explain)."""

from __future__ import annotations

import re
from typing import Iterable

from markupsafe import Markup, escape

# Between the letters of a word: spacing and symbols that evasions put inside words ("f.u.c.k").
_GAP = r"[\s\W_]{0,3}"


def _pattern(word: str) -> str | None:
    chars = [re.escape(c) for c in word if not c.isspace()]
    return _GAP.join(chars) if chars else None


def highlight(text: str, words: Iterable[str]) -> Markup:
    """`text` escaped, with each occurrence of the words (also spaced or dotted out) in <mark>."""
    patterns = sorted({p for p in map(_pattern, words) if p}, key=len, reverse=True)
    if not patterns:
        return escape(text)
    finder = re.compile("|".join(patterns), re.IGNORECASE)
    parts: list[Markup] = []
    position = 0
    for match in finder.finditer(text):
        if match.end() == match.start():
            continue
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
