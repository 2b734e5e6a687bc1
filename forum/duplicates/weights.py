"""Fixed term weights for the duplicate score: a shipped table of document frequencies.

The board's own collection statistics move as threads pile up (a word's IDF on a board of 200
threads is not its IDF on a board of 1,000,000), so a score built on them means something
different on every board and a fixed threshold drifts. The duplicate score therefore weighs
terms with this table instead: document frequencies of the analysed features (words and concept
tokens) over a fixed reference corpus of club-board text, shipped as ``data/reference_weights.txt``. A
term the table does not know (a plate number, a shop's name, a rare word) gets the weight of a
term seen in no reference document: the highest.

The reference corpus (``webboard duplicates weights`` rebuilds the table): the dev threads, the
``tune`` and ``holdout`` queries of the dev set (never the fresh splits, which stay unseen), and
the clean posts of the moderation training corpus (member-written board text in Thai, English
and mixed).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

WEIGHTS_FILE = "reference_weights.txt"  # term<TAB>df lines (.txt: shipped as package data)
REFERENCE_SPLITS = ("tune", "holdout")


class ReferenceWeights:
    """idf(term) = ln((docs + 1) / (df + 1)) + 1 over the reference corpus; unknown terms: df 0."""

    def __init__(self, docs: int, df: dict[str, int]) -> None:
        self.docs = docs
        self.df = df
        self.unknown = math.log(docs + 1.0) + 1.0
        self._idf = {term: math.log((docs + 1.0) / (n + 1.0)) + 1.0 for term, n in df.items()}

    def idf(self, term: str) -> float:
        return self._idf.get(term, self.unknown)

    @classmethod
    def parse(cls, text: str) -> "ReferenceWeights":
        lines = text.splitlines()
        if not lines or not lines[0].startswith("# docs "):
            raise ValueError(f"{WEIGHTS_FILE}: first line must be '# docs N'")
        docs = int(lines[0].split()[2])
        df = {}
        for lineno, line in enumerate(lines[1:], 2):
            if not line or line.startswith("#"):
                continue
            term, _, count = line.rpartition("\t")
            if not term:
                raise ValueError(f"{WEIGHTS_FILE}:{lineno}: expected 'term<TAB>df'")
            df[term] = int(count)
        return cls(docs, df)

    def dump(self) -> str:
        rows = sorted(self.df.items(), key=lambda item: (-item[1], item[0]))
        return f"# docs {self.docs}\n" + "".join(f"{term}\t{n}\n" for term, n in rows)

    @classmethod
    def default(cls) -> "ReferenceWeights":
        return _default_weights()


@lru_cache(maxsize=1)
def _default_weights() -> ReferenceWeights:
    return ReferenceWeights.parse(
        resources.files("forum.duplicates").joinpath("data", WEIGHTS_FILE).read_text(encoding="utf-8"))


def reference_texts(root: Path | None = None) -> list[tuple[str, str]]:
    """(title, body) of every document of the reference corpus."""
    root = root or Path(__file__).resolve().parents[2]
    data = Path(__file__).resolve().parent / "data"
    texts: list[tuple[str, str]] = []
    for line in (data / "threads.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts.append((row.get("title") or "", row.get("body") or ""))
    held_out: list[str] = []  # texts of the splits that must stay unseen
    for line in (data / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("split", "tune") in REFERENCE_SPLITS:
                texts.append((row.get("title") or "", row.get("body") or ""))
            else:
                held_out.extend(t for t in (row.get("title"), row.get("body")) if t and len(t) >= 20)
    corpus = root / "moderation" / "corpus" / "train.jsonl"
    if corpus.exists():
        for line in corpus.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                # the moderation corpus has since borrowed duplicate-detector queries: a post that
                # quotes a held-out query would leak it into the weights
                if not row.get("labels") and not any(t in row["text"] for t in held_out):
                    texts.append(("", row["text"]))
    return texts


def build_weights(texts: Iterable[tuple[str, str]], analyzer=None) -> ReferenceWeights:
    from .features import Analyzer

    analyzer = analyzer or Analyzer()
    df: Counter[str] = Counter()
    docs = 0
    for title, body in texts:
        docs += 1
        df.update(analyzer.analyze(title, body).weights.keys())
    return ReferenceWeights(docs, dict(df))
