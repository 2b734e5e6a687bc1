"""`forum.duplicates.stored`: the analysis kept with a thread decodes to exactly the analysis that
was stored (every field, the weights' order too), and only for the text it was made of."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import forum.duplicates
from forum.duplicates import stored
from forum.duplicates.features import Analysis
from forum.duplicates.service import shared_analyzer

THREADS = Path(forum.duplicates.__file__).parent / "data" / "threads.jsonl"

TEXTS = [
    ("ยาริส แบตหมดทุกเช้า ต้องพ่วงตลอด", "ยาริส 2018 จอดข้ามคืนแล้วตอนเช้าแบตหมด สตาร์ทไม่ติด ต้องพ่วงแบตทุกวัน"),
    ("Hilux Revo brakes squeal when stopping", "Pads replaced 3 months ago, not the discs. Rear left only?"),
    ("krajok lang taek", "rot vios pee 2015 krajok lang taek tong plian tee nai"),
    ("แอร์ไม่เย็นตอนรถติด City 2019", ""),
    ("Title only?", "?"),
]


def test_every_field_comes_back_the_same_for_varied_texts():
    analyzer = shared_analyzer()
    board = [json.loads(line) for line in THREADS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = TEXTS + [(row["title"], row["body"]) for row in board]
    assert len(texts) > 200
    for title, body in texts:
        analysis = analyzer.analyze(title, body)
        data = stored.encode(analysis, title, body)
        back = stored.decode(data, title, body)
        assert back == analysis, title
        assert list(back.weights) == list(analysis.weights)  # the order the index registers terms in
        for field in dataclasses.fields(Analysis):
            assert type(getattr(back, field.name)) is type(getattr(analysis, field.name)), field.name
        assert stored.decode(memoryview(data), title, body) == analysis


def test_nothing_comes_back_for_another_text_or_unreadable_bytes():
    title, body = TEXTS[1]
    data = stored.encode(shared_analyzer().analyze(title, body), title, body)
    assert stored.decode(data, title, body + " ") is None
    assert stored.decode(data, title + "!", body) is None
    assert stored.decode(bytes((stored.FORMAT + 1,)) + data[1:], title, body) is None  # another layout
    assert stored.decode(data[:-3], title, body) is None  # cut short
    assert stored.decode(data[:9] + b"\x93\x01\x02\x03", title, body) is None  # not an analysis
    assert stored.decode(b"", title, body) is None and stored.decode(None, title, body) is None
