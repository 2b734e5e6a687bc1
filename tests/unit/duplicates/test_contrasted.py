"""(issue 17, fourteenth pass) What a post says it is *not* about ("not a Toyota", "ไม่ใช่แบต"),
and the verifier feature that reads whether the candidate thread is about exactly that."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.features import Analyzer
from forum.duplicates.verifier import FEATURES, Verifier


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.mark.parametrize("title, body, expected", [
    ("Honda airbag recall: how do I check my VIN?", "My car is a Honda, not a Toyota.", {"brand.toyota"}),
    ("Ranger ควันขาวตลอด", "ไม่ใช่แค่ตอนเช้า ขับไปครึ่งชั่วโมงแล้วยังมีควัน", {"cond.morning"}),
    ("Kicks e-Power ประกันตัวรถ (ไม่ใช่แบตไฮบริด) กี่ปี", "", {"part.hv_battery"}),
    ("Civic footwell LED strip", "Not the dome light: LED strips under the dash", {"part.interior_light"}),
])
def test_the_concept_after_an_explicit_contrast_is_read(analyzer, title, body, expected):
    assert analyzer.analyze(title, body).contrasted == expected


@pytest.mark.parametrize("title, body", [
    ("Revo horn not working", "Pressed the horn and nothing happens."),  # a negated symptom, no contrast
    ("Yaris 2020 oil change: every how many km?", "Fully synthetic oil, the dealer says 10,000 km."),
    ("เช็คระยะอู่นอกแทนศูนย์ ประกันหมดไหม", ""),  # "instead of" is a swap both sides often share
])
def test_no_contrast_no_contrasted_concepts(analyzer, title, body):
    assert analyzer.analyze(title, body).contrasted == frozenset()


def feature(index: DuplicateIndex, title: str, body: str = "") -> tuple[str, float]:
    out: list = []
    matches = index.query(title, body, features=out)
    return matches[0].id, dict(zip(FEATURES, out[0].tolist()))["contrasted_named"]


def test_the_feature_fires_only_when_the_thread_names_the_contrasted_concept(index):
    assert feature(index, "Yaris 2020 oil change: every how many km?", "Synthetic oil, city driving") == ("oil", 0.0)
    # the query is about the Revo's wipers, not its horn: the horn thread names the horn
    assert feature(index, "Hilux Revo wiper not working", "Not the horn, the wipers stopped") == ("horn", 1.0)
    # a contrasted concept the thread does not name
    assert feature(index, "Hilux Revo horn not working", "Not the wipers, the horn, fuse looks fine") == ("horn", 0.0)


def test_the_shipped_verifier_reads_it_as_evidence_against():
    verifier = Verifier.default()
    assert verifier.coef[FEATURES.index("contrasted_named")] < 0
