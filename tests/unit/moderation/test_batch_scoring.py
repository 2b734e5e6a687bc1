"""The batch scoring path (`ModerationFeatures.transform_fast`: n-grams of a whole batch encoded
as integers and looked up with numpy) must give exactly the probabilities of the per-post path it
replaced. The reference below is that per-post path, kept here as it was: for every post of the
corpus, and for texts built to hit the edges (empty, NUL, lone surrogates, characters no n-gram of
the vocabulary has), the two agree to 1e-9 whatever model the training code produced."""

import json

import numpy as np
import pytest
import scipy.sparse as sp

from forum.text import normalize
from moderation import features as F
from moderation.classifier import CORPUS_DIR, _sigmoid

EDGE_TEXTS = [
    "", " ", "a", "ab", "\x00", "ขาย\x00ยาง 2,000 บาท", "x\x00\x00y", "\ud800 lone surrogate \udfff",
    "tab\tand\n\nnew lines   and    spaces", "😀🍆💦 emoji only", "ǅ ﬁ ｆｕｃｋ ß", "f u c k you", "เหี้*ย ค.ว.ย",
    "ѕhіt café", "ไอ้ ค ว า ย", "มากกกกก 5555555", "\u0e48\u0e49 \u0e48 tone marks alone", "ǖǘǚ ˥˦ ꙮ 𓀀",
    "Royal Enfield ขี่สบาย ๆ มากกกก", "  leading and trailing  ", "a" * 3000,
]


def _reference_matrix(features, texts):
    """The per-post fast path as shipped before the batch path: n-grams sliced out of each post
    and looked up in the vectorizer's vocabulary one by one."""
    cv, wv = features.char_vectorizer_, features.word_vectorizer_
    char_vocab = {g: i + 1 for g, i in cv.vocabulary_.items()}
    word_vocab = {w: i + 1 for w, i in wv.vocabulary_.items()}
    word_offset = len(cv.vocabulary_)
    signal_offset = word_offset + len(wv.vocabulary_)
    lo, hi = features.char_ngrams
    n, n_signals = len(texts), len(F.SIGNAL_NAMES)
    char_ids, char_docs, word_ids, word_docs, dense = [], [], [], [], []
    for doc, text in enumerate(texts):
        normalized = normalize(text)
        cleaned = F._deobfuscate_normalized(normalized)
        ids = list(filter(None, map(char_vocab.get, F._char_ngrams(F.char_view(cleaned), lo, hi))))
        char_ids += ids
        char_docs += [doc] * len(ids)
        ids = list(filter(None, map(word_vocab.get, features._words(cleaned))))
        word_ids += ids
        word_docs += [doc] * len(ids)
        dense.append(F._signals_of_view(F._signal_view_normalized(normalized)) + F.lexicon(cleaned))
    sig = np.asarray(dense, dtype=np.float64).reshape(n, n_signals + len(F.LEXICON_NAMES))
    blocks = [
        F._tfidf_block(char_docs, np.asarray(char_ids, dtype=np.int64) - 1, cv.idf_.astype(np.float64), n,
                       word_offset, 0),
        F._tfidf_block(word_docs, np.asarray(word_ids, dtype=np.int64) - 1, wv.idf_.astype(np.float64), n,
                       signal_offset - word_offset, word_offset),
    ]
    sig[:, :n_signals] *= features.signal_weight
    sig[:, n_signals:] *= features.lexicon_weight
    rows, cols = np.nonzero(sig)
    blocks.append((rows, cols + signal_offset, sig[rows, cols]))
    return sp.csr_matrix(
        (np.concatenate([b[2] for b in blocks]), (np.concatenate([b[0] for b in blocks]),
                                                  np.concatenate([b[1] for b in blocks]))),
        shape=(n, signal_offset + n_signals + len(F.LEXICON_NAMES)))


def _probabilities(model, matrix):
    return _sigmoid(np.asarray(matrix @ model.coef) + model.intercept)


def _corpus_texts():
    texts = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def test_batch_path_gives_the_per_post_probabilities_for_every_corpus_post(model):
    texts = _corpus_texts() + EDGE_TEXTS
    assert len(texts) > 1000
    for start in range(0, len(texts), 512):
        batch = texts[start:start + 512]
        expected = _probabilities(model, _reference_matrix(model.features, batch))
        got = model._probabilities(batch)
        assert got.shape == expected.shape == (len(batch), 4)
        assert np.abs(got - expected).max() <= 1e-9, start


def test_batch_path_builds_the_per_post_matrix(model):
    texts = EDGE_TEXTS + _corpus_texts()[::50]
    expected = _reference_matrix(model.features, texts)
    got = model.features.transform_fast(texts)
    assert got.shape == expected.shape
    assert abs(got - expected).max() <= 1e-12
    assert got.nnz == expected.nnz


def test_a_post_scores_the_same_alone_and_in_any_batch(model):
    texts = EDGE_TEXTS + _corpus_texts()[::40]
    together = model._probabilities(texts)
    alone = np.vstack([model._probabilities([t]) for t in texts])
    reversed_batch = model._probabilities(texts[::-1])[::-1]
    assert np.abs(together - alone).max() <= 1e-9
    assert np.abs(together - reversed_batch).max() <= 1e-9
    assert model.score_many(texts[:5]) == [model.score(t) for t in texts[:5]]


def test_the_dict_fallback_for_keys_too_large_finds_the_same_ngrams(model):
    # A vocabulary whose keys would not fit in 63 bits (a very large alphabet, long n-grams) is
    # looked up n-gram by n-gram instead: the same (post, column) occurrences either way.
    cv = model.features.char_vectorizer_
    lo, hi = model.features.char_ngrams
    fast = F._CharCodes.build(cv.vocabulary_, lo, hi)
    assert fast.table is not None
    slow = F._CharCodes({g: i + 1 for g, i in cv.vocabulary_.items()}, lo, hi, None, 0, None, None)
    views = F._char_views([F.deobfuscate(t) for t in EDGE_TEXTS + _corpus_texts()[::97]])
    for codes in (fast, slow):
        docs, cols = codes.columns(views)
        assert len(docs) == len(cols)
    a = sorted(zip(*map(list, fast.columns(views))))
    b = sorted(zip(*map(list, slow.columns(views))))
    assert a == b and len(a) > 1000


@pytest.mark.parametrize("vocabulary", [{"ab": 0, "b": 1, "abc": 2, "\x00a": 3, "ก่": 4}, {"xy": 0}])
def test_character_codes_on_a_small_vocabulary(vocabulary):
    codes = F._CharCodes.build(vocabulary, 1, 3)
    texts = ["abc", "", "\x00ab", "zab", "ก่ab", "b"]
    docs, cols = codes.columns(texts)
    found = sorted(zip(docs.tolist(), cols.tolist()))
    expected = sorted((doc, vocabulary[g]) for doc, text in enumerate(texts)
                      for g in F._char_ngrams(text, 1, 3) if g in vocabulary)
    assert found == expected
