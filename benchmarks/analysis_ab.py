"""CPU of a new thread's duplicate analysis (`Analyzer.analyze`) and of `forum.text.normalize`, this tree
against another (TREE: its forum/text.py and forum/duplicates/features.py loaded as separate modules),
alternating post by post in one process; checks that both give the same Analysis (repr) for every post.

    python benchmarks/analysis_ab.py TREE [ROUNDS]
"""
import sys, random, time, importlib.util, types, statistics
sys.path.insert(0, 'benchmarks'); sys.path.insert(0, '.')
from submit_profile import text
import forum.text as T_new
from forum.duplicates import features as D_new
other = sys.argv[1]
def load(name, path, inject=None):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    if inject: inject(mod)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
T_old = load("old_forum_text", f"{other}/forum/text.py")
# the other tree's duplicates features with the other tree's normalize/tokenize
src = open(f"{other}/forum/duplicates/features.py").read().replace("from forum.text import normalize, tokenize", "from old_forum_text import normalize, tokenize")
mod = types.ModuleType("old_dup_features"); mod.__file__ = f"{other}/forum/duplicates/features.py"; mod.__package__ = "forum.duplicates"
sys.modules["old_dup_features"] = mod
exec(compile(src, mod.__file__, "exec"), mod.__dict__)
D_old = mod
a_new, a_old = D_new.Analyzer(), D_old.Analyzer()
rng = random.Random(7)
posts = [(f"{text(rng,5)} t{i}", f"{text(rng,40)} t{i} {text(rng,20)}") for i in range(300)]
from moderation.classifier import CORPUS_DIR, load_examples
corpus = [e.text for e in load_examples(CORPUS_DIR / "dev.jsonl")][:600]
posts += [(c[:40], c) for c in corpus]
for t, b in posts[:20]:
    a_new.analyze(t, b); a_old.analyze(t, b)
res = {"old": [], "new": []}; nres = {"old": [], "new": []}
for rnd in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
    tim = {"old": [], "new": []}; ntim = {"old": [], "new": []}
    for i, (t, b) in enumerate(posts):
        order = (("old", a_old, T_old), ("new", a_new, T_new)) if i % 2 else (("new", a_new, T_new), ("old", a_old, T_old))
        out = {}
        for name, an, T in order:
            T.normalize.cache_clear()
            s = time.thread_time(); T.normalize(b); ntim[name].append(time.thread_time() - s)
            T.normalize.cache_clear()
            s = time.thread_time(); out[name] = an.analyze(t, b); tim[name].append(time.thread_time() - s)
        assert repr(out["old"]) == repr(out["new"]), (t, b)
    for k in tim:
        res[k].append(statistics.median(tim[k][:300])); nres[k].append(statistics.median(ntim[k][:300]))
    print(f"round {rnd+1}: analyze (bench threads) median main {res['old'][-1]*1e3:.3f} ms, branch {res['new'][-1]*1e3:.3f} ms; "
          f"normalize of the body main {nres['old'][-1]*1e6:.1f} us, branch {nres['new'][-1]*1e6:.1f} us", flush=True)
print(f"median over rounds: analyze main {statistics.median(res['old'])*1e3:.3f} ms, branch {statistics.median(res['new'])*1e3:.3f} ms; "
      f"normalize main {statistics.median(nres['old'])*1e6:.1f} us, branch {statistics.median(nres['new'])*1e6:.1f} us; {len(posts)} posts identical each round")
