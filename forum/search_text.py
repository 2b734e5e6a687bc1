"""Search text: what goes into the full-text index, how a member's query becomes an FTS5 or
PostgreSQL tsquery expression, and the highlighted snippets of a result.

Neither SQLite FTS5 nor PostgreSQL segments Thai, so both sides go through `forum.text.tokenize`
(PyThaiNLP newmm) and the index stores space-separated words; both engines then only split on
spaces. On top of the plain words the index carries
- the dictionary parts of Thai compounds ("น้ำมันเครื่อง" also as "น้ำมัน" and "เครื่อง"), so a
  member typing part of a compound finds it; the query side matches every word as a prefix;
- concept tokens from the duplicate detector's club vocabulary (``forum/duplicates/vocabulary.txt``)
  such as ``zcpartxenginexoil`` for "oil", "engine oil", "น้ำมันเครื่อง", "นำ้มันเครื่อง", so
  Thai and English synonyms and common misspellings meet.

The stored form is ``<title words>\\n<body words>``: the index keeps title and body apart so a
title match ranks above a body match (FTS5 columns; PostgreSQL weights A and D).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from markupsafe import Markup, escape

from .text import normalize, tokenize

_THAI = "\u0e00-\u0e7f"
_THAI_RUN = re.compile(rf"[{_THAI}]+")
_SPACE_IN_THAI = re.compile(rf"(?<=[{_THAI}])\s+(?=[{_THAI}])")
_LATIN_JOINERS = re.compile(r"[.\-]")
CONCEPT_PREFIX = "zc"
MAX_UNITS = 8

# Words that say nothing about the topic; dropped from queries (unless nothing else is left).
_STOP = frozenset(
    """ครับ ค่ะ คะ คับ นะ นะคะ นะครับ จ้า ค่า ฮะ เลย ด้วย หน่อย ไหม มั้ย บ้าง ผม ดิฉัน ฉัน เรา พี่ น้อง
    ที่ ซึ่ง และ กับ แต่ ก็ จะ ได้ ให้ ของ ใน ว่า เป็น คือ มี การ ความ แล้ว อยู่ ไป มา นี้ นั้น อะไร ยังไง
    อย่างไร ทำไม หรือ ต้อง ควร รบกวน สอบถาม ช่วย แนะนำ ปรึกษา อยาก ทราบ
    a an the and or but if of to in on at by for with from as is are was were be been it its this that
    i me my we our you your do does did have has had not so very can could would should will how what
    which who when where why please help anyone any some""".split()
)


# ---------------------------------------------------------------- vocabulary and dictionary

@lru_cache(maxsize=1)
def _vocabulary():
    from .duplicates.features import Vocabulary

    return Vocabulary.default()


@lru_cache(maxsize=1)
def _thai_dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def concept_token(name: str) -> str:
    """`part.engine_oil` -> `zcpartxenginexoil`: letters and digits only, so FTS5's tokenizer and
    PostgreSQL's parser both keep it one word."""
    return CONCEPT_PREFIX + re.sub(r"[^a-z0-9]", "x", name.lower())


@lru_cache(maxsize=4096)
def _expanded(target: str | tuple[str, ...]) -> frozenset[str]:
    vocabulary = _vocabulary()
    names: set[str] = set()
    for name in target if isinstance(target, tuple) else (target,):
        names.update(vocabulary.expand(name))
    return frozenset(names)


@lru_cache(maxsize=1)
def _forms_by_concept() -> dict[str, tuple[str, ...]]:
    """Concept -> surface forms of it and of every concept implying it (for highlighting: a
    "toyota" query also marks "yaris", which the index tagged with brand.toyota)."""
    vocabulary = _vocabulary()
    forms: dict[str, set[str]] = {}
    for form, target in vocabulary.form_to_concept.items():
        for name in _expanded(target):
            forms.setdefault(name, set()).add(form)
    return {name: tuple(sorted(found, key=len, reverse=True)) for name, found in forms.items()}


@lru_cache(maxsize=1)
def _sorted_forms() -> tuple[str, ...]:
    vocabulary = _vocabulary()
    return tuple(sorted(f for f, target in vocabulary.form_to_concept.items() if isinstance(target, str)))


@lru_cache(maxsize=4096)
def completions(prefix: str, limit: int = 3) -> tuple[str, ...]:
    """Concepts whose vocabulary forms start with a word typed half-way ("fortun" ->
    model.fortuner, "headl" -> part.headlight); the most general of them when one implies another
    (the index carries implied concepts too). Nothing when the prefix is short or too vague."""
    if len(prefix) < 3 or prefix in _STOP:
        return ()
    vocabulary = _vocabulary()
    forms = _sorted_forms()
    names: set[str] = set()
    for i in range(bisect.bisect_left(forms, prefix), len(forms)):
        if not forms[i].startswith(prefix):
            break
        names.add(vocabulary.form_to_concept[forms[i]])
    general = {n for n in names if not any(o != n and o in vocabulary.expand(n) for o in names)}
    return tuple(sorted(general)) if len(general) <= limit else ()


# ---------------------------------------------------------------- index side

@lru_cache(maxsize=50_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """Dictionary words a Thai compound splits into ("น้ำมันเครื่อง" -> "น้ำมัน", "เครื่อง"),
    found by trying every split point where both halves are words, one level deep."""
    if len(word) < 4 or not _THAI_RUN.fullmatch(word):
        return ()
    dictionary = _thai_dictionary()
    parts: list[str] = []
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        if unicodedata.category(right[0]).startswith("M"):
            continue  # never cut a vowel or tone mark off its consonant
        if left in dictionary and right in dictionary:
            parts.extend(p for p in (left, right) if p not in parts)
    return tuple(parts)


def _word_forms(token: str) -> list[str]:
    if _THAI_RUN.fullmatch(token):
        return [token, *compound_parts(token)]
    if _LATIN_JOINERS.search(token):  # "d-max" -> "dmax d max"; "5w-30" -> "5w30 5w 30"
        pieces = [p for p in _LATIN_JOINERS.split(token) if p]
        return ["".join(pieces), *pieces]
    return [token]


def _concepts_in(text: str) -> set[str]:
    vocabulary = _vocabulary()
    names: set[str] = set()
    for _start, _end, target in vocabulary.find(text):
        names.update(_expanded(target))
    for word in re.findall(r"[a-z]{6,}", text):  # one typo away from a vocabulary word
        if concept := vocabulary.fuzzy(word):
            names.update(_expanded(concept))
    return names


def field_terms(text: str) -> str:
    """Index words of one field (title or body), space-separated."""
    text = _SPACE_IN_THAI.sub("", normalize(text))
    words: list[str] = []
    for token in tokenize(text, normalized=True):
        words.extend(_word_forms(token))
    words.extend(concept_token(name) for name in sorted(_concepts_in(text)))
    return " ".join(words)


def index_terms(title: str, body: str) -> str:
    """The stored `threads.search_terms`: title words, a newline, body words."""
    return f"{field_terms(title)}\n{field_terms(body)}"


# ---------------------------------------------------------------- query side

# A one-letter "prefix" matches a large share of all indexed words, and neither engine has an
# index for it (SQLite's FTS5 prefix indexes start at two characters): such a word matches whole.
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = True

    @property
    def as_prefix(self) -> bool:
        return self.prefix and len(self.words[-1]) >= MIN_PREFIX_CHARS


@dataclass(frozen=True)
class AllOf:
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Unit:
    """One thing the member asked for: any of its alternatives matches it."""

    alternatives: tuple[Term | AllOf, ...]
    marks: tuple[str, ...]  # surface forms to highlight
    # Phrasing of the question ("how often", "ทุกกี่กิโล") helps ranking but is not demanded.
    required: bool = True


@dataclass(frozen=True)
class ParsedQuery:
    units: tuple[Unit, ...]

    def __bool__(self) -> bool:
        return bool(self.units)

    @property
    def marks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for unit in self.units:
            for mark in unit.marks:
                seen.setdefault(mark, None)
        return tuple(seen)


def _stem(word: str) -> str:
    """Plural and -ing/-ed endings off English words, so a prefix match finds the other forms."""
    if not word.isascii() or not word.isalpha() or len(word) <= 4:
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def _thai_run_units(run: str) -> list[Unit]:
    """The unit of a Thai run the vocabulary did not recognise. Its segmentation may be wrong
    when the run is part of a longer word ("ไฟแนน" -> "ไฟ" "แนน"), so the whole run as one
    prefix is an alternative to all its words; and a run typed half-way through a word
    ("น้ำมันเครื่" -> "น้ำมัน" "เค" "รื่") also has its last pieces joined back together."""
    tokens = [t for t in tokenize(run, normalized=True) if t.strip()]
    meaningful = [t for t in tokens if t not in _STOP] or tokens
    completed = [Term((concept_token(n),), prefix=False) for n in completions(run)]
    marks = tuple(form for n in completions(run) for form in _forms_by_concept().get(n, ()))
    if len(tokens) <= 1:
        return [Unit((Term((t,)), *completed), (t, *marks)) for t in meaningful]
    alternatives: list[Term | AllOf] = [Term((run,)), *completed]
    if tokens[-1] not in _thai_dictionary():
        for joined in (2, 3):
            if len(tokens) >= joined:
                head = [t for t in tokens[:-joined] if t not in _STOP]
                terms = tuple(Term((t,)) for t in (*head, "".join(tokens[-joined:])))
                alternatives.append(terms[0] if len(terms) == 1 else AllOf(terms))
    alternatives.append(AllOf(tuple(Term((t,)) for t in meaningful)) if len(meaningful) > 1 else Term((meaningful[0],)))
    return [Unit(tuple(dict.fromkeys(alternatives)), (run, *meaningful, *marks))]


def parse_query(query_text: str) -> ParsedQuery:
    """A member's query as units that must all match (AND); each unit is the typed word as a
    prefix, or any synonym from the club vocabulary."""
    text = _SPACE_IN_THAI.sub("", normalize(query_text or ""))
    vocabulary = _vocabulary()
    forms = _forms_by_concept()
    units: list[Unit] = []
    stops: list[Unit] = []

    def plain(segment: str) -> None:
        for match in re.finditer(rf"[{_THAI}]+|[a-z0-9]+(?:[.\-][a-z0-9]+)*", segment):
            token = match.group()
            if _THAI_RUN.fullmatch(token):
                # A run of stop words only ("ใน" between two vocabulary words) is phrasing, as
                # English stop words are: kept only when nothing else is asked.
                only_stops = all(t in _STOP for t in tokenize(token, normalized=True) if t.strip())
                (stops if only_stops else units).extend(_thai_run_units(token))
                continue
            target = stops if token in _STOP else units
            word = _word_forms(token)[0]
            alternatives: list[Term | AllOf] = [Term((_stem(word),))]
            marks = [token, _stem(word)]
            concepts = [concept] if token.isalpha() and (concept := vocabulary.fuzzy(token)) else completions(word)
            for concept in concepts:
                alternatives.append(Term((concept_token(concept),), prefix=False))
                marks.extend(forms.get(concept, ()))
            target.append(Unit(tuple(alternatives), tuple(marks)))

    position = 0
    for start, end, target in vocabulary.find(text):
        plain(text[position:start])
        position = end
        surface = text[start:end]
        words = tuple(w for form in tokenize(surface, normalized=True) for w in _word_forms(form)[:1])
        names = sorted(target if isinstance(target, tuple) else (target,))
        # A form standing for several concepts ("battery drains") needs all of them.
        concepts = tuple(Term((concept_token(n),), prefix=False) for n in names)
        alternatives: list[Term | AllOf] = [concepts[0] if len(concepts) == 1 else AllOf(concepts)]
        # Text holding a multi-word form is tagged with its concept, so the phrase would add
        # nothing but an expensive position check; a one-word form also matches as a prefix.
        if len(words) == 1:
            alternatives.insert(0, Term(words))
        marks = [surface, *(form for n in names for form in forms.get(n, ()))]
        required = not all(n.startswith("intent.") for n in names)
        units.append(Unit(tuple(alternatives), tuple(marks) if required else (surface,), required))
    plain(text[position:])
    return ParsedQuery(tuple((units or stops)[:MAX_UNITS]))


def _matched_units(query: ParsedQuery, any_unit: bool) -> tuple[Unit, ...]:
    if any_unit:
        return query.units
    return tuple(u for u in query.units if u.required) or query.units


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words).replace('"', "") + '"'
    return quoted + "*" if term.as_prefix else quoted


def _fts5_alternative(alternative: Term | AllOf) -> str:
    if isinstance(alternative, AllOf):
        return "(" + " AND ".join(_fts5_term(t) for t in alternative.terms) + ")"
    return _fts5_term(alternative)


def fts5_expression(query: ParsedQuery, *, any_unit: bool = False) -> str:
    """FTS5 MATCH text; every word is quoted, so operators a member types are plain words."""
    joiner = " OR " if any_unit else " AND "
    return joiner.join("(" + " OR ".join(_fts5_alternative(a) for a in unit.alternatives) + ")"
                       for unit in _matched_units(query, any_unit))


def _ts_term(term: Term) -> str:
    parts = ["'" + word.replace("'", "").replace("\\", "") + "'" for word in term.words]
    if term.as_prefix:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _ts_alternative(alternative: Term | AllOf) -> str:
    if isinstance(alternative, AllOf):
        return "(" + " & ".join(_ts_term(t) for t in alternative.terms) + ")"
    return _ts_term(alternative)


def tsquery_expression(query: ParsedQuery, *, any_unit: bool = False) -> str:
    """PostgreSQL to_tsquery('simple', ...) text for the same query."""
    joiner = " | " if any_unit else " & "
    return joiner.join(unit_tsqueries(query, any_unit=any_unit))


def unit_tsqueries(query: ParsedQuery, *, any_unit: bool = False) -> tuple[str, ...]:
    """The to_tsquery text of each unit `tsquery_expression` joins."""
    return tuple("(" + " | ".join(_ts_alternative(a) for a in unit.alternatives) + ")"
                 for unit in _matched_units(query, any_unit))


# ---------------------------------------------------------------- highlighting

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_NOISE = re.compile(r"</?[a-zA-Z][^<>\n]{0,200}>|^\s*>+|[*_`#|~]+", re.MULTILINE)
# Thai characters that never begin a syllable: a window must not start or end between them
# and the consonant they belong to.
_THAI_FOLLOWERS = frozenset("ะาำๅ")
SNIPPET_CHARS = 220


@lru_cache(maxsize=512)
def _mark_regex(marks: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all marks, longest first, run over lower-cased text (see `_spans`).
    English marks share one word-start test: every alternative then starts with a literal,
    which the regex engine checks before trying it (a per-alternative lookbehind, or ignoring
    case, makes it try all of them at every character: milliseconds per search)."""
    thai: list[str] = []
    latin: list[str] = []
    for mark in sorted({m.lower() for m in marks if m.strip()}, key=len, reverse=True):
        if _THAI_RUN.search(mark):
            thai.append(re.escape(mark))  # inside a Thai run: no word boundaries to rely on
        elif body := r"[\s\-]?".join(re.escape(p) for p in re.split(r"[\s\-]+", mark) if p):
            latin.append(body)
    pieces = thai + ([rf"(?<![a-z0-9])(?:{'|'.join(latin)})[a-z0-9]*"] if latin else [])
    return re.compile("|".join(pieces)) if pieces else None


@lru_cache(maxsize=512)
def _ignoring_case(regex: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(regex.pattern, re.IGNORECASE)


def _spans(regex: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Where the marks are in `text`, matched without regard to case."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would shift
        yield from (match.span() for match in _ignoring_case(regex).finditer(text))
    else:
        yield from (match.span() for match in regex.finditer(lowered))


def highlight(text: str, marks: tuple[str, ...]) -> Markup:
    """`text` HTML-escaped, with the matched words in <mark>: escaping comes first, so a post
    cannot smuggle markup through a snippet."""
    regex = _mark_regex(marks)
    text = unicodedata.normalize("NFC", text or "")
    if regex is None:
        return escape(text)
    out: list[str] = []
    position = 0
    for start, end in _spans(regex, text):
        if end == start:
            continue
        out.append(str(escape(text[position:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


def _follows(char: str) -> bool:
    return unicodedata.category(char).startswith("M") or char in _THAI_FOLLOWERS


def plain_text(markdown: str) -> str:
    """Readable text of a Markdown post for a snippet (tags, emphasis and link targets out)."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown or "")
    text = _MARKDOWN_NOISE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def snippet(body: str, marks: tuple[str, ...], *, size: int = SNIPPET_CHARS) -> Markup:
    """A window of the body around its first matched word (its start when none matches),
    highlighted; never starting on a Thai vowel or tone mark cut off its consonant."""
    text = unicodedata.normalize("NFC", plain_text(body))
    regex = _mark_regex(marks)
    first = next(_spans(regex, text), None) if regex else None
    start = max(0, first[0] - size // 3) if first else 0
    while 0 < start < len(text) and _follows(text[start]):
        start -= 1
    end = min(len(text), start + size)
    while end < len(text) and _follows(text[end]):
        end += 1
    window = highlight(text[start:end], marks)
    return Markup("…" if start > 0 else "") + window + Markup("…" if end < len(text) else "")
