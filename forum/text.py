"""Thai-first text normalisation and word segmentation shared by search, duplicates and moderation.

Thai has no spaces between words, so every feature that needs words goes through `tokenize`,
which segments Thai runs with PyThaiNLP's dictionary-based newmm engine (offline) and splits
Latin/digit runs on non-word characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_CHAR = r"\u0e00-\u0e7f"
_THAI_RUN = re.compile(rf"[{_THAI_CHAR}]+")
_SPACE_INSIDE_THAI = re.compile(rf"(?<=[{_THAI_CHAR}])\s+(?=[{_THAI_CHAR}])")
_REPEATED_THAI = re.compile(rf"([{_THAI_CHAR}])\1{{2,}}")
_REPEATED_LATIN = re.compile(r"([a-z])\1{2,}")
_LAUGHTER = re.compile(r"(?<!\d)5{3,}(?!\d)")
_TOKEN = re.compile(rf"[{_THAI_CHAR}]+|[a-z0-9]+(?:[.\-][a-z0-9]+)*")
# Characters NFKC may change: anything but ASCII and Thai (both are NFKC-stable, Thai is kept as is).
_NEEDS_FOLD = re.compile(rf"[^\x00-\x7f{_THAI_CHAR}]")
_THAI_TONE_MARKS = dict.fromkeys(map(ord, "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e47"), None)
# `str.translate` with a dict looks every character of a non-ASCII string up in the dict (about
# 30 us for a post of 380 characters, Thai and English), even when none is in it: each such pass
# is run only when the text has one of its characters (a character-class search is a few us), and
# the tone marks, one range of code points (U+0E47-U+0E4C), are dropped by one regex.
_HAS_ZERO_WIDTH = re.compile("[" + "".join(map(chr, _ZERO_WIDTH)) + "]")
_HAS_THAI_DIGIT = re.compile("[\u0e50-\u0e59]")  # exactly the keys of _THAI_DIGITS
_TONE_MARK = re.compile("[\u0e47-\u0e4c]")  # exactly the keys of _THAI_TONE_MARKS


def _fold_char(char: str) -> str:
    # NFKC folds full-width letters and ligatures, but would split Thai SARA AM (ำ) in two.
    if "\u0e00" <= char <= "\u0e7f":
        return char
    return unicodedata.normalize("NFKC", char)


# A new post's text is normalised many times while it is posted: the duplicate check's analysis
# normalises its title, body and their clauses more than once each, the search terms and the
# moderation classifier the same title and body again. The function is pure, so the last few
# results are remembered (a hit costs a hash and a comparison of the text; normalising a post of
# 260 characters costs about 0.15 ms).
@lru_cache(maxsize=64)
def normalize(text: str) -> str:
    """Canonical form for matching: NFC, no zero-width chars, Arabic digits, folded case and
    repetition ("มากกกก" -> "มาก", "sooooo" -> "soo", "5555" -> "555", ๆ dropped)."""
    text = unicodedata.normalize("NFC", text or "")
    if _HAS_ZERO_WIDTH.search(text):
        text = text.translate(_ZERO_WIDTH)
    # Per character, as _fold_char does, but only where it can change something (it is the
    # costly part of normalising when done for every character).
    text = _NEEDS_FOLD.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    if _HAS_THAI_DIGIT.search(text):
        text = text.translate(_THAI_DIGITS)
    text = text.casefold()
    text = text.replace("ๆ", " ")
    text = _LAUGHTER.sub(" 555 ", text)
    text = _REPEATED_THAI.sub(r"\1", text)
    text = _REPEATED_LATIN.sub(r"\1\1", text)
    # `re.sub(r"\s+", " ", text).strip()`: `\s` of a str pattern and `str.split()` / `strip()`
    # both take white space to be `str.isspace` (checked for every code point in the tests)
    return " ".join(text.split())


@lru_cache(maxsize=50_000)
def _segment_thai(run: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(w for w in word_tokenize(run, engine="newmm", keep_whitespace=False) if w.strip())


def tokenize(text: str, *, normalized: bool = False) -> list[str]:
    """Words of a Thai/English/mixed text, normalised. Spaces typed inside Thai words are
    ignored, since newmm finds the word boundaries itself."""
    if not normalized:
        text = normalize(text)
    text = _SPACE_INSIDE_THAI.sub("", text)
    words: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if _THAI_RUN.fullmatch(token):
            words.extend(_segment_thai(token))
        else:
            words.append(token)
    return words


def strip_thai_tone_marks(text: str) -> str:
    """Drops Thai tone marks and the thanthakhat, for loose comparison of names."""
    return _TONE_MARK.sub("", text) if _TONE_MARK.search(text) else text


def search_terms(text: str) -> str:
    """The stored form of `threads.search_terms` for "<title>\n<body>": see forum.search_text
    (title and body kept apart, compound parts and vocabulary concepts added)."""
    from .search_text import index_terms

    title, _, body = text.partition("\n")
    return index_terms(title, body)
