"""The text shortcuts of `h-textcpu` give exactly the results of the code they replace:

- `forum.text.normalize` runs its zero-width and Thai-digit translations only when the text has
  one of those characters, and collapses white space with `str.split` instead of `re.sub`;
  `strip_thai_tone_marks` drops the marks with one regex instead of `str.translate`;
- `moderation.features`: the evasion undoing runs three passes only when their gate finds
  something; the trading signals are searched only where a necessary condition holds; one post's
  character n-grams are looked up in sorted order.

Each is compared with the code it replaces (kept below as references) over every post of the
shipped corpus, the adversarial strings of `test_submit_cpu.py`, strings glued from the lexicon's
own words, and strings made to hit each signal and gate. And the classifier's probabilities of
every one of those texts, one post at a time (the submit path) and as one batch, are the same to
the last bit, and match main's before the change: the same decisions at 0.5 and the same sums per
label to 1e-9. (A byte hash of the probabilities, taken on `main` at e84a552, held on that
machine but not on the next one, whose float kernels round differently in the last bit: the
fingerprint is taken where rounding cannot reach; no probability lies within 0.002 of 0.5.)"""

import hashlib
import random
import re
import unicodedata

import numpy as np
import pytest

import forum.text as T
from moderation import features as F
from moderation.classifier import CORPUS_DIR, load_examples

from .test_submit_cpu import ADVERSARIAL, _glued_words

# model version -> main's (e84a552) probabilities of `texts`, one row per text: sha256 of the packed
# decisions (probability >= 0.5) and the sum of each label's column
MAIN_PROBABILITIES = {
    "20261204153828-bf9505d8": (
        "0d03f4a277109dcab020235cdb0151dee9476c6d97d5a73e2f134d1221fc85b0",
        (1933.228067090444, 4678.393621151676, 1660.7153632296256, 2155.7002560223655),
    ),
}

SIGNAL_TEXTS = [
    "ขาย 5,000 บาท", "ราคา 300", "price: 20", "฿ 5", "฿", "0812345678", "081 234 5678", "+66 81-234-5678",
    "66812345678", "012345678", "01234567", "โทร 5", "tel:1", "call 9", "ติดต่อ: 0", "١٢٣٤٥٦٧٨٩", "๐๘๑๒๓๔๕๖๗๘",
    "line: abc", "line id = abc", "ไลน์ : @abc", "@abc", "x@abcd", "line @ a", "ไอดี：abc", "id line=abc",
    "dm", "pm me", "ib", "inbox me", "message me", "ทักแชท", "ทักมา", "หลังไมค์", "อินบ็อก", "อินบอก", "ส่งข้อความ",
    "xdm", "dmx", "ขาย", "ขายด่วน", "ปล่อยเช่า", "หาซื้อ", "รับแลก", "ให้เช่า", "wts", "for sale", "fs", "sale", "selling",
    "xsale", "tradex", "มือสอง", "ไหม", "มั้ย", "มั๊ย", "how", "is there", "where's", "??", "?", "!!", "!?!", "123456",
    "12345", "1.234.567", "a?b", "ไหม?", "question: how", "ส่งต่อ", "เปลี่ยนมือ", "ตามหา", "รับซ่อม",
]


def _normalize_reference(text):
    """`forum.text.normalize` before the change."""
    text = unicodedata.normalize("NFC", text or "").translate(T._ZERO_WIDTH)
    text = T._NEEDS_FOLD.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = text.translate(T._THAI_DIGITS).casefold()
    text = text.replace("ๆ", " ")
    text = T._LAUGHTER.sub(" 555 ", text)
    text = T._REPEATED_THAI.sub(r"\1", text)
    text = T._REPEATED_LATIN.sub(r"\1\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _deobfuscate_core_reference(text: str) -> str:
    """`features._deobfuscate_core` before the change."""
    if F._HAS_ACCENT.search(text):
        text = F._ACCENTS.sub("", unicodedata.normalize("NFD", text))
    if F._MASK_TH.search(text):
        text = F._unmask_th(text)
    text = F._SYMBOL_INSIDE_THAI.sub("", text)
    text = F._SEPARATOR_INSIDE_THAI.sub("", text)
    if F._MASK_TH.search(text):
        text = F._unmask_th(text)
    text = F._SPACED.sub(F._join_spaced, text)
    if F._ANY_MASK.search(text):
        text = F._MASK_EN.sub(F._unmask_en, text)
    text = F._SYMBOL_INSIDE_LATIN.sub("", text)
    if F._ANY_LEET.search(text):
        text = F._LEET_TOKEN.sub(F._fold_leet, text)
    text = F._REPEAT_LATIN_3.sub(r"\1\1", text)
    text = F._REPEAT_THAI_3.sub(r"\1", text)
    return F._SPACES.sub(" ", text).strip()


def _special_strings(seed: int = 5, count: int = 3000) -> list[str]:
    """Random mixtures of the characters every changed pass looks at: white space of every kind
    (all code points `str.isspace` takes), zero-width characters, Thai digits and tone marks, the
    mask, symbol and separator characters, Thai and Latin letters, digits and signal words."""
    rng = random.Random(seed)
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    pool = (spaces + list("\u200b\u200c\u200d\u2060\ufeff\u00ad") + list("๐๑๒๓๔๕๖๗๘๙")
            + [chr(c) for c in range(0x0e40, 0x0e50)] + list("*@#$%!?_~^`'\".-/\\|+,:;=：")
            + list("กขคงมนยรลวสหอะาเแโใไ") + list("abcdefilmnopstxz0123456789") + ["Ａ", "ﬁ", "é", "\x1c", "\x85"]
            + SIGNAL_TEXTS + ["ควาย", "f*ck", "ค*วาย", "สxัส", "sh1t"])
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(count)]


@pytest.fixture(scope="module")
def texts():
    corpus = [example.text for name in ("train.jsonl", "dev.jsonl", "heldout.jsonl")
              for example in load_examples(CORPUS_DIR / name)]
    return corpus + ADVERSARIAL + _glued_words()


@pytest.fixture(scope="module")
def extra():
    return SIGNAL_TEXTS + _special_strings()


def test_white_space_of_the_regex_is_that_of_str_split():
    pattern = re.compile(r"\s")
    assert all(bool(pattern.match(chr(c))) == chr(c).isspace() for c in range(0x110000))


def test_the_gates_cover_exactly_the_translated_characters():
    assert {ord(c) for c in map(chr, range(0x110000)) if T._HAS_ZERO_WIDTH.match(c)} == set(T._ZERO_WIDTH)
    assert {ord(c) for c in map(chr, range(0x110000)) if T._HAS_THAI_DIGIT.match(c)} == set(T._THAI_DIGITS)
    assert {ord(c) for c in map(chr, range(0x110000)) if T._TONE_MARK.match(c)} == set(T._THAI_TONE_MARKS)


def test_normalize_and_tone_marks_equal_the_translations(texts, extra):
    for text in texts + extra:
        T.normalize.cache_clear()
        assert T.normalize(text) == _normalize_reference(text), text
        assert T.strip_thai_tone_marks(text) == text.translate(T._THAI_TONE_MARKS), text
    assert T.normalize(None) == _normalize_reference(None) == ""


def test_evasion_undoing_equals_the_ungated_passes(texts, extra):
    for text in texts + extra:
        for form in (text, F._fold_lookalikes(T.normalize(text))):
            assert F._deobfuscate_core(form) == _deobfuscate_core_reference(form), form
            assert bool(F._MASK_TH_FOUND.search(form)) == bool(F._MASK_TH.search(form)), form


def test_one_post_finds_the_same_char_ngrams_as_a_batch(model, texts, extra):
    codes = model.features._fast_tables()[0]
    views = F._char_views([F.deobfuscate(t) for t in texts[::3] + extra[::5]])
    for view in views:
        docs, cols = codes.columns([view])
        batch_docs, batch_cols = codes.columns([view, "padding text"])
        assert not docs.any()
        assert sorted(cols.tolist()) == sorted(batch_cols[batch_docs == 0].tolist()), view


def test_probabilities_are_main_s(model, texts):
    expected = MAIN_PROBABILITIES.get(model.version)
    if expected is None:
        pytest.skip(f"no recorded probabilities of main for model {model.version}")
    decisions, sums = expected
    one = np.vstack([model._probabilities([t]) for t in texts])  # the submit path, post by post
    batch = np.ascontiguousarray(model._probabilities(texts))
    assert len(texts) == 18918
    assert np.array_equal(one, batch)
    assert hashlib.sha256(np.packbits(one >= 0.5).tobytes()).hexdigest() == decisions
    assert one.sum(axis=0) == pytest.approx(sums, rel=1e-9)
