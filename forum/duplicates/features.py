"""Text -> weighted features for duplicate detection.

Pipeline: ``forum.text.normalize`` (NFC, digits, case, repeated letters, zero-width chars),
spaces typed inside Thai words dropped, then the club vocabulary (``vocabulary.txt``) turns
every known surface form -- Thai, English, Thai-script model names, common misspellings -- into
a shared concept token such as ``@model.yaris`` or ``@part.battery``.  The text left between
concept matches is segmented with ``forum.text.tokenize`` (PyThaiNLP newmm); Latin words get a
light stemmer, and Latin words close to a vocabulary form (one typo) are mapped to it.  A text
that reads as romanised Thai ("rot mai tid") also has its foreign Latin words looked up by
consonant key against the vocabulary's Thai forms (``romanised.py``).

The result is a bag of features with title words counted double (and, in a long body, the clauses
around the question -- the story -- counted STORY_WEIGHT: ``body_clauses``), and the concept sets by
type (model, brand, part, sym, topic, fuel) used by the index to lower the score of a thread
about another car model or another part/problem.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import zlib

import numpy as np

from forum.text import normalize, tokenize

VOCABULARY_FILE = "vocabulary.txt"

_THAI = "\u0e00-\u0e7f"
_TONES = "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_SPACE_IN_THAI = re.compile(rf"(?<=[{_THAI}])\s+(?=[{_THAI}])")
_IS_THAI = re.compile(rf"[{_THAI}]")
_LATIN_WORD = re.compile(r"[a-z]+")
_CONCEPT_PREFIX = "@"

TITLE_WEIGHT = 2.0
CONCEPT_WEIGHT = 1.5

# Words that carry no topic: Thai particles/pronouns/fillers and English function words.
# (Deliberately short: negations, "broken", "noise" etc. stay, IDF handles the rest.)
_THAI_STOP = set(
    """ครับ ค่ะ คะ คับ ครับผม ขอรับ นะ นะคะ นะครับ จ้า จ้ะ จ๊ะ ค่า ฮะ เลย ด้วย หน่อย ไหม มั้ย มั๊ย ไม๊ บ้าง
    ผม ดิฉัน ฉัน หนู เรา พี่ พี่ๆ น้อง ท่าน เพื่อน เพื่อนๆ สมาชิก ทุกท่าน ทุกคน ใคร คุณ เขา
    ที่ ซึ่ง อัน และ กับ แต่ ก็ จะ ได้ ให้ ของ ใน ว่า เป็น คือ มี การ ความ แล้ว อยู่ ไป มา นี้ นั้น นี่ นั่น
    อะไร ยังไง อย่างไร ไง ทำไม เพราะ ถ้า หาก หรือ ก่อน หลัง ตอน ช่วง เมื่อ โดย จาก ถึง ไว้ ออก เข้า
    รบกวน สอบถาม ถาม ขอ ช่วย แนะนำ หน่อยครับ ค่ะ ปรึกษา ท่านใด รู้ ทราบ สงสัย อยาก ต้องการ
    ครั้ง คัน รถ รถยนต์ ตัว แบบ เรื่อง กัน จริง จริงๆ ค่อนข้าง มาก เยอะ นิด นิดหน่อย ๆ
    555 ฮ่า ฮา อ่ะ อะ เออ อืม โอ้ย ดี ดีคะ ดีครับ ยังไงดี
    ต้อง ควร ควรจะ บ้าง อะไรบ้าง กันบ้าง ได้ไหม ได้มั้ย ไหมครับ ไหมคะ มั้ยครับ มั้ยคะ ป่ะ ป่าว เปล่า หรือเปล่า
    รึเปล่า รึป่าว งับ ฮับ ค้าบ คร้าบ คับผม เนอะ อ่า เด้อ จ้ะ หรอ เหรอ มั้ง มะ ยัง เคย อาการ ปกติ แบบนี้ อย่างนี้
    ตอนนี้ อยู่แล้ว ประมาณ ราวๆ เกือบ พอ แค่ ทั้ง ทุก นึง หนึ่ง""".split()
)
_EN_STOP = set(
    """a an the and or but if of to in on at by for with from as is are was were be been being am
    it its it's this that these those there here i me my mine we our you your he she they them
    his her their do does did done have has had having not no yes so very too just also any
    some all can could would should will shall may might must what which who whom whose when
    where why how than then there about into over under again more most other such only own
    same few out up down off please help anyone anybody someone thanks thank hi hello guys
    know question questions ask asking advice tips recommend recommendation car cars vehicle
    get got getting one ok okay really much many lot lots bit still already now after before
    normal issue issues problem problems thing things pls plz thx folks bro mate want need needs like
    im ive i'm i've dont don't isnt isn't way anything something everyone since even though because""".split()
)


# Concept kinds whose negation is told apart (not symptoms: "no leak seen" and "no noise" are
# written too many ways in both languages to tell apart reliably), and the words that negate the
# next concept: in
# English a negation with at most two filler words before it ("without touching the brakes",
# "no visible leak"), in Thai a negation right before it, optionally with the verb of pressing
# ("ไม่ได้เหยียบเบรก", "ไม่มีรั่ว").  Only the text since the previous concept is looked at.
# A part is negated only as an action ("without braking", "not touching the brakes",
# "ไม่ได้เหยียบเบรก"), not as a thing the car lacks ("no sensors", "ไม่มีเซ็นเซอร์": the same
# question).  Negated concepts weigh NEGATED_WEIGHT of a concept in the cosine.
NEGATABLE_KINDS = frozenset({"part", "cond"})
_NEGATION = re.compile(
    r"(?:(?<![a-z])(?:without|not|no)\s+(?:(?P<en>touching|pressing|using|applying|hitting)\s+)?(?:(?:on|the|my|any|visible|a)\s+){0,2}"
    r"|(?:ไม่ได้|โดยไม่|ไม่มี|ไม่)(?:ได้)?(?P<th>เหยียบ|แตะ|กด)?)\s*$"
)
NEGATED_WEIGHT = 0.3
# (fourteenth pass) An explicit contrast right before a concept: "not a Toyota", "not the dome
# light", "instead of CarPlay", "ไม่ใช่แบต", "ไม่ใช่แค่ตอนเช้า", "ไม่ได้ถามเรื่องแบต".  What a post says it
# is *not* about; the pair verifier reads whether the candidate thread is about exactly that.
_CONTRAST_CUE = re.compile(
    r"(?:(?<![a-z])(?:not|isn't|it's not)\s+(?:(?:the|a|an|my|about|just|only|on|in|at|for|from)\s+){0,2}"
    r"|(?:ไม่ใช่|ไม่ได้ถาม)(?:แค่|เรื่อง|ที่|ตอน|รุ่น|ของ)?)\s*$"
)


# (nineteenth pass) "dead" next to a device ("horn dead", "the window is dead", "dead radio",
# "แตรตาย", "วิทยุดับ") means the device has no power, not a flat battery: the bare English forms of
# `sym.dead_battery` read as `sym.no_power` there, and a Thai ตาย/ดับ right after a device adds it.
# Not a device: the battery itself, the engine (a dead engine will not start), the key (its battery).
DEAD_FORMS = frozenset({"dead", "died", "dies", "dying", "keeps dying"})
NOT_DEVICE = frozenset({"part.battery", "part.engine", "part.key", "part.car"})
_DEAD_BETWEEN = re.compile(r"\s*(?:(?:is|has|have|had|went|gone|just|totally|completely|seems|seem|to|be|"
                           r"been|now|also|suddenly|keeps|keep|randomly|always)\s+){0,3}$")
_TH_DEAD_AFTER = re.compile(r"\s*(?:ตาย(?!ตัว)|ดับ(?!เบิ้ล|เบิล))")
# Speed words members swap freely, as one plain word (not a concept: the vocabulary's symptom forms
# already hold เร็ว, as in สึกเร็ว, ชาร์จเร็ว); ไว only as a token of its own, after segmentation (it is
# also the start of ไว้, ไวเปอร์, ไวไฟ)
WORD_SYNONYMS = {"ไว": "เร็ว", "quickly": "fast", "quick": "fast", "rapidly": "fast", "rapid": "fast",
                 "faster": "fast", "quicker": "fast"}


def negated(name: str) -> str:
    """`part.brake` -> `part.not_brake` (same kind, so the index compares it with `part.brake`)."""
    kind, rest = name.split(".", 1)
    return f"{kind}.not_{rest}"


@dataclass(frozen=True)
class Concept:
    name: str  # e.g. "model.yaris"
    kind: str  # model | brand | part | sym | topic | fuel
    implies: tuple[str, ...] = ()


@dataclass
class Analysis:
    """Weighted features of one text and its concepts grouped by kind."""

    weights: dict[str, float]
    concepts: dict[str, frozenset[str]] = field(default_factory=dict)
    # Share of the plain (non-concept) word weight written in Thai script, 0..1; None when the
    # text has no plain words.  A Thai post and an English one share no plain words, only
    # concepts, so the index compares such pairs on their concepts too.
    script: float | None = None
    # (issue 17, sixth pass) concepts named in the title (implied ones included) and the numbers
    # of the title and of the whole text (`numbers_in`), for the index's one-detail conflict test.
    title_concepts: frozenset[str] = frozenset()
    title_numbers: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    # (seventh pass) values of the conflict-only attribute lexicon (ATTRIBUTES) in the title and
    # in the whole text; numbers above are "unit class:value" (`classed_numbers`).
    title_attributes: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    # (eighth pass) the plain words of the title (features, not concepts or numbers), for the
    # index's unmatched-detail test.
    title_words: frozenset[str] = frozenset()
    # (tenth pass) whether the text reads as romanised Thai, a feature of the pair verifier.
    romanised: bool = False
    # (fourteenth pass) concepts (as named, not the ones they imply; negation dropped) named right after an
    # explicit contrast ("not a Toyota", "ไม่ใช่แบต": `_CONTRAST_CUE`)
    contrasted: frozenset[str] = frozenset()
    # (fifteenth pass) where on the car the text puts its question: "side.front", "side.rear",
    # "side.left", "side.right" from the vocabulary's side concepts and from `sides_in` (a part
    # word followed by หน้า/หลัง, "back door", "driver's side", "krajok lang"...), for the pair
    # verifier's position-mismatch feature.
    sides: frozenset[str] = frozenset()
    # (fifteenth pass) a MinHash of the title's character trigrams (`title_sketch`), for the pair
    # verifier's title-overlap feature: robust to Thai segmentation and spelling variants
    title_sketch: bytes = b""
    # (seventeenth pass) the body adds no word or concept to the title (empty, or only stop
    # words and punctuation): a title-only question, read by the pair verifier on its own terms
    title_only: bool = False
    # (twentieth pass) how many words and concepts the body counts (0 for a title-only question):
    # the pair verifier's soft "short post" measure (`shortness`)
    body_terms: int = 0
    # (twenty-first pass) the circumstances the text puts its question in: the vocabulary's `cond.*`
    # concepts (implied ones included, negated ones not) and those of `conditions_in` (engine hot,
    # standing still, on the move, braking, the aircon on, low or high speed, loaded, after work on
    # the car, engine off), for the pair verifier's condition features
    conditions: frozenset[str] = frozenset()
    # (thirty-sixth pass) what the title says is *fine* and names nowhere else in the title (its
    # concepts, with what they imply, and its positions): "hard to start when hot, fine in the
    # morning", "DC charging OK but AC won't charge", "ยางหน้าสึกเร็ว ยางหลังยังดี" (`fine_in`), for the
    # pair verifier's swapped-role features
    fine: frozenset[str] = frozenset()


# (twentieth pass) a post whose body adds a few words to its title ("short"): the pair verifier reads
# shortness = exp(-body_terms / SHORT_TERMS), 1 for a bare title, about 0.5 for three body terms, near
# 0 for a full post, so what a short post shares with its thread (the thread's title, the title's
# letters) can weigh otherwise than for a full post, smoothly rather than at one cut-off.
SHORT_TERMS = 4.0


def shortness(body_terms: int) -> float:
    return math.exp(-max(0, body_terms) / SHORT_TERMS)


# (fifteenth pass) TITLE_SKETCH one-byte MinHash values of a title's character trigrams (spaces
# collapsed): the share of equal bytes of two sketches estimates the Jaccard overlap of the two
# titles' trigram sets (plus 1/256 by chance). 32 bytes a thread.
TITLE_SKETCH = 32
_SKETCH_PRIME = np.uint64(2**31 - 1)
_SKETCH_RNG = np.random.RandomState(5)
_SKETCH_A = _SKETCH_RNG.randint(1, 2**31 - 1, size=TITLE_SKETCH).astype(np.uint64) | np.uint64(1)
_SKETCH_B = _SKETCH_RNG.randint(0, 2**31 - 1, size=TITLE_SKETCH).astype(np.uint64)
del _SKETCH_RNG
_SPACES = re.compile(r"\s+")


def title_sketch(title: str) -> bytes:
    """(fifteenth pass) The title's MinHash (TITLE_SKETCH bytes); b"" for an empty title."""
    text = _SPACES.sub(" ", normalize(title or "")).strip()
    if not text:
        return b""
    grams = {text[i : i + 3] for i in range(max(1, len(text) - 2))}
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    low = ((h[:, None] * _SKETCH_A[None, :] + _SKETCH_B[None, :]) % _SKETCH_PRIME).min(axis=0)
    return (low & np.uint64(255)).astype(np.uint8).tobytes()


def sketch_overlap(a: bytes, b: bytes) -> float:
    """The estimated trigram Jaccard overlap of two titles from their sketches (0 without one)."""
    if len(a) != TITLE_SKETCH or len(b) != TITLE_SKETCH:
        return 0.0
    same = float(np.count_nonzero(np.frombuffer(a, np.uint8) == np.frombuffer(b, np.uint8))) / TITLE_SKETCH
    return max(0.0, (same - 1 / 256) / (1 - 1 / 256))


# (sixteenth pass) A long post tells a story around its question (who drives the car, the trip it
# happened on, what a friend said). A body of at least LONG_BODY_CLAUSES clauses and
# LONG_BODY_CHARS characters is read clause by clause (`body_clauses`): a clause that asks
# (`_QUESTION_CUE`) or names a word or content concept of the title is the question's core and
# counts in full; the others count STORY_WEIGHT, so the story does not dilute the question.
# When no clause or every clause is core, the body counts in full as before.
LONG_BODY_CLAUSES = 4
LONG_BODY_CHARS = 160
STORY_WEIGHT = 0.35
# whether the concepts of story clauses count as named by the post (for the index's consistency,
# conflict and unnamed-concept tests and the verifier's concept shares), or only as weighted terms
STORY_CONCEPTS_NAMED = False
# Kinds that name the car or a setting, present in every sentence of a story ("my Vios"): they do
# not make a clause part of the question.
STORY_IDENTITY_KINDS = frozenset({"model", "brand", "variant", "fuel", "word"})
_CLAUSE_SPLIT = re.compile(rf"(?<=[.!?;])\s+|\n+|(?<=[{_THAI}])\s+(?=[{_THAI}])")
_QUESTION_CUE = re.compile(
    r"\?|ไหม|มั้ย|มั๊ย|ม้าย|หรือเปล่า|รึเปล่า|หรือไม่|ยังไง|อย่างไร|เท่าไหร่|เท่าไร|กี่|อะไร|ทำไม|ที่ไหน|ตรงไหน|"
    r"แบบไหน|อันไหน|ไหนดี|ควร|ได้บ้าง|บ้างไหม|ช่วยด้วย|แนะนำด้วย|"
    r"(?<![a-z])(?:how|what|which|why|where|when|should|can|could|would|is it|are they|does|do i|do you|"
    r"any (?:advice|ideas|tips)|anyone|worth|advise|tam yang ngai|yang ngai|tao rai|mai krub|dai mai)(?![a-z])")


def body_clauses(body: str) -> list[str]:
    """(sixteenth pass) The clauses of a body: split after ".", "!", "?", ";", at line breaks, and at
    a space between two Thai letters (Thai writes no full stop: a space ends a clause)."""
    return [c for c in (part.strip() for part in _CLAUSE_SPLIT.split(body)) if c]


_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(k(?![a-z])|พัน|หมื่น|แสน|ล้าน)?")
# (ninth pass) A contrast word opening a title's second clause, and words that make that clause a
# problem of its own (then both clauses are asked about).
_CONTRAST_WORD = re.compile(r"(?:\s*,?\s*(?<![a-z])(?:but|whereas)(?![a-z])\s*|\s*แต่(?!ง)\s*)")
_PROBLEM_WORD = re.compile(r"(?:ไม่|(?<![a-z])(?:not|no|never|won't|doesn't|isn't|can't)(?![a-z])|n't)")
# (thirty-sixth pass) A title's clauses (`fine_in`): split at punctuation, contrast words and
# spaces between Thai letters; a clause that says something works ("fine", "ok", "ปกติ", "ยังดี",
# "กลับไม่เป็น", "... ได้") and names no problem and asks nothing is a *fine* clause.
_TITLE_CLAUSE = re.compile(r"\s*(?:[,;:/()|]|\s[-–]\s|(?<![a-z])(?:but|whereas|while|though|although|and yet|except|"
                           r"apart from|other than|tae)(?![a-z])|แต่(?!ง)|ส่วน(?!ตัว|ลด|ผสม|ประกอบ|หนึ่ง|ใหญ่)|ขณะที่|ยกเว้น|เว้นแต่)\s*"
                           r"|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")
# ("good" is left out: "Ora Good Cat"; ผิดปกติ / กว่าปกติ say something is *not* normal)
_FINE_CUE = re.compile(r"(?<![a-z])(?:fine|ok|okay|works|working|work normally|normal|normally|perfect|perfectly"
                       r"|alright|all right|unaffected|yes|pokati|oke)(?![a-z])|(?<!ผิด)(?<!กว่า)ปกติ|ยังดี|ยังโอเค|โอเค"
                       r"|ดีอยู่|ใช้ได้|ได้(?:ปกติ|ตามปกติ)?\s*$|(?<![a-z])dai\s*$")
# cues that say "no problem" with a negation of their own
_FINE_NEGATED_CUE = re.compile(r"(?<![a-z])(?:no problems?|no issues?|not a problem|mai pen|mai mee panha)(?![a-z])"
                               r"|ไม่เป็น(?!ไร)|ไม่มีปัญหา|ไม่มีอาการ")
# a clause that asks, or says it barely works, is not a fine one
_FINE_QUESTION = re.compile(r"\?|ไหม|มั้ย|มั๊ย|หรือเปล่า|รึเปล่า|ป่าว|หรือ|กี่|เท่าไ|ยังไง|อย่างไร|อะไร|ไหน|บ่\s*$"
                            r"|(?<![a-z])(?:is it|is this|are they|should|which|what|how|barely|hardly|only|sometimes"
                            r"|mai\s*$)(?![a-z])")
_FINE_NOT_KINDS = frozenset({"model", "brand", "variant", "fuel"})
_MULTIPLIER = {"k": 1000, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}

# (seventh pass) Attributes the vocabulary has no concepts for, read only by the index's conflict
# test (a question about blue fog lights is not the one about yellow ones; a motorbike's road tax
# is not a car's): value -> surface forms.  Not features, so the fixed reference weights and the
# cosine do not change.
ATTRIBUTES = {
    "colour.white": ("white", "สีขาว"),
    "colour.black": ("black", "สีดำ"),
    "colour.red": ("red", "สีแดง"),
    "colour.blue": ("blue", "สีฟ้า", "สีน้ำเงิน"),
    "colour.yellow": ("yellow", "สีเหลือง"),
    "colour.green": ("green", "สีเขียว"),
    "colour.grey": ("grey", "gray", "silver", "สีเทา", "สีบรอนซ์", "สีเงิน"),
    "colour.pink": ("pink", "สีชมพู"),
    "colour.orange": ("orange", "สีส้ม"),
    "vehicle.motorcycle": ("motorcycle", "motorcycles", "motorbike", "motorbikes", "big bike", "scooter",
                           "มอเตอร์ไซค์", "มอไซค์", "จักรยานยนต์", "รถจักรยานยนต์", "บิ๊กไบค์"),
    "vehicle.pickup": ("pickup", "pickups", "pick-up", "pickup truck", "กระบะ", "รถกระบะ", "ปิกอัพ"),
    "vehicle.van": ("van", "minivan", "รถตู้"),
    "vehicle.truck": ("lorry", "lorries", "รถบรรทุก", "สิบล้อ", "หกล้อ"),
    "vehicle.bicycle": ("bicycle", "bicycles", "bike rack", "จักรยาน"),
    "vehicle.car": ("sedan", "saloon", "hatchback", "รถเก๋ง"),
    "animal.dog": ("dog", "dogs", "puppy", "retriever", "หมา", "สุนัข", "น้องหมา"),
    "animal.cat": ("cat", "cats", "kitten", "แมว", "น้องแมว"),
    "animal.bird": ("bird", "birds"),
    "animal.rat": ("rat", "rats", "mice"),
    "animal.snake": ("snake", "งู"),
}
_ATTRIBUTE_OF = {form: name for name, forms in ATTRIBUTES.items() for form in forms}
# colour words that name something else: a traffic light, the registration book
_NOT_ATTRIBUTE = {"red": r"(?!\s*lights?(?![a-z]))", "green": r"(?!\s*book)"}
_ATTRIBUTE_RE = re.compile("|".join(
    (rf"(?<![a-z]){re.escape(f)}(?![a-z]){_NOT_ATTRIBUTE.get(f, '')}" if f.isascii() else re.escape(f))
    for f in sorted(_ATTRIBUTE_OF, key=len, reverse=True)))
# Every match of _ATTRIBUTE_RE contains one of the forms as it is: a text in which this plain
# alternation finds nothing has no attribute, and it is scanned about ten times faster (the
# look-behinds that start _ATTRIBUTE_RE's English forms make the engine try every position).
_ATTRIBUTE_GATE = re.compile("|".join(re.escape(f) for f in sorted(_ATTRIBUTE_OF, key=len, reverse=True)))


# (fifteenth pass) Positions the vocabulary leaves out because the bare words mean too much else
# (หน้า is also "face", "page", "next"; หลัง "after"; "back", "left", "right" in English): read
# only right after a word for a part of the car, or in fixed phrases. Thailand drives on the
# left, so the driver's side is the right and the passenger's the left. Written for this project.
_TH_PARTS = ("กระจก|ไฟ|ประตู|ยาง|ล้อ|เบรก|เบรค|ผ้าเบรก|ผ้าเบรค|จานเบรก|แอร์|ช่องแอร์|เซ็นเซอร์|เซนเซอร์|"
             "กันชน|เบาะ|ที่นั่ง|โช้ค|โช๊ค|ลูกปืน|ลำโพง|กล้อง|บังโคลน|ซุ้มล้อ|ดิสก์|ดิส|ดรัม|คิ้ว|"
             "ไฟเลี้ยว|ไฟตัดหมอก|ไฟท้าย|กระโปรง|ฝากระโปรง|แก้ม|ประตูรถ|สปริง|เพลา|ที่ปัดน้ำฝน|ใบปัด|"
             "กระจกมองข้าง|กระจกข้าง|มือจับ|ปีกนก|ลูกหมาก|ยางแท่นเครื่อง|แท่นเครื่อง|คอนโซล|พัดลม|"
             "ช่องลม|เข็มขัด|เข็มขัดนิรภัย|หูช้าง|โคม|ซันรูฟ|แถว|รถ")
_TH_SIDE = {"หน้า": "side.front", "หลัง": "side.rear", "ท้าย": "side.rear"}
_EN_PARTS = ("seats?|doors?|wheels?|tyres?|tires?|windows?|windscreen|glass|lights?|lamps?|rows?|bumpers?|"
             "brakes?|pads?|discs?|rotors?|passengers?|cameras?|sensors?|axles?|speakers?|shocks?|"
             "dampers?|springs?|bearings?|wipers?|fenders?|quarter|hatch|tailgate|vents?|end|arch(?:es)?")
_RO_PARTS = ("fai|krajok|kra jok|krachok|pratu|pra tu|yang|lor|lo|brake|break|brek|bek|air|aer|sensor|"
             "kan chon|kanchon|bor|glong|klong|kon|chock|chok|lum pong|lumpong|baw|bao")
_SIDE_RULES = (
    (re.compile(rf"(?:{_TH_PARTS})(?:ด้าน|ข้าง|ฝั่ง|คู่|ตัว)?(หน้า|หลัง|ท้าย)"), None),
    (re.compile(r"หน้ารถ"), "side.front"),
    (re.compile(r"(?:ท้าย|หลัง)รถ"), "side.rear"),
    (re.compile(r"(?:ฝั่ง|ด้าน|ข้าง|ประตู|กระจก)(?:คนขับ)"), "side.right"),
    (re.compile(r"(?:ฝั่ง|ด้าน|ข้าง|ประตู|กระจก)(?:คนนั่ง|ผู้โดยสาร)"), "side.left"),
    (re.compile(rf"(?<![a-z])back[ -]?(?:{_EN_PARTS}|left|right|of the car)(?![a-z])"), "side.rear"),
    (re.compile(r"(?<![a-z])(?:front|rear|back)[ -]?(left|right)(?![a-z])"), None),
    (re.compile(r"(?<![a-z])(left|right)[ -]?(?:hand|front|rear|back|side|door|wheel|tyre|tire|mirror|"
                r"headlights?|indicator|window|seat|speaker|fender|pad|shock)s?(?![a-z])"), None),
    (re.compile(r"(?<![a-z])drivers?'?s?[ -](?:side|door|window|seat|mirror)(?![a-z])"), "side.right"),
    (re.compile(r"(?<![a-z])(?:front )?passengers?'?s?[ -](?:side|door|window|mirror)(?![a-z])"), "side.left"),
)
_RO_SIDE_RULE = re.compile(rf"(?<![a-z])(?:{_RO_PARTS})[ -]?(lang|lung|na|naa|nah|tai|thai|sai|khwa|kwa|khwaa|kwaa)(?![a-z])")
_RO_SIDE = {"lang": "side.rear", "lung": "side.rear", "tai": "side.rear", "thai": "side.rear", "na": "side.front",
            "naa": "side.front", "nah": "side.front", "sai": "side.left", "khwa": "side.right", "kwa": "side.right",
            "khwaa": "side.right", "kwaa": "side.right"}
_EN_SIDE = {"left": "side.left", "right": "side.right"}
_SIDE_ALIAS = {"side.driver": "side.right", "side.passenger": "side.left"}
# parts that are only ever at one end of the car: the windscreen is the front glass, a tail light is
# at the rear ("ฉีดน้ำกระจกหลัง" is not the windscreen washer)
_PART_SIDE = {**dict.fromkeys(("part.windshield", "part.headlight", "part.headlight_lens", "part.high_beam",
                               "part.low_beam", "part.fog_light", "part.front_sensor", "part.dashcam", "part.wiper",
                               "part.washer"), "side.front"),
              **dict.fromkeys(("part.rear_wiper", "part.reverse_camera", "part.reverse_light", "part.taillight",
                               "part.tailgate", "part.third_brake_light", "part.towbar"), "side.rear")}
SIDE_AXES = (frozenset({"side.front", "side.rear"}), frozenset({"side.left", "side.right"}))


def _sides(found: set[str], text: str, roman: bool) -> frozenset[str]:
    """(fifteenth pass) `Analysis.sides`: the positions named (side concepts, `sides_in`), and on an
    axis where none is named, the one a part implies (`_PART_SIDE`: a windscreen is at the front)."""
    named = {_SIDE_ALIAS.get(c, c) for c in found if c.startswith("side.") and not is_negated(c)}
    named |= sides_in(text, roman)
    implied = {_PART_SIDE[c] for c in found if c in _PART_SIDE}
    for axis in SIDE_AXES:
        if not named & axis:
            named |= implied & axis
    return frozenset(named)


def sides_in(text: str, roman: bool = False) -> frozenset[str]:
    """(fifteenth pass) The positions (`side.*`) a normalised text names by the rules above."""
    out: set[str] = set()
    for rx, fixed in _SIDE_RULES:
        for m in rx.finditer(text):
            if fixed is not None:
                out.add(fixed)
            else:
                g = m.group(1)
                out.add(_TH_SIDE.get(g) or _EN_SIDE[g])
    if roman:
        out.update(_RO_SIDE[m.group(1)] for m in _RO_SIDE_RULE.finditer(text))
    return frozenset(out)


# (twenty-first pass) Circumstances a question is asked in that the vocabulary has no concept for
# (or has only for some phrasings), read from the normalised text (Thai spaces removed) by a few
# rules in both languages; a match right after a negation ("not when braking", "ไม่ได้เปิดแอร์") does
# not count. Names already in the vocabulary (`cond.high_speed`, `cond.cold_start`) are shared with it.
_EN_NOT = r"(?<!not )(?<!n't )(?<!never )"
_TH_NOT = r"(?<!ไม่)(?<!ไม่ได้)(?<!ไม่ต้อง)(?<!ไม่ค่อย)"
_CONDITION_RULES: tuple[tuple[str, str], ...] = (
    ("cond.hot_engine",
     r"\b(?:when|once|after|if)\s+(?:the\s+|my\s+|it\s+)?(?:engine\s+|car\s+)?(?:is\s+|gets\s+|got\s+|has\s+)?"
     r"(?:hot|warm|warmed up|warms up|heated up|fully warm)\b|\bhot engine\b|\bengine (?:is |gets )?(?:hot|warm)\b"
     r"|\bafter (?:driving|a drive|a long drive|a while|some time|\d+ (?:min|mins|minutes))\b"
     r"|เครื่องร้อน|ตอนร้อน|ขับไปสักพัก|ขับสักพัก|วิ่งไปสักพัก|ขับไปนาน|ขับนานๆ|ขับไปซักพัก|ขับมาสักพัก"),
    ("cond.stationary",
     r"\b(?:at|on) idle\b|\b(?:when|while) idling\b|\b(?:when|while) (?:i'?m |it'?s |the car is )?(?:stopped|parked|stationary)\b"
     r"|\bstanding still\b|\bat a standstill\b|\bat (?:a )?(?:stop|standstill|red light)\b|\bin neutral\b"
     rf"|{_TH_NOT}(?:ตอนจอด|ขณะจอด|เวลาจอด|จอดติดเครื่อง|ตอนรถจอด|ตอนรถหยุด|หยุดนิ่ง|จอดนิ่ง|จอดรถติดเครื่อง|ตอนเดินเบา)"),
    ("cond.moving",
     r"\b(?:when|while) (?:i'?m |i am |you'?re )?(?:driving|moving|cruising|on the move)\b|\bat speed\b|\bon the move\b"
     rf"|{_TH_NOT}(?:ตอนวิ่ง|ขณะวิ่ง|เวลาวิ่ง|ตอนขับ|ขณะขับ|เวลาขับ|รถวิ่ง|ระหว่างขับ|ระหว่างวิ่ง)"),
    ("cond.braking",
     rf"{_EN_NOT}\b(?:when|while|under) (?:i )?(?:braking|brake|hard braking)\b|{_EN_NOT}\bbraking hard\b"
     rf"|{_EN_NOT}\bpress(?:ing)? the brake\b|{_TH_NOT}(?:ตอนเบรก|เวลาเบรก|ขณะเบรก|เหยียบเบรก|แตะเบรก|ตอนแตะเบรก|เบรกแรง)"),
    ("cond.ac_on",
     rf"{_EN_NOT}\b(?:with|when|while) (?:the |my )?(?:ac|a/c|aircon|air con|air-con|air conditioning)(?: is| was)? (?:on|running)\b"
     rf"|{_EN_NOT}\b(?:ac|aircon|a/c) on\b|{_TH_NOT}(?:เปิดแอร์|ตอนเปิดแอร์)"),
    ("cond.low_speed",
     rf"\b(?:at |in )?(?:low|slow|walking|crawling) speeds?\b|{_TH_NOT}(?:ความเร็วต่ำ|วิ่งช้า|ขับช้า|รอบต่ำ)"),
    ("cond.high_speed",
     rf"\b(?:at )?(?:high|top|highway) speeds?\b|\bover \d{{3}} ?(?:km/h|kph|kmh)\b|{_TH_NOT}(?:ความเร็วสูง|วิ่งเร็ว|ขับเร็ว|รอบสูง)"),
    ("cond.loaded",
     r"\b(?:fully loaded|full load|heavy load|with a load|loaded up|towing|with passengers|full of people)\b"
     r"|บรรทุกหนัก|ของเต็ม|คนเต็ม|นั่งเต็ม|ขนของหนัก|ลากเรือ|ลากรถ"),
    ("cond.after_work",
     r"\bafter (?:i |we |they |the shop |the garage )?(?:replac|chang|fitt|install|repair|swapp|servic|fix)\w*\b"
     r"|\bafter (?:the |a |its |my )?(?:service|repair|oil change|fitting|install)\b|\bsince (?:i |they )?(?:replaced|changed|fitted|installed)\b"
     r"|หลังเปลี่ยน|หลังติดตั้ง|หลังซ่อม|หลังเข้าศูนย์|หลังเช็คระยะ|หลังเช็กระยะ|หลังติด|ตั้งแต่เปลี่ยน|ตั้งแต่ติด|พอเปลี่ยน|เปลี่ยนมาแล้ว"),
    ("cond.engine_off",
     r"\b(?:with|when|while) (?:the )?(?:engine|ignition|car) (?:is )?(?:off|switched off|turned off)\b|\bignition off\b"
     r"|ตอนดับเครื่อง|ดับเครื่องแล้ว|หลังดับเครื่อง|ดับเครื่องไว้|ไม่ได้ติดเครื่อง"),
)
_CONDITION_RES = tuple((name, re.compile(rx)) for name, rx in _CONDITION_RULES)


def conditions_in(text: str) -> frozenset[str]:
    """(twenty-first pass) The circumstances (`_CONDITION_RULES`) a normalised text names."""
    return frozenset(name for name, rx in _CONDITION_RES if rx.search(text))


# (nineteenth pass) Numbers written any way are read as their value before anything else reads the
# text, so "25,000", "25k", "25 thousand", "2.5 หมื่น", "สองหมื่นห้า" and "25000" are one feature
# ("25000") and one value in the conflict test.  Thai number words are read only as part of a
# number with a place word (สองหมื่น, หมื่นห้า, สามพันห้าร้อย) or right before a unit (สองปี,
# หมื่นกิโล), so ordinary words that contain one stay words ("เรียบร้อย", "แสนดี", "มือสอง",
# "สายพันธุ์", "ชั้นหนึ่ง").  Colloquial Thai drops the last place word: "หมื่นห้า" is 15,000,
# "แสนสอง" 120,000, "2หมื่น5" 25,000.
_TH_DIGIT = {"หนึ่ง": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7,
             "แปด": 8, "เก้า": 9}
_TH_PLACE = {"สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}
_EN_DIGIT = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_EN_DIGIT.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                  "eighty": 80, "ninety": 90})
_EN_PLACE = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000}
# units a Thai number word may stand before (not แถว, ประตู, ล้อ: "สองแถว", "สี่ประตู", "สิบล้อ" are names)
_TH_UNIT = r"(?:บาท|กิโล|กม|โล|ปี|เดือน|อาทิตย์|สัปดาห์|วัน|ชั่วโมง|ชม|นาที|ลิตร|ครั้ง|เปอร์เซ็น|นิ้ว|km|baht)"
_TH_UNIT_AFTER = re.compile(rf"\s*{_TH_UNIT}")
_TH_DIGIT_RE = "|".join(sorted(_TH_DIGIT, key=len, reverse=True))
_TH_PLACE_RE = "|".join(sorted(_TH_PLACE, key=len, reverse=True))
# words ending in a place word that are not numbers: เรียบร้อย, สร้อย, ผูกพัน, เกี่ยวพัน, บางแสน
_TH_NOT_PLACE = r"(?<!เรียบ)(?<!ส)(?<!ผูก)(?<!เกี่ยว)(?<!บาง)"
_TH_NUMBER = re.compile(
    # digits or Thai digit words and place words, then optionally a trailing digit word (colloquial)
    rf"(?P<th>(?:(?:\d+(?:\.\d+)?\s*|(?:{_TH_DIGIT_RE}))?{_TH_NOT_PLACE}(?:{_TH_PLACE_RE})(?!ธ|ธุ์|ธ์))+"
    rf"(?:(?:{_TH_DIGIT_RE})|\d(?!\d))?(?!\d)"
    rf"|(?:{_TH_DIGIT_RE})(?=\s*{_TH_UNIT}))"
)
_DIGITS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,]*\d)|(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*(k|thousand|million|hundred)(?![a-z])")
_EN_WORDS = "|".join(sorted(_EN_DIGIT, key=len, reverse=True))
_EN_NUMBER = re.compile(
    rf"(?<![a-z])(?:(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]?)?(?P<w>{_EN_WORDS})?"
    rf"\s*(?P<place>hundred|thousand|million)(?![a-z])")
# (nineteenth pass) a model year written after ปี (or พ.ศ.) with two digits ("ยาริสปี 19" = 2019) or in
# the Buddhist era ("ปี 62", "ปี 2562", "พ.ศ. 2562" = 2019), not a count of something ("ปี 48 งวด")
_TH_YEAR = re.compile(rf"(ปี|พ\.?ศ\.?)\s*(\d{{2}}|25\d\d)(?![\d.,])(?!\s*(?:{_TH_UNIT}|งวด|คัน|%|ปี))")


def _th_year(m: re.Match) -> str:
    n = int(m.group(2))
    if n >= 2500:
        year = n - 543
    elif n <= 35:
        year = 2000 + n
    elif 40 <= n <= 79:
        year = 2500 + n - 543
    elif n >= 80:
        year = 1900 + n
    else:
        return m.group(0)
    return f"{m.group(1)} {year}"


_DECADE = re.compile(r"(?<![a-z])(?:(?:a|one)\s+)?decade(?![a-z])")
# an English number word (not "one": "one day") before a span of time
_EN_SPAN = re.compile(rf"(?<![a-z])((?!one)(?:{_EN_WORDS}))([\s-]+(?:years?|months?|weeks?)(?![a-z]))")
_TH_TOKEN = re.compile(rf"\d+(?:\.\d+)?|{_TH_DIGIT_RE}|{_TH_PLACE_RE}")


# (nineteenth pass) the same in romanised Thai: a place word right after a digit or a digit word
# ("2 muen lo", "song muen", "sam pan baht"); read only in a text that reads as romanised
_RO_DIGIT = {"nueng": 1, "neung": 1, "nung": 1, "song": 2, "sorng": 2, "sam": 3, "sarm": 3, "si": 4, "see": 4,
             "sii": 4, "ha": 5, "haa": 5, "hok": 6, "jet": 7, "chet": 7, "paet": 8, "pad": 8, "kao": 9, "gao": 9}
_RO_PLACE = {"sip": 10, "roi": 100, "pan": 1000, "phan": 1000, "muen": 10_000, "meun": 10_000, "mun": 10_000,
             "muean": 10_000, "saen": 100_000, "san": 100_000, "lan": 1_000_000, "larn": 1_000_000}
_RO_NUMBER = re.compile(
    rf"(?<![a-z0-9.])(\d+(?:\.\d+)?|{'|'.join(sorted(_RO_DIGIT, key=len, reverse=True))})\s*"
    rf"({'|'.join(sorted(_RO_PLACE, key=len, reverse=True))})(?![a-z])")


def read_romanised_numbers(text: str) -> str:
    """(nineteenth pass) "2 muen" / "song muen" -> "20000" in a romanised text."""
    def value(m: re.Match) -> str:
        d = m.group(1)
        return _fmt((float(d) if d[0].isdigit() else _RO_DIGIT[d]) * _RO_PLACE[m.group(2)])
    return _RO_NUMBER.sub(value, text)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _thai_value(phrase: str) -> float | None:
    """The value of a Thai number phrase ("สองหมื่นห้า", "2 หมื่น 5", "สามพันห้าร้อย", "ห้า")."""
    tokens = _TH_TOKEN.findall(phrase.replace(" ", ""))
    total, digit, last_place = 0.0, None, None
    for tok in tokens:
        if tok in _TH_PLACE:
            place = _TH_PLACE[tok]
            if place == 10 and digit is None and total and last_place and last_place < 10:
                digit = 1
            total += (1 if digit is None else digit) * place
            digit, last_place = None, place
        else:
            digit = float(tok) if tok[0].isdigit() else _TH_DIGIT[tok]
    if digit is not None:
        # a digit after a place word of 100 or more is the next place down: "หมื่นห้า" = 15,000
        total += digit * (last_place // 10 if last_place and last_place >= 100 else 1)
    return total or None


def read_numbers(text: str) -> str:
    """(nineteenth pass) `text` (normalised) with every number written otherwise replaced by its value
    in digits: "25,000" / "25k" / "25 thousand" / "2.5 หมื่น" / "สองหมื่นห้า" -> "25000"."""
    if not text:
        return text
    def digits(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0).replace(",", "")
        return _fmt(float(m.group(1)) * _EN_PLACE[m.group(2)])
    text = _DIGITS.sub(digits, text)
    if _IS_THAI.search(text):
        def thai(m: re.Match) -> str:
            phrase = m.group(0)
            # a place word alone ("แสนดี", "ร้อยละ") is a number only before a unit ("หมื่นกิโล")
            if len(_TH_TOKEN.findall(phrase.replace(" ", ""))) < 2 and not _TH_UNIT_AFTER.match(text, m.end()):
                return phrase
            value = _thai_value(phrase)
            return _fmt(value) if value else phrase
        text = _TH_NUMBER.sub(thai, text)
    if "ปี" in text or "พ.ศ" in text:  # "ยาริสปี 19", "ปี 62", "พ.ศ. 2562" = 2019
        text = _TH_YEAR.sub(_th_year, text)
    if "decade" in text:  # "decade-old" = "10-year-old", "a decade old" = "10 year old"
        text = _DECADE.sub("10 year", text)
    if "year" in text or "month" in text or "week" in text:  # "ten-year-old" = "10-year-old"
        text = _EN_SPAN.sub(lambda m: f"{_EN_DIGIT[m.group(1)]}{m.group(2)}", text)
    if "hundred" in text or "thousand" in text or "million" in text:
        def words(m: re.Match) -> str:
            n = (_EN_DIGIT.get(m.group("tens") or "", 0)) + (_EN_DIGIT.get(m.group("w") or "", 0))
            if not n:
                return m.group(0)
            return _fmt(n * _EN_PLACE[m.group("place")])
        text = _EN_NUMBER.sub(words, text)
    return text


def numbers_in(text: str) -> frozenset[str]:
    """The numbers of a text, as canonical values: "10,000" = "10k" = "1 หมื่น" = "10000"; digits
    inside a word count too ("E85" -> 85, "DOT4" -> 4).  (nineteenth pass) Numbers written in Thai
    words count where `read_numbers` reads them ("สองหมื่น" = 20000, "สองปี" = 2); other number
    words ("two", a bare "สอง") do not."""
    out = set()
    for match in _NUMBER.finditer(read_numbers(normalize(text))):
        value = float(match.group(1).replace(",", "")) * _MULTIPLIER.get(match.group(2) or "", 1)
        out.add(f"{value:g}")
    return frozenset(out)


# (seventh pass) A number's unit, read from the words right after it (or "class"/"ชั้น" before it),
# so that two numbers are compared only when they measure the same thing: "ครบ 3 แถว" (rows) and
# "7 seats" are not two values of one attribute, "2015" and "2022" (years) are.  A number with no
# recognised unit has class "" (compatible with any class in the title test).
_UNIT_AFTER = tuple((cls, re.compile(rx)) for cls, rx in (
    ("kmh", r"(?:km/h|kmh|kph|กม\.?\s*/\s*ชม|กิโลต่อชั่วโมง)"),
    ("km", r"(?:km|kms|kilomet|กม|กิโล|โล)"),
    ("inch", r'(?:นิ้ว|inch|in(?![a-z])|")'),
    ("money", r"(?:บาท|baht|thb|฿)"),
    ("pct", r"(?:%|เปอร์เซ็น|percent|เปอร์)"),
    ("kw", r"kw"),
    ("psi", r"(?:psi|ปอนด์)"),
    ("years", r"(?:ปี|years?(?![a-z])|yrs?(?![a-z]))"),
    ("months", r"(?:เดือน|months?(?![a-z]))"),
    ("weeks", r"(?:สัปดาห์|อาทิตย์|weeks?(?![a-z]))"),
    ("days", r"(?:วัน|days?(?![a-z]))"),
    ("hours", r"(?:ชั่วโมง|ชม|hours?(?![a-z])|hrs?(?![a-z]))"),
    ("minutes", r"(?:นาที|min)"),
    ("seats", r"(?:ที่นั่ง|seats?(?![a-z])|seater)"),
    ("rows", r"(?:แถว|rows?(?![a-z]))"),
    ("doors", r"(?:ประตู|doors?(?![a-z])|dr(?![a-z]))"),
    ("speeds", r"(?:สปีด|speed)"),
    ("litres", r"(?:ลิตร|litres?|liters?|l(?![a-z]))"),
    ("times", r"(?:ครั้ง|times)"),
))
_UNIT_BEFORE = re.compile(r"(?:class|ชั้น|type|ประเภท)\s*$")
# Concept kinds whose digits are part of a name, not a value: "MG4", "Atto 3", "CX-5", "Model 3".
_NAME_KINDS = ("model", "brand")


def _number_class(text: str, start: int, end: int, value: float, multiplied: bool) -> str:
    after = text[end : end + 14].lstrip(" .-")
    for cls, rx in _UNIT_AFTER:
        if rx.match(after):
            return cls
    if _UNIT_BEFORE.search(text[max(0, start - 10) : start]):
        return "class"
    if not multiplied and value.is_integer() and 1950 <= value <= 2039:
        return "year"
    return ""


def classed_numbers(text: str) -> frozenset[str]:
    """`numbers_in` with each value's unit class: "class:value" ("year:2015", "km:10000",
    ":3").  `text` must be normalised already."""
    out = set()
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "")) * _MULTIPLIER.get(match.group(2) or "", 1)
        cls = _number_class(text, match.start(), match.end(), value, bool(match.group(2)))
        out.add(f"{cls}:{value:g}")
    return frozenset(out)


def _numbers_outside(text: str, cut: list[tuple[int, int]]) -> frozenset[str]:
    """`classed_numbers` of normalised text, the spans `cut` (model names) blanked out."""
    if not any(c.isdigit() for c in text):
        return frozenset()
    for start, end in reversed(cut):
        text = text[:start] + " " * (end - start) + text[end:]
    return classed_numbers(text)


def _form_key(form: str) -> str:
    form = normalize(form)
    return read_numbers(_SPACE_IN_THAI.sub("", form))


def _units(text: str) -> list[str]:
    """Regex pieces of one vocabulary form: tone marks optional in long Thai forms (so "แคมรี"
    matches "แคมรี่"), spaces/hyphens optional between Latin parts ("d-max" = "dmax")."""
    out = []
    thai_len = len([c for c in text if _IS_THAI.match(c) and c not in _TONES])
    loose_tones = thai_len >= 5
    for ch in text:
        if ch in " -":
            out.append(r"[\s\-]?")
        elif loose_tones and ch in _TONES:
            continue
        elif loose_tones and _IS_THAI.match(ch):
            out.append(re.escape(ch) + f"[{_TONES}]*")
        else:
            out.append(re.escape(ch))
    return out


def _trie_regex(keys: list[str], index: dict[str, int]) -> str:
    """One regex for many forms, as a trie (fast with Python's backtracking engine); longer
    continuations are tried before a shorter form ends, so the longest form wins."""
    root: dict = {}
    for key in keys:
        node = root
        for unit in _units(key):
            node = node.setdefault(unit, {})
        node[None] = key

    def emit(node: dict) -> str:
        branches = [unit + emit(child) for unit, child in node.items() if unit is not None]
        if None in node:
            key = node[None]
            tail = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", key) else ""
            branches.append(f"{tail}(?P<f{index[key]}>)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root)


class Vocabulary:
    """The club vocabulary: surface form -> concept, compiled into one regex (longest first)."""

    def __init__(self, text: str):
        self.text = text  # (fourteenth pass) kept for `_romanised_vocabulary`
        self.concepts: dict[str, Concept] = {}
        self.form_to_concept: dict[str, str] = {}
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
            if not line:
                continue
            if " : " not in line:
                raise ValueError(f"{VOCABULARY_FILE}:{lineno}: expected 'concept : forms'")
            head, forms = line.split(" : ", 1)
            if "+" in head:  # forms that stand for several concepts defined elsewhere
                combo = tuple(n.strip() for n in head.split("+"))
                for form in forms.split(","):
                    if key := _form_key(form):
                        self.form_to_concept.setdefault(key, combo)
                continue
            names = head.replace(">", " ").split()
            name, implies = names[0], tuple(names[1:])
            kind = name.split(".", 1)[0]
            if name in self.concepts:
                # a later line naming a known concept only adds surface forms to it
                if implies and implies != self.concepts[name].implies:
                    raise ValueError(f"{VOCABULARY_FILE}:{lineno}: {name} redefined with other implied concepts")
            else:
                self.concepts[name] = Concept(name, kind, implies)
            for form in forms.split(","):
                key = _form_key(form)
                if key:
                    self.form_to_concept.setdefault(key, name)
        # Negated forms ("without braking", "ไม่ได้เหยียบเบรก", "no leak"): a concept of their own
        # of the same kind, so "shakes without braking" does not look like "shakes when braking".
        for concept in list(self.concepts.values()):
            if concept.kind in NEGATABLE_KINDS:
                neg = negated(concept.name)
                self.concepts[neg] = Concept(neg, concept.kind)
        for concept in self.concepts.values():
            for implied in concept.implies:
                if implied not in self.concepts:
                    raise ValueError(f"{concept.name} implies unknown concept {implied}")
        for target in self.form_to_concept.values():
            for name in target if isinstance(target, tuple) else (target,):
                if name not in self.concepts:
                    raise ValueError(f"vocabulary form maps to unknown concept {name}")
        keys = sorted(self.form_to_concept, key=len, reverse=True)
        index = {key: i for i, key in enumerate(keys)}
        latin = [k for k in keys if re.match(r"[a-z0-9]", k)]
        other = [k for k in keys if not re.match(r"[a-z0-9]", k)]
        self._keys = keys
        self._regex = re.compile(
            r"(?<![a-z0-9])" + _trie_regex(latin, index) + "|" + _trie_regex(other, index)
        )
        # single Latin words, for one-typo matching ("fortunr" -> fortuner)
        self._latin_words = {
            k: v for k, v in self.form_to_concept.items() if re.fullmatch(r"[a-z]{5,}", k) and isinstance(v, str)
        }
        self._latin_single = {
            k: v for k, v in self.form_to_concept.items() if re.fullmatch(r"[a-z]{3,}", k) and isinstance(v, str)
        }
        self._latin_by_first: dict[str, list[str]] = {}
        for word in self._latin_words:
            self._latin_by_first.setdefault(word[0], []).append(word)

    @classmethod
    def default(cls) -> "Vocabulary":
        return _default_vocabulary()

    def expand(self, name: str) -> list[str]:
        """A concept and everything it implies (transitively)."""
        seen, stack = [], [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.append(current)
            stack.extend(self.concepts[current].implies)
        return seen

    def find(self, text: str):
        """Yields (start, end, concept name or tuple of names) for vocabulary forms found in
        normalised text."""
        for match in self._regex.finditer(text):
            key = self._keys[int(match.lastgroup[1:])]
            yield match.start(), match.end(), self.form_to_concept[key]

    @lru_cache(maxsize=100_000)
    def fuzzy(self, word: str) -> str | None:
        """Concept of a Latin vocabulary word within one edit (two for long words) of `word`,
        or equal to it once doubled letters are undone ("deadd", left by normalize, -> dead)."""
        single = re.sub(r"(.)\1", r"\1", word)
        if single != word and single in self._latin_single:
            return self._latin_single[single]
        if len(word) < 6 or word in _EN_STOP:
            return None
        limit = 2 if len(word) >= 9 else 1
        best = None
        for cand in self._latin_by_first.get(word[0], ()):
            if abs(len(cand) - len(word)) > limit:
                continue
            d = _edit_distance(word, cand, limit)
            if d <= limit and (best is None or d < best[0]):
                best = (d, cand)
        return self._latin_words[best[1]] if best else None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps count 1), stopping early above `limit`."""
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# One to three romanised Thai syllables: an initial consonant or cluster Thai has, a vowel
# spelling, a final Thai allows (k t p m n ng, written d b g too; w/y/o glides).  English words
# end or cluster otherwise far more often ("mates", "reckon", "gridlock", "first").
_SYLLABLE = (r"(?:kh|ph|th|ch|ng|[kgjsdtnbpfmyrlwh]|[kpbf][rl]|kw|khw|khr|khl|phr|phl|tr|dr)?"
             r"(?:[aeiou]{1,3}|aw|ay|ao|ai|oi|ui)(?:ng|[ktpmndbgwy])?")
_THAI_LIKE = re.compile(rf"(?:{_SYLLABLE}){{1,3}}")
# A Latin word seen in at least this many reference documents is taken for English (or a form
# the plain words already match), never for romanised Thai.
ROMANISED_ENGLISH_DF = 2
# A text goes through the romanised lookup when at least this share of its Latin words (and at
# least this many) are foreign: an English post with a rare word or two never does.
ROMANISED_SHARE = 0.6
ROMANISED_MIN_WORDS = 3

# (ninth pass) The function words of romanised Thai, in their usual spellings: particles,
# pronouns, auxiliaries and question words (the Latin-letter twins of _THAI_STOP: "kap"/"krub"
# ครับ, "laew" แล้ว, "tong" ต้อง, "pai" ไป, "rue plao" หรือเปล่า, "pokati" ปกติ).  In a text that
# reads as romanised they are stop words: never features, never part of a consonant-key window
# (joined to their neighbours they spelt keys of unrelated forms: "pokati" read as ภูเก็ต, "jing
# mai" as เชียงใหม่), and a single-word Latin vocabulary form spelt like one ("pai", the town) is
# not taken there.  Words that are also content in romanised Thai or names are left out on
# purpose: "lang" หลัง, "chan" ชั้น, "yang" ยาง, "ka" (in "ka ba" กระบะ), "man" (in "nam man"),
# "pra"/"kan" (in "pra kan" ประกัน), "ha" ห้า, "ko" เกาะ, "nan" น่าน, "lao" Laos.
ROMANISED_STOP = frozenset("""
    kap kab krap krab krub khrap khrab khrub kub kup ja jaa cha na naa nah
    mai pai bpai ma maa dai mee mii mi pen bpen kue khue keu wa waa
    laew laeo leaw laeuw loey loei leoy leuy duay duai dueai noi bang baang
    tong tawng torng kuan khuan kor gor tae tair lae gap khong kong
    nai tee thee thii ti thi nee nii ni arai alai ngai yangngai tammai tummai
    prao phro tha rue reu ruu ler plao plow pao chai phom pom rao khun kun khao kao
    hai yak yaak ru roo sap saap jing ching mak maak nid nit koei keoi kheoi khoei
    eng ehng doo du bok bawk pokati pokkati pakati rod rot ao aow
    took thook thuk tuk praman dee di kee gee
""".split())
# ... and Latin vocabulary forms that are another word in romanised Thai: "kia" is เกียร์ (the
# gearbox), "law" ล้อ (a wheel); in a romanised text they are read as that word.
ROMANISED_HOMOGRAPHS = {"kia": "part.gearbox", "gia": "part.gearbox", "law": "part.wheel", "lor": "part.wheel"}

# (fourteenth pass) Romanised spellings of everyday Thai vocabulary forms that the consonant key
# (romanised.py) cannot reach: keys shorter than MIN_KEY ("siang" เสียง, "klin" กลิ่น), keys shared
# by forms of other concepts ("mue song" มือสอง = มีเสียง's key), letters the key reads otherwise
# ("kunjae" กุญแจ), and phrases whose first word is an English vocabulary form ("fai na pad"
# ไฟหน้าปัด is the dashboard light, not headlight + brake pad; "pha brake" ผ้าเบรก).  Each line names a
# Thai form of the vocabulary and its spellings; the spellings get that form's concepts, so a
# romanised question and its Thai twin name the same concepts.  Read only in a text that reads as
# romanised Thai (an English post never sees them); a Thai form the vocabulary lacks is skipped.
# Written for this project from common karaoke spellings, not from any labelled query.
ROMANISED_FORMS = """
พัดลมหม้อน้ำ : phat lom mo nam, pat lom mo nam, pad lom mo nam, phat lom mor nam, pat lom mor nam, pad lom mor nam, phat lom maw nam, pat lom maw nam
พัดลมแอร์ : phat lom air, pat lom air, pad lom air, phat lom ae, pat lom ae
ไฟหน้าปัด : fai na pad, fai naa pad, fai nah pad, fai na pat, fai naa pat, fai na phat, fai na bpad, na pad, naa pad, nah pad, na pat, naa pat
เสียง : siang, seang, sieng, siiang, see ang, siang dang, siang dung
กลิ่น : klin, glin, kliin, gliin
เหม็น : men, mhen, mennn, hmen
เหม็นไหม้ : men mai, mhen mai, klin mai, glin mai, klin mhai, glin mhai
กุญแจ : kunjae, gunjae, kun jae, gun jae, kunchae, gunchae, kunjair, gunjair
ดอกเบี้ย : dok bia, dok bea, dok biea, dokbia, dok bier, dork bia
มือสอง : mue song, mue sorng, meu song, mu song, muesong, mue 2, mue2
ผ้าเบรก : pha brake, pa brake, paa brake, phaa brake, pha break, pa break, pha bake, pa bake, pha brek, pa brek
เบรกจม : brake jom, break jom, brake jom luek, brake luek, brake lueak, brake nim, brake nim nim
ไฟเลี้ยว : fai liao, fai liaw, fai leaw, fai leow, fai lieo, fai liew, fai leo
ไฟท้าย : fai tai, fai thai, fai taai, fai thaai
ไฟหรี่ : fai ree, fai rii, fai ri, fai mua, fai muaa
กระพริบ : kra prib, kra prip, kra pib, krapib, krapip, grapib, grapip, gra prib, gra pib, ka prib, kaprib
กลางคืน : klang kuen, glang kuen, klang keun, glang keun, klang khuen, glang khuen, klangkuen, glangkuen, ton klang kuen, tawn klang kuen
กลางวัน : klang wan, glang wan, klangwan, glangwan
ตอนเช้า : ton chao, torn chao, tawn chao, ton chow, torn chow, chao chao
ลมยาง : lom yang, lom yaang, lomyang, term lom, toem lom, term lom, dterm lom
น้ำมันเครื่อง : nam man kreuang, nam man krueang, nam man kruang, nam man kreung, namman kreuang, namman krueang, nammun kreuang, nam mun kreuang, nam mun kruang, nam mun krueang
ความร้อนขึ้น : kwam ron kuen, kwam ron khuen, khwam ron khuen, kwamron kuen, kwam rorn kuen
แอร์ไม่เย็น : air mai yen, ae mai yen, aer mai yen, air mai yen loey
ไม่เย็น : mai yen, mai yenn
แบตหมด : bat mod, batt mod, baet mod, bat mot, batt mot, bat mhod, batt mhod
ไดชาร์จ : dai charge, dai chaj, dai charj, dai chaat, dai chart, daicharge, dai chak
ไดสตาร์ท : dai start, dai sataat, dai sa tart, dai stat, daistart
พวงมาลัย : puang malai, phuang malai, puangmalai, puang ma lai, puang malaai, phuang ma lai
ที่ปัดน้ำฝน : tee pad nam fon, ti pad nam fon, tee pat nam fon, pad nam fon, pat nam fon, tee pad namfon
ฝนตก : fon tok, fon tohk, fon tog, fontok, fon tok nak
น้ำท่วม : nam tuam, nam thuam, namtuam, nam tuum, lui nam, luy nam, lui nam tuam
กระจกมองหลัง : krajok mong lang, kra jok mong lang, grajok mong lang, kajok mong lang
รั่ว : rua, ruaa, rua sum, rua seum, rua suem
ควันขาว : kwan kao, kwan khao, khwan khao, kwan see kao, kwan si khao
ควันดำ : kwan dam, kwan dum, khwan dam, kwan see dam
ควัน : kwan, khwan, kwun
สั่น : rot san, san mak, san tua, sun tua, san tang kan
ขึ้นเขา : kuen kao, khuen khao, kuen khao, keun kao, kuen doi, khuen doi, keun doi
ลงเขา : long kao, long khao, lohng khao, long doi
รถติด : rot tid, rod tid, rot tit, rod tit, rot tid nak
ติดไฟแดง : tid fai daeng, tit fai daeng, tid fai dang, tid fai deng
ไฟแดง : fai daeng, fai dang, fai deng
ทางด่วน : tang duan, thang duan, tangduan, tang dtuan, thang dtuan
ต่อภาษี : tor pasi, tor phasi, tor phasee, tor pasee, tor pa si, taw pasi, tor paasi, pasi rot, phasi rot, pasee rot, phasee rot, pai pasi, paai pasi, pai phasi
เอกสาร : ekasan, ekasarn, eka san, ek ka san, ekkasan, aekasan
ประกัน : pra kan, prakan, pragan, pra gan, prakun, pra kun, bpra gan
ชั้นหนึ่ง : chan neung, chan nueng, chun nueng, chun neung, chan nung
เคลม : klem, kleam, clem, klaim, kelm
รถชน : rot chon, rod chon, don chon, doan chon, tuk chon, chon tai, chon thai
ขโมย : kamoy, ka moy, khamoy, kamoi, kha moy, ka moi, kamooy
ที่จอดรถ : tee jod rot, tee jod rod, ti jot rot, tee jot rot, tee jod, ti jod, tee jot, tee jort
จอดรถ : jod rot, jot rot, jod rod, jort rot
ล้างรถ : lang rot, laang rot, lang rod, laang rod
เช็คระยะ : check raya, chek raya, chek rayah, chek ra ya, check ra ya, chek raiya, check rayah, chek raya, cheak raya
เข้าศูนย์ : khao sun, aow kao soon
เท่าไหร่ : tao rai, tao rai, thao rai, taorai, tow rai, tao lai
ค่าใช้จ่าย : kha chai jai, ka chai jai, kha chai chai, ka chai chai, sia ngern, sia ngoen, sia tang
ยี่ห้อไหน : yee ho nai, yee hor nai, yee haw nai, yi ho nai, yeeho nai, yeeh or nai
กี่กิโล : kee kilo, ki kilo, gee kilo, kee gilo, kee km, ki km
เปลี่ยน : plian, plean, pliean, plien, plian mai, bplian, blian
คุ้มไหม : kum mai, khum mai, koom mai, kum mai krub
คุ้ม : kum kha, khum kha, kumka, khumka, koom, khum
ทำเอง : tam eng, tum eng, tham eng, tam aeng
ซื้อ : sue, seu, suea, sue rot, seu rot, suea rot
ออกรถ : org rot, ork rot, ok rot, aok rot, org rod, ork rod
ขายรถ : kai rot, khai rot, kai rod, khai rod
น้ำยาหล่อเย็น : nam ya lo yen, nam ya lor yen, nam yaa lo yen, nam ya law yen, namya loyen
หม้อน้ำ : mo nam, mor nam, maw nam, moh nam
โช้ค : chok, chock, chok up, chokup, chock up
ดอกยาง : dok yang, dok yaang, dork yang
ยางแบน : yang baen, yang ban, yang bain, yaang baen
ตะปู : tapu, ta pu, tapoo, ta poo, don tapu, doan tapu, don ta pu
ปะยาง : pa yang, pah yang, paa yang, pa yaang, bpa yang
กล้องถอยหลัง : glong toi lang, klong toi lang, glong thoi lang, klong thoi lang, glong toi, klong toi, glong lang, klong lang
ถอยหลัง : toi lang, thoi lang, toi rot, thoi rot, toy lang
กระบะ : ka ba, kaba, kra ba, kraba, krabah, kra bah, rot kraba, rot ka ba, rot krabah
ในเมือง : nai muang, nai meuang, nai mueang, nai muaeng, nai meung
เที่ยว : tiew, teaw, tiao, thiao, tiaw, teow, pai tiew, pai teaw, pai tiao
ทางไกล : tang glai, tang klai, thang klai, kub glai, khab klai, dern tang glai
ครั้งแรก : krang raek, krang rak, krung raek, krang raeg, krang rag
ระยะแรก : raya raek, raya rak, ra ya raek, rayah raek
กินน้ำมัน : gin naman, gin nam man, kin naman, kin nam man, kin nam mun, gin nam mun, gin namman
ประหยัด : prayad, pra yad, prayat, pra yat, bpra yad, prayard
กระตุก : kratuk, kra tuk, gra tuk, kratook, gratuk, kra took
เชื่อมต่อไม่ได้ : chueam mai dai, cheum mai dai, chuam mai dai, connect mai dai, chueam tor mai dai
ค่าปรับ : kha prab, ka prub, ka prab, kha prub, kaprab
โดนปรับ : don prub, doan prub, don prab, doan prab, dohn prab
ใบขับขี่ : bai kub kee, bai khab khi, baikubkee, bai kab kee, bai khap khi
โอน : oan, ohn, oan rot, on rot, oan lem, on lem
เล่มเขียว : lem kiew, lem khiao, lem keaw, lem kiao, lem kheaw
แตร : trae, tair, bip trae
น้ำมันเบรก : nam man brake, nammun brake, nam mun brake, namman brake, nam man break
เดือน : duean, deuan, duen, deaun
อาทิตย์ : atit, arthit, a tit, artit
ชั่วโมง : chua mong, chuamong, chuamoung, chua moung
บาท : baht, bath
สตาร์ทไม่ติด : sa tard mai tid, satat mai tid, stard mai tid, sa taat mai tid, start mai tit, satart mai tid
ซ่อม : som rot, sorm rot, som kreuang, sorm kreuang
อู่ : u rot, oo rot, uu rot, u nok, oo nok, uu nok
ค่างวด : kha nguad, ka nguad, ka ngud, kha ngud, ka nguat, kha nguat
ผ่อน : pon rot, phon rot, porn rot, pon duean, phon duean
เกียร์ : gear, kear, giar
ช่วงล่าง : chuang lang, chuang laang, chung lang
ติดยาก : tid yak, tit yak, tid yaak, tit yaak, start tid yak
แบตไม่เก็บไฟ : bat mai keb fai, bat mai kep fai, batt mai keb fai, baet mai kep fai
เสียงแปลกๆ : siang plaek, siang plack, seang plaek, siang plak
กินน้ำมันเยอะ : gin nam man yer, kin nam man yoe, gin naman yer, kin naman yer, gin nam mun yer
ติดตั้ง : tid tang, tit tang, tit taang
อู่ซ่อมรถ : oo som rot, u som rot, uu som rot
แบต : bat, baet, baat, bat rot, batt rot, baet rot
เคลม : khlem, khlaem, khleem, klaem
กรุงเทพ : krungthep, krung thep, krungtep, krung tep, krung thaep
เครื่องดับ : khrueng dap, khrueang dap, krueang dap, kreuang dab, kreuang dub, kruang dab, kruang dub, kreung dub, kreung dab, krueng dap
กระจกหน้า : krajok na, krajok naa, krajok nah, kra jok na, krachok na, grajok na
ที่ฉีดน้ำ : cheed nam, chid nam, cheet nam, chit nam, cheed nam fon, chid nam fon
สตาร์ทไม่ติด : sat mai tid, sta mai tid, sat mai tit, star mai tid
ชาร์จ : chat fai, charj fai, chaj fai, chat bat, chat rot
ความร้อนขึ้น : khwam ron khuen, kwam rorn khuen, ron khuen, rorn khuen
""".strip()


@lru_cache(maxsize=8)
def _romanised_vocabulary(vocabulary: "Vocabulary") -> "Vocabulary":
    """(fourteenth pass) The vocabulary plus ROMANISED_FORMS, each spelling mapped to its Thai
    form's concepts; the vocabulary's own forms win where a spelling equals one."""
    lines = []
    for raw in ROMANISED_FORMS.splitlines():
        thai, forms = raw.split(" : ", 1)
        target = vocabulary.form_to_concept.get(_form_key(thai))
        if target is None:
            continue
        head = " + ".join(target) if isinstance(target, tuple) else target
        lines.append(f"{head} : {forms}")
    return Vocabulary(vocabulary.text + "\n" + "\n".join(lines))


@lru_cache(maxsize=8)
def _romanised_lexicon(vocabulary: "Vocabulary"):
    from .romanised import RomanisedLexicon, common_thai_words

    return RomanisedLexicon(vocabulary.form_to_concept, common_thai_words())


@lru_cache(maxsize=100_000)
def _reference_df(word: str) -> int:
    from .weights import ReferenceWeights

    return ReferenceWeights.default().df.get(word, 0)


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    text = resources.files("forum.duplicates").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    return Vocabulary(text)


def _stem(word: str) -> str:
    """Very light English stemmer: plural and -ing/-ed endings."""
    if not word.isascii() or not word.isalpha() or len(word) <= 3:
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses")):
                continue
            stem = word[: -len(suffix)] + keep
            # (nineteenth pass) a consonant doubled before -ing/-ed is undone: "wrapping", "stopped",
            # "slipping" -> "wrap", "stop", "slip" (as "wraps", "stops", "slips"); not ll, ss, zz
            if suffix in ("ing", "ed") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouylsz":
                stem = stem[:-1]
            return stem
    return word


# Numbers written as words, as features (seventh pass): a Thai "6 ปี" and an English "six years"
# share the term "6".  The conflict test still reads digits only (`classed_numbers`).
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split()) if i >= 2}
_NUMBER_WORDS.update({w: str(i) for i, w in enumerate("_ _ สอง สาม สี่ ห้า หก เจ็ด แปด เก้า สิบ".split())
                      if i >= 2})


def _is_stop(word: str) -> bool:
    if word in _THAI_STOP or word in _EN_STOP:
        return True
    if _IS_THAI.match(word):
        return len(word) < 2
    return len(word) < 2 and not word.isdigit()


class Analyzer:
    """Turns a (title, body) pair into weighted features and concept sets."""

    def __init__(self, vocabulary: Vocabulary | None = None, romanised: bool = True):
        self.vocabulary = vocabulary or Vocabulary.default()
        # (eighth pass) romanised Thai looked up by consonant key (romanised.py)
        self.romanised = _romanised_lexicon(self.vocabulary) if romanised else None
        # (fourteenth pass) the vocabulary a romanised text is read with (ROMANISED_FORMS)
        self.romanised_vocabulary = _romanised_vocabulary(self.vocabulary) if romanised else self.vocabulary

    def is_romanised(self, text: str) -> bool:
        """Whether a (normalised) text reads as Thai typed in Latin letters: at least
        ROMANISED_MIN_WORDS Latin words, and at least ROMANISED_SHARE of its Latin words (stop
        words left out) foreign (`_foreign`)."""
        if self.romanised is None:
            return False
        text = self.vocabulary._regex.sub(" ", text)  # vocabulary forms are neither
        latin = [w for w in _LATIN_WORD.findall(text) if len(w) >= 2 and w not in _EN_STOP]
        if len(latin) < ROMANISED_MIN_WORDS:
            return False
        foreign = sum(1 for w in latin if w in ROMANISED_STOP or self._foreign(w))
        return foreign >= ROMANISED_MIN_WORDS and foreign >= ROMANISED_SHARE * len(latin)

    def _foreign(self, word: str) -> bool:
        """A Latin word that is not English as far as the analyzer knows: not a stop word, not a
        vocabulary form (within a typo), not a word of the reference corpus, and spelt like
        romanised Thai syllables (`_THAI_LIKE`: "mates", "reckon", "gridlock" are not)."""
        if not (word.isascii() and word.isalpha()) or len(word) < 2 or word in _EN_STOP \
                or word in ROMANISED_STOP:
            return False
        if not _THAI_LIKE.fullmatch(word):
            return False
        if self.vocabulary.fuzzy(word) or word in self.vocabulary.form_to_concept:
            return False
        return _reference_df(_stem(word)) < ROMANISED_ENGLISH_DF

    def _romanised(self, tokens: list[str]) -> dict[int, object]:
        """Token positions consumed by romanised-Thai vocabulary forms: the first position of a
        window maps to its target, the others to None.  Only runs of foreign Latin words."""
        out: dict[int, object] = {}
        i = 0
        while i < len(tokens):
            if not self._foreign(tokens[i]):
                i += 1
                continue
            j = i
            while j < len(tokens) and self._foreign(tokens[j]):
                j += 1
            for a, b, target in self.romanised.lookup(tokens[i:j]):
                out[i + a] = target
                for k in range(i + a + 1, i + b):
                    out[k] = None
            i = j
        return out

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """(words, concept names) of one text, in order of appearance."""
        words, concepts, _ = self._scan(text)
        return words, concepts

    def _scan(self, text: str, roman: bool | None = None,
              contrasted: list[str] | None = None) -> tuple[list[str], list[str], frozenset[str]]:
        """(words, concept names, `numbers`) of one text, with one pass of the vocabulary.
        `roman`: whether romanised Thai is looked up (default: decided on this text);
        `contrasted`, when given, gets the concepts named right after an explicit contrast."""
        text = read_numbers(_SPACE_IN_THAI.sub("", normalize(text)))
        if roman is None:
            roman = self.is_romanised(text)
        if roman:
            text = read_romanised_numbers(text)
        words: list[str] = []
        concepts: list[str] = []
        cut: list[tuple[int, int]] = []
        pos = 0
        vocab = self.romanised_vocabulary if roman else self.vocabulary
        matches = list(vocab.find(text))
        for i, (start, end, target) in enumerate(matches):
            if roman and start >= pos:
                form = text[start:end]
                if form in ROMANISED_STOP:
                    continue  # left to the romanised reading (a stop word there)
                if form in ROMANISED_HOMOGRAPHS:
                    target = ROMANISED_HOMOGRAPHS[form]
            self._words(text[pos:start], words, concepts, roman)
            names = target if isinstance(target, tuple) else (target,)
            names = self._dead_device(text, matches, i, names, vocab)
            if any(vocab.concepts[n].kind in _NAME_KINDS for n in names) \
                    and any(c.isdigit() for c in text[start:end]):
                cut.append((start, end))
            cue = _NEGATION.search(text, max(pos, start - 40), start)
            if cue:
                action = bool(cue.group("en") or cue.group("th")) or text[start:end].endswith("ing")
                names = tuple(negated(n) if vocab.concepts[n].kind in NEGATABLE_KINDS
                              and (action or vocab.concepts[n].kind != "part") else n for n in names)
            if contrasted is not None and _CONTRAST_CUE.search(text, max(pos, start - 30), start):
                contrasted.extend(names)
            concepts.extend(names)
            pos = end
        self._words(text[pos:], words, concepts, roman)
        return words, concepts, _numbers_outside(text, cut)

    @staticmethod
    def _dead_device(text: str, matches: list, i: int, names: tuple, vocab: "Vocabulary") -> tuple:
        """(nineteenth pass) `names` of match i, "dead" next to a device read as `sym.no_power`
        (DEAD_FORMS), and `sym.no_power` added after a device followed by Thai ตาย/ดับ."""
        def device(j: int) -> bool:
            if not 0 <= j < len(matches):
                return False
            target = matches[j][2]
            return any(vocab.concepts[n].kind == "part" and n not in NOT_DEVICE and not is_negated(n)
                       for n in (target if isinstance(target, tuple) else (target,)))
        start, end, _target = matches[i]
        if names == ("sym.dead_battery",) and text[start:end] in DEAD_FORMS:
            if (device(i - 1) and _DEAD_BETWEEN.match(text[matches[i - 1][1] : start])) \
                    or (device(i + 1) and not text[end : matches[i + 1][0]].strip()):
                return ("sym.no_power",)
            return names
        if device(i) and "sym.no_power" in vocab.concepts:
            after = _TH_DEAD_AFTER.match(text, end)
            if after and not (i + 1 < len(matches) and matches[i + 1][0] < after.end()):
                return (*names, "sym.no_power")
        return names

    def _words(self, segment: str, words: list[str], concepts: list[str], roman: bool = False) -> None:
        if not segment.strip():
            return
        tokens = tokenize(segment, normalized=True)
        found = self._romanised(tokens) if roman else {}
        for i, word in enumerate(tokens):
            if i in found:
                target = found[i]
                if target is not None:
                    concepts.extend(target if isinstance(target, tuple) else (target,))
                continue
            if _is_stop(word) or (roman and word in ROMANISED_STOP):
                continue
            if roman and word in ROMANISED_HOMOGRAPHS:
                concepts.append(ROMANISED_HOMOGRAPHS[word])
                continue
            word = WORD_SYNONYMS.get(word, word)
            if word in _NUMBER_WORDS:  # "six" = "6" = "หก" as a feature (not in the conflict test)
                words.append(_NUMBER_WORDS[word])
                continue
            if word.isascii() and word.isalpha():
                concept = self.vocabulary.fuzzy(word)
                if concept:
                    concepts.append(concept)
                    continue
                word = _stem(word)
            words.append(word)

    def analyze(self, title: str, body: str = "") -> Analysis:
        counts: Counter[str] = Counter()
        found: set[str] = set()
        title_found: set[str] = set()
        thai_weight = plain_weight = 0.0
        numbers = {True: frozenset(), False: frozenset()}  # title, body
        title_words: frozenset[str] = frozenset()
        whole = normalize(f"{title or ''} {body or ''}")
        roman = self.is_romanised(whole)
        contrasted: list[str] = []
        body_terms = 0
        for weight, story, words, concepts, nums in self._segments(title or "", body or "", roman, contrasted):
            if weight != TITLE_WEIGHT:
                body_terms += len(words) + len(concepts)
            numbers[weight == TITLE_WEIGHT] = numbers[weight == TITLE_WEIGHT] | nums
            if weight == TITLE_WEIGHT:
                title_words = frozenset(w for w in words if not w.isdigit())
            for word in words:
                counts[word] += weight
                if not word.isdigit():
                    plain_weight += weight
                    if _IS_THAI.match(word):
                        thai_weight += weight
            for concept in concepts:
                scale = NEGATED_WEIGHT if is_negated(concept) else 1.0
                for name in self.vocabulary.expand(concept):
                    counts[_CONCEPT_PREFIX + name] += weight * CONCEPT_WEIGHT * scale
                    if not story or STORY_CONCEPTS_NAMED:
                        found.add(name)
                    if weight == TITLE_WEIGHT:
                        title_found.add(name)
        weights = {term: 1.0 + math.log(c) if c >= 1 else c for term, c in counts.items()}
        by_kind: dict[str, set[str]] = {}
        for name in found:
            by_kind.setdefault(self.vocabulary.concepts[name].kind, set()).add(name)
        script = thai_weight / plain_weight if plain_weight else None
        title_numbers = numbers[True]
        title_attributes = self.attributes(title or "")
        fine = self._fine_clause(title or "", roman)
        if fine is not None:
            title_found = fine
        fine_only = self.fine_in(title or "", roman)
        return Analysis(weights, {k: frozenset(v) for k, v in by_kind.items()}, script,
                        frozenset(title_found), title_numbers, title_numbers | numbers[False],
                        title_attributes, title_attributes | self.attributes(body or ""), title_words,
                        roman, frozenset(_positive(c) for c in contrasted),
                        _sides(found, _SPACE_IN_THAI.sub("", whole), roman),
                        title_sketch(title or ""), body_terms == 0, body_terms,
                        self._conditions(found, _SPACE_IN_THAI.sub("", whole)), fine_only)

    def fine_in(self, title: str, roman: bool = False) -> frozenset[str]:
        """(thirty-sixth pass) `Analysis.fine`: the concepts (expanded, of kinds other than car
        identity) and positions named in a title's *fine* clauses (`_FINE_CUE`, no problem word,
        no question) and in none of its other clauses; empty unless the title has both kinds of
        clause, each naming something."""
        text = normalize(title)
        if not text:
            return frozenset()
        clauses = [c for c in _TITLE_CLAUSE.split(text) if c and c.strip()]
        flags = [not _FINE_QUESTION.search(c) and (
            _FINE_NEGATED_CUE.search(c) is not None or (_FINE_CUE.search(c) is not None and not _PROBLEM_WORD.search(c)))
            for c in clauses]
        if not any(flags) or all(flags):  # the vocabulary is read only for a title with both kinds
            return frozenset()
        fine: set[str] = set()
        other: set[str] = set()
        for clause, is_fine in zip(clauses, flags):
            _w, concepts, _n = self._scan(clause, roman)
            names = {name for c in concepts if not is_negated(c) for name in self.vocabulary.expand(c)}
            names |= sides_in(_SPACE_IN_THAI.sub("", clause), roman)
            names = {n for n in names if n.split(".", 1)[0] not in _FINE_NOT_KINDS}
            if is_fine:
                names.discard("word.fine")  # the cue itself ("fine" is also a traffic fine)
            (fine if is_fine else other).update(names)
        if not fine or not other:
            return frozenset()
        return frozenset(fine - other)

    def _conditions(self, found: set[str], text: str) -> frozenset[str]:
        """(twenty-first pass) `Analysis.conditions`: condition concepts named (with what they
        imply; negated ones dropped) and those `conditions_in` reads, with what they imply."""
        out = {c for c in found if c.startswith("cond.") and not is_negated(c)}
        concepts = self.vocabulary.concepts
        for name in conditions_in(text):
            out.update(self.vocabulary.expand(name) if name in concepts else (name,))
        return frozenset(out)

    def _segments(self, title: str, body: str, roman: bool, contrasted: list[str]):
        """(weight, is story, words, concepts, numbers) of each part to count: the title at
        TITLE_WEIGHT, then the body at 1.0, or, for a long body (`body_clauses`), its question's core
        at 1.0 and the story around it at STORY_WEIGHT (the body's numbers are those of every clause)."""
        out = []
        title_scan = None
        if title:
            title_scan = self._scan(title, roman, contrasted)
            out.append((TITLE_WEIGHT, False, *title_scan))
        if not body:
            return out
        clauses = body_clauses(body)
        if len(clauses) < LONG_BODY_CLAUSES or len(body) < LONG_BODY_CHARS:
            return out + [(1.0, False, *self._scan(body, roman, contrasted))]
        scans = [self._scan(c, roman, contrasted) for c in clauses]
        anchors: set[str] = set()
        if title_scan is not None:
            anchors.update(w for w in title_scan[0] if not any(ch.isdigit() for ch in w))
            anchors.update(c for c in title_scan[1] if self.vocabulary.concepts[c].kind not in STORY_IDENTITY_KINDS)
        core = [bool(_QUESTION_CUE.search(normalize(c))) or bool(anchors.intersection(sc[0]))
                or bool(anchors.intersection(sc[1])) for c, sc in zip(clauses, scans)]
        if not any(core):
            core = [True] * len(clauses)
        nums = frozenset().union(*(sc[2] for sc in scans))
        for i, (is_core, sc) in enumerate(zip(core, scans)):
            out.append((1.0 if is_core else STORY_WEIGHT, not is_core, sc[0], sc[1], nums if i == 0 else frozenset()))
        return out

    def _fine_clause(self, title: str, roman: bool) -> set[str] | None:
        """(ninth pass) The title's concepts without a contrast clause that says what is *fine*
        ("แอร์หน้าไม่เย็น แต่แอร์หลังเย็น", "not cold in traffic but cold when moving"): the question
        is about the first part only, so the index's conflict test should not read the second as
        asked about.  None when the title has no such clause (a clause after "แต่"/"but" with
        no symptom and no negation)."""
        text = _SPACE_IN_THAI.sub("", normalize(title))
        match = _CONTRAST_WORD.search(text)
        if match is None or match.start() == 0:
            return None
        head, tail = text[: match.start()], text[match.end() :]
        if not tail.strip() or _PROBLEM_WORD.search(tail):
            return None
        _w, tail_concepts, _n = self._scan(tail, roman)
        if any(c.startswith("sym.") or is_negated(c) for c in tail_concepts):
            return None
        _w, head_concepts, _n = self._scan(head, roman)
        return {name for concept in head_concepts for name in self.vocabulary.expand(concept)}

    def numbers(self, text: str) -> frozenset[str]:
        """`classed_numbers` of a text, leaving out digits that belong to a model or brand name
        ("MG4", "Atto 3", "CX-5")."""
        return self._scan(text)[2]

    def attributes(self, *texts: str) -> frozenset[str]:
        """Values of the ATTRIBUTES lexicon ("colour.blue", "vehicle.motorcycle") named in the
        texts: used by the index's conflict test only, not as features."""
        out = set()
        for text in texts:
            text = _SPACE_IN_THAI.sub("", normalize(text))
            if _ATTRIBUTE_GATE.search(text) is None:
                continue
            for match in _ATTRIBUTE_RE.finditer(text):
                out.add(_ATTRIBUTE_OF[match.group(0)])
        return frozenset(out)


def _positive(name: str) -> str:
    """`part.not_brake` -> `part.brake`; other names unchanged."""
    kind, _, rest = name.partition(".")
    return f"{kind}.{rest[4:]}" if rest.startswith("not_") else name


def is_negated(name: str) -> bool:
    return name.split(".", 1)[-1].startswith("not_")


def is_concept(term: str) -> bool:
    return term.startswith(_CONCEPT_PREFIX)
