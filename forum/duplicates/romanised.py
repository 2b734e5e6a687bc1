"""Romanised Thai (karaoke) -> the club vocabulary's concepts (issue 17, eighth pass).

Members abroad or on a phone without a Thai keyboard type Thai in Latin letters, and nobody
spells it the same way twice: "plian", "plean", "pliean" (เปลี่ยน); "kreuang", "krueang",
"kruang" (เครื่อง); "tid", "tit" (ติด).  Listing spellings in the vocabulary never catches up, so
both sides are reduced to a loose *consonant key* instead and compared on that:

* a Thai form: its consonant sounds, one letter per sound class (k g c s t n p f m l h), with
  vowels, tone marks, silent letters (the letter under a karan, a leading ห before a sonorant,
  อ as a vowel carrier) and the semivowels ว/ย dropped; ำ gives "m"; a final ร/ล/ญ/ณ sounds
  "n", a final ส/ศ/ษ/จ/ช/ซ "t", a final ฟ/ภ "p";
* a Latin word: the same classes from the usual spellings (ng, ch/j, th/t/d, kh/k/g, ph/p/b,
  r/l, f, s, m, n, an initial h), vowels and w/y dropped.

So "nam man kreuang" and "น้ำมันเครื่อง" both become "nmmnklg", "hua tian" and "หัวเทียน"
"htn", "mai tid" and "ไม่ติด" "mtt".  The lexicon holds the key of every Thai surface form of the
vocabulary that is unambiguous (every form with that key names the same concepts, and since the
seventeenth pass no everyday Thai word outside the vocabulary has it: `COMMON_WORDS`) and long
enough to be specific (at least MIN_KEY consonant sounds).  The analyzer looks a run of Latin
words up in it only when the run's words are not English (not in the reference corpus, not a
stop word, not a vocabulary form), longest window first, so an English post never goes through
it.  It depends on the vocabulary (and PyThaiNLP's word frequencies) only: the same text always gives the same concepts, on any
board.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

log = logging.getLogger(__name__)

MIN_KEY = 3  # consonant sounds a key needs to be looked up (shorter keys collide too often)
MAX_WINDOW = 4  # Latin words joined into one lookup

_CLASS = {}
for letters, cls in (("กขฃคฅฆ", "k"), ("ง", "g"), ("จฉชฌ", "c"), ("ซศษส", "s"), ("ฎฏดตฐฑฒถทธ", "t"),
                     ("ณน", "n"), ("บปผพภ", "p"), ("ฝฟ", "f"), ("ม", "m"), ("รลฬฤ", "l"), ("หฮ", "h"),
                     ("ญยวอ", "")):
    for ch in letters:
        _CLASS[ch] = cls
_FINAL = {"l": "n", "s": "t", "c": "t", "f": "p"}
_FINAL_LETTERS = set("รลฬญณ")  # sonorant finals that sound "n" (ญ/ณ are already n-like)
_SONORANT = set("งญนมยรลว")
_LEADING = set("เแโใไ")
_VOWEL_MARKS = set("ะัาำิีึืฺุู็่้๊๋ๅ")
_KARAN = "\u0e4c"
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")


def thai_keys(form: str) -> set[str]:
    """The consonant keys of a Thai form: with the final-consonant rule and without it (a
    consonant after a vowel sign may start the next syllable: กระจก is kra-jok, not krat-kok)."""
    return {thai_key(form), thai_key(form, finals=False)}


def thai_key(form: str, finals: bool = True) -> str:
    """Consonant key of a Thai word or compound (see the module docstring)."""
    chars = [c for c in form if "\u0e00" <= c <= "\u0e7f"]
    out: list[str] = []
    n = len(chars)
    for i, ch in enumerate(chars):
        if ch == "ำ":
            out.append("m")
            continue
        if ch not in _CLASS:
            continue
        nxt = chars[i + 1] if i + 1 < n else ""
        if nxt == _KARAN or (i + 2 < n and chars[i + 2] == _KARAN and chars[i + 1] in _CLASS):
            continue  # silenced by a karan (also the pair before it: "ทร์")
        if ch == "ห" and nxt in _SONORANT:
            continue  # leading ห: หมด, หน้า, หลัง
        cls = _CLASS[ch]
        if not cls:
            continue
        prev = chars[i - 1] if i else ""
        # a final: the last letter, or one before a leading vowel or (after a vowel sign) before
        # the next syllable's consonant; never the first letter of the form
        final = finals and i > 0 and prev not in _LEADING and (
            nxt == "" or nxt in _LEADING or (nxt in _CLASS and prev in _VOWEL_MARKS))
        if final:
            cls = "n" if ch in _FINAL_LETTERS else _FINAL.get(cls, cls)
        out.append(cls)
    return "".join(out)


_LATIN_RULES = [(re.compile(rx), sub) for rx, sub in (
    (r"ng", "G"), (r"(?:ch|sh|tch|j|c(?=[hie]))", "C"), (r"th", "t"), (r"(?:kh|gh|ck|q|c)", "k"), (r"ph", "p"),
    (r"x", "ks"), (r"z", "s"), (r"v", "w"),
)]


def latin_key(word: str) -> str:
    """Consonant key of one romanised Thai word (see the module docstring)."""
    w = re.sub(r"([a-z])\1+", r"\1", word.lower())  # a doubled letter is one sound ("tidd")
    for rx, sub in _LATIN_RULES:
        w = rx.sub(sub, w)
    out = []
    for i, ch in enumerate(w):
        if ch == "h":
            if i == 0:
                out.append("h")
            continue
        if ch in "aeiouwy":
            continue
        out.append({"G": "g", "C": "c", "g": "k", "d": "t", "b": "p", "r": "l"}.get(ch, ch))
    return "".join(out)


# (seventeenth pass) A consonant key says little: ทำไม and ซื้อ's "tmm", จำเป็น and ชุมพร's "cmpn",
# แปลก and เบรก's "plk" are the same key.  A romanised writer types the everyday words far more
# often than the vocabulary's, so an everyday Thai word that shares a form's key makes that key
# ambiguous (not looked up): "jam pen" is no longer Chumphon, "tham mai" no longer a purchase,
# "krajok" (glass) no longer a jerk.  The everyday words are the COMMON_WORDS most frequent words of
# the Thai National Corpus (PyThaiNLP's frequency list, already a dependency).
COMMON_WORDS = 5_000
_COMMON = "common Thai word"  # the competitor every everyday word's key gets


def common_thai_words(limit: int = COMMON_WORDS) -> list[str]:
    """The `limit` most frequent words of the Thai National Corpus (PyThaiNLP), Thai letters only;
    empty when the list cannot be read (the lexicon is then the vocabulary's alone)."""
    try:
        from pythainlp.corpus import tnc
        freqs = tnc.word_freqs()
    except Exception:  # the corpus file is part of PyThaiNLP's wheel; never fatal here
        log.warning("PyThaiNLP's word frequencies could not be read: romanised keys are not checked "
                    "against everyday words", exc_info=True)
        return []
    freqs.sort(key=lambda wf: (-wf[1], wf[0]))
    return [w for w, _f in freqs if _THAI_RUN.fullmatch(w)][:limit]


class RomanisedLexicon:
    """Consonant key -> vocabulary target (a concept name or a tuple of them)."""

    def __init__(self, form_to_concept: dict[str, object], common_words: Iterable[str] = ()) -> None:
        targets: dict[str, set] = {}
        for form, target in form_to_concept.items():
            if not _THAI_RUN.search(form) or _LATIN_OR_DIGIT.search(form):
                continue
            for key in thai_keys(form):
                if len(key) >= MIN_KEY:
                    targets.setdefault(key, set()).add(target)
        for word in common_words:
            if word in form_to_concept:
                continue  # a vocabulary form: its own key already
            for key in thai_keys(word):
                if key in targets:
                    targets[key].add(_COMMON)
        self.keys = {key: next(iter(ts)) for key, ts in targets.items() if len(ts) == 1}

    def lookup(self, words: list[str]):
        """Yields (start, end, target) for the longest unambiguous windows of `words` (Latin
        words, in order) whose joined key is a vocabulary form's key; other words are skipped."""
        keys = [latin_key(w) for w in words]
        i = 0
        while i < len(words):
            for size in range(min(MAX_WINDOW, len(words) - i), 0, -1):
                key = "".join(keys[i : i + size])
                target = self.keys.get(key) if len(key) >= MIN_KEY else None
                if target is not None:
                    yield i, i + size, target
                    i += size
                    break
            else:
                i += 1
