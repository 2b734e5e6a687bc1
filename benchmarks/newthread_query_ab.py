"""CPU per duplicate query of the write benchmark's new threads (h-newthread), in one process,
alternating query by query between phase one's partition of every scored row (the code before
`_best_rows`) and `_best_rows`, on the same index; stops unless the matches and the verifier's
features are equal for every query. Also prints the CPU of the analysis and of the search terms.
The index is the snapshot of a board's data dir (after `webboard duplicates rebuild`):

    DATABASE_URL=sqlite+aiosqlite:////D/webboard.db WEBBOARD_DATA_DIR=/D \
      python benchmarks/newthread_query_ab.py TREE QUERIES [SNAPSHOT_DIR [SEED]]

TREE is the tree to import (this one); the texts are those of `write_post.lua`'s new threads."""
import os, sys, time, random, statistics
tree = sys.argv[1]; sys.path.insert(0, tree)
os.environ.setdefault("WEBBOARD_DATA_DIR", "/tmp/h-newthread/run")
os.environ.setdefault("DATABASE_URL", "sqlite+aiosqlite:////tmp/h-newthread/run/webboard.db")
import numpy as np
from forum.settings import get_settings
from forum.duplicates.service import LiveIndex
from forum.duplicates.snapshot import SnapshotStore
from forum.duplicates import index as ix
from forum.text import search_terms
snapdir = sys.argv[3] if len(sys.argv) > 3 else None
settings = get_settings()
store = SnapshotStore.for_settings(settings)
if snapdir: store = SnapshotStore(snapdir, store.database)
live = LiveIndex(store=store)
header, payload = store.read(live.version(), live._expected())
index = ix.DuplicateIndex.from_state(payload["index"], live.index.analyzer)
print("threads", len(index), flush=True)
WORDS = ["engine", "oil", "battery", "tyre", "brake", "gearbox", "aircon", "noise", "leak", "service",
  "ยาง", "เบรก", "แอร์", "เกียร์", "น้ำมันเครื่อง", "แบตเตอรี่", "ช่วงล่าง", "เสียงดัง", "ศูนย์บริการ", "ครับ"]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 16)
def text(n): return " ".join(rng.choice(WORDS) for _ in range(n))
N = int(sys.argv[2])
posts = [(f"{text(5)} bench{1764900000+i}-{rng.randrange(1, 10**9)}", None) for i in range(N)]
posts = [(t, f"{text(40)} {t.split()[-1]} {text(20)}") for t, _ in posts]
an = index.analyzer.analyzer
new_best, old_best = ix._best_rows, ix._best_rows_by_partition
res = {"before": [], "after": []}; sel = {"before": [], "after": []}; fallbacks = [0]
def timed_sel(fn, name):
    def f(scores, n):
        t = time.thread_time(); r = fn(scores, n); sel[name].append((time.thread_time() - t) * 1e3); return r
    return f
orig_fallback = ix._best_rows_by_partition
def counting(scores, n):
    fallbacks[0] += 1; return orig_fallback(scores, n)
for i, (title, body) in enumerate(posts):
    a = an.analyze(title, body)
    out = {}
    for name in (("before", "after") if i % 2 == 0 else ("after", "before")):
        if name == "before":
            ix._best_rows = timed_sel(orig_fallback, name); ix._best_rows_by_partition = orig_fallback
        else:
            ix._best_rows_by_partition = counting; ix._best_rows = timed_sel(new_best, name)
        feats = []
        t = time.thread_time(); m = index.query_analysis(a, k=15, min_score=0.2, features=feats); res[name].append((time.thread_time() - t) * 1e3)
        out[name] = (repr(m), repr(feats))
    assert out["before"] == out["after"], (title, body)
ix._best_rows, ix._best_rows_by_partition = new_best, orig_fallback
for name in ("before", "after"):
    print(f"{name}: query p50 {statistics.median(res[name]):.3f} mean {statistics.mean(res[name]):.3f} ms; "
          f"selection p50 {statistics.median(sel[name]):.3f} mean {statistics.mean(sel[name]):.3f} ms")
print(f"fallbacks (tie at the cut) {fallbacks[0]} of {N}; identical matches and features: {N} of {N}")
T = {"analyze": [], "search_terms": []}
for title, body in posts[:100]:
    t0 = time.thread_time(); an.analyze(title + " x", body); t1 = time.thread_time(); search_terms(f"{title} y\n{body}"); t2 = time.thread_time()
    T["analyze"].append((t1-t0)*1e3); T["search_terms"].append((t2-t1)*1e3)
for k, v in T.items(): print(f"{k}: p50 {statistics.median(v):.3f} ms")
