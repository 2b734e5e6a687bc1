"""Calibration-only experiment (fresh+fresh2; tune+holdout for information): weight of identity
concepts inside the concept cosine x threshold.  Usage: python benchmarks/duplicates_identity_weight.py
none|real20k|pool100k  (real20k reads /tmp/dups2/distractors.jsonl, written by
duplicates_quality.py --real-text 20000)."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402
from forum.duplicates import index as ix
from forum.duplicates.cli import read_jsonl
from forum.duplicates.features import Analyzer
from forum.duplicates.synthetic import Generator, build_pool, synthetic_analyses
DATA = Path(__file__).resolve().parents[1] / "forum" / "duplicates" / "data"
mode = sys.argv[1]  # real20k | pool100k | none
an = Analyzer()
threads = read_jsonl(DATA / "threads.jsonl")
queries = read_jsonl(DATA / "queries.jsonl", required=("id", "title", "duplicate_of"))
cal = [q for q in queries if q.get("split") in ("fresh", "fresh2")]
dev = [q for q in queries if q.get("split", "tune") in ("tune", "holdout")]
index = ix.DuplicateIndex(an)
t0 = time.time()
if mode == "real20k":
    rows = [dict(r) for r in read_jsonl(Path("/tmp/dups2/distractors.jsonl"))]
    index.build(rows, progress=False)
elif mode == "pool100k":
    index.build(threads, progress=False)
    gen = Generator(an, seed=17)
    pool = build_pool(gen, an, 5000)
    for start in range(0, 100000, 50000):
        index.add_many((f"x{i}", c, a, None) for i, c, a, _ in synthetic_analyses(gen, pool, 50000, start))
else:
    index.build(threads, progress=False)
print(mode, "built", len(index), f"{time.time()-t0:.0f}s", flush=True)
qa = {id(q): an.analyze(q.get("title") or "", q.get("body") or "") for q in cal + dev}
grid = np.round(np.arange(0.55, 0.651, 0.01), 3)
configs = [(frozenset({"model", "brand"}), 1.0), (frozenset({"model", "brand"}), 0.5), (frozenset({"model", "brand", "variant", "fuel", "side"}), 0.5)]
for kinds, w in configs:
    ix.CONCEPT_IDENTITY_KINDS, ix.CONCEPT_IDENTITY_WEIGHT = kinds, w
    index._identity_table = np.ones(0)
    for name, qs in (("fresh+fresh2", cal), ("tune+holdout", dev)):
        res = []
        for q in qs:
            ms = index.query_analysis(qa[id(q)], k=5)
            res.append((q["duplicate_of"], ms))
        line = []
        for th in grid:
            nd = sum(1 for t, _ in res if t is not None); nn = len(res) - nd
            fl = sum(1 for t, m in res if t is not None and m and m[0].id == t and m[0].score >= th)
            fa = sum(1 for t, m in res if t is None and m and m[0].score >= th)
            line.append(f"{th:.3f}:{fl/nd:.2f}/{fa/nn:.0%}")
        r1 = sum(1 for t, m in res if t is not None and m and m[0].id == t) / nd
        print(f"{mode} {'+'.join(sorted(kinds))} w={w} {name} r@1={r1:.3f} ", " ".join(line), flush=True)
