"""`Analyzer.attributes` looks for the ATTRIBUTES forms only in a text where a plain alternation of
the forms (`_ATTRIBUTE_GATE`) finds one (h-textcpu): the attributes found are exactly those of
the ungated scan, over the moderation corpus's posts, every form alone, glued to letters on
either side, and random mixtures of forms, pieces of forms and filler."""

import random

from forum.duplicates import features as D
from forum.text import normalize
from moderation.classifier import CORPUS_DIR, load_examples


def _ungated(analyzer, *texts):
    out = set()
    for text in texts:
        text = D._SPACE_IN_THAI.sub("", normalize(text))
        for match in D._ATTRIBUTE_RE.finditer(text):
            out.add(D._ATTRIBUTE_OF[match.group(0)])
    return frozenset(out)


def _texts():
    corpus = [e.text for name in ("train.jsonl", "dev.jsonl", "heldout.jsonl") for e in load_examples(CORPUS_DIR / name)]
    forms = list(D._ATTRIBUTE_OF)
    glued = [f"{a}{f}{b}" for f in forms for a, b in (("", ""), ("x", ""), ("", "x"), (" ", " "), ("ก", "ข"))]
    rng = random.Random(11)
    filler = ["รถ", "สี", "the", " ", "  ", "red light", "green book", "lights", "-", "5", "ๆ", "Red", "WHITE"]
    mixed = []
    for _ in range(3000):
        pieces = []
        for _ in range(rng.randint(1, 5)):
            form = rng.choice(forms)
            cut = rng.randint(0, len(form))
            pieces.append(rng.choice((form, form[:cut], form[cut:], rng.choice(filler))))
        mixed.append(rng.choice(("", " ")).join(pieces))
    return corpus + glued + mixed + ["red lights", "green book", "a red car", "รถสีแดง"]


def test_gated_attributes_equal_the_ungated_scan():
    analyzer = D.Analyzer()
    found = 0
    for text in _texts():
        expected = _ungated(analyzer, text)
        assert analyzer.attributes(text) == expected, text
        found += bool(expected)
    assert found > 1000  # the comparison saw many texts with attributes, not only empty sets
    assert analyzer.attributes("a red car", "รถสีแดง", "red lights") == _ungated(analyzer, "a red car", "รถสีแดง", "red lights")
