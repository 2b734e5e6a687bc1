"""(branch h-subcpu) The leet folding's test for a leet character is one search of `_ANY_LEET`
instead of a Python step per character: on every word the pass visits, in every post of the
corpus and in hand-written strings, it folds exactly what the per-character test folded, and the
de-obfuscated texts are the same."""

from __future__ import annotations

import re

import pytest

from forum.text import normalize
from moderation import features as F
from moderation.classifier import CORPUS_DIR, load_examples


def fold_leet_reference(match: re.Match[str]) -> str:
    """`_fold_leet` as it was: each character of the token looked up in _LEET_CHARS."""
    token = match.group()
    if not any(c in F._LEET_CHARS for c in token) or F._NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(F._LEET)


STRINGS = [
    "sh1t f4ck 1d10t st00p1d m0r0n", "p0rn s3x n00dz", "b!tch @ss a$$hole |oser +oken €uro",
    "5w-30 0w20 10,000km 1.5l 2500cc 4x4 180hp 15th 3am v8", "h3ll0 w0rld 1337 2fast4u",
    "ขายล้อ 18 นิ้ว 9,000 บาท line: wheel99", "i|ke n1ce r1de", "€€€ a€b 7ree 8ig", "", "plain words only",
    "ab12cd 12ab ab12 1a 0x 5p33d", "€5 $5 5$ @home home@ !wow wow! +1 1+", "x" * 50 + "1" + "y" * 50,
]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return [e.text for name in ("train.jsonl", "dev.jsonl", "heldout.jsonl") for e in load_examples(CORPUS_DIR / name)]


def _views(text: str) -> list[str]:
    normalized = normalize(text)
    return [text, normalized, F._fold_lookalikes(normalized)]


def test_every_token_folds_as_before(corpus):
    tokens = 0
    for text in corpus + STRINGS:
        for view in _views(text):
            for match in F._LEET_TOKEN.finditer(view):
                assert F._fold_leet(match) == fold_leet_reference(match), match.group()
                tokens += 1
    assert tokens > 100_000


def test_deobfuscated_texts_are_as_before(corpus, monkeypatch):
    texts = corpus + STRINGS
    now = [F.deobfuscate(t) for t in texts]
    monkeypatch.setattr(F, "_fold_leet", fold_leet_reference)
    assert [F.deobfuscate(t) for t in texts] == now
    assert sum(1 for t in texts if F._ANY_LEET.search(normalize(t))) > 1000  # the pass does run
