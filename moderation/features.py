"""Moderation-specific normalisation and features.

`forum.text.normalize` gives the shared canonical form (NFC, case folding, digits, repetition).
On top of it, moderation undoes the tricks people use to slip words past a filter: look-alike
letters from other scripts, letters spaced or dotted apart ("f u c k", "ค.ว.ย"), symbols inside
words ("f*ck", "เหี้*ย"), leetspeak ("sh1t", "a$$"). Features are then built on that form:
character n-grams (robust for Thai, which has no spaces, and for partial evasions), word tokens
from the shared segmenter, and a few regular-expression signals for trading (prices, phone
numbers, LINE IDs, "DM me"). Nothing here matches bare substrings to decide a label: every
signal is a weighted feature of a trained model.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from forum.text import normalize, strip_thai_tone_marks, tokenize

_T = r"\u0e00-\u0e7f"

# Look-alike characters from Cyrillic/Greek/IPA and rare Thai letters that pass for common ones.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
        "м": "m", "т": "t", "в": "b", "н": "h", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ɡ": "g", "ӏ": "l", "ո": "n", "ս": "u", "α": "a", "ο": "o", "ε": "e", "ι": "i",
        "κ": "k", "ν": "v", "τ": "t", "υ": "u", "ρ": "p", "χ": "x", "ѵ": "v", "ɑ": "a",
        "ß": "ss", "ı": "i", "ł": "l", "ø": "o", "ð": "d",
        "ฅ": "ค", "ฃ": "ข",
    }
)
_ACCENTS = re.compile(r"[\u0300-\u036f]")
_HAS_ACCENT = re.compile(r"[\u00c0-\u024f]")
_HAS_LOOKALIKE = re.compile("[" + "".join(re.escape(chr(c)) for c in _LOOKALIKES) + "]")
_REPEAT_LATIN_3 = re.compile(r"([a-z])\1{2,}")
_REPEAT_THAI_3 = re.compile(rf"([{_T}])\1{{2,}}")

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e"})
_LEET_CHARS = "0134578@$!|+€"
# A "word" for leet folding: latin letters mixed with leet characters.
_LEET_TOKEN = re.compile(r"[a-z0134578@$!|+€]*[a-z][a-z0134578@$!|+€]*|[013457@$!|€]+[a-z][a-z0-9@$!|+€]*")
# Numbers with units (5000baht, 2k, 1.5l, 4x4, 150cc) are not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"\d+(?:[.,]\d+)*(?:k|km|cc|baht|bht|thb|mm|cm|hp|ps|kg|l|x\d+|th|st|nd|rd|am|pm|v|w|nm|rpm|ah)?")
# Single letters (or leet characters) separated by spaces/dots/dashes/symbols: "f u c k", "s.h.1.t".
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9@$!](?:[\s.\-_*/\\|+~'`^,:#]+[a-z0-9@$!](?![a-z0-9])){2,}")
_SYMBOL_INSIDE_LATIN = re.compile(r"(?<=[a-z])[*.\-_'\"`~^#]+(?=[a-z])")
_SEPARATOR_INSIDE_THAI = re.compile(rf"(?<=[{_T}])[\s.\-_*/\\|+~'\"`^#,:]+(?=[{_T}])")
_SYMBOL_INSIDE_THAI = re.compile(rf"(?<=[{_T}])[*@#$%!?_~^`'\"]+(?=[{_T}])")
_SPACES = re.compile(r"\s+")
_DOUBLE_LATIN = re.compile(r"([a-z])\1+")


def _join_spaced(match: re.Match[str]) -> str:
    letters = re.sub(r"[^a-z0-9@$!]", "", match.group())
    return letters if re.search(r"[a-z]", letters) else match.group()


def _fold_leet(match: re.Match[str]) -> str:
    token = match.group()
    if not any(c in _LEET_CHARS for c in token) or _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(_LEET)


def deobfuscate(text: str) -> str:
    """Canonical form with common filter evasions undone. Used for all text features."""
    return _deobfuscate_normalized(normalize(text))


def _fold_lookalikes(text: str) -> str:
    return text.translate(_LOOKALIKES) if _HAS_LOOKALIKE.search(text) else text


def _deobfuscate_normalized(text: str) -> str:
    """`deobfuscate` of an already `normalize`d text."""
    text = _fold_lookalikes(text)
    if _HAS_ACCENT.search(text):
        text = _ACCENTS.sub("", unicodedata.normalize("NFD", text))
    text = _SYMBOL_INSIDE_THAI.sub("", text)
    text = _SEPARATOR_INSIDE_THAI.sub("", text)
    text = _SPACED.sub(_join_spaced, text)
    text = _SYMBOL_INSIDE_LATIN.sub("", text)
    text = _LEET_TOKEN.sub(_fold_leet, text)
    # Folding may have created new repetitions ("fuuuck" is collapsed by normalize; "f.u.u.u.ck" here).
    text = _REPEAT_LATIN_3.sub(r"\1\1", text)
    text = _REPEAT_THAI_3.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


# --- trading and context signals -------------------------------------------------------------

_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("price", rf"(?:\d[\d,.]*\s*(?:k\b|บาท|บ\.|฿|baht|bht|thb|\.-|-\.|/-|พัน|หมื่น|แสน|ล้าน))|(?:฿\s*\d)|(?:ราคา\s*\d)|(?:price\s*:?\s*\d)"),
        ("phone", r"(?<!\d)(?:\+?66[\s\-]?|0)[689]\d[\s\-.]?\d{3}[\s\-.]?\d{4}(?!\d)|(?<!\d)0\d[\s\-.]?\d{3}[\s\-.]?\d{4}(?!\d)|(?:โทร|tel|call|ติดต่อ)\s*[:.]?\s*\d"),
        ("line_id", rf"(?:line|ไลน์|ไลน|ลายน์|id\s*line|ไอดี)\s*(?:id|ไอดี)?\s*[:：=]\s*@?[a-z0-9._\-]{{3,}}|(?<![a-z0-9.])@[a-z0-9._\-]{{3,}}|(?:line|ไลน์)\s*@\s*[a-z0-9]"),
        ("dm", rf"(?<![a-z])(?:dm|pm|ib|inbox|msg)(?![a-z])|ทัก(?:แชท|ไลน์|ไลน|ข้อความ|มา|ได้|เลย|หลังไมค์|ib|inbox|dm|pm)|หลังไมค์|อินบ็อก|อินบอก|ส่งข้อความ|inbox me|message me|pm me"),
        ("sell_verb", rf"(?:^|[^{_T}a-z])(?:ขาย|ขายด่วน|ปล่อย|ส่งต่อ|เปลี่ยนมือ|ขายถูก|รับซื้อ|รับแลก|แลก|ซื้อ|หาซื้อ|ตามหา|รับจ้าง|รับติด|รับซ่อม|รับทำ|รับเหมา|ให้เช่า|ปล่อยเช่า)|ขาย|รับซื้อ|(?<![a-z])(?:wts|wtb|wtt|for sale|selling|buying|swap|trade|fs|sale)(?![a-z])"),
        ("condition", r"มือสอง|มือ\s*2|สภาพดี|สภาพ\s*\d+|%|ของแท้|พร้อมส่ง|ส่งฟรี|เก็บเงินปลายทาง|cod|ต่อรองได้|ราคาคุย|ราคากันเอง|ต่อได้|nego|obo|mint|like new|ใหม่แกะกล่อง"),
        ("link", r"https?://|www\.|\.com|shopee|lazada|kaidee|facebook\.com|fb\.com|bit\.ly"),
        ("question", r"\?|ไหม|มั้ย|มั๊ย|หรือเปล่า|รึเปล่า|หรือไม่|เท่าไหร่|เท่าไร|ที่ไหน|ยังไง|อย่างไร|(?<![a-z])(?:how|where|what|which|anyone|does|is there)(?![a-z])"),
        ("digits_run", r"\d{6,}"),
        ("exclaim", r"!{2,}|\?{2,}"),
    )
)
SIGNAL_NAMES = tuple(name for name, _ in _SIGNALS)


def signal_view(text: str) -> str:
    """Form used for the regular-expression signals: normalised, look-alikes folded, separators
    inside Thai words removed, but digits kept as digits (prices and phone numbers matter)."""
    return _signal_view_normalized(normalize(text))


def _signal_view_normalized(text: str) -> str:
    return _SEPARATOR_INSIDE_THAI.sub("", _fold_lookalikes(text))


def _signals_of_view(view: str) -> list[float]:
    return [1.0 if pattern.search(view) else 0.0 for _, pattern in _SIGNALS]


def signals(text: str) -> list[float]:
    return _signals_of_view(signal_view(text))


def signal_spans(text: str) -> list[tuple[str, str]]:
    view = signal_view(text)
    spans = []
    for name, pattern in _SIGNALS:
        match = pattern.search(view)
        if match and name not in ("question", "exclaim"):
            spans.append((name, match.group().strip()))
    return spans


def _identity(tokens):  # module level so the fitted vectorizer pickles
    return tokens


def char_view(clean: str) -> str:
    """Tone marks dropped so that "เหี้ย", "เหี่ย" and "เหีย" share n-grams; doubled latin
    letters single ("fuuck" and "fuck" share n-grams; words keep the doubles)."""
    return _DOUBLE_LATIN.sub(r"\1", strip_thai_tone_marks(clean))


_WHITE_SPACES = re.compile(r"\s\s+")


def _char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """The n-grams TfidfVectorizer(analyzer="char") produces, with list comprehensions."""
    text = _WHITE_SPACES.sub(" ", text)
    grams: list[str] = []
    for n in range(lo, min(hi, len(text)) + 1):
        grams += [text[i:i + n] for i in range(len(text) - n + 1)]
    return grams


def _tfidf_block(docs, ids, idf, n_docs, width, offset):
    """(rows, columns, values) of sublinear-tf x idf, l2-normalised per document, which is what
    TfidfVectorizer computes; columns shifted by `offset`."""
    if not ids:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    keys, counts = np.unique(np.asarray(docs, dtype=np.int64) * width + np.asarray(ids, dtype=np.int64),
                             return_counts=True)
    rows, cols = np.divmod(keys, width)
    values = (1.0 + np.log(counts)) * idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
    return rows, cols + offset, values / norms[rows]


class ModerationFeatures(BaseEstimator, TransformerMixin):
    """Character n-grams + word tokens + trading signals, as one sparse matrix."""

    def __init__(self, char_ngrams=(2, 4), char_max_features=60000, word_max_features=20000,
                 signal_weight=1.0):
        self.char_ngrams = char_ngrams
        self.char_max_features = char_max_features
        self.word_max_features = word_max_features
        self.signal_weight = signal_weight

    def _views(self, texts):
        normalized = [normalize(t) for t in texts]
        cleaned = [_deobfuscate_normalized(n) for n in normalized]
        chars = [char_view(c) for c in cleaned]
        words = [tokenize(c, normalized=True) for c in cleaned]
        sig = np.asarray([_signals_of_view(_signal_view_normalized(n)) for n in normalized],
                         dtype=np.float64).reshape(len(texts), len(_SIGNALS)) * self.signal_weight
        return chars, words, sig

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts, y=None):
        chars, words, sig = self._views(list(texts))
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=tuple(self.char_ngrams), min_df=2,
            max_features=self.char_max_features, sublinear_tf=True, lowercase=False, dtype=np.float32,
        )
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=_identity, min_df=1, max_features=self.word_max_features, sublinear_tf=True,
            lowercase=False, dtype=np.float32,
        )
        xc = self.char_vectorizer_.fit_transform(chars)
        xw = self.word_vectorizer_.fit_transform(words)
        return sp.hstack([xc, xw, sp.csr_matrix(sig)], format="csr")

    def transform(self, texts):
        chars, words, sig = self._views(list(texts))
        xc = self.char_vectorizer_.transform(chars)
        xw = self.word_vectorizer_.transform(words)
        return sp.hstack([xc, xw, sp.csr_matrix(sig)], format="csr")

    # --- fast path ---------------------------------------------------------------------------
    # Scoring a post through TfidfVectorizer.transform costs ~2 ms of fixed overhead per call.
    # `transform_fast` computes exactly the same tf-idf values (sublinear tf, idf, l2 norm per
    # block) with dict look-ups and one vectorised pass per batch.
    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fast", None)
        return state

    def _fast_tables(self):
        fast = getattr(self, "_fast", None)
        if fast is None:
            cv, wv = self.char_vectorizer_, self.word_vectorizer_
            fast = (
                cv.build_analyzer(), cv.vocabulary_, cv.idf_.astype(np.float64),
                wv.vocabulary_, wv.idf_.astype(np.float64), len(cv.vocabulary_),
                len(cv.vocabulary_) + len(wv.vocabulary_),
            )
            self._fast = fast
        return fast

    def transform_fast(self, texts):
        """Same matrix as `transform`, built without the vectorizers' per-call overhead."""
        analyzer, char_vocab, char_idf, word_vocab, word_idf, word_offset, signal_offset = self._fast_tables()
        n = len(texts)
        lo, hi = self.char_ngrams
        char_get, word_get = char_vocab.get, word_vocab.get
        char_ids: list[int] = []
        char_docs: list[int] = []
        word_ids: list[int] = []
        word_docs: list[int] = []
        sig = np.zeros((n, len(_SIGNALS)))
        for doc, text in enumerate(texts):
            normalized = normalize(text)
            cleaned = _deobfuscate_normalized(normalized)
            ids = [i for i in map(char_get, _char_ngrams(char_view(cleaned), lo, hi)) if i is not None]
            char_ids += ids
            char_docs += [doc] * len(ids)
            ids = [i for i in map(word_get, tokenize(cleaned, normalized=True)) if i is not None]
            word_ids += ids
            word_docs += [doc] * len(ids)
            sig[doc] = _signals_of_view(_signal_view_normalized(normalized))
        blocks = [
            _tfidf_block(char_docs, char_ids, char_idf, n, word_offset, 0),
            _tfidf_block(word_docs, word_ids, word_idf, n, signal_offset - word_offset, word_offset),
        ]
        sig_rows, sig_cols = np.nonzero(sig)
        blocks.append((sig_rows, sig_cols + signal_offset, np.full(sig_rows.size, float(self.signal_weight))))
        rows = np.concatenate([b[0] for b in blocks])
        cols = np.concatenate([b[1] for b in blocks])
        values = np.concatenate([b[2] for b in blocks])
        return sp.csr_matrix((values, (rows, cols)), shape=(n, signal_offset + len(_SIGNALS)))

    def feature_names(self) -> list[str]:
        return (
            [f"c:{n}" for n in self.char_vectorizer_.get_feature_names_out()]
            + [f"w:{n}" for n in self.word_vectorizer_.get_feature_names_out()]
            + [f"s:{n}" for n in SIGNAL_NAMES]
        )
