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

import itertools
import os
import re
import unicodedata

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from forum import text as forum_text
from forum.text import normalize, strip_thai_tone_marks, tokenize
from moderation import prefilter

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
_ANY_LEET = re.compile("[" + re.escape(_LEET_CHARS) + "]")
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
# Gates of the passes above that are searched anywhere in a post (a look-behind at the start of a
# pattern makes the regex engine try every position; a plain character class is scanned for
# quickly): each pass is run only when its gate finds something, and a gate is a necessary
# condition of its pass changing the text, so the text comes out the same.
# _SYMBOL_INSIDE_THAI / _SYMBOL_INSIDE_LATIN remove only runs of these characters:
_ANY_THAI_SYMBOL = re.compile(r"[*@#$%!?_~^`'\"]")
_ANY_LATIN_SYMBOL = re.compile(r"[*.\-_'\"`~^#]")
_DOUBLE_LATIN = re.compile(r"([a-z])\1+")


# --- masked letters ---------------------------------------------------------------------------
# A letter replaced by a mask ("f*ck", "st*pid", "เห*ย", a Latin letter inside a Thai word
# "คxย") cannot be undone by deleting the mask: the word is restored when exactly the words of
# this lexicon fit; otherwise the mask is dropped as before (an inserted symbol: "เหี้*ย").
MASKABLE_EN = (
    "fuck", "fucking", "fucker", "fucked", "shit", "shitty", "bitch", "bitches", "asshole", "bastard", "bastards",
    "idiot", "idiots", "stupid", "moron", "morons", "dick", "dickhead", "cunt", "pussy", "slut", "whore", "damn",
    "crap", "piss", "cock", "tits", "boobs", "nude", "nudes", "naked", "porn", "sex", "sexy", "horny", "king",
    "queen", "royal", "royals", "monarchy", "palace", "crown", "prince", "dumbass", "jerk", "loser", "scum",
    "retard", "twat", "wanker", "bollocks", "hell",
)
MASKABLE_TH = (
    "ควย", "ควาย", "เหี้ย", "เหี้ยย", "สัส", "สัด", "สัตว์", "แม่ง", "มึง", "กู", "เย็ด", "หี", "ส้นตีน", "ตีน",
    "กะหรี่", "ดอก", "อีดอก", "ร่าน", "เงี่ยน", "นม", "จู๋", "จิ๋ม", "หำ", "ห่า", "ชิบหาย", "ฉิบหาย", "เชี่ย",
    "โง่", "ปัญญาอ่อน", "เวร", "ระยำ", "ในหลวง", "กษัตริย์", "สถาบัน", "ราชวงศ์", "พวกเจ้า", "เจ้าฟ้า",
    "ขาย", "โป๊", "เสียว", "ตูด", "แรด", "ชาติหมา", "ไอ้", "อี",
)
_MASK_EN = re.compile(r"(?<![a-z])[a-z]*[*#_?%]+[a-z*#_?%]*(?![a-z])")
_MASK_RUN = re.compile(r"[*#_?%]+")
_ANY_MASK = re.compile(r"[*#_?%]")
_MASK_TH = re.compile(rf"(?<=[{_T}])(?:[*#_?%]+|[a-z])(?=[{_T}])")
# Whether _MASK_TH finds a match: the Thai character its look-behind asks for is matched instead
# (a match of one at i is a match of the other at i - 1), which the engine scans for quickly.
_MASK_TH_FOUND = re.compile(rf"[{_T}](?:[*#_?%]+|[a-z])(?=[{_T}])")


def _unmask_en(match: re.Match[str]) -> str:
    token = match.group()
    if not re.search("[a-z]", token):
        return token
    pattern = re.compile("".join("[a-z]{1,2}" if part and part[0] in "*#_?%" else re.escape(part)
                                 for part in re.split(r"([*#_?%]+)", token)))
    for word in MASKABLE_EN:
        if pattern.fullmatch(word):
            return word
    return token


def _unmask_th(text: str) -> str:
    """Each mask (or a lone Latin letter) between Thai letters: dropped when a lexicon word reads
    across it (an inserted character, "ควxาย"), replaced by the letter it hides when a lexicon word
    fits with it ("คxย"), else dropped."""
    out = text
    for _ in range(4):  # a handful of masks per post at most
        match = _MASK_TH.search(out)
        if match is None:
            return out
        i, j = match.span()
        out = out[:i] + _hidden_letter(out, i, j) + out[j:]
    return out


def _hidden_letter(text: str, i: int, j: int) -> str:
    for word in MASKABLE_TH:  # inserted: the word reads across the mask
        for k in range(1, len(word)):
            if text[i - k:i] == word[:k] and text[j:j + len(word) - k] == word[k:]:
                return ""
    for word in MASKABLE_TH:  # substituted: one letter of the word is hidden
        for k in range(1, len(word)):
            if text[i - k:i] == word[:k] and text[j:j + len(word) - k - 1] == word[k + 1:]:
                return word[k]
    return ""


def _join_spaced(match: re.Match[str]) -> str:
    letters = re.sub(r"[^a-z0-9@$!]", "", match.group())
    return letters if re.search(r"[a-z]", letters) else match.group()


def _fold_leet(match: re.Match[str], _has_leet=_ANY_LEET.search, _number=_NUMBER_WITH_UNIT.fullmatch) -> str:
    # `_ANY_LEET` is the class of the characters of _LEET_CHARS: the same test as looking each
    # character of the token up in _LEET_CHARS, without a Python step per character.
    token = match.group()
    if _has_leet(token) is None or _number(token):
        return token
    return token.translate(_LEET)


def deobfuscate(text: str) -> str:
    """Canonical form with common filter evasions undone. Used for all text features."""
    return _deobfuscate_normalized(normalize(text))


def _fold_lookalikes(text: str) -> str:
    return text.translate(_LOOKALIKES) if _HAS_LOOKALIKE.search(text) else text


# A rude word between quote marks is mentioned, not used: a rule reminder ('calling people
# "morons" gets you a week off'), a report ('he wrote "ไอ้ควาย" under my post'). On the fresh
# splits fresh..fresh6, 18 clean posts and no profane one quote a rude word; in training, 32
# clean rows against 1. The quoted words are replaced by one marker, so their n-grams do not
# read as an insult, and the marker itself is a feature the model weighs ("quoted_rude").
_QUOTED = re.compile(r'["“”«»]([^"“”«»\n]{1,40})["“”«»]')
QUOTED_RUDE_MARKER = " qqrudeqq "
_RUDE_FAMILIES = ("neg_en", "neg_th", "animal_insult", "slur_women", "body_insult")


def _mask_quoted(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        inner = _deobfuscate_core(_fold_lookalikes(match.group(1)))
        return QUOTED_RUDE_MARKER if any(lexicon(inner, _RUDE_FAMILIES)) else match.group()
    return _QUOTED.sub(replace, text)


def _deobfuscate_normalized(text: str) -> str:
    """`deobfuscate` of an already `normalize`d text."""
    text = _fold_lookalikes(text)
    if _QUOTED.search(text):
        text = _mask_quoted(text)
    return _deobfuscate_core(text)


def _deobfuscate_core(text: str) -> str:
    """The evasion undoing of `_deobfuscate_normalized`, after look-alikes are folded."""
    if _HAS_ACCENT.search(text):
        text = _ACCENTS.sub("", unicodedata.normalize("NFD", text))
    if _MASK_TH_FOUND.search(text):
        text = _unmask_th(text)
    if _ANY_THAI_SYMBOL.search(text):
        text = _SYMBOL_INSIDE_THAI.sub("", text)
    text = _SEPARATOR_INSIDE_THAI.sub("", text)
    if _MASK_TH_FOUND.search(text):  # separators removed above may have hidden a mask
        text = _unmask_th(text)
    text = _SPACED.sub(_join_spaced, text)
    # Each of these two passes calls back into Python for the words it matches; a text with no
    # mask character cannot match _MASK_EN, and in a text with no leet character every word
    # folds to itself, so those texts skip the pass (most posts: it is the costliest of the lot).
    if _ANY_MASK.search(text):
        text = _MASK_EN.sub(_unmask_en, text)
    if _ANY_LATIN_SYMBOL.search(text):
        text = _SYMBOL_INSIDE_LATIN.sub("", text)
    if _ANY_LEET.search(text):
        text = _LEET_TOKEN.sub(_fold_leet, text)
    # Folding may have created new repetitions ("fuuuck" is collapsed by normalize; "f.u.u.u.ck" here).
    text = _REPEAT_LATIN_3.sub(r"\1\1", text)
    text = _REPEAT_THAI_3.sub(r"\1", text)
    return " ".join(text.split())  # `_SPACES.sub(" ", text).strip()`: the same white space (str.isspace)


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


# --- lexicon views (issue 13) --------------------------------------------------------------------
# Word families matched on the de-obfuscated text (Thai words that hide inside everyday ones are
# guarded: "บ้า" in "บ้าน", "ห่า" in "ห่าง", "คุณ" in "ขอบคุณ", "ไร้" in "ไร้สาย", "สัด" in
# "สัดส่วน", "เวร" in "เวรกรรม"). Each is one binary feature; a few conjunctions (a royal referent
# together with a disparaging word, an organisation or a group together with an insult, praise
# together with a mishap) let the linear model see what neither word says alone. They are weighted
# features of the trained model, never rules.
_NEG_EN = (r"idiot|moron|stupid|dumb|fuck|shit|bastard|asshole|bitch|clown|crook|thie(?:f|ves)|scam|parasite|leech"
           r"|trash|scum|loser|brainless|brain-dead|muppet|con artist|liar|lying|corrupt|joke|propaganda|abolish"
           r"|fraud|rob|pathetic|spoiled|playboy|disgrace|useless|worthless|disgusting|creepy|cult|sheep|brainwashed"
           r"|extortion|incompetent|chimp|snake|menace|senile|subhuman|rotten|shameful|arrogant|ego|leeches|slimy"
           r"|clueless|lazy|bribe|robbers?|crooks?|con men|conmen|freeloaders?|cheapskates?|entitled|selfish|prick|dickhead"
           r"|arse|arsehole|tossers?|wankers?|pigs|monkeys|clowns|thugs|gangsters|hypocrites?|greedy|bloated|pampered|leeching")
_NEG_TH = (r"ควาย|เหี้ย|สัส|สัด(?!ส่วน)|ส้นตีน|ตีน|ปัญญาอ่อน|ระยำ|เวร(?!กรรม)|ชาติหมา|ห่า(?!ง)|ตอแหล|สวะ|กาก|กระจอก|สันดาน|เปรต|ควย|แม่ง"
           r"|มึง|โง่|ปรสิต|ผลาญ|สร้างภาพ|ไร้ค่า|ยกเลิก|โกง|ขโมย|ตัวตลก|หลอก|ต้มตุ๋น|โจร|รีดไถ|ไร้(?!สาย)|ขยะ|เลว|น่าสมเพช"
           r"|สมอง|มาเฟีย|ขี้เกียจ|หน้าเลือด|มงกุฎ|ปากหมา|เน่า|ดูดเลือด|กอบโกย|ฮุบ|เสวยสุข|เทวดา|ภาระ|ไม่คู่ควร|ไม่สมควร"
           r"|น่ารังเกียจ|เชื้อโรค|ไร้การศึกษา|งมงาย|โรคจิต|บ้า(?!น)"
           r"|เห็นแก่ตัว|ไม่มีสมอง|ไร้สมอง|สมองกลวง|ปล้น|อันธพาล|ไร้จรรยาบรรณ|ไม่มีมารยาท|หน้าด้าน|ไม่ได้เรื่อง|ไม่เอาไหน"
           r"|เช้าชามเย็นชาม|นักต้มตุ๋น|หลอกลวง|ไร้สำนึก|ไม่มีสำนึก|ไร้อนาคต|ตัวปัญหา|เหลือขอ|ถ่วงความเจริญ|หน้าไม่อาย")
_LEXICON_SOURCES: tuple[tuple[str, str], ...] = (
    ("neg_en", rf"(?<![a-z])(?:{_NEG_EN})"),
    ("neg_th", _NEG_TH),
    ("animal_insult", r"(?:ไอ้|อี|หน้า|ลูก|สมอง|ปัญญา)(?:หมา|ควาย|เหี้ย|ลิง|หมู|แรด|ปลวก|เห็บ|จิ้งจก|ตัวเงินตัวทอง|เต่า|วัว|ไส้เดือน|กิ้งก่า|สัตว์|จิ้งเหลน)"),
    ("body_insult", r"หัวควย|หน้าหี|ส้นตีน|หน้าตูด|ปากตูด|ตีนผี|หน้าตีน|หัวขวด|ขี้ข้า|หน้าตัวเมีย"),
    ("slur_women", r"อีดอก|ดอกทอง|กะหรี่|อีร่าน|อีตัว|อีแรด|สำส่อน|ชะนีร่าน|อีบ้า|อีผี|อีเมียน้อย|(?<![a-z])(?:slut|whore|bitch)"),
    ("curse_wish", r"ขอให้.{0,30}(?:แตก|คว่ำ|พัง|ตาย|ชิบหาย|ฉิบหาย|โดนชน|ไฟไหม้|หลุด|โดนขโมย|ตกเหว|เสีย|โดนใบสั่ง)|ไปตาย|ตายห่า|พ่อมึงตาย|แม่มึงตาย|may your|hope you crash|hope your"),
    ("second_person", r"มึง|(?<![a-z])(?:you|your|you're)(?![a-z])|(?<!ขอบ)คุณ|ท่าน|ไอ้|พวกแก|แก(?=[ ]|$)"),
    ("sarcasm", r"อัจฉริยะ|ปรบมือ|ภูมิใจไว้|นับถือ|ขอคารวะ|ฉลาดเป็นกรด|ประชด|ผู้เชี่ยวชาญ|โนเบล|ผู้รู้|ฉลาดล้ำ|เก่งจัง|เก่งมากนะ|เก่งเหลือเกิน|เยี่ยมไปเลย|ดีจังเลยนะ|ขอบใจนะที่|ขอบคุณมากที่|ให้รางวัล|ถ้วยรางวัล|มอบรางวัล|มืออาชีพจริง|หัวดีจัง|ใจดีจังเลย|สมควรได้รางวัล|(?<![a-z])(?:genius|brilliant|bravo|well done|slow clap|thanks for nothing|congrats|legend|top tier|einstein|professor|enlighten|gift to|so proud|lucky draw|gene pool|oh sure|wow|good job|nice job|great job|award|trophy|medal|yeah right|sure thing|/s|bless (?:his|her|their) heart|masterpiece|mastermind|rocket scientist|hats off|take a bow|must be nice|real pro|quite the|truly gifted|what a hero|nobel"
              r"|top work|really impressive|impressive work|love how|amazing how|so helpful|what a helpful|totally worth|love the confidence|such a talented"
              r"|can you (?:even |actually )?read|cheers mate|really appreciate it|world class|fastest)"
              r"|อ่านออกไหม|อ่านหนังสือออก|ช่วยได้เยอะ|ช่วยให้แย่|ระดับโลก|ยอดเยี่ยมจริง|ทำงานดีเหลือเกิน|ขอคารวะ|ใจดีจัง|ฝีมือระดับ|แหม"),
    # Sarcasm and backhanded praise: a praise word in the same post as a mishap or a failing
    # (the conjunction below); genuine thanks name what worked instead.
    ("praise", r"ชื่นชม|สุดยอด|ขอบคุณ|ขอบใจ|ขอบพระคุณ|เก่ง|ฉลาด|อัจฉริยะ|เทพ|ยอดมนุษย์|ปรบมือ|ยินดีด้วย|นับถือ|แบบอย่าง|คนดี|ผู้รู้|กูรู|มือทอง|ความรู้ล้น|หัวกะทิ|(?<![a-z])(?:talented|hero|genius|brilliant|congrat|thanks|thank you|cheers|applause|bravo|legend|wisdom|smart|expert|champ|star|amazing|impressive|proud|well done|well played|nice of you|what a|love how|bless)"),
    ("mishap", r"ห่วย|ไม่ติด|หลุด|โทษ|ฮีท|รอยขีด|ขีดข่วน|ไม่ช่วย|ไม่มีประโยชน์|ขับวน|เสียเวลา|ไม่เสร็จ|ท่วม|รอ.{0,6}ชั่วโมง|ผิด|พัง|ไม่เป็น|ยังไม่|ปลอม|ไม่เปิดไฟ|ชน|ลืม|มั่ว|ไม่เคย|แย่|ทับเส้น|ขวาง|ช็อต|เสียเงิน|ทั้งที่|ไม่เข้า|รอบที่|ซ้ำ|(?<![a-z])(?:wrong|fault|dents?|broke|ruin|never|none of|optional|footpath|least|blame|crash|fried|strip|lost|again|twice|three|forgot|locked|useless|instead|no idea|pity|shame|scratched|ignore|ignored|cost me|hasn't|worse|nothing)"),
    ("organisation", r"ร้านล้างรถ|ร้านแต่ง|ร้านอะไหล่|ไฟแนนซ์|สำนักงาน|ด่าน|การไฟฟ้า|ศูนย์|ตำรวจ|กรม|ขนส่ง|ประกัน|ร้านยาง|อู่|เต็นท์|ปั๊ม|กระทรวง|ดีลเลอร์|โชว์รูม|เทศบาล|กทม|การทาง|บริษัท|(?<![a-z])(?:dealer|tyre shop|tire shop|police|cops|ministry|department|insurance|insurer|garage|showroom|council|service centre|service center|call centre|carwash|car wash|chain|finance|authority|office|committee|leasing|dealership)"),
    ("group", r"ผู้หญิง|แท็กซี่|เด็กแว้น|บิ๊กไบค์|คนแก่|สลิ่ม|ควายแดง|สามกีบ|รถตู้|คนต่างจังหวัด|แฟนบอย|คนอีสาน|คนเหนือ|คนใต้|ฝรั่ง|เสื้อเหลือง|เสื้อแดง|คนขับ|พวกขับ|เจ้าของรถ|ไรเดอร์|วินมอไซค์|พวกเจ้าของ|สาวออฟฟิศ|แม่บ้าน|คนกรุงเทพ|ต่างด้าว"
              r"|(?<![a-z])(?:women|woman|royalists|loyalists|taxi drivers|old people|bikers|fanboys|foreigners|teenagers|yellow shirts|red shirts|boomers|asian|owners are"
              r"|lady drivers|girls|old men|rich kids|expats?|farang|tourists|[a-z]+ drivers?|[a-z]+ owners|[a-z]+ riders|riders|delivery guys)"),
    ("royal", r"พระที่นั่ง|พระนาม|เฉลิมพระเกียรติ|พระราชวัง|ราชวัง|ราชสำนัก|ราชนิกุล|คลานเข้า|ผู้มีบุญ|ทรงเลี้ยง|ในหลวง|กษัตริย์|พวกเจ้า|ราชวงศ์|สถาบัน|เจ้าฟ้า|ราชินี|เบื้องสูง|ในวัง|รั้ววัง|พระบรม|ฉายาลักษณ์|สรรเสริญ|เสด็จ|โครงการหลวง|พระราชดำริ|ประจำพระองค์|ธงเหลือง|ธงฟ้า|แบงก์|เหรียญ|ทรัพย์สินส่วนพระองค์|(?<![a-z])(?:king|queen|royal|palace|crown|monarch|loyalist|royalist|anthem|portrait|majesty|prince|princess|banknote|yellow flag|institution|heir|household|rachawong|raj-?cha-?wong|ratchawong|sansern|phra ?ratcha)"),
    ("royal_respect", r"ทรงพระเจริญ|ถวายพระพร|จงรักภักดี|พระมหากรุณาธิคุณ|ยืนตรง|ยืนเคารพ|เคารพ|(?<![a-z])(?:long live|best wishes|good health|respect)"),
    ("royal_defile", r"เผา|เช็ด|ปูรอง|รองขา|หันหลังให้|บีบแตรใส่|ไม่ไหว้|ไม่ก้ม|ไม่กราบ|\U0001F921|ไม่ยืน|วาดหนวด|เช็ดรถ|เช็ดล้อ|ขยำ|ผ้าขี้ริ้ว|ห้องน้ำ|ลูกดอก|กดแตรใส่|ปาเป้า|ฉี่รด|ฉี่ใส่|ถ่มน้ำลาย|ถุยน้ำลาย|เหยียบ(?!เบรก|คันเร่ง|คลัทช์|ครัช|มิด|จม)|ฉีก|พรมเช็ดเท้า|รองแก้ว|(?<!เบาะ)รองนั่ง|ถังขยะ|ล้อเลียน|ตัดต่อ|มีม|หัวเราะเยาะ|เย้ยหยัน|นั่งทับ|ไม่ลุก|นั่งเฉย|ไม่ยอมยืน|โห่|กระดาษชำระ|ทิชชู่|(?<![a-z])(?:refuse to stand|won't stand|rag|tear down|tore down|eggs|clown nose|laughed at|coffee cup on|dartboard|darts|pee on|piss on|spit on|stomp|stepped on|doormat|coaster|toilet paper|binned|in the bin|meme|mock|photoshop|graffiti|scribbl|moustache|mustache|stayed seated|stay seated|sat through|booed|middle finger|wipe (?:my|the) |used it (?:to|as)|burn|burnt|burned|set fire|wiped|clown sticker|honk at|honked at|fold(?:ed)? (?:it|them|the note)|sit on|sat on|stay in my seat|stayed in my seat|won't bow|never bow|turn my back)"),
    # Royal symbols: portraits, the royal anthem, royal flags, arches and signs, banknotes.
    ("royal_symbol", r"พระบรมฉายาลักษณ์|พระบรมรูป|พระรูป|ฉายาลักษณ์|รูปในหลวง|รูปพ่อหลวง|พ่อหลวง|แม่หลวง|เพลงสรรเสริญ|สรรเสริญพระบารมี|ธงตรา|ตราสัญลักษณ์|ซุ้มเฉลิม|ซุ้มถวาย|ป้ายทรงพระเจริญ|ป้ายถวายพระพร|ธนบัตร|แบงก์พัน|ธงเหลือง|ธงฟ้า|ธงม่วง|(?<![a-z])(?:portrait|anthem|royal flag|yellow flag|birthday arch|royal arch|banknote|his face on|royal emblem|royal picture|royal photo|shrine to)"),
    # Oblique referents to the monarchy (pass 8): the palace, its convoys and bloodline, kneeling
    # and crawling, the loyalists' worship, in words that carry no royal title.
    ("royal_oblique", r"ในรั้ววัง|ชนชั้นเจ้า|เจ้านายชั้นสูง|ท่านนั้น|เพลงนั้น|คนบนนั้น|ครอบครัวนั้น|เกิดถูกท้อง|คนในวัง|ทางวัง|ของวัง|ที่วัง|วังหลวง|ชาววัง|ผู้สูงส่ง|ชนชั้นสูง|คนชั้นสูง|คนข้างบน|เบื้องบน|สมมติเทพ|ศักดินา|ไพร่|หมอบ|คลานเข่า|ก้มกราบ|พับเพียบ|ขบวนเจ้า|ขบวนท่าน|ขบวนเพิ่น|ขบวนนั้น|รับเสด็จ|ล้นเกล้า|เกิดถูกบ้าน|สายเลือด|คลั่งเจ้า|ประจบเจ้า|รูปเจ้า|หน้าเจ้า|พ่อของแผ่นดิน|พ่อแห่งแผ่นดิน|ครอบครัวนี้|บ้านหลังนั้น|(?<![a-z])(?:one family|that family|bloodline|blue bloods?|feudal|serfs?|peasants|kneel|on (?:their|our|my) knees|crawl|bow(?:ing)? (?:down|to)|motorcade|convoy|hrh|highness|demigod|divine|the institution|father of the nation|nai luang|sathaban|jao fa|jao nai|behind the (?:white )?walls|that song|the big man|born into|that lot|the top|that face|his face|the man it)"),
    # Privilege and propaganda: taxes, private jets, land, photo-op projects, worship, waiting.
    ("grievance", r"รถหรู|วังใหม่|เงินหลวง|เงินเรา|ไม่เคยทำงาน|ไร้สาระ|หน้าด้าน|ภาษี|กินภาษี|เครื่องบินส่วนตัว|ไม่เคยทำงาน|ไม่เคยทำอะไร|ไม่เคยเห็นหัว|เอาหน้า|ตัดริบบิ้น|ถ่ายรูป|ละคร|โฆษณาชวนเชื่อ|ล้างสมอง|ลัทธิ|บูชา|เปลืองงบ|งบเป็นล้าน|ทั้งเมือง|เอาเปรียบ|รวยจาก|ที่ดิน|ประจบ|ติดคุก|ยุคไหนแล้ว|ศตวรรษ|ล้าหลัง|ต่อคิว|ไม่ต้องรอ|ขายฝัน|(?<![a-z])(?:tax|taxes|taxpayers?|our money|private jets?|jet off|photo ops?|ribbon|pr machine|indoctrinat|worship|medieval|theatre|theater|cosplay|never worked|never did a day|never queued|skip traffic|budget line|land portfolio|property|wealth|billions?|freeload|privilege|inherited|born into|earned|owns|land|grateful|plane|skim|pocket|pamper|bloated|robs?|hobby|pr team|racket|fairy tale|circus|overrated|pension)"),
    ("sexual", r"เย็ด|เสียว|โป๊|นู้ด|เงี่ยน|(?<![ก-ฮ])หี|จู๋|จิ๋ม|ขย่ม|คราง|ม่านรูด|ขยำ|เอากัน|ชักว่าว|ถอดหมด|(?<![a-z])(?:sex|porn|nude|naked|horny|tits|boobs|blowjob|hookup|sugar baby|onlyfans|fucked|bang her|xxx)|18\+"),
    ("innuendo", r"ไม่ได้หมายถึง|รู้กันนะ|ส่วนตัว|สองต่อสอง|ถึงใจ|ฟิน|เปียก|(?<![a-z])(?:if you know what i mean|i don't mean|wink|private time|;\)|no strings|discreet)"),
    ("double_word", r"สายยาง|เป่า|ท่อ|เสียบ|รู|นั่งตัก|เบาะหลัง|คันเกียร์|ช่วงล่าง|เขย่า|ขัดเงา|หัวฉีด|ก้านวัด|จารบี|เข้าเกียร์|เข้าซอง|(?<![a-z])(?:hose|stick|dipstick|back ?seat|ride|riding|gear knob|suspension|exhaust|back door|pump|joystick|nozzle|warm up the engine|under (?:my|the) hood|full service|test drive|tyre pressure|tire pressure)"),
    # Night and a private place: with a double word, the shape of an invitation (pass 8).
    ("night_private", r"คืนนี้|ดึกๆ|ทั้งคืน|ถึงเช้า|โรงแรม|รีสอร์ท|ถึงห้อง|ถึงเตียง|เตียง|มุมมืด|ฟิล์มดำ|(?<![a-z])(?:tonight|after dark|all night|hotel|motel|my room|bed|tinted|fogged|dark corner|after midnight)"),
    ("sex_emoji", "[\U0001F346\U0001F351\U0001F4A6\U0001F60F\U0001F975\U0001F445\U0001F352]"),
    ("sex_emoji_2", "[\U0001F346\U0001F351\U0001F4A6\U0001F60F\U0001F975\U0001F445\U0001F352].*[\U0001F346\U0001F351\U0001F4A6\U0001F60F\U0001F975\U0001F445\U0001F352]"),
    ("meet", r"เหงา|ค้างคืน|ห้องเดียว|ม่านรูด|พี่เลี้ยง|มาคนเดียว|หาน้อง|หาสาว|(?<![a-z])(?:lonely|discreet|no strings|meet me|bring nothing|sugar|ladies|single girls|seeks lady)"),
    ("clip", r"คลิป|รูป|ไลฟ์|(?<![a-z])(?:clip|video|pics|tape|cam|photos|live show)"),
    ("rule_talk", r"กฎ|ห้าม|เตือน|คำว่า|แอดมิน|ผิดกฎ|(?<![a-z])(?:rule|mods?|banned|reminder|the word|don't call|please don't)"),
    # Quoting or reporting someone else's words (a rude word inside it is not aimed at anyone here).
    ("quote_report", r"พิมพ์ว่า|เขียนว่า|โพสต์ว่า|ด่าว่า|เรียกว่า|เรียกผมว่า|บอกว่า|คำพูด|คำหยาบ|ใช้คำ|รายงาน|แจ้งลบ|แจ้งแอดมิน|แคป|ลบโพสต์|ลบคอมเมนต์|ไม่สุภาพ|(?<![a-z])(?:said|says|wrote|writes|called (?:me|him|her|us)|posted|report|reported|flagged|screenshot|quote|quoting|used the word|the words?|language|swear words?|cuss)"),
    ("quote_marks", "[\"“”‘«»]"),
    ("quoted_rude", r"(?<![a-z])qqrudeqq(?![a-z])"),
    # Family on board: "private time" or the back seat with the kids is not innuendo.
    ("family", r"ครอบครัว|ลูกสาว|ลูกชาย|พาลูก|ลูกๆ|ลูก |เด็กๆ|หลาน|คุณแม่|คุณพ่อ|(?<![a-z])(?:kids?|children|family|grandma|grandpa|granny|mum|mom|dad|daughter|son|toddler|baby|wife and kids)(?![a-z])"),
    ("self_deprecate", r"ผม(?:นี่|มัน)?โง่|โง่เอง|ตัวเอง|คำถามโง่|ถามโง่|ผิดเอง|ผิดที่ผม|ความผิดผม|ความโง่ของ|ซุ่มซ่าม|โทษตัวเอง|กูนี่มัน|ผมนี่มัน|ฉันนี่มัน|หนูนี่มัน|(?<![a-z])(?:my (?:dumb|stupid)|i'm (?:such )?an? (?:idiot|muppet|moron)|i'm the idiot|i feel (?:stupid|dumb|like an idiot)|silly me|idiot me|genius me|my bad|my own fault|i am (?:such )?an? (?:idiot|moron|muppet|clown)|what an idiot i|stupid of me|dumb of me|my own stupidity|facepalm|i'm hopeless|i'm useless|call me an idiot)|\U0001F926"),
    ("first_person", r"(?<![ก-ฮ])(?:ผม|กู(?!รู)|ฉัน|หนู|เรา)(?!ะ)|ตัวเอง|(?<![a-z])(?:i|i'm|me|my|myself|mine)(?![a-z])"),
    ("medical", r"หมอ|เจ็บ|ปวด|ให้นม|ปั๊มนม|หน้าอก|(?<![a-z])(?:breastfe|doctor|pain|chest|groin|injur)"),
    ("mechanical", r"ลูกหมาก|หัวนม(?:เบรก)?|ท่อยาง|หม้อน้ำ|(?<![a-z])(?:nipple|ball joint|hose clamp|male and female|cv boot|connector|radiator|caliper)"),
)


def _split_alternatives(pattern: str) -> tuple[list[str], list[str]]:
    """Top-level alternatives of `pattern`, split into those that start with a Thai letter and
    the rest (Latin words, emoji, punctuation)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "\\":
            continue
        if ch == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and pattern[i - 1] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    thai, other = [], []
    for part in parts:
        body = re.sub(r"^\(\?<?[!=][^)]*\)", "", part).lstrip("(?:")
        (thai if body[:1] and "\u0e00" <= body[0] <= "\u0e7f" else other).append(part)
    return thai, other


def _compile_half(parts: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(parts)) if parts else None


# Each family is searched as two patterns: its Thai words over the Thai runs of the text only,
# its other words over the rest; scanning the shorter strings halves the lexicon's cost.
# Apostrophes between letters are gone from the de-obfuscated text ("i'm" reads "im"): every
# apostrophe of a pattern is optional, or "i'm an idiot" and "you're" would never match.
# Context families (pass 11): used only inside the context features below, never features on
# their own. Who a harsh word is aimed at (a thing, a part, the road, the weather), sincere
# well-wishing, talk of prices without an offer, plain thanks, a quoted remark refuted.
_CONTEXT_SOURCES: tuple[tuple[str, str], ...] = (
    ("thing", r"เครื่องยนต์|เครื่อง|เกียร์|ยาง|แอร์|ลำโพง|ถนน|ทางด่วน|ฝน|น้ำท่วม|รถติด|อากาศ|แดด|เทอร์โบ|แบต|ช่วงล่าง|โช้ค|ระบบ|ดีไซน์|ซอฟต์แวร์|แอป|จอ|หลุม|ฝุ่น|ไฟหน้า|เบรก|คลัตช์|ครัช|กระจก|เบาะ|ท่อ|หม้อน้ำ|พวงมาลัย|ล้อ|สี|ฟิล์ม|กล้อง|ที่จอด|ลานจอด|สะพาน|อะไหล่|น้ำมัน|ตัวถัง|ประตู|กันชน|วิทยุ|เพลง|ร้อน|หนาว|(?<![a-z])(?:turbo|gearbox|transmission|speakers?|stereo|road|roads|rain|weather|traffic|engine|battery|app|software|firmware|design|tyres?|tires?|aircon|a/c|pothole|potholes|suspension|brakes?|clutch|seats?|paint|headlights?|wipers?|screen|infotainment|gps|parking|bridge|heat|humidity|dust|smog|fuel|petrol|diesel|bumper|mirror|horn|exhaust|radio|dashcam|car park|carpark|sat ?nav|update)"),
    ("wellwish", r"ทรงพระเจริญ|ถวายพระพร|ขอให้ทรง|ขอพระองค์|ขอให้พระองค์|ทรงพระสำราญ|ด้วยเกล้า|สำนึกในพระมหากรุณา|(?<![a-z])(?:long live|god save|wishing (?:his|her) majesty|wish (?:his|her) majesty|good health to|may (?:his|her) majesty|happy birthday to (?:his|her) majesty)"),
    ("no_sale_word", r"ห้ามขาย|ไม่ขาย|ไม่ได้ขาย|ไม่ได้จะขาย|ไม่ได้คิดจะขาย|ไม่รับขาย|ไม่มีขาย|ไม่ได้ประกาศขาย|ไม่ขายนะ|ยังไม่ขาย|ไม่ปล่อย|(?<![a-z])(?:no selling|not for sale|not selling|no sales|no trading|nothing for sale|isn't for sale|not a sale|no sale)"),
    ("price_talk", r"ค่าซ่อม|ค่าแรง|ค่าอะไหล่|จ่ายไป|เสียไป|หมดไป|ราคาเท่าไหร่|ราคาเท่าไร|ราคาประมาณ|ราคากลาง|แพง|ถูกกว่า|ใบเสนอราคา|บิล|(?<![a-z])(?:paid|cost me|costs|quoted|quote was|the bill|invoice|how much|price range|overpriced|expensive|cheaper|worth it)"),
    ("offer", r"สนใจทัก|ทักมา|ทักไลน์|ทักแชท|ทักได้|ติดต่อ|โทร|ไลน์|อินบ็อก|อินบอก|ราคาคุย|ส่งฟรี|พร้อมส่ง|ต่อรอง|เก็บเงินปลายทาง|ขายด่วน|ปล่อยต่อ|(?<![a-z])(?:dm|pm|ib|inbox|line id|call me|text me|wts|(?<!not )(?<!isn.t )(?<!isnt )for sale|selling my|cod|shipping|obo|nego)"),
    ("thanks", r"ขอบคุณ|ขอบใจ|ขอบพระคุณ|(?<![a-z])(?:thanks|thank you|thx|ty|cheers|much appreciated|grateful)"),
    ("refute", r"ไม่จริง|ไม่เห็นด้วย|ไม่ใช่เลย|ไม่ถูกต้อง|ไร้สาระ|อย่าเหมารวม|เหมารวม|ไม่ยุติธรรม|ไม่แฟร์|ผิดแล้ว|ไม่ควรพูด|ไม่ควรใช้คำ|ไม่โอเค|(?<![a-z])(?:not true|nonsense|disagree|don't agree|that's wrong|is wrong|unfair|stereotype|generalis|generaliz|not ok|not okay|uncalled for|out of line|rubbish claim|myth)"),
)

# Pass 15 (h-class15): families added after the pass-11 names (so the older name lists stay a
# prefix): vulgar words (a swear word is profane whatever it is aimed at, a pothole included:
# "thing_only&neg" no longer fires with one), and the shapes of a stereotype or of contempt for
# a whole group or organisation ("every single one of them", "staffed by", "มีแต่พวก").
_PASS15_SOURCES: tuple[tuple[str, str], ...] = (
    ("vulgar", r"เหี้ย|สัส|สัด(?!ส่วน)|แม่ง|ควย|ห่า(?!ง)|ชิบหาย|ฉิบหาย|เชี่ย|ส้นตีน|มึง|ระยำ|จัญไร|เย็ดแม่|ดอกทอง|(?<![a-z])(?:fuck|shit|arse|bastard|prick|cunt|bollocks|piss|wank|twat|bloody hell|goddamn|bullshit|bitch|(?:ass(?:hole)?|dick(?:head)?|damn|crap(?:py)?|wtf|ffs)(?![a-z]))"),
    ("stereotype", r"ทุกคนเลย|ทั้งนั้น|ทุกที|สักคน|นิสัยเดียวกัน|เหมือนกันหมด|มีแต่พวก|ไม่ควรได้|ควรห้าม|ไม่ควรให้|ทั้งแผนก|ทั้งจังหวัด|ทั้งเกาะ|ทั้งประเทศ|พวกนี้|(?<![a-z])(?:every single|all the same|every one of them|the lot of them|all of them|typical|always|should be banned|can't drive|cant drive|shouldn't be allowed|go back to|staffed by|run by|bunch of|gang of|nothing but|a plague|none of them|name a worse|should stick to|should stay)"),
)
# Pass 16 (h-class16): families for trading beyond goods with a phone number, appended after the
# pass-15 names: services offered or promoted (รับจ้าง/รับทำ..., for hire, promo, "call now"), a
# rate per unit (วันละ, per hour), money words, wanted-to-buy (หาซื้อ, อยากได้, WTB, anyone
# selling) and a budget, and, for the hard negatives, a sale told as a past story and the shape of
# asking where to buy. Used through the conjunctions below (and each on its own).
_PASS16_SOURCES: tuple[tuple[str, str], ...] = (
    ("service_offer", r"รับจ้าง|รับทำ|รับซ่อม|รับติด|รับพ่น|รับส่ง|รับแต่ง|รับงาน|รับตรวจ|รับลาก|รับขน|รับเหมา|รับล้าง|รับเคลือบ|รับสอน|รับจอง|เปิดรับ|ให้เช่า|ปล่อยเช่า|พร้อมคนขับ|มีบริการ|บริการถึง|บริการนอก|นอกสถานที่|ถึงบ้าน|ถึงที่|จองคิว|รีบจอง|จองล่วงหน้า|โปรเดือน|โปรพิเศษ|ที่ร้านมีโปร|ราคาพิเศษ|ส่วนลด|แถมฟรี|ผ่อนได้|เริ่มต้น|เริ่มที่|เหมาจ่าย|เหมาเที่ยว|แวะมาที่ร้าน|ร้านเรา|อู่เรา|อู่ผมรับ|ร้านผม|เปิดคอร์ส|เปิดใหม่|ทักเพจ|กรุ๊ปบาย|รวมยอด|ลงชื่อใต้|ขอแลก|แลกกับ|ใครสนใจแลก|(?<![a-z])(?:for hire|for rent|available for|renting out|rent out|book now|call now|call us|book via|to book|promo|discount|% off|\d+ off|half price|starting at|starts at|from \d|we come to|we do|our garage|our shop|our price|special price|package|free alignment|get the \w+ free|made to order|i can do|offering|group buy|swap (?:my|for|it)|swapping my|will swap|trade (?:my|for)|exchange (?:my|for|a )|send your (?:model|plate)|for a quote|rap jang|rap tham|rap ngan|rap song|hai chao|jong khiw)"),
    ("rate", r"วันละ|ชั่วโมงละ|ชม\.?ละ|คืนละ|เที่ยวละ|คันละ|ครั้งละ|หัวละ|กิโลละ|ชุดละ|ลูกละ|ชิ้นละ|ต่อวัน|ต่อชั่วโมง|ต่อครั้ง|ต่อคืน|เดือนละ|รายเดือน|รายวัน|(?<![a-z])(?:per (?:hour|day|night|session|car|km|trip|month)|an hour|a day|a night|a session|/day|/hour|/hr|/night|/month|each|wan la|chua mong la)"),
    ("money", r"บาท|(?<![ก-ฮ])บ\.|พันบาท|หมื่น|โอนก่อน|โอนเงิน|โอนมา|โอนแล้ว|ราคาคุย|ค่าขนม|(?<![a-z])(?:baht|thb|\d+(?:\.\d)?\s?k(?![a-z])|\d{1,3}(?:,\d{3})+)|฿"),
    ("wanted", r"หาซื้อ|อยากได้|ตามหา|ต้องการซื้อ|ขอซื้อ|ใครมี.{0,40}(?:ขาย|ปล่อย|แลก)|ใครจะปล่อย|มีใครจะปล่อย|ใครมีขาย|หาคนแชร์|หารถ|(?<![a-z])(?:wtb|want to buy|looking to buy|looking for a (?:used|second|secondhand)|anyone selling|anyone have .{0,40}(?:sell|spare)|will pay|paying up to|need someone to|hasue|ha sue|ha sue|krai mee)"),
    ("budget", r"งบ|ไม่เกิน|ให้ราคา|จ่ายไว|จ่ายครึ่ง|(?<![a-z])(?:budget|up to \d|under \d|max \d|paying|cash|ngop|mai koen)"),
    ("past_sale", r"ขาย.{0,20}ไปแล้ว|ขาย.{0,20}ไปเมื่อ|ขาย.{0,12}ไปตอน|เคยขาย|เคยใช้บริการ|เคยจ้าง|เคยลอง|(?<![a-z])(?:sold (?:my|our|it|the|him|her)|we sold|i sold|when i sold|used to (?:sell|run)|have sold|had sold|we booked|i paid|paid \d)"),
    ("where_buy", r"ซื้อที่ไหน|หาซื้อที่ไหน|ร้านไหน|ที่ไหนขาย|ที่ไหนดี|ประมูลกันที่ไหน|(?<![a-z])(?:where (?:can|do|to|should) (?:i |you |we )?(?:buy|find|get)|which (?:shop|place|garage|dealer)|any shops|where do you (?:guys )?buy|who sells)"),
)
_LEXICON = tuple((name, *map(_compile_half, _split_alternatives(pattern.replace("'", "'?"))))
                 for name, pattern in _LEXICON_SOURCES + _CONTEXT_SOURCES + _PASS15_SOURCES + _PASS16_SOURCES)
_FAMILY_NAMES = tuple(name for name, _ in _LEXICON_SOURCES)
_PASS15_NAMES = tuple(name for name, _ in _PASS15_SOURCES)
_PASS16_NAMES = tuple(name for name, _ in _PASS16_SOURCES)
_NOT_THAI = re.compile(rf"[^{_T}]+")
_THAI_RUNS = re.compile(rf"[{_T}][{_T} ]*")
_CONJUNCTIONS = (
    ("royal&neg", "royal", ("neg_en", "neg_th", "royal_defile")),
    ("organisation&neg", "organisation", ("neg_en", "neg_th")),
    ("group&neg", "group", ("neg_en", "neg_th")),
    ("sarcasm&you", "sarcasm", ("second_person",)),
    ("praise&mishap", "praise", ("mishap",)),
    ("double&innuendo", "double_word", ("innuendo", "sex_emoji")),
    ("double&night", "double_word", ("night_private", "meet")),
    ("clip&sexual", "clip", ("sexual",)),
    ("sarcasm&mishap", "sarcasm", ("mishap",)),
    ("symbol&defile", "royal_symbol", ("royal_defile", "neg_en", "neg_th")),
    ("oblique&grievance", "royal_oblique", ("grievance", "neg_en", "neg_th", "sarcasm", "royal_defile")),
    ("royal&grievance", "royal", ("grievance",)),
    ("royal&report", "royal", ("rule_talk", "quote_report")),
    ("quote&neg", "quote_report", ("neg_en", "neg_th", "animal_insult", "slur_women", "body_insult")),
    ("quote&rule", "quote_report", ("rule_talk",)),
    ("self&neg", "self_deprecate", ("neg_en", "neg_th")),
    ("quoted&neg", "quote_marks", ("neg_en", "neg_th", "animal_insult", "slur_women", "body_insult")),
    ("innuendo&family", "innuendo", ("family",)),
)
_PEOPLE = ("second_person", "group", "organisation", "royal", "royal_oblique", "animal_insult", "slur_women",
           "body_insult", "curse_wish")
# (name, any of these, and any of these (empty: no condition), and none of these).
# A rude word in a post that speaks of the writer and names no one else (no "you", no group, no
# organisation, no royal referent): the shape of self-deprecation, not of an insult.
# Pass 11: a harsh word where only things are named (a turbo, the road, the rain) and no person,
# group, organisation or royal referent; well-wishing with no grievance, harsh word, sarcasm or
# defiling; "no selling" or price talk with no offer; thanks with no harsh word, sarcasm or mishap.
_EXCLUSIVE = (
    ("self_only&neg", ("first_person",), ("neg_en", "neg_th"), ("second_person", "group", "organisation", "royal")),
    ("thing_only&neg", ("thing",), ("neg_en", "neg_th"), _PEOPLE + ("sarcasm", "vulgar")),
    ("wellwish_only", ("wellwish",), (), ("grievance", "neg_en", "neg_th", "sarcasm", "royal_defile", "animal_insult")),
    ("no_sale", ("no_sale_word", "price_talk"), (), ("offer",)),
    ("thanks_only", ("thanks",), (), ("neg_en", "neg_th", "sarcasm", "mishap", "animal_insult", "slur_women", "body_insult")),
    ("refute&quote", ("refute",), ("quote_report", "quote_marks", "quoted_rude"), ()),
)
_CONJUNCTIONS_15 = (
    ("group&stereotype", "group", ("stereotype",)),
    ("organisation&stereotype", "organisation", ("stereotype",)),
    ("vulgar&you", "vulgar", ("second_person",)),
)
# Pass 16: a service, a wish to buy or a sexual offer together with money, a rate, a budget or a
# contact; a past sale or a "where do I buy" with no offer, service or wish to buy.
_CONJUNCTIONS_16 = (
    ("service&money", "service_offer", ("money", "rate")),
    ("service&contact", "service_offer", ("offer",)),
    ("wanted&budget", "wanted", ("budget", "money")),
    ("wanted&contact", "wanted", ("offer",)),
    ("sexual&money", "sexual", ("money", "rate", "offer")),
    ("meet&money", "meet", ("money", "rate")),
    ("clip&money", "clip", ("money", "rate")),
)
_EXCLUSIVE_16 = (
    ("past_sale_only", ("past_sale",), (), ("offer", "service_offer", "wanted")),
    ("where_buy_only", ("where_buy",), (), ("offer", "service_offer", "budget")),
)
LEXICON_NAMES = (_FAMILY_NAMES + tuple(name for name, _, _ in _CONJUNCTIONS)
                 + tuple(name for name, *_ in _EXCLUSIVE)
                 + _PASS15_NAMES + tuple(name for name, _, _ in _CONJUNCTIONS_15)
                 + _PASS16_NAMES + tuple(name for name, _, _ in _CONJUNCTIONS_16)
                 + tuple(name for name, *_ in _EXCLUSIVE_16))
# The lexicon of models trained before pass 11 (their regressions have these columns only): a
# model's features compute the names it was fitted with, so an older artifact keeps loading.
LEGACY_LEXICON_NAMES = LEXICON_NAMES[:LEXICON_NAMES.index("self_only&neg") + 1]
_CONJUNCTION_OF = {name: (a, others) for name, a, others in _CONJUNCTIONS + _CONJUNCTIONS_15 + _CONJUNCTIONS_16}
_EXCLUSIVE_OF = {name: (a, others, absent) for name, a, others, absent in _EXCLUSIVE + _EXCLUSIVE_16}


def _needed_families(names: tuple[str, ...]) -> frozenset[str]:
    needed: set[str] = set()
    for name in names:
        if name in _CONJUNCTION_OF:
            a, others = _CONJUNCTION_OF[name]
            needed |= {a, *others}
        elif name in _EXCLUSIVE_OF:
            a, others, absent = _EXCLUSIVE_OF[name]
            needed |= {*a, *others, *absent}
        else:
            needed.add(name)
    return frozenset(needed)


_PLANS: dict[tuple[str, ...], tuple] = {}


_CONTEXT_NAMES = frozenset(name for name, _ in _CONTEXT_SOURCES)


def _plan(names: tuple[str, ...]) -> tuple:
    """The families that `names` need, split into those searched for every post and the context
    families searched only when a feature still depends on them (lazily), and the names."""
    plan = _PLANS.get(names)
    if plan is None:
        unknown = [n for n in names if n not in _CONJUNCTION_OF and n not in _EXCLUSIVE_OF
                   and n not in _FAMILY_NAMES + _PASS15_NAMES + _PASS16_NAMES]
        if unknown:
            raise ValueError(f"unknown lexicon feature(s): {unknown}")
        needed = _needed_families(names)
        eager = tuple(entry for entry in _LEXICON if entry[0] in needed and entry[0] not in _CONTEXT_NAMES)
        lazy = {entry[0]: entry for entry in _LEXICON if entry[0] in needed and entry[0] in _CONTEXT_NAMES}
        plan = _PLANS[names] = (eager, lazy, names)
    return plan


# Each half's gate (moderation.prefilter): a search skipped when none of the strings every match of
# the half starts with occurs in the text (the answer is the same: such a search finds nothing).
_GATES = {entry[0]: (prefilter.gate(entry[1]), prefilter.gate(entry[2])) for entry in _LEXICON}


def _split_runs(cleaned: str) -> tuple[str, str]:
    thai = " ".join(_THAI_RUNS.findall(cleaned))
    other = " ".join(_NOT_THAI.findall(cleaned)) if len(thai) < len(cleaned) else ""
    return thai, other


def _search(entry, thai: str, other: str) -> bool:
    _, th, ot = entry
    return bool((thai and th is not None and th.search(thai)) or (other and ot is not None and ot.search(other)))


_THAI_GATES = prefilter.GateIndex({name: gates[0] for name, gates in _GATES.items()})
_OTHER_GATES = prefilter.GateIndex({name: gates[1] for name, gates in _GATES.items()})


class _Views:
    """A text's Thai and other runs (`_split_runs`), their grams, and the families whose half may
    match each (`prefilter.GateIndex`)."""

    __slots__ = ("thai", "other", "thai_grams", "other_grams", "thai_candidates", "other_candidates")

    def __init__(self, thai: str, other: str):
        self.thai, self.other = thai, other
        self.thai_grams, self.other_grams = prefilter.grams(thai), prefilter.grams(other)
        self.thai_candidates = _THAI_GATES.candidates(thai, self.thai_grams) if thai else frozenset()
        self.other_candidates = _OTHER_GATES.candidates(other, self.other_grams) if other else frozenset()


def _search_gated(entry, views: _Views) -> bool:
    """`_search(entry, views.thai, views.other)`: a half is searched only when its gate lets it
    (the family is among the view's candidates), and then tried only where a match may start
    (`prefilter.Gate.found`)."""
    name, th, ot = entry
    th_gate, ot_gate = _GATES[name]
    if name in views.thai_candidates and th is not None and (
            th.search(views.thai) if th_gate is None else th_gate.found(th, views.thai, views.thai_grams)):
        return True
    return bool(name in views.other_candidates and ot is not None and (
        ot.search(views.other) if ot_gate is None else ot_gate.found(ot, views.other, views.other_grams)))


def _lexicon_hits(cleaned: str, families=_LEXICON) -> dict[str, bool]:
    thai, other = _split_runs(cleaned)
    return {entry[0]: _search(entry, thai, other) for entry in families}


class _Hits(dict):
    """Family hits: the eager ones given, a context family searched the first time it is read."""

    def __init__(self, eager: dict[str, bool], lazy: dict, views: _Views):
        super().__init__(eager)
        self.lazy, self.views = lazy, views

    def __missing__(self, name: str) -> bool:
        value = self[name] = _search_gated(self.lazy[name], self.views)
        return value


def lexicon(cleaned: str, names: tuple[str, ...] = LEXICON_NAMES) -> list[float]:
    """Binary lexicon features `names` (default: all) of a de-obfuscated text (`deobfuscate`).
    Only the families those names need are searched, and a context family only when the other
    conditions of its feature already hold."""
    eager, lazy, names = _plan(tuple(names))
    views = _Views(*_split_runs(cleaned))
    hits = _Hits({entry[0]: _search_gated(entry, views) for entry in eager}, lazy, views)
    values = []
    for name in names:
        if name in _CONJUNCTION_OF:
            a, others = _CONJUNCTION_OF[name]
            on = any(hits[b] for b in others) and hits[a]
        elif name in _EXCLUSIVE_OF:
            a, others, absent = _EXCLUSIVE_OF[name]
            on = ((not others or any(hits[b] for b in others)) and any(hits[x] for x in a)
                  and not any(hits[c] for c in absent))
        else:
            on = hits[name]
        values.append(1.0 if on else 0.0)
    return values


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
_CHUNK = re.compile(rf"[{_T}]+|[a-z0-9]+(?:[.\-'][a-z0-9]+)*|[^\s{_T}a-z0-9]")


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
    if len(ids) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    keys, counts = np.unique(np.asarray(docs, dtype=np.int64) * width + np.asarray(ids, dtype=np.int64),
                             return_counts=True)
    rows, cols = np.divmod(keys, width)
    values = (1.0 + np.log(counts)) * idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_docs))
    return rows, cols + offset, values / norms[rows]


def _char_views(cleaned: list[str]) -> list[str]:
    """`char_view` of each text with runs of white space made one, as the char analyzer does."""
    joined = "\x00".join(cleaned)
    if joined.count("\x00") == len(cleaned) - 1:  # one pass over the batch (no NUL in the posts)
        return _WHITE_SPACES.sub(" ", char_view(joined)).split("\x00") if cleaned else []
    return [_WHITE_SPACES.sub(" ", char_view(c)) for c in cleaned]


def _code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the texts joined by one separator (code point 0; its place is known from
    the lengths, so the texts may contain NULs), and each position's text."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    separators = np.cumsum(lengths + 1)[:-1] - 1
    codes[separators] = -1
    docs = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[:len(codes)]
    return codes, docs


class _CharCodes:
    """A character n-gram vocabulary as sorted integer keys: each character of the vocabulary's
    alphabet gets a digit 1..A, an n-gram the number those digits make in base A+1 (distinct
    for every string over the alphabet, whatever its length). An n-gram of a post with a
    character outside the alphabet cannot be in the vocabulary and is skipped. Where the keys
    would not fit in 63 bits (a huge alphabet or long n-grams), `columns` falls back to slicing
    the n-grams out and looking them up in a dict."""

    def __init__(self, vocabulary, lo, hi, table, base, keys, columns):
        self.vocabulary, self.lo, self.hi = vocabulary, lo, hi
        self.table, self.base, self.keys, self.cols = table, base, keys, columns

    @classmethod
    def build(cls, vocabulary: dict[str, int], lo: int, hi: int) -> "_CharCodes":
        grams = list(vocabulary)
        alphabet = sorted(set("".join(grams)))
        base = len(alphabet) + 1
        if not grams or base ** max(hi, max(map(len, grams))) >= 2 ** 62:
            return cls({g: i + 1 for g, i in vocabulary.items()}, lo, hi, None, base, None, None)
        alphabet_codes = np.fromiter(map(ord, alphabet), dtype=np.int64, count=len(alphabet))
        table = np.zeros(int(alphabet_codes.max()) + 2, dtype=np.int64)  # the last entry: outside
        table[alphabet_codes] = np.arange(1, base, dtype=np.int64)
        lengths = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        codes, _ = _code_points(grams)
        digits = table[codes[codes >= 0]]
        position = np.arange(len(digits)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        keys = np.add.reduceat(digits * base ** position, np.cumsum(lengths) - lengths)
        order = np.argsort(keys, kind="stable")
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(grams))
        return cls(None, lo, hi, table, base, keys[order], columns[order])

    def columns(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text index, column) of every vocabulary n-gram occurrence in `texts` (char views with
        white space runs made one), in any order, repeated as often as it occurs."""
        if self.table is None:
            docs: list[int] = []
            ids: list[int] = []
            get = self.vocabulary.get
            for doc, text in enumerate(texts):
                found = list(filter(None, map(get, _char_ngrams(text, self.lo, self.hi))))
                ids += found
                docs += [doc] * len(found)
            return np.asarray(docs, dtype=np.int64), np.asarray(ids, dtype=np.int64) - 1
        codes, doc_of = _code_points(texts)
        single = len(texts) == 1
        table = self.table
        digits = table[np.where((codes >= 0) & (codes < len(table)), codes, len(table) - 1)]
        key, valid, power = digits, digits > 0, 1
        found_docs, found_cols = [], []
        for n in range(1, self.hi + 1):
            if n > 1:
                power *= self.base
                key = key[:-1] + digits[n - 1:] * power
                valid = valid[:-1] & (digits[n - 1:] > 0)
            if n >= self.lo:
                at = np.flatnonzero(valid)
                if single:
                    # one text (every submit): its n-grams looked up in increasing order, where
                    # numpy's binary search starts from the previous key's place (a third of the
                    # time of the lookups); the columns found are the same, in another order
                    # (`_tfidf_block` sorts them), and every one is the text's (document 0)
                    wanted = np.sort(key[at])
                    index = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
                    hit = self.keys[index] == wanted
                    found_cols.append(self.cols[index[hit]])
                    found_docs.append(np.zeros(len(found_cols[-1]), dtype=np.int64))
                    continue
                wanted = key[at]
                index = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
                hit = self.keys[index] == wanted
                found_docs.append(doc_of[at[hit]])
                found_cols.append(self.cols[index[hit]])
        return np.concatenate(found_docs), np.concatenate(found_cols)


# --- word segmentation ---------------------------------------------------------------------------
# The word view is `forum.text.tokenize` (PyThaiNLP's newmm over Thai runs). Where the optional
# `nlpo3` package (the Rust port of newmm) is installed, the Thai runs are segmented by it with
# PyThaiNLP's own dictionary: the same words (checked on every post of the corpus, see
# tests/unit/moderation/test_segmentation.py) at about a tenth of the CPU time.
_NLPO3_DICT = "webboard-moderation-th"
_nlpo3_segment = None


def _load_nlpo3():
    """nlpo3's segment function with PyThaiNLP's word list loaded, or None without nlpo3."""
    global _nlpo3_segment
    if _nlpo3_segment is None:
        try:
            import nlpo3
            from pythainlp.corpus import corpus_path

            _, ok = nlpo3.load_dict(os.path.join(corpus_path(), "words_th.txt"), _NLPO3_DICT)
            _nlpo3_segment = (lambda run: nlpo3.segment(run, _NLPO3_DICT)) if ok else False
        except Exception:  # not installed, or a build without the dictionary: newmm in Python
            _nlpo3_segment = False
    return _nlpo3_segment or None


def words(cleaned: str) -> list[str]:
    """`forum.text.tokenize(cleaned, normalized=True)`, with Thai runs segmented by nlpo3 when
    it is installed."""
    segment = _load_nlpo3()
    if segment is None:
        return tokenize(cleaned, normalized=True)
    text = forum_text._SPACE_INSIDE_THAI.sub("", cleaned)
    out: list[str] = []
    for token in forum_text._TOKEN.findall(text):
        if "\u0e00" <= token[0] <= "\u0e7f":
            out += [w for w in segment(token) if w.strip()]
        else:
            out.append(token)
    return out


class ModerationFeatures(BaseEstimator, TransformerMixin):
    """Character n-grams + word tokens + trading signals, as one sparse matrix."""

    def __init__(self, char_ngrams=(2, 4), char_max_features=60000, word_max_features=20000,
                 signal_weight=1.0, lexicon_weight=0.5, word_segmenter="newmm"):
        self.char_ngrams = char_ngrams
        self.word_segmenter = word_segmenter
        self.char_max_features = char_max_features
        self.word_max_features = word_max_features
        self.signal_weight = signal_weight
        self.lexicon_weight = lexicon_weight

    def _views(self, texts):
        normalized = [normalize(t) for t in texts]
        cleaned = [_deobfuscate_normalized(n) for n in normalized]
        chars = [char_view(c) for c in cleaned]
        words = [self._words(c) for c in cleaned]
        sig = np.asarray([_signals_of_view(_signal_view_normalized(n)) for n in normalized],
                         dtype=np.float64).reshape(len(texts), len(_SIGNALS)) * self.signal_weight
        names = self.lexicon_names
        lex = np.asarray([lexicon(c, names) for c in cleaned], dtype=np.float64).reshape(len(texts), len(names))
        return chars, words, np.hstack([sig, lex * self.lexicon_weight])

    def _words(self, cleaned: str) -> list[str]:
        """Word tokens: PyThaiNLP's newmm over Thai runs (`forum.text.tokenize`), or with
        word_segmenter="chunks" the text's own space-separated chunks (Thai phrases as typed,
        Latin words), which costs a regex instead of a dictionary search."""
        if getattr(self, "word_segmenter", "newmm") == "chunks":
            return _CHUNK.findall(cleaned)
        return words(cleaned)

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    @property
    def lexicon_names(self) -> tuple[str, ...]:
        """The lexicon features this instance computes: all of LEXICON_NAMES when fitted now; an
        artifact fitted before pass 11 (no `lexicon_names_`) keeps LEGACY_LEXICON_NAMES."""
        return getattr(self, "lexicon_names_", LEGACY_LEXICON_NAMES)

    def fit_transform(self, texts, y=None):
        self.lexicon_names_ = tuple(LEXICON_NAMES)
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
    # block) for a whole batch at once: the character n-grams of all posts are encoded as
    # integers and looked up with numpy (`_CharCodes`), the words with one dict pass.
    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_fast", None)
        return state

    def _fast_tables(self):
        fast = getattr(self, "_fast", None)
        if fast is None:
            cv, wv = self.char_vectorizer_, self.word_vectorizer_
            # Column + 1, so that unknown words (0) and known ones can be told apart.
            fast = (
                _CharCodes.build(cv.vocabulary_, *self.char_ngrams), cv.idf_.astype(np.float64),
                {w: i + 1 for w, i in wv.vocabulary_.items()}, wv.idf_.astype(np.float64), len(cv.vocabulary_),
                len(cv.vocabulary_) + len(wv.vocabulary_),
            )
            self._fast = fast
        return fast

    def transform_fast(self, texts):
        """Same matrix as `transform` (in float64), built without the vectorizers' per-call overhead."""
        rows, cols, values, shape = self._entries(texts)
        return sp.csr_matrix((values, (rows, cols)), shape=shape)

    def row_fast(self, text: str) -> tuple[np.ndarray, np.ndarray, int]:
        """The one row of `transform_fast([text])` as (columns, values, width): the columns in
        increasing order, each once, which is the order of that row in the CSR matrix (its
        indices sorted, no duplicates: the blocks are laid out left to right and each is sorted)."""
        _, cols, values, shape = self._entries([text])
        return cols, values, shape[1]

    def _entries(self, texts):
        """(rows, columns, values, shape) of `transform_fast(texts)`: each block's entries sorted
        by (row, column); the char, word and signal blocks one after the other."""
        char_codes, char_idf, word_vocab, word_idf, word_offset, signal_offset = self._fast_tables()
        n = len(texts)
        normalized = [normalize(t) for t in texts]
        cleaned = [_deobfuscate_normalized(t) for t in normalized]
        char_docs, char_ids = char_codes.columns(_char_views(cleaned))
        tokens = [self._words(c) for c in cleaned]
        word_ids = np.fromiter(map(word_vocab.get, itertools.chain.from_iterable(tokens), itertools.repeat(0)),
                               dtype=np.int64)
        word_docs = np.repeat(np.arange(n, dtype=np.int64), np.fromiter(map(len, tokens), dtype=np.int64, count=n))
        known = word_ids > 0
        n_signals = len(_SIGNALS)
        names = self.lexicon_names
        sig = np.asarray([_signals_of_view(_signal_view_normalized(t)) + lexicon(c, names)
                          for t, c in zip(normalized, cleaned)],
                         dtype=np.float64).reshape(n, n_signals + len(names))
        blocks = [
            _tfidf_block(char_docs, char_ids, char_idf, n, word_offset, 0),
            _tfidf_block(word_docs[known], word_ids[known] - 1, word_idf, n, signal_offset - word_offset, word_offset),
        ]
        sig[:, :n_signals] *= self.signal_weight
        sig[:, n_signals:] *= self.lexicon_weight
        sig_rows, sig_cols = np.nonzero(sig)
        blocks.append((sig_rows, sig_cols + signal_offset, sig[sig_rows, sig_cols]))
        rows = np.concatenate([b[0] for b in blocks])
        cols = np.concatenate([b[1] for b in blocks])
        values = np.concatenate([b[2] for b in blocks])
        return rows, cols, values, (n, signal_offset + n_signals + len(names))

    def feature_names(self) -> list[str]:
        return (
            [f"c:{n}" for n in self.char_vectorizer_.get_feature_names_out()]
            + [f"w:{n}" for n in self.word_vectorizer_.get_feature_names_out()]
            + [f"s:{n}" for n in SIGNAL_NAMES]
            + [f"l:{n}" for n in self.lexicon_names]
        )
