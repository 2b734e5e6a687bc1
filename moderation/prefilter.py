"""A necessary condition for a regular expression to match, checked without running it.

The lexicon families (`moderation.features`) are alternations of words searched anywhere in a
post, and most of them find nothing in most posts. Every match of such a pattern begins with one
of a few short strings (its words' first three characters, or the whole word when shorter),
which can be read off the pattern: when none of them occurs in the text, the pattern cannot
match there and its search is skipped. When one does, the pattern itself is searched as before,
so the answer is the pattern's own in every case (the gate only ever skips a search that would
have found nothing). Patterns whose start cannot be bounded this way (a leading `.`, `\\d`, a
negated class, a flag) get no gate and are always searched.
"""

from __future__ import annotations

import re
from re import _constants as C
from re import _parser as P

WIDTH = 3  # the gate's strings: a match's first WIDTH characters (fewer when the match is shorter)
_LIMIT = 400  # strings per gate, past which a pattern's start is bounded more loosely


def _sequence(items, k: int) -> tuple[set[str], bool]:
    """(strings, complete) of a parsed sequence. complete: every match m has m[:k] in strings;
    otherwise every match starts with one of strings."""
    results = {""}
    for op, av in items:
        if min(map(len, results)) >= k:
            return {r[:k] for r in results}, False
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT):  # zero width: only narrows where a match may be
            continue
        strings, complete = _element(op, av, k)
        joined = {(r + s)[:k] if len(r) < k else r for r in results for s in strings}
        if len(joined) > _LIMIT:
            return results, False
        results = joined
        if not complete:
            return results, False
    return results, True


def _element(op, av, k: int) -> tuple[set[str], bool]:
    if op is C.LITERAL:
        return {chr(av)}, True
    if op is C.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is C.LITERAL:
                chars.add(chr(value))
            elif kind is C.RANGE and value[1] - value[0] < 128:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # a negated class, a category (\d, \s), a wide range: unbounded
                return {""}, False
        return chars, True
    if op is C.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        if add_flags or del_flags:  # (?i:...) and the like
            return {""}, False
        return _sequence(sub, k)
    if op is C.BRANCH:
        strings: set[str] = set()
        complete = True
        for branch in av[1]:
            found, whole = _sequence(branch, k)
            strings |= found
            complete = complete and whole
        return strings, complete
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, sub = av
        found, whole = _sequence(sub, k)
        if whole and hi <= 2:
            strings = set()
            for n in range(lo, hi + 1):
                combos = {""}
                for _ in range(n):
                    combos = {(a + b)[:k] for a in combos for b in found}
                strings |= combos
            return strings, True
        return (found | {""}) if lo == 0 else found, False
    return {""}, False  # ., \d outside a class, back references, ...


class Gate:
    """The strings every match of a pattern starts with: `long` (WIDTH characters) and `short`
    (fewer). `may_match(text, grams)`: False only if the pattern cannot match anywhere in `text`;
    `found(pattern, text, grams)`: whether `pattern.search(text)` finds a match, trying the
    pattern only where one of those strings occurs. `grams` is `grams(text)`."""

    __slots__ = ("long", "short", "single")

    def __init__(self, long: frozenset[str], short: tuple[str, ...]):
        self.long, self.short = long, short
        self.single = any(len(s) == 1 for s in short)

    def found(self, pattern: re.Pattern[str], text: str, grams: set[str]) -> bool:
        """`pattern.search(text) is not None`. A match starts where one of the gate's strings
        occurs, so the pattern is tried (`match` at that position: its look-behinds and `\b` see
        the text before it, as in a search) only there. With a one-character start (too many
        places to try one by one), one search from the first place any of the strings occurs."""
        hits = self.long & grams
        if self.single:
            first = -1
            for start in (*hits, *self.short):
                at = text.find(start)
                if at >= 0 and (first < 0 or at < first):
                    first = at
            return first >= 0 and pattern.search(text, first) is not None
        for start in (*hits, *self.short):
            at = text.find(start)
            while at >= 0:
                if pattern.match(text, at) is not None:
                    return True
                at = text.find(start, at + 1)
        return False

    def may_match(self, text: str, grams: set[str]) -> bool:
        if not self.long.isdisjoint(grams):
            return True
        for start in self.short:
            if start in text:
                return True
        return False


def gate(pattern: re.Pattern[str] | None) -> Gate | None:
    """The gate of a compiled pattern, or None where its matches' start cannot be bounded."""
    if pattern is None or pattern.flags & ~re.UNICODE:
        return None
    strings, _ = _sequence(P.parse(pattern.pattern, pattern.flags), WIDTH)
    if "" in strings:
        return None
    return Gate(frozenset(s for s in strings if len(s) == WIDTH), tuple(sorted(s for s in strings if len(s) < WIDTH)))


def grams(text: str) -> set[str]:
    """Every substring of `text` WIDTH characters long."""
    return {text[i:i + WIDTH] for i in range(len(text) - WIDTH + 1)}


class GateIndex:
    """Which of many gated patterns may match a text, found from the text's grams in one pass
    (a dict lookup per gram of the text that starts some pattern's match) instead of one gate
    after the other. `candidates(text, grams)`: every key whose gate may match (`may_match`),
    and every key without a gate."""

    def __init__(self, gates: dict[str, Gate | None]):
        self.always = frozenset(key for key, gate in gates.items() if gate is None)
        by_gram: dict[str, set[str]] = {}
        by_short: dict[str, set[str]] = {}
        for key, gate in gates.items():
            if gate is not None:
                for start in gate.long:
                    by_gram.setdefault(start, set()).add(key)
                for start in gate.short:
                    by_short.setdefault(start, set()).add(key)
        self.by_gram = {start: tuple(sorted(keys)) for start, keys in by_gram.items()}
        self.starts = frozenset(self.by_gram)
        self.by_short = tuple((start, tuple(sorted(keys))) for start, keys in sorted(by_short.items()))

    def candidates(self, text: str, grams: set[str]) -> set[str]:
        found = set(self.always)
        by_gram = self.by_gram
        for start in self.starts & grams:
            found.update(by_gram[start])
        for start, keys in self.by_short:
            if start in text:
                found.update(keys)
        return found
