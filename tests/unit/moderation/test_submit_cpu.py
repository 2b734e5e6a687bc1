"""The per-submit shortcuts of the classifier give exactly the results of the paths they replace:

- the lexicon's gates (`moderation.prefilter`): a family's half is searched only when one of the
  strings every match of it starts with occurs in the text. Compared with the ungated search of
  every family (`features._lexicon_hits`, which never reads a gate), and each gate checked sound
  on its own: wherever its pattern matches, the gate lets the search run;
- the evasion undoing (`features._deobfuscate_core`) skips its mask and leet passes in a text with
  no mask or leet character: compared with the passes as they ran before (kept below);
- one post scored without a sparse matrix (`ModerationModel._probability_row`): compared bit for
  bit with the CSR product it replaces.

Over every post of the shipped corpus (train, dev, held out) and adversarial mixed Thai, English
and romanised Thai strings (evasions, masks, look-alikes, emoji, controls, each family's own
words cut and glued)."""

import random
import unicodedata

import numpy as np
import pytest

from forum.text import normalize
from moderation import features as F
from moderation import prefilter
from moderation.classifier import CORPUS_DIR, LABELS, _sigmoid, load_examples

ADVERSARIAL = [
    "", " ", "a", "i", "im", "i'm an idiot", "you're a clown", "\x00", "x\x00y", "\ud800 lone \udfff",
    "f u c k you", "f.u.c.k", "sh1t", "a$$hole", "ѕhіt café", "ｆｕｃｋ", "เหี้*ย ค.ว.ย", "ไอ้ ค ว า ย", "คxย",
    "ควxาย", "มึงมันโง่", "ไอ้ควาย", "อีดอก", "กะหรี่", "ขายด่วน 5,000 บาท โทร 081-234-5678 line: @abc123",
    "wts tyres 2k obo dm me", "wtb dashcam budget up to 3k", "rap jang tham si hai chao wan la 1500",
    "ในหลวง", "king ผ้าขี้ริ้ว", "sathaban", "nai luang 🤡", "ทรงพระเจริญ long live the king", "🍆🍑💦", "🍆",
    "18+ xxx clip", "เบาะหลัง คืนนี้ 😏", "back seat tonight ;)", "ผมโง่เอง my bad facepalm 🤦",
    "thanks for nothing genius", "ขอบคุณมากที่ช่วยให้แย่", "taxi drivers are all the same", "staffed by morons",
    "he wrote \"ไอ้ควาย\" under my post", "calling people \"morons\" gets you a week off", "/s", "% off", "50% off",
    "from 500", "an hour", "/hr", "ชม.ละ 300", "บ.", "฿", "1,200", "2.5k", "ห่าง", "บ้าน", "สัดส่วน", "เวรกรรม",
    "ไร้สาย", "ขอบคุณ", "เหยียบเบรก", "เบาะรองนั่ง", "i d", "no strings", "is there", "may your car",
    "hope you crash", "tel: 0812345678", "price: 300", "www.kaidee.com", "a" * 2000, "ก" * 500,
    "Royal Enfield ขี่สบาย ๆ มากกกก 55555", "  leading and trailing  ", "tab\tand\n\nnew lines",
]


def _corpus_texts() -> list[str]:
    return [example.text for name in ("train.jsonl", "dev.jsonl", "heldout.jsonl")
            for example in load_examples(CORPUS_DIR / name)]


def _glued_words(seed: int = 13, count: int = 600) -> list[str]:
    """Strings made of pieces of the families' own words (their prefixes, the words cut at every
    place, glued to each other and to everyday text), where a gate is most likely to be wrong."""
    rng = random.Random(seed)
    words = []
    for _, pattern in F._LEXICON_SOURCES + F._CONTEXT_SOURCES + F._PASS15_SOURCES + F._PASS16_SOURCES:
        for part in pattern.replace("(?:", "|").replace(")", "|").split("|"):
            part = "".join(ch for ch in part if ch not in "?*+\\[]{}^$().!<=:")
            if part.strip():
                words.append(part)
    filler = ["ครับ", "ค่ะ", "รถ", "engine", "the", " ", "  ", "-", ".", "'", "5", "ๆ", "?", "!"]
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, 6)):
            word = rng.choice(words)
            cut = rng.randint(0, len(word))
            pieces.append(rng.choice((word, word[:cut], word[cut:], rng.choice(filler))))
        out.append(rng.choice(("", " ")).join(pieces))
    return out


@pytest.fixture(scope="module")
def texts():
    return _corpus_texts() + ADVERSARIAL + _glued_words()


def test_every_gate_lets_through_every_text_its_pattern_matches(texts):
    gated = [(name, half, pattern, gate) for name, th, ot in F._LEXICON
             for half, pattern, gate in (("thai", th, F._GATES[name][0]), ("other", ot, F._GATES[name][1]))
             if pattern is not None and gate is not None]
    assert len(gated) > 60  # nearly every half has a gate
    indexes = {"thai": F._THAI_GATES, "other": F._OTHER_GATES}
    for text in texts:
        thai, other = F._split_runs(F._deobfuscate_normalized(normalize(text)))
        views = {"thai": (thai, prefilter.grams(thai)), "other": (other, prefilter.grams(other))}
        whole = (text, prefilter.grams(text))  # (once per text, not once per gate: h-suite3)
        for name, half, pattern, gate in gated:
            for candidate, candidate_grams in (views[half], whole):
                matches = bool(pattern.search(candidate))
                if matches:
                    assert gate.may_match(candidate, candidate_grams), (name, half, candidate)
                    assert name in indexes[half].candidates(candidate, candidate_grams), (name, half, candidate)
                assert gate.found(pattern, candidate, candidate_grams) == matches


def test_every_match_of_every_family_passes_its_gate(texts):
    """Each match itself (the shortest text a pattern matches there) passes the gate."""
    for text in texts:
        thai, other = F._split_runs(F._deobfuscate_normalized(normalize(text)))
        for name, th, ot in F._LEXICON:
            for view, pattern, gate in ((thai, th, F._GATES[name][0]), (other, ot, F._GATES[name][1])):
                if pattern is None or gate is None:
                    continue
                for match in pattern.finditer(view):
                    context = view[max(0, match.start() - 1):match.end() + 1]
                    if pattern.search(context):
                        assert gate.may_match(context, prefilter.grams(context)), (name, context)


def test_gated_lexicon_equals_the_ungated_search_of_every_family(texts):
    for text in texts:
        cleaned = F._deobfuscate_normalized(normalize(text))
        reference = F._lexicon_hits(cleaned)  # every family, every half searched
        views = F._Views(*F._split_runs(cleaned))
        assert {entry[0]: F._search_gated(entry, views) for entry in F._LEXICON} == reference, text
        # the features themselves, from the ungated hits (the rules of `lexicon`, written out)
        expected = []
        for name in F.LEXICON_NAMES:
            if name in F._CONJUNCTION_OF:
                a, others = F._CONJUNCTION_OF[name]
                on = reference[a] and any(reference[b] for b in others)
            elif name in F._EXCLUSIVE_OF:
                a, others, absent = F._EXCLUSIVE_OF[name]
                on = ((not others or any(reference[b] for b in others)) and any(reference[x] for x in a)
                      and not any(reference[c] for c in absent))
            else:
                on = reference[name]
            expected.append(1.0 if on else 0.0)
        assert F.lexicon(cleaned) == expected, text
        assert F.lexicon(cleaned, F.LEGACY_LEXICON_NAMES) == expected[:len(F.LEGACY_LEXICON_NAMES)], text


def test_a_pattern_without_a_bounded_start_gets_no_gate():
    import re

    assert prefilter.gate(re.compile(r"\d+ off|sale")) is None
    assert prefilter.gate(re.compile(r"x?y|z")) is not None
    assert prefilter.gate(re.compile(r"(?:a)?")) is None  # may match the empty string
    assert prefilter.gate(re.compile(r"foo", re.IGNORECASE)) is None
    assert prefilter.gate(re.compile(r".ab")) is None
    gate = prefilter.gate(re.compile(r"(?<![a-z])(?:ab|cde)(?![a-z])|[xy]z"))
    assert gate.long == frozenset({"cde"}) and gate.short == ("ab", "xz", "yz")


def test_one_post_is_scored_exactly_as_by_the_csr_product(model, texts):
    for text in texts:
        x = model.features.transform_fast([text])
        expected = _sigmoid(np.asarray(x @ model.coef) + model.intercept)
        got = model._probabilities([text])
        assert got.shape == expected.shape == (1, len(LABELS))
        assert np.array_equal(got, expected), text  # bit for bit (so within 1e-12, and the same rounding)


def test_scores_and_flags_of_the_submit_path_equal_the_batch_path(model, texts):
    sample = texts[::7] + ADVERSARIAL
    batch = model.score_many(sample + ["padding"])[:-1]  # more than one row: the CSR product
    probs = model.features.transform_fast(sample) @ model.coef
    batch_probs = _sigmoid(np.asarray(probs) + model.intercept)
    for text, expected, row in zip(sample, batch, batch_probs):
        scores = model.score(text)
        np.testing.assert_allclose(model._probabilities([text])[0], row, rtol=0, atol=1e-12)
        assert scores == expected, text
        assert model.labels_for(scores) == model.labels_for(expected)
        assert model.labels_for(scores, "hold") == model.labels_for(expected, "hold")


def _deobfuscate_core_reference(text: str) -> str:
    """`features._deobfuscate_core` as it was before the mask and leet passes were skipped."""
    if F._HAS_ACCENT.search(text):
        text = F._ACCENTS.sub("", unicodedata.normalize("NFD", text))
    if F._MASK_TH.search(text):
        text = F._unmask_th(text)
    text = F._SYMBOL_INSIDE_THAI.sub("", text)
    text = F._SEPARATOR_INSIDE_THAI.sub("", text)
    if F._MASK_TH.search(text):
        text = F._unmask_th(text)
    text = F._SPACED.sub(F._join_spaced, text)
    text = F._MASK_EN.sub(F._unmask_en, text)
    text = F._SYMBOL_INSIDE_LATIN.sub("", text)
    text = F._LEET_TOKEN.sub(F._fold_leet, text)
    text = F._REPEAT_LATIN_3.sub(r"\1\1", text)
    text = F._REPEAT_THAI_3.sub(r"\1", text)
    return F._SPACES.sub(" ", text).strip()


def test_evasion_undoing_equals_the_passes_it_skips(texts):
    leet = [f"{w} {c}" for w in ("sh", "a", "f*ck", "x") for c in F._LEET_CHARS + "*#_?%"]
    for text in texts + leet:
        for form in (text, F._fold_lookalikes(normalize(text))):
            assert F._deobfuscate_core(form) == _deobfuscate_core_reference(form), form
