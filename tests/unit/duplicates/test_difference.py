"""(issue 17, twenty-sixth pass) The learned difference signal: what one text of a pair says that
the other does not, as tokens, read by a small sparse model whose logit is the verifier's last
feature; it survives the text file and is filled in at query time."""

from __future__ import annotations

import numpy as np
import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.verifier import FEATURES, Difference, Verifier, fit_difference

THREADS = [
    {"id": "oil", "category": "maintenance", "title": "Yaris 2020 ควรเปลี่ยนน้ำมันเครื่องทุกกี่กิโล",
     "body": "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมือง ศูนย์บอกทุก 10,000 กม."},
    {"id": "horn", "category": "electrical", "title": "Hilux Revo horn not working",
     "body": "Pressed the horn and nothing happens. Fuse looks fine."},
]


def _tokens(title: str, body: str = "") -> list[str]:
    index = DuplicateIndex(verifier=None)
    index.build(THREADS, progress=False)
    toks: list = []
    assert index.query(title, body, k=1, min_score=0.0, differences=toks)
    return toks[0]


def test_a_changed_model_shows_on_both_sides_of_the_difference():
    toks = _tokens("Fortuner horn not working", "Pressed the horn and nothing happens. Fuse looks fine.")
    assert "q@model.fortuner" in toks and "qk:model" in toks
    assert any(t.startswith("t@model.") for t in toks)
    same = _tokens("Hilux Revo horn not working", "Pressed the horn and nothing happens. Fuse looks fine.")
    assert not any(t.startswith(("q@model", "t@model")) for t in same)
    assert len(same) < len(toks)


def test_plain_words_the_thread_lacks_bring_their_letter_trigrams():
    toks = _tokens("Hilux Revo horn not working", "my grandmother noticed it on our trip")
    assert "qw:grandmother" in toks and "qg:<gr" in toks


def test_the_model_learns_which_unmatched_content_goes_with_another_question():
    rng = np.random.default_rng(0)
    tokens, y = [], []
    for _ in range(200):
        dup = bool(rng.integers(2))
        toks = ["qw:family"] if rng.random() < 0.5 else []
        if not dup:
            toks.append("qk:model")
        tokens.append(toks)
        y.append(int(dup))
    model = fit_difference(tokens, np.array(y))
    assert model.weights["qk:model"] < -0.5
    assert abs(model.weights["qw:family"]) < abs(model.weights["qk:model"])
    assert model.score(["qk:model"]) < model.score([]) < model.score(["unseen"]) + 1e-9


def test_the_difference_model_survives_the_text_file_and_fills_the_last_feature(tmp_path):
    diff = Difference({"q@model.fortuner": -2.0, "qk:model": -1.0, "qw:x": 0.5}, 0.25)
    n = len(FEATURES)
    verifier = Verifier(np.zeros(n), np.ones(n), np.linspace(-1, 1, n), 0.1, 0.3, diff)
    path = tmp_path / "verifier.txt"
    path.write_text(verifier.dump("header"), encoding="utf-8")
    back = Verifier.load(path)
    assert back.difference is not None and back.difference.weights == diff.weights
    assert back.difference.intercept == pytest.approx(0.25)
    assert FEATURES[-1] == "difference"
    index = DuplicateIndex(verifier=back)
    index.build(THREADS, progress=False)
    feats: list = []
    toks: list = []
    assert index.query("Fortuner horn not working", "", k=1, min_score=0.0, features=feats, differences=toks)
    assert feats[0][-1] == pytest.approx(diff.score(toks[0]))
    plain: list = []
    DuplicateIndex(verifier=None).build(THREADS, progress=False).query("Fortuner horn not working", "", k=1,
                                                                       min_score=0.0, features=plain)
    assert plain[0][-1] == 0.0
