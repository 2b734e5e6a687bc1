"""Synthetic club-board threads: the distractors of the duplicate benchmarks (speed, and quality
among 20,000 to 1,000,000 other threads).

Thai, English and mixed titles/bodies made from the club vocabulary (model names, parts,
symptoms in Thai script and Latin) with Thai/English filler, plus a long tail of rare words
(plate numbers, place and shop names) drawn from a Zipf law. `synthetic_analyses` reuses a pool
of analysed texts with each thread's own rare words, so a million threads need no hour of
segmentation.
"""

from __future__ import annotations

import random

import numpy as np

from .features import Analysis, Analyzer

CATEGORIES = ["maintenance", "tyres_brakes", "electrical", "accessories", "insurance_finance", "travel", "general"]
TH_OPEN = ["สอบถามครับ", "รบกวนพี่ๆ", "ช่วยด้วยค่ะ", "มือใหม่ถามหน่อย", "", "", "ใครเคยเป็นบ้าง"]
TH_TAIL = ["ต้องทำยังไงครับ", "เป็นเพราะอะไร", "ราคาเท่าไหร่", "ควรเปลี่ยนไหม", "อาการแบบนี้ปกติไหม",
           "ศูนย์บอกว่าต้องรอ", "ช่างที่อู่แนะนำให้เปลี่ยน", "ขอบคุณล่วงหน้าครับ"]
TH_CONTEXT = ["ขับในเมืองทุกวัน", "ตอนเช้าๆ", "หลังฝนตก", "ตอนขึ้นเขา", "วิ่งทางไกล", "จอดตากแดด", "รถติดนานๆ",
              "เพิ่งออกรถ", "ใช้มาห้าปี", "หลังเช็คระยะ"]
EN_OPEN = ["Hi all,", "Quick question:", "Help please -", "", "", "Has anyone seen this?"]
EN_TAIL = ["What should I do?", "Is this normal?", "How much does it cost?", "Should I replace it?",
           "Dealer says wait two weeks.", "My mechanic suggests replacing it.", "Thanks in advance."]
EN_CONTEXT = ["in city traffic", "on cold mornings", "after heavy rain", "going uphill", "on the highway",
              "parked in the sun", "since the last service", "after 5 years of use"]


def _forms(analyzer: Analyzer):
    by_kind: dict[str, dict[str, list[str]]] = {}
    for form, target in analyzer.vocabulary.form_to_concept.items():
        if not isinstance(target, str):
            continue
        kind = target.split(".", 1)[0]
        script = "th" if any("\u0e00" <= c <= "\u0e7f" for c in form) else "en"
        by_kind.setdefault(kind, {"th": [], "en": []})[script].append(form)
    return by_kind


class Generator:
    def __init__(self, analyzer: Analyzer, seed: int = 7):
        self.rng = random.Random(seed)
        self.forms = _forms(analyzer)
        self.rare = [f"{self.rng.choice('abcdefghkmnprstuvwy')}{i}x" for i in range(300_000)]

    def _pick(self, kind: str, script: str) -> str:
        pool = self.forms[kind][script] or self.forms[kind]["en"]
        return self.rng.choice(pool)

    def text(self) -> tuple[str, str, str]:
        r = self.rng
        script = r.choice(["th", "th", "en", "mix"])
        s1 = "th" if script in ("th", "mix") else "en"
        s2 = "en" if script == "mix" else s1
        model, part, sym = self._pick("model", s1), self._pick("part", s2), self._pick("sym", s1)
        topic = self._pick("topic", s1)
        year = r.randint(2008, 2024)
        km = r.randint(1, 300) * 1000
        if s1 == "th":
            title = f"{model} {part}{sym} {r.choice(TH_CONTEXT)}"
            body = (f"{r.choice(TH_OPEN)} รถ{model} ปี {year} วิ่งมา {km:,} กม. {part}{sym} "
                    f"{r.choice(TH_CONTEXT)} {topic} {self._pick('part', s2)} {r.choice(TH_TAIL)}")
        else:
            title = f"{model} {part} {sym} {r.choice(EN_CONTEXT)}"
            body = (f"{r.choice(EN_OPEN)} my {year} {model} with {km:,} km has {part} {sym} "
                    f"{r.choice(EN_CONTEXT)}, {topic}, {self._pick('part', s2)}. {r.choice(EN_TAIL)}")
        return r.choice(CATEGORIES), title, body

    def rare_words(self, n: int) -> list[str]:
        # Zipf-like long tail: most rare words are very rare
        idx = np.minimum(np.random.default_rng(self.rng.randrange(1 << 30)).zipf(1.3, n) - 1, len(self.rare) - 1)
        return [self.rare[i] for i in idx]


def build_pool(gen: Generator, analyzer: Analyzer, size: int) -> list[tuple[str, Analysis]]:
    pool = []
    for _ in range(size):
        category, title, body = gen.text()
        pool.append((category, analyzer.analyze(title, body)))
    return pool


def synthetic_analyses(gen: Generator, pool, n: int, start: int):
    rng = gen.rng
    rare = gen.rare_words(n * 3)
    for i in range(n):
        category, base = pool[rng.randrange(len(pool))]
        weights = dict(base.weights)
        for word in rare[3 * i : 3 * i + rng.randint(1, 3)]:
            weights[word] = 1.0
        yield (start + i, category, Analysis(weights, base.concepts, base.script, base.title_concepts,
                                               base.title_numbers, base.numbers,
                                               base.title_attributes, base.attributes, base.title_words,
                                               base.romanised, base.contrasted, base.sides, base.title_sketch), None)


