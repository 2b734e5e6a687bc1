"""(issue 17, thirty-fourth pass) The verifier's features over the pair's unmatched plain words by
the shipped reference table's document frequencies: a reworded duplicate adds words the reference
corpus never saw, a near miss changes a detail in words it knows well."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forum.duplicates import DuplicateIndex
from forum.duplicates.index import DF_KNOWN, _df_class
from forum.duplicates.verifier import FEATURES, LATEST_FEATURES, Verifier
from forum.duplicates.weights import ReferenceWeights

from .small_index import pair_features

NAMES = ("query_unseen_unmatched", "query_unseen_share", "query_known_unmatched", "thread_rare_unmatched")
THREAD = ("Hilux Revo horn not working", "Pressed the horn and nothing happens. Fuse looks fine.")
# words no reference document has, and plain words many of them have
UNSEEN = ("zorblaxite", "quuxfrobbing")
KNOWN = ("road", "king", "royal")


def _unmatched(thread, title, body="") -> dict[str, float]:
    feats = pair_features(thread, title, body)
    return {n: feats[n] for n in NAMES}


def test_the_words_of_the_examples_are_in_the_classes_the_tests_assume():
    ref = ReferenceWeights.default()
    assert all(ref.df.get(w, 0) == 0 for w in UNSEEN)
    assert all(ref.df.get(w, 0) >= DF_KNOWN for w in KNOWN)
    assert [_df_class(n) for n in (0, 1, DF_KNOWN - 1, DF_KNOWN, 500)] == [0, 1, 1, 2, 2]


def test_the_features_sit_before_the_difference_models_logit():
    assert FEATURES[-1] == "difference"
    assert set(NAMES) == set(LATEST_FEATURES) and all(n in FEATURES for n in NAMES)


def test_the_same_text_leaves_nothing_unmatched():
    got = _unmatched(THREAD, *THREAD)
    assert got["query_unseen_unmatched"] == 0.0
    assert got["query_unseen_share"] == 0.0
    assert got["query_known_unmatched"] == 0.0


def test_unmatched_words_all_unseen_give_share_one():
    got = _unmatched(THREAD, THREAD[0], THREAD[1] + " " + " ".join(UNSEEN))
    assert got["query_unseen_unmatched"] == pytest.approx(math.log1p(2))
    assert got["query_unseen_share"] == pytest.approx(1.0)
    assert got["query_known_unmatched"] == 0.0


def test_well_known_unmatched_words_count_on_their_own_side():
    got = _unmatched(THREAD, THREAD[0], THREAD[1] + " " + " ".join(KNOWN))
    assert got["query_unseen_unmatched"] == 0.0
    assert got["query_unseen_share"] == 0.0
    assert got["query_known_unmatched"] == pytest.approx(math.log1p(3))
    both = _unmatched(THREAD, THREAD[0], THREAD[1] + " " + " ".join(UNSEEN + KNOWN))
    assert both["query_unseen_share"] == pytest.approx(2 / 5)


def test_the_threads_rare_words_the_query_lacks():
    thread = (THREAD[0], THREAD[1] + " " + UNSEEN[0])
    lacks = _unmatched(thread, *THREAD)
    has = _unmatched(thread, *thread)
    assert lacks["thread_rare_unmatched"] == pytest.approx(math.log1p(math.expm1(has["thread_rare_unmatched"]) + 1))
    # the query's own unseen word, which the thread has, is matched
    assert has["query_unseen_unmatched"] == 0.0


def test_a_thai_english_mixed_pair():
    thread = ("แตร Hilux Revo ไม่ดัง", "กดแตรแล้วเงียบ ฟิวส์ก็ปกติ")
    got = _unmatched(thread, "แตร Hilux Revo ไม่ดัง " + UNSEEN[0], "กดแตรแล้วเงียบ ฟิวส์ก็ปกติ ถนน road")
    assert got["query_unseen_unmatched"] == pytest.approx(math.log1p(1))
    assert 0.0 < got["query_unseen_share"] < 1.0
    assert got["query_known_unmatched"] >= math.log1p(1)
    assert all(np.isfinite(v) for v in got.values())


def test_a_title_only_query_with_an_empty_body():
    got = _unmatched(THREAD, THREAD[0] + " " + UNSEEN[0], "")
    assert got["query_unseen_unmatched"] == pytest.approx(math.log1p(1))
    assert got["query_unseen_share"] == pytest.approx(1.0)
    assert got["thread_rare_unmatched"] >= 0.0


def test_the_features_do_not_depend_on_the_board():
    """The same pair on a board of one thread and on one where other threads share its words."""
    title, body = THREAD[0], THREAD[1] + " " + " ".join(UNSEEN + KNOWN)
    alone = _unmatched(THREAD, title, body)
    index = DuplicateIndex(verifier=None)
    others = [{"id": f"o{i}", "category": "repair", "title": f"{UNSEEN[i % 2]} road trip {i}",
               "body": "royal king road " + UNSEEN[(i + 1) % 2]} for i in range(12)]
    index.build([{"id": "t", "category": "repair", "title": THREAD[0], "body": THREAD[1]}, *others], progress=False)
    feats: list = []
    matches = index.query(title, body, k=1, min_score=0.0, features=feats)
    assert matches[0].id == "t"
    crowded = dict(zip(FEATURES, feats[0].tolist()))
    assert {n: crowded[n] for n in NAMES} == pytest.approx(alone)


# (a file lacking these four loads with no weight on them: test_fine_clauses.py, for each optional group)
def test_a_file_lacking_these_features_and_another_one_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    n = len(FEATURES)
    text = Verifier(rng.normal(size=n), rng.uniform(0.5, 2.0, size=n), rng.normal(size=n), 0.3, cut=0.1).dump()
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(line for line in text.splitlines()
                                if line.split(" ", 1)[0] not in NAMES and not line.startswith("final ")) + "\n",
                      encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        Verifier.load(broken)
