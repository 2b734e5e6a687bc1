"""The dev data files parse and point at real threads (format only: nothing here scores a split)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "forum" / "duplicates" / "data"
QUERY_FIELDS = ("id", "category", "title", "body", "duplicate_of", "kind", "near", "split")
# Splits written with every field filled in and the duplicate's thread named in `near` as well.
STRICT_SPLITS = {"fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh20",
                 "fresh21", "fresh22", "fresh23", "fresh24", "fresh25", "fresh26", "fresh27", "fresh28", "fresh29", "fresh30", "fresh31", "fresh32",
                 "fresh33", "fresh34", "fresh35", "fresh36", "fresh37", "fresh38", "fresh39", "fresh40",
                 "fresh41", "fresh42", "fresh43", "fresh44", "fresh45", "fresh46", "fresh47", "fresh48", "fresh49", "fresh50", "fresh51", "fresh52", "fresh53", "fresh54", "fresh55", "fresh56", "fresh57", "fresh58", "fresh59", "fresh60", "fresh61", "fresh62", "fresh63", "fresh64", "fresh65", "fresh66", "fresh67", "fresh68", "fresh69", "fresh70", "fresh71", "fresh72", "fresh73", "fresh74", "fresh75", "fresh76", "fresh77", "fresh78", "fresh79", "fresh80"}


def _lines(name: str) -> list[dict]:
    rows = []
    for n, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{name}:{n} is blank"
        rows.append(json.loads(line))
    return rows


@pytest.fixture(scope="module")
def threads() -> dict[str, dict]:
    rows = _lines("threads.jsonl")
    ids = Counter(t["id"] for t in rows)
    assert not [i for i, c in ids.items() if c > 1], "thread ids repeat"
    return {t["id"]: t for t in rows}


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return _lines("queries.jsonl")


def test_query_ids_are_unique(queries):
    ids = Counter(q["id"] for q in queries)
    assert [i for i, c in ids.items() if c > 1] == []


def test_every_query_has_the_fields_and_a_known_kind(queries):
    for q in queries:
        missing = [f for f in QUERY_FIELDS if f not in q]
        assert not missing, (q["id"], missing)
        assert q["kind"] in ("paraphrase", "new_topic"), q["id"]
        assert q["title"].strip(), q["id"]
        assert (q["duplicate_of"] is None) == (q["kind"] == "new_topic"), q["id"]


def test_references_name_existing_threads(queries, threads):
    for q in queries:
        for field in ("duplicate_of", "near"):
            if q[field] is not None:
                assert q[field] in threads, (q["id"], field, q[field])


@pytest.mark.parametrize("split", sorted(STRICT_SPLITS))
def test_strict_splits_stay_in_their_thread_category(split, queries, threads):
    rows = [q for q in queries if q["split"] == split]
    assert rows, f"split {split} is missing"
    for q in rows:
        assert q["near"] is not None and threads[q["near"]]["category"] == q["category"], q["id"]
        if q["kind"] == "paraphrase":
            assert q["duplicate_of"] == q["near"], q["id"]
        assert q.get("how"), q["id"]
