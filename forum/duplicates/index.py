"""In-memory, incremental duplicate-thread index.

Scoring is a weighted cosine over the features of ``forum.duplicates.features`` (words segmented
with PyThaiNLP, plus bilingual concept tokens).  The weights are fixed (``weights.py``: document
frequencies over a shipped reference corpus), not the board's own IDF, so the score of a pair of
texts is the same on a board of 200 threads and on one of 1,000,000 and one threshold serves
both; the board's document frequencies only decide which terms are cheap to scan first.  The
cosine is multiplied by a consistency factor that lowers
the score when the query and a thread name different car models, parts, symptoms, conditions
(cold start vs in traffic) or question intents (cost vs interval vs how-to vs where to buy):
"the same question about another model, or a neighbouring symptom, is a new topic".  When the
plain words of the two texts are in different scripts (a Thai post and its English twin share
no words, only concepts) the cosine of the concept tokens alone is blended in
(``CROSS_CONCEPT_WEIGHT``).  A thread that shares nothing with the query but the car (model,
brand, variant, fuel, side) scores ``IDENTITY_ONLY`` times less, and one that names many content
concepts the query does not (a broader thread that merely contains a short question's concepts)
loses ``UNNAMED_FACTOR`` per concept beyond ``UNNAMED_FREE``; one whose title names another
value of an attribute than the query's title (uphill vs downhill, 2016 vs 2020) loses
``CONFLICT_FACTOR``.  Matches under
``SUGGESTION_MIN_SCORE`` are not suggested.

Data structures, chosen so a query only touches threads that share a term with it:

* ``_Segment``: an immutable inverted index over a contiguous range of rows, in CSC layout
  (for term ``t``: rows ``indices[indptr[t]:indptr[t+1]]``, sorted, with tf weights in
  ``data``).  New threads go to a small mutable *tail*; when the tail is full it is frozen into
  a segment, and segments of similar size are merged (like an LSM tree: O(log n) segments,
  each thread re-merged O(log n) times).  So ``add()`` costs microseconds plus analysis, and a
  thread is findable by the very next query.
* Document frequencies are kept incrementally (``_df``); they order the query's terms from
  rare to common.  Each row's norm under the fixed weights (``_finv_norm``) is computed once,
  when the row is added.
* Two phases per query: rare terms (up to a postings budget) score all rows that contain
  them; the best ``CANDIDATES`` rows then get every query term's weight by binary search in
  its postings, and the exact pairwise score.  Cost is bounded by the budget, not by the corpus.
* ``remove()`` clears a row's alive flag at once (it is never suggested again); its postings
  are dropped when its segment is next merged (or by ``optimize()``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Hashable

import numpy as np
import scipy.sparse as sp

from .features import (NEGATABLE_KINDS, SIDE_AXES, TITLE_SKETCH, Analysis, Analyzer, is_concept, is_negated,
                       shortness, sketch_overlap)
from .verifier import Verifier
from .weights import ReferenceWeights

# A best match scoring above this is a near-certain duplicate (the app shows it before creating
# the thread). Tenth pass (h-dups11): the verdict on the best match is the pair verifier's
# (verifier.py, Match.verdict), put on this scale so that 0.58 is the cut the rule chose on the
# verifier's leave-one-split-out values (benchmarks/duplicates_verifier.py); the ranking score
# still orders the matches and feeds the suggestions. Ninth pass (h-dups10: romanised-Thai function words; tyre-edge, seat-side and
# air-con-row positions; a title's 'but ... fine' clause): the rule, written down and applied before `fresh10` is scored
# (benchmarks/duplicates_threshold_rule.py): the lowest value on a 0.01 grid whose false-alarm
# rate is at most 5% both on `fresh`+`fresh2` and on every split before the new one pooled (now
# eleven: tune, holdout, fresh .. fresh9), the dev threads alone: 0.58 (83.6% of true duplicates
# flagged, 4.42% false alarms pooled, 30 of 678; fresh+fresh2 87.1% / 4.2%; 0.57 has 5.5%). Main's engine
# (9eae073) under the same rule on the same eleven splits: 0.59 (81.6% / 4.72%; at 0.58 82.9% /
# 5.2%).
# Eighth pass (h-dups9: romanised-Thai lookup by consonant key, unmatched-detail
# factor): the same rule on the ten splits other than `fresh9` pooled (tune, holdout, fresh ..
# fresh8) and on `fresh`+`fresh2` gives 0.58 (85.1% of true duplicates flagged, 4.97% false
# alarms pooled, 29 of 584; fresh+fresh2 87.1% / 4.2%); main's engine before this pass under the same rule on
# the same ten splits: 0.59 (83.9% / 5.0%; at 0.58 85.2% / 5.5%). Chosen and committed before
# `fresh9` was scored. Seventh pass (h-dups8: unit-aware and whole-text conflicts, attribute lexicon,
# vocabulary coverage): the same rule on the nine splits other than `fresh8` pooled (tune,
# holdout, fresh .. fresh7) and on `fresh`+`fresh2` gives 0.58 (86.3% of true duplicates
# flagged, 4.1% false alarms pooled; fresh+fresh2 87.1% / 4.2%; 0.57 has 5.3% pooled). Chosen
# and committed before `fresh8` was scored. Sixth pass (h-dups7, with the conflict factor): the
# same rule on the eight splits other than `fresh7` pooled (tune, holdout, fresh .. fresh6) and
# on `fresh`+`fresh2` gives 0.57 again (83.7% of true duplicates flagged, 4.99% false alarms
# pooled; fresh+fresh2 83.9% / 4.2%; without the conflict factor the same rule on the same eight
# splits gives 0.62 and 79.1%). Chosen and committed before `fresh7` was scored. Fifth pass
# (h-dups6, with the contrast factor): the lowest value on a 0.01 grid whose false-alarm rate is
# <= 5% both on `fresh`+`fresh2` and on the seven splits other than `fresh6` pooled (tune,
# holdout, fresh .. fresh5), the dev threads alone (the score does not depend on the board):
# 0.57 (85.4% of true duplicates flagged, 4.8% false alarms pooled; fresh+fresh2 84% / 4.2%;
# without the contrast factor the same rule gives 0.64 and 80%; docs/BENCHMARKS.md). Chosen and
# committed before `fresh6` was scored. An admin setting can override it.
DUPLICATE_THRESHOLD = 0.58
# (eleventh pass) A best match whose ranking score is at least this keeps at least its score as
# its verdict: the pair verifier reads a short query as weak evidence, and retrained with
# `fresh11` (cut 0.76) it turned down a title-only twin scoring 0.87. On the labelled splits no
# pair at 0.85 or more is turned down by the verifier's leave-one-split-out values, so this
# changes none of their figures (0.80 would add 3 duplicates, 0 false alarms; not taken).
SURE_SCORE = 0.85

# Matches scoring below this are not suggested at all (query() default, override with
# min_score=): at that level the shared words are incidental (a model name, "price").
SUGGESTION_MIN_SCORE = 0.15

# Score factors when query and thread both name concepts of a kind:
# (no concept in common, some in common but each names one the other does not).
CONSISTENCY = {
    "model": (0.45, 0.8),
    "brand": (0.7, 0.95),
    "part": (0.6, 0.9),
    "sym": (0.65, 0.9),
    "fuel": (0.8, 1.0),
    "variant": (0.6, 0.9),
    "place": (0.6, 0.9),
    # the kind of answer asked for: cost vs interval vs how-to vs where to buy vs which brand
    "intent": (0.7, 0.95),
    # when it happens: at a cold start vs in traffic vs uphill vs after a wash vs reversing
    "cond": (0.8, 0.95),
    # front vs rear, left vs right
    "side": (0.65, 0.9),
}
# Query names a symptom/problem and the thread names none: probably another question.
MISSING_SYMPTOM = 0.85
# The thread reports a symptom/problem and the query names none (a buying or how-to question).
EXTRA_SYMPTOM = 0.9
# Sub-models that are another car than their parent model: a question about a Yaris Ativ (the
# sedan) is not the same question about a Yaris (the hatchback), nor a Raptor about a Ranger.
# The score is multiplied by SUBMODEL_MISMATCH when one text names such a sub-model and the other
# names the parent model but not it (generations such as Civic FE vs FD are told apart by the
# usual rule, as both texts then name a sub-model).
DISTINCT_SUBMODELS = frozenset({"model.yaris_ativ", "model.ranger_raptor", "model.hilux_champ"})
SUBMODEL_MISMATCH = 0.75
# One text negates what the other states ("shakes without braking" vs "shakes when braking").
NEGATION_MISMATCH = 0.5
# A thread that covers every concept of a short question but also talks about much else (other
# parts, other problems, other conditions) is a broader thread, not the same question: each of
# its content concepts (kinds below) that the query does not name, beyond the first
# UNNAMED_FREE, multiplies the score by UNNAMED_FACTOR.  The first few are free because a
# member's duplicate often adds a detail or two (when the pads were changed, the mileage).
# Chosen on the tune/holdout splits; without it, among 20,000 generated threads that each name
# a dozen concepts, 6-19% of new topics on the calibration splits got a confident verdict.
UNNAMED_KINDS = ("part", "sym", "topic", "cond", "intent", "side", "place")
UNNAMED_FREE = 2
UNNAMED_FACTOR = 0.9

# A Thai post and its English twin share concepts (models, parts, symptoms, intents) but no
# plain words, so their plain cosine is low however exact the translation.  For such pairs
# (plain-word scripts differing by at least CROSS_SCRIPT_GAP) the score is also computed on the
# concept tokens alone and blended in with this weight; the better of the plain and blended
# scores is kept;
# the consistency factors apply afterwards as for any pair.
CROSS_SCRIPT_GAP = 0.5
CROSS_CONCEPT_WEIGHT = 0.85
# ... in full when concepts carry at least this share of the query's squared weight, less
# (proportionally) when most of the query is words outside the vocabulary.
CROSS_FULL_SHARE = 0.5

# Contrast (issue 17, fifth pass): two same-language texts that each name a distinctive word the
# other lacks (a word outside the vocabulary that is rare in the reference corpus: idf at least
# CONTRAST_MIN_IDF, i.e. in at most ~3 of its 1,726 documents) are probably about two different
# things of the same kind ("Nan" vs "Chiang Mai", "hail" vs "flood"); the score is multiplied by
# CONTRAST_FACTOR.  A duplicate that only adds a detail has such a word on one side only.  Pairs
# in two scripts never share words, so the signal is not used for them.  Chosen on the seven
# splits tune .. fresh5 (docs/BENCHMARKS.md, fifth pass).
CONTRAST_MIN_IDF = 6.0
CONTRAST_FACTOR = 0.8

# Conflict (issue 17, sixth pass): the same question about another value of one attribute --
# uphill vs downhill, fog light vs headlight, front camera vs reversing camera, E85 vs E20, a
# 2020 vs a 2016 Jazz, the 20,000 km vs the 10,000 km service -- is a new topic, however much
# else the two texts share.  A member puts that detail in the title, and the body often names
# the other value too, in contrast ("downhill I know", "headlights are fine"), so the test reads
# the titles: both titles name a concept of one of CONFLICT_KINDS that the other title does not
# (implied concepts count as named: "fog light" names "lights", not "headlight"), or each title
# has a number the other title lacks and one of those is nowhere in the other text.  A text
# that merely adds a detail names it on one side only and is not touched; a cross-language twin
# names the same concepts.  The score is multiplied by CONFLICT_FACTOR once (however many kinds
# conflict).  Chosen on the eight splits tune .. fresh6 (docs/BENCHMARKS.md, sixth pass).
CONFLICT_KINDS = ("part", "cond", "side", "fuel", "variant", "place")
CONFLICT_FACTOR = 0.5
# (seventh pass, h-dups8) A title is also compared with the other *whole* text for these kinds
# (and for the attribute lexicon of features.ATTRIBUTES: colour, vehicle, animal) and for
# numbers of these unit classes: the thread's title often names nothing of the kind the query's
# title is about ("CX-5 diesel hard to start" vs "CX-5 hard to start", petrol only in its body).
WHOLE_TEXT_KINDS = ("fuel", "variant", "side", "colour", "vehicle", "animal")
WHOLE_TEXT_UNITS = ("year", "class", "km", "inch", "kmh", "kw", "seats", "doors")
# Unmatched detail (issue 17, eighth pass): the conflict test reads only what the vocabulary
# knows, and most false alarms left on new text differ in a detail it has no concept for (a
# hot start vs a morning start, fabric vs leather, New Year vs Songkran, trunk vs floor mats).
# So when each *title* has a salient detail that the other *whole* text never uses, the titles
# name different details and the score is multiplied by DETAIL_FACTOR (not on top of a
# conflict).  A detail is an everyday "@word.*" concept of the vocabulary (New Year, used car;
# reference idf at least DETAIL_MIN_IDF; in either script) or, between two texts of one script, a
# plain title word of DETAIL_MIN_CHARS characters or more and reference idf at least
# DETAIL_WORD_MIN_IDF.  A duplicate that adds a detail has it on one side only.  Depends on the
# two texts and the fixed weights only, so it does not drift with the board.  Chosen on the ten
# splits tune .. fresh8 (docs/BENCHMARKS.md, eighth pass): factor 0.5 / 0.65 / 0.8 (0.5 loses a
# point of recall@1), concept idf 3 / 4 / 5 (flat), plain-word idf 4 / 6 / 7 / no plain words
# (commoner plain words are mostly verbs and function words a paraphrase swaps freely: "ใช้",
# "สำหรับ", "install"; 7 flags most at the rule's threshold); part and condition concepts as
# details too (84.6% / 4.8% at the rule's 0.58, against 85.1% / 4.97%), symptoms too (83.1% /
# 4.6%): not taken.
DETAIL_CONCEPT_KIND = "word."
DETAIL_MIN_IDF = 4.0
DETAIL_WORD_MIN_IDF = 7.0  # in at most ~3 of the 1,726 reference documents
DETAIL_MIN_CHARS = 3  # short words are mostly colloquial adverbs and verbs ("ไว" for "เร็ว")
DETAIL_FACTOR = 0.65

# (thirty-fourth pass) The query's unmatched plain words by reference document frequency: a
# reworded duplicate adds words the reference corpus never saw (df 0), a near miss changes a detail
# in words it knows well (df DF_KNOWN or more). Read by the verifier (`_unmatched_features`).
DF_KNOWN = 5

CANDIDATES = 100  # rows rescored exactly per query
# (issue 17, thirteenth pass) The best RERANK matches by the ranking score are put in the order of
# the pair verifier's logit (a match scoring SURE_SCORE or more stays first): on a big board a
# synthetic thread that shares many words with the query can outscore the true duplicate, and the
# verifier, trained with such threads as hard negatives, tells them apart (docs/BENCHMARKS.md,
# "Quality, thirteenth pass"). Only matches at or above SUGGESTION_MIN_SCORE are reordered (under
# it the rest follow in score order). The scores are unchanged, so the list is not always in score order.
RERANK = 20
# ... and only those scoring at least RERANK_MARGIN times the best score: the verifier decides
# between close rivals, it does not lift a weak match far under the best (on the blind splits
# among 100,000 distractors 0.6 keeps every gain of reordering all 20; 0.75 and 0.9 lose some).
RERANK_MARGIN = 0.6
POSTINGS_BUDGET = 250_000  # postings scanned in phase one, rarest terms first
BLOCK_ROWS = 64  # phase one's candidates: a lower bound of the cut from block maxima (_best_rows)
TAIL_SIZE = 2048  # rows in the mutable tail before it is frozen into a segment

# Layout of `DuplicateIndex.to_state()`; bump when its keys or their meaning change.
STATE_FORMAT = 9  # (fifteenth pass) 7: title sketches (tsk0..tsk3) and position ("z") signature entries;
# (sixteenth pass) 8: the title's term ids per row (ttptr, ttids); (twenty-first pass) 9: condition ("k")
# signature entries
# The per-row numeric arrays of the index, with their dtypes (saved and restored as they are).
# inv_norm: 1/|row| with the board's IDF (kept for the collection statistics); finv_norm: 1/|row|
# with the fixed reference weights, which the score uses (it never changes once computed).
_ROW_ARRAYS = {"cat": np.int16, "alive": np.bool_, "counted": np.bool_, "inv_norm": np.float32,
               "finv_norm": np.float32, "script": np.int8, "distinct": np.int16,
               # (fifteenth pass) the title's sketch (features.title_sketch), 8 bytes per array
               **{f"tsk{i}": np.uint64 for i in range(TITLE_SKETCH // 8)}}

# Concept kinds that say which car a post is about, not what it asks: a thread that shares only
# these with the query (the same model, nothing about the question) is not similar at all.
IDENTITY_KINDS = frozenset({"model", "brand", "variant", "fuel", "side", "word"})
# (twenty-second pass) the concept kinds a near miss changes in its title (the verifier's
# `query_title_unnamed` and `thread_title_unnamed`)
TITLE_CHANGE_KINDS = frozenset({"model", "variant", "part", "sym", "side", "fuel", "topic"})
IDENTITY_ONLY = 0.4


@dataclass(frozen=True, slots=True)
class Match:
    id: Any
    score: float
    # (tenth pass) the pair verifier's verdict for the best match, on the score's scale (the
    # threshold applies to it); the ranking score for the others.
    verdict: float | None = None

    @property
    def verdict_score(self) -> float:
        return self.score if self.verdict is None else self.verdict


class _Grow:
    """Append-only numpy array with amortised doubling."""

    def __init__(self, dtype, capacity: int = 1024, fill=0):
        self.array = np.full(capacity, fill, dtype=dtype)
        self.size = 0
        self.fill = fill

    def _reserve(self, n: int) -> None:
        if n > len(self.array):
            new = np.full(max(n, 2 * len(self.array)), self.fill, dtype=self.array.dtype)
            new[: self.size] = self.array[: self.size]
            self.array = new

    def append(self, value) -> None:
        self._reserve(self.size + 1)
        self.array[self.size] = value
        self.size += 1

    def extend(self, values) -> None:
        values = np.asarray(values)
        self._reserve(self.size + len(values))
        self.array[self.size : self.size + len(values)] = values
        self.size += len(values)

    @classmethod
    def of(cls, values: np.ndarray, dtype, fill=0) -> "_Grow":
        """A _Grow holding a copy of `values` (from a saved state)."""
        grow = cls(dtype, capacity=max(1024, len(values)), fill=fill)
        grow.extend(np.asarray(values, dtype=dtype))
        return grow

    @property
    def view(self) -> np.ndarray:
        return self.array[: self.size]

    def nbytes(self) -> int:
        return self.array.nbytes


class _Segment:
    __slots__ = ("start", "n", "ncols", "indptr", "indices", "data")

    def __init__(self, start: int, n: int, matrix: sp.csc_matrix):
        matrix.sort_indices()
        self.start, self.n = start, n
        self.ncols = matrix.shape[1]
        self.indptr = matrix.indptr
        self.indices = matrix.indices.astype(np.int32, copy=False)
        self.data = matrix.data.astype(np.float32, copy=False)

    @classmethod
    def from_docs(cls, start: int, docs: list[tuple[np.ndarray, np.ndarray]], ncols: int) -> "_Segment":
        lengths = np.fromiter((len(t) for t, _ in docs), dtype=np.int64, count=len(docs))
        rows = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
        cols = np.concatenate([t for t, _ in docs]) if docs else np.zeros(0, np.int32)
        vals = np.concatenate([w for _, w in docs]) if docs else np.zeros(0, np.float32)
        matrix = sp.csc_matrix((vals, (rows, cols)), shape=(len(docs), ncols), dtype=np.float32)
        return cls(start, len(docs), matrix)

    def matrix(self, ncols: int) -> sp.csc_matrix:
        indptr = self.indptr
        if ncols > self.ncols:
            indptr = np.concatenate([indptr, np.full(ncols - self.ncols, indptr[-1], dtype=indptr.dtype)])
        return sp.csc_matrix((self.data, self.indices, indptr), shape=(self.n, ncols))

    def nbytes(self) -> int:
        return self.indptr.nbytes + self.indices.nbytes + self.data.nbytes


class DuplicateIndex:
    """Incremental near-duplicate index of threads (see module docstring)."""

    def __init__(self, analyzer: Analyzer | None = None, *, threshold: float = DUPLICATE_THRESHOLD,
                 tail_size: int = TAIL_SIZE, weights: ReferenceWeights | None = None,
                 verifier: "Verifier | bool | None" = True):
        self.analyzer = analyzer or Analyzer()
        self.weights = weights or ReferenceWeights.default()
        self._fidf = _Grow(np.float32)  # fixed reference idf per term id
        self.threshold = threshold
        self.tail_size = tail_size
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}
        self._concept_kind: dict[int, str] = {}  # term id -> concept kind, for concept terms
        self._concept_name: dict[int, str] = {}
        self._df = _Grow(np.int32)
        self._df_docs = 0  # rows counted in _df
        self._ids: list[Hashable | None] = []
        self._row_of: dict[Hashable, int] = {}
        self._authors: dict[int, Any] = {}
        self._categories: dict[str, int] = {}
        self._category_names: list[str] = []
        self._cat = _Grow(np.int16)
        self._alive = _Grow(np.bool_)
        self._counted = _Grow(np.bool_)  # row still counted in _df / _df_docs
        self._inv_norm = _Grow(np.float32)  # 1/|doc|, 0 for removed rows
        self._finv_norm = _Grow(np.float32)  # 1/|doc| with the fixed weights, 0 for removed rows
        self._cptr = _Grow(np.int64)
        self._cptr.append(0)
        self._cids = _Grow(np.int32)  # concept term ids per row
        self._cw = _Grow(np.float32)  # their tf weights
        self._script = _Grow(np.int8, fill=-1)  # Analysis.script in percent, -1 unknown
        self._distinct = _Grow(np.int16)  # the row's distinctive plain words (see CONTRAST_MIN_IDF)
        for i in range(TITLE_SKETCH // 8):  # (fifteenth pass) the title's sketch, 8 bytes each
            setattr(self, f"_tsk{i}", _Grow(np.uint64))
        # The row's title signature for the conflict test (CONFLICT_KINDS): ids into _sig_names of
        # "t<concept>" (title concepts of those kinds), "n<number>" (title numbers) and
        # "a<number>" (every number of the text), CSR like _cids.
        self._sig_vocab: dict[str, int] = {}
        self._sig_names: list[str] = []
        self._sptr = _Grow(np.int64)
        self._sptr.append(0)
        self._sig = _Grow(np.int32)
        # (sixteenth pass) the term ids of the row's title (its plain words and the concepts it
        # names), CSR like _cids, for the verifier's `thread_title_coverage`
        self._ttptr = _Grow(np.int64)
        self._ttptr.append(0)
        self._ttids = _Grow(np.int32)
        self._segments: list[_Segment] = []
        self._tail: list[tuple[np.ndarray, np.ndarray]] = []
        self._tail_segment: _Segment | None = None
        self._n_alive = 0
        self._leaf_cache: dict[frozenset[str], frozenset[str]] = {}
        self.verifier = Verifier.default() if verifier is True else (verifier or None)

    # ------------------------------------------------------------------ adding and removing
    def __len__(self) -> int:
        return self._n_alive

    def __contains__(self, thread_id: Hashable) -> bool:
        return thread_id in self._row_of

    def add(self, thread_id: Hashable, category: str, title: str, body: str, author_id: Any = None) -> None:
        """Indexes (or re-indexes) a thread; it is findable by the next query."""
        analysis = self.analyzer.analyze(title, body)
        with self._lock:
            self._add_analysis(thread_id, category, analysis, author_id)

    def add_analysis(self, thread_id: Hashable, category: str, analysis: Analysis, author_id: Any = None) -> None:
        """Like add() with features computed beforehand (e.g. in another process)."""
        with self._lock:
            self._add_analysis(thread_id, category, analysis, author_id)

    def remove(self, thread_id: Hashable) -> bool:
        """Removes a thread (deleted, held for moderation); it is never suggested again."""
        with self._lock:
            row = self._row_of.pop(thread_id, None)
            if row is None:
                return False
            self._ids[row] = None
            self._alive.array[row] = False
            self._inv_norm.array[row] = 0.0
            self._finv_norm.array[row] = 0.0
            self._authors.pop(row, None)
            self._n_alive -= 1
            return True

    def author_of(self, thread_id: Hashable) -> Any:
        row = self._row_of.get(thread_id)
        return None if row is None else self._authors.get(row)

    def category_of(self, thread_id: Hashable) -> str | None:
        row = self._row_of.get(thread_id)
        return None if row is None else self._category_names[self._cat.array[row]]

    def build(self, rows: Iterable[Any], progress: bool = True) -> "DuplicateIndex":
        """Bulk-indexes threads given as mappings with keys id, category, title, body
        (author_id optional) or as tuples (id, category, title, body[, author_id]),
        with a tqdm progress bar."""
        from tqdm import tqdm

        total = len(rows) if hasattr(rows, "__len__") else None
        batch: list[tuple[Hashable, str, Analysis, Any]] = []
        for row in tqdm(rows, total=total, disable=not progress, desc="indexing threads", unit="thread"):
            thread_id, category, title, body, author_id = _unpack(row)
            batch.append((thread_id, category, self.analyzer.analyze(title, body), author_id))
            if len(batch) >= 50_000:
                self.add_many(batch)
                batch = []
        if batch:
            self.add_many(batch)
        return self

    def add_many(self, items: Iterable[tuple[Hashable, str, Analysis, Any]]) -> None:
        """Bulk add of pre-analysed threads straight into a new segment."""
        with self._lock:
            self._freeze_tail()
            docs = []
            start = len(self._ids)
            for thread_id, category, analysis, author_id in items:
                if thread_id in self._row_of:
                    self.remove(thread_id)
                docs.append(self._register(thread_id, category, analysis, author_id))
            if not docs:
                return
            segment = _Segment.from_docs(start, docs, len(self._vocab))
            self._segments.append(segment)
            self._recompute_norms(segment)
            self._maybe_merge()

    def optimize(self) -> None:
        """Merges everything into one segment: drops removed rows' postings from the document
        frequencies and refreshes all norms with the current IDF."""
        with self._lock:
            # the norms of the merged segments are computed once, at the end, for every row: the
            # freeze and the merges would each compute them for their rows, then be overwritten
            # (a small board runs this after every new thread: LiveIndex._refresh_norms)
            self._freeze_tail(norms=False)
            while len(self._segments) > 1:
                self._merge_last_two(norms=False)
            if self._segments:
                self._segments[0] = self._purge(self._segments[0])
                self._recompute_norms(self._segments[0])

    # ------------------------------------------------------------------ querying
    def query(self, title: str, body: str = "", k: int = 5, exclude_ids: Iterable[Hashable] = (),
              category: str | None = None, min_score: float = SUGGESTION_MIN_SCORE,
              features: list | None = None, differences: list | None = None) -> list[Match]:
        """Up to k threads most similar to a new post, best first, scores in [0, 1].
        category restricts the search to one category; exclude_ids are never returned;
        matches scoring below min_score are left out (0 keeps every match). The best match's
        `verdict` is the pair verifier's; `features`, when given, gets its feature vector."""
        analysis = self.analyzer.analyze(title, body)
        with self._lock:
            return self._query(analysis, k, exclude_ids, category, min_score, features, differences)

    def query_analysis(self, analysis: Analysis, k: int = 5, exclude_ids: Iterable[Hashable] = (),
                       category: str | None = None, min_score: float = SUGGESTION_MIN_SCORE,
                       features: list | None = None, differences: list | None = None) -> list[Match]:
        with self._lock:
            return self._query(analysis, k, exclude_ids, category, min_score, features, differences)

    def prepare(self) -> None:
        """Builds now what the next query would build first: the tail's postings, rebuilt after
        every add (up to TAIL_SIZE rows; `LiveIndex.prepare`, from a server's background catch-up,
        so that a new thread's check does not pay it). The query reads the same segment either way."""
        with self._lock:
            self._current_tail_segment()

    def duplicate_of(self, matches: list[Match], threshold: float | None = None) -> Match | None:
        """The best match if it passes the near-certain-duplicate threshold."""
        limit = self.threshold if threshold is None else threshold
        return matches[0] if matches and matches[0].verdict_score >= limit else None

    def ids(self) -> list[Hashable]:
        """The ids of the threads in the index (removed ones left out)."""
        with self._lock:
            return list(self._row_of)

    # ------------------------------------------------------------------ saving and loading
    def to_state(self) -> dict[str, Any]:
        """Everything `from_state` needs to rebuild this index exactly (same query results),
        as plain containers and numpy arrays: no analyzer, no lock. The arrays that later adds
        modify in place are copied; frozen segments are immutable and shared."""
        with self._lock:
            tail_lengths = np.fromiter((len(t) for t, _ in self._tail), dtype=np.int64, count=len(self._tail))
            return {
                "format": STATE_FORMAT,
                "threshold": self.threshold,
                "tail_size": self.tail_size,
                "terms": list(self._vocab),  # insertion order is term-id order
                "df": self._df.view.copy(),
                "df_docs": self._df_docs,
                "ids": list(self._ids),
                "authors": dict(self._authors),
                "category_names": list(self._category_names),
                **{name: getattr(self, f"_{name}").view.copy() for name in _ROW_ARRAYS},
                "cptr": self._cptr.view.copy(),
                "cids": self._cids.view.copy(),
                "cw": self._cw.view.copy(),
                "sig_terms": list(self._sig_names),
                "sptr": self._sptr.view.copy(),
                "sig": self._sig.view.copy(),
                "ttptr": self._ttptr.view.copy(),
                "ttids": self._ttids.view.copy(),
                "segments": [(s.start, s.n, s.ncols, s.indptr, s.indices, s.data) for s in self._segments],
                "tail_lengths": tail_lengths,
                "tail_tids": np.concatenate([t for t, _ in self._tail]) if self._tail else np.zeros(0, np.int32),
                "tail_tfs": np.concatenate([w for _, w in self._tail]) if self._tail else np.zeros(0, np.float32),
                "n_alive": self._n_alive,
            }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], analyzer: Analyzer | None = None) -> "DuplicateIndex":
        """The index saved by `to_state`. Raises ValueError when the state is not one this code
        wrote (another format, or arrays that do not fit together)."""
        if state.get("format") != STATE_FORMAT:
            raise ValueError(f"index state format {state.get('format')!r}, expected {STATE_FORMAT}")
        index = cls(analyzer, threshold=state["threshold"], tail_size=state["tail_size"])
        terms = state["terms"]
        index._vocab = dict(zip(terms, range(len(terms))))
        if len(index._vocab) != len(terms):
            raise ValueError("repeated terms in index state")
        for tid, term in enumerate(terms):
            if is_concept(term):
                name = term[1:]
                index._concept_kind[tid] = name.split(".", 1)[0]
                index._concept_name[tid] = name
        index._df = _Grow.of(state["df"], np.int32)
        index._fidf = _Grow.of(np.fromiter((index.weights.idf(t) for t in terms), dtype=np.float32,
                                           count=len(terms)), np.float32)
        index._df_docs = int(state["df_docs"])
        index._ids = list(state["ids"])
        index._row_of = {thread_id: row for row, thread_id in enumerate(index._ids) if thread_id is not None}
        index._authors = dict(state["authors"])
        index._category_names = list(state["category_names"])
        index._categories = {name: code for code, name in enumerate(index._category_names)}
        for name, dtype in _ROW_ARRAYS.items():
            setattr(index, f"_{name}", _Grow.of(state[name], dtype, fill=-1 if name == "script" else 0))
        index._cptr = _Grow.of(state["cptr"], np.int64)
        index._cids = _Grow.of(state["cids"], np.int32)
        index._cw = _Grow.of(state["cw"], np.float32)
        index._sig_names = list(state["sig_terms"])
        index._sig_vocab = {name: i for i, name in enumerate(index._sig_names)}
        index._sptr = _Grow.of(state["sptr"], np.int64)
        index._sig = _Grow.of(state["sig"], np.int32)
        index._ttptr = _Grow.of(state["ttptr"], np.int64)
        index._ttids = _Grow.of(state["ttids"], np.int32)
        index._n_alive = int(state["n_alive"])
        rows = len(index._ids)
        segments, start = [], 0
        for seg_start, n, ncols, indptr, indices, data in state["segments"]:
            if seg_start != start or len(indptr) != ncols + 1 or len(indices) != len(data) or ncols > len(terms):
                raise ValueError("index state segments do not fit together")
            segment = _Segment.__new__(_Segment)
            segment.start, segment.n, segment.ncols = int(seg_start), int(n), int(ncols)
            segment.indptr = np.asarray(indptr)
            segment.indices = np.asarray(indices, dtype=np.int32)
            segment.data = np.asarray(data, dtype=np.float32)
            segments.append(segment)
            start += int(n)
        index._segments = segments
        lengths = np.asarray(state["tail_lengths"], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        tids = np.asarray(state["tail_tids"], dtype=np.int32)
        tfs = np.asarray(state["tail_tfs"], dtype=np.float32)
        index._tail = [(tids[a:b], tfs[a:b]) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
        if (start + len(lengths) != rows or offsets[-1] != len(tids) or len(tfs) != len(tids)
                or len(index._df.view) != len(terms) or len(index._cptr.view) != rows + 1
                or any(len(getattr(index, f"_{name}").view) != rows for name in _ROW_ARRAYS)
                or len(index._cids.view) != index._cptr.view[-1] or len(index._cw.view) != len(index._cids.view)
                or len(index._sptr.view) != rows + 1 or len(index._sig.view) != index._sptr.view[-1]
                or len(index._sig_vocab) != len(index._sig_names)
                or len(index._ttptr.view) != rows + 1 or len(index._ttids.view) != index._ttptr.view[-1]
                or (len(index._ttids.view) and int(index._ttids.view.max()) >= len(terms))
                or (len(index._sig.view) and int(index._sig.view.max()) >= len(index._sig_names))
                or index._n_alive != len(index._row_of)):
            raise ValueError("index state arrays do not fit together")
        return index

    def memory_bytes(self) -> int:
        """Approximate size of the numeric index structures (excludes Python dicts of ids)."""
        with self._lock:
            total = sum(s.nbytes() for s in self._segments)
            for grow in (self._df, self._cat, self._alive, self._inv_norm, self._finv_norm, self._fidf, self._cptr,
                         self._cids, self._cw, self._script, self._sptr, self._sig, self._ttptr, self._ttids):
                total += grow.nbytes()
            return total

    # ------------------------------------------------------------------ internals
    def _sig_id(self, name: str) -> int:
        sid = self._sig_vocab.get(name)
        if sid is None:
            sid = self._sig_vocab[name] = len(self._sig_names)
            self._sig_names.append(name)
        return sid

    def _term_id(self, term: str) -> int:
        tid = self._vocab.get(term)
        if tid is None:
            tid = self._vocab[term] = len(self._vocab)
            self._df.append(0)
            self._fidf.append(self.weights.idf(term))
            if is_concept(term):
                name = term[1:]
                self._concept_kind[tid] = name.split(".", 1)[0]
                self._concept_name[tid] = name
        return tid

    def _register(self, thread_id, category, analysis: Analysis, author_id) -> tuple[np.ndarray, np.ndarray]:
        """Assigns a row and updates df; returns the row's (term ids, tf weights)."""
        tids = np.fromiter((self._term_id(t) for t in analysis.weights), dtype=np.int32,
                           count=len(analysis.weights))
        tfs = np.fromiter(analysis.weights.values(), dtype=np.float32, count=len(analysis.weights))
        row = len(self._ids)
        self._ids.append(thread_id)
        self._row_of[thread_id] = row
        if author_id is not None:
            self._authors[row] = author_id
        code = self._categories.get(category)
        if code is None:
            code = self._categories[category] = len(self._category_names)
            self._category_names.append(category)
        self._cat.append(code)
        self._alive.append(True)
        self._counted.append(True)
        np.add.at(self._df.array, tids, 1) if len(tids) else None
        self._df_docs += 1
        is_concept_term = np.fromiter((t in self._concept_kind for t in tids.tolist()), dtype=bool, count=len(tids))
        self._cids.extend(tids[is_concept_term])
        self._cw.extend(tfs[is_concept_term])
        self._script.append(-1 if analysis.script is None else int(round(analysis.script * 100)))
        self._cptr.append(self._cids.size)
        self._distinct.append(min(len(self._distinctive_words(analysis)), np.iinfo(np.int16).max))
        sketch = analysis.title_sketch if len(analysis.title_sketch) == TITLE_SKETCH else bytes(TITLE_SKETCH)
        for i, value in enumerate(np.frombuffer(sketch, dtype=np.uint64).tolist()):
            getattr(self, f"_tsk{i}").append(value)
        title_terms = set(analysis.title_words) | {f"@{c}" for c in analysis.title_concepts}
        self._ttids.extend(np.fromiter((self._vocab[t] for t in analysis.weights if t in title_terms),
                                       dtype=np.int32))
        self._ttptr.append(self._ttids.size)
        sig = (_signature(analysis) + [f"p{w}" for w in sorted(self._salient_title_words(analysis))]
               + [f"z{c}" for c in sorted(analysis.sides)]
               + [f"k{c}" for c in sorted(analysis.conditions)]
               + [f"f{c}" for c in sorted(analysis.fine)])
        self._sig.extend(np.fromiter((self._sig_id(t) for t in sig), dtype=np.int32))
        self._sptr.append(self._sig.size)
        self._n_alive += 1
        self._inv_norm.append(0.0)
        fnorm = float(np.sqrt(np.sum((tfs.astype(np.float64) * self._fidf.array[tids]) ** 2)))
        self._finv_norm.append(1.0 / fnorm if fnorm > 0 else 0.0)
        return tids, tfs

    def _add_analysis(self, thread_id, category, analysis: Analysis, author_id) -> None:
        if thread_id in self._row_of:
            self.remove(thread_id)
        tids, tfs = self._register(thread_id, category, analysis, author_id)
        row = len(self._ids) - 1
        idf = self._idf(tids)
        norm = float(np.sqrt(np.sum((tfs * idf) ** 2)))
        self._inv_norm.array[row] = 1.0 / norm if norm > 0 else 0.0
        self._tail.append((tids, tfs))
        self._tail_segment = None
        if len(self._tail) >= self.tail_size:
            self._freeze_tail()
            self._maybe_merge()

    def _idf(self, tids: np.ndarray) -> np.ndarray:
        df = self._df.array[tids].astype(np.float64)
        return np.log((self._df_docs + 1.0) / (df + 1.0)) + 1.0

    def _tail_start(self) -> int:
        return len(self._ids) - len(self._tail)

    def _current_tail_segment(self) -> _Segment | None:
        if not self._tail:
            return None
        if self._tail_segment is None:
            self._tail_segment = _Segment.from_docs(self._tail_start(), self._tail, len(self._vocab))
        return self._tail_segment

    def _freeze_tail(self, norms: bool = True) -> None:
        if not self._tail:
            return
        segment = self._purge(self._current_tail_segment())
        self._segments.append(segment)
        self._tail, self._tail_segment = [], None
        if norms:
            self._recompute_norms(segment)

    def _maybe_merge(self) -> None:
        while len(self._segments) >= 2 and self._segments[-1].n * 2 >= self._segments[-2].n:
            self._merge_last_two()

    def _merge_last_two(self, norms: bool = True) -> None:
        b = self._segments.pop()
        a = self._segments.pop()
        ncols = len(self._vocab)
        merged = _Segment(a.start, a.n + b.n, sp.vstack([a.matrix(ncols), b.matrix(ncols)], format="csc"))
        merged = self._purge(merged)
        if norms:
            self._recompute_norms(merged)
        self._segments.append(merged)

    def _purge(self, segment: _Segment) -> _Segment:
        """Drops removed rows' postings and takes them out of the document frequencies."""
        alive = self._alive.array[segment.start : segment.start + segment.n]
        if alive.all():
            return segment
        counted = self._counted.array[segment.start : segment.start + segment.n]
        newly_dead = ~alive & counted
        self._df_docs -= int(newly_dead.sum())
        counted[newly_dead] = False
        dead_entries = ~alive[segment.indices]
        if not dead_entries.any():  # removed rows whose postings were dropped before: nothing to rebuild
            return segment
        cols = np.repeat(np.arange(segment.ncols), np.diff(segment.indptr))
        np.subtract.at(self._df.array, cols[dead_entries], 1)
        keep = ~dead_entries
        matrix = sp.csc_matrix((segment.data[keep], (segment.indices[keep], cols[keep])),
                               shape=(segment.n, segment.ncols))
        return _Segment(segment.start, segment.n, matrix)

    def _recompute_norms(self, segment: _Segment) -> None:
        if segment.n == 0:
            return
        counts = np.diff(segment.indptr)
        cols = np.repeat(np.arange(segment.ncols), counts)
        idf = self._idf(cols) if len(cols) else np.zeros(0)
        sq = np.bincount(segment.indices, weights=(segment.data * idf) ** 2, minlength=segment.n)
        with np.errstate(divide="ignore"):
            inv = np.where(sq > 0, 1.0 / np.sqrt(sq), 0.0)
        alive = self._alive.array[segment.start : segment.start + segment.n]
        self._inv_norm.array[segment.start : segment.start + segment.n] = np.where(alive, inv, 0.0)

    def _query(self, analysis: Analysis, k: int, exclude_ids, category,
               min_score: float = SUGGESTION_MIN_SCORE, features: list | None = None,
               differences: list | None = None) -> list[Match]:
        if self._n_alive == 0 or k <= 0:
            return []
        known = [(self._vocab[t], w) for t, w in analysis.weights.items() if t in self._vocab]
        if not known:
            return []
        known_terms = [t for t in analysis.weights if t in self._vocab]
        weights = self.weights
        tids = np.array([t for t, _ in known], dtype=np.int64)
        qtf = np.array([w for _, w in known], dtype=np.float64)
        fidf = self._fidf.array[tids].astype(np.float64)
        # The query's norm counts every term, also those no thread has (with their fixed weight).
        qnorm = math.sqrt(float(np.sum((qtf * fidf) ** 2)) + sum(
            (w * weights.idf(t)) ** 2 for t, w in analysis.weights.items() if t not in self._vocab))
        coef = (qtf * fidf * fidf / qnorm).astype(np.float32)
        # Phase one: the rarest terms on this board (up to the postings budget) score every row
        # that has them; the board's document frequencies decide only what is cheap to scan.
        df = self._df.array[tids]
        order = np.argsort(df, kind="stable")
        cum = np.cumsum(df[order])
        n_first = max(1, int(np.searchsorted(cum, POSTINGS_BUDGET, side="right")))
        first = order[:n_first]

        segments = list(self._segments)
        tail = self._current_tail_segment()
        if tail is not None:
            segments.append(tail)
        total = len(self._ids)
        scores = np.zeros(total, dtype=np.float32)
        for seg in segments:
            view = scores[seg.start : seg.start + seg.n]
            for i in first:
                t = tids[i]
                if t >= seg.ncols:
                    continue
                a, b = seg.indptr[t], seg.indptr[t + 1]
                if a != b:
                    view[seg.indices[a:b]] += coef[i] * seg.data[a:b]
        scores *= self._finv_norm.array[:total]
        if category is not None:
            code = self._categories.get(category)
            if code is None:
                return []
            scores[self._cat.array[:total] != code] = 0.0
        for thread_id in exclude_ids:
            row = self._row_of.get(thread_id)
            if row is not None:
                scores[row] = 0.0
        hits = _best_rows(scores, CANDIDATES)
        if len(hits) == 0:
            return []
        # Phase two: each candidate's weight for every query term, then the pairwise score.
        tf = self._gather(segments, hits, tids)
        plain = (tf @ coef.astype(np.float64)) * self._finv_norm.array[hits]
        cos = plain
        if analysis.script is not None:
            cos = self._cross_script(analysis, hits, cos, qnorm)
        named = frozenset().union(*analysis.concepts.values()) if analysis.concepts else frozenset()
        factor = self._consistency_factors(analysis, hits, named)
        # Only car identity (model, brand) in common: the thread is about something else.
        content = np.fromiter((self._concept_kind.get(t) not in IDENTITY_KINDS and not term.isdigit()
                               for t, term in zip(tids.tolist(), known_terms)), dtype=bool, count=len(tids))
        about_same = (tf[:, content] > 0).any(axis=1) | self._shared_content_concepts(analysis, hits)
        final = np.minimum(cos, 1.0) * factor * np.where(about_same, 1.0, IDENTITY_ONLY)
        contrast = self._contrast(analysis, hits, tids, known_terms, tf)
        final *= contrast
        detail = self._detail_candidates(analysis, hits, known_terms, tf)
        before = final.copy()
        self._apply_conflict(analysis, hits, final, k, detail)
        best = np.argsort(-final, kind="stable")[:max(k, RERANK)]

        pair_query: _PairQuery | None = None  # what the verifier's features read of the query

        def pair(j: int) -> np.ndarray:
            nonlocal pair_query
            if pair_query is None:
                pair_query = _PairQuery(self, analysis, tids, known_terms, fidf, qtf, qnorm)
            x = self._pair_features(pair_query, hits[j], tf[j], float(final[j]), float(before[j]),
                                    float(plain[j]), float(cos[j]), float(factor[j]), bool(about_same[j]),
                                    float(contrast[j]))
            # (twenty-sixth pass) the learned difference model's reading of what one text says and
            # the other does not (`verifier.Difference`), the verifier's last feature
            diff_model = self.verifier.difference if self.verifier is not None else None
            if diff_model is not None or differences is not None:
                tokens = self._difference_tokens(pair_query, hits[j], tf[j])
                last_tokens[j] = tokens
                if diff_model is not None:
                    x[-1] = diff_model.score(tokens)
            return x

        last_tokens: dict[int, list[str]] = {}

        first_x = None
        if RERANK > 1 and self.verifier is not None and len(best) > 1:
            # only matches at or above the suggestion floor are reordered: under it the shared words
            # are incidental and the verifier reads noise; those follow in score order
            floor = max(min_score, SUGGESTION_MIN_SCORE, RERANK_MARGIN * float(final[best[0]]))
            close = [final[j] > 0 and final[j] >= floor for j in best]
            top = [int(j) for j, keep in zip(best, close) if keep]
            rest = [int(j) for j, keep in zip(best, close) if not keep]
            xs = {j: pair(j) for j in top}
            key = {j: max(self.verifier.logit(xs[j]), 1e9 if final[j] >= SURE_SCORE else -1e9) for j in top}
            best = np.array(sorted(top, key=lambda j: -key[j]) + rest, dtype=np.int64)
            first_x = xs.get(int(best[0])) if len(best) else None
        best = best[:k]
        out = [Match(self._ids[hits[j]], round(float(final[j]), 4))
               for j in best if final[j] > 0 and final[j] >= min_score]
        if out and (self.verifier is not None or features is not None or differences is not None):
            # (tenth pass) the verdict on the best match: the pair verifier over its features
            j = int(best[0])
            x = first_x if first_x is not None else pair(j)
            if features is not None:
                features.append(x)
            if differences is not None:
                differences.append(last_tokens.get(j, []))
            if self.verifier is not None:
                verdict = self.verifier.verdict(x)
                if out[0].score >= SURE_SCORE:
                    verdict = max(verdict, out[0].score)
                out[0] = Match(out[0].id, out[0].score, round(verdict, 4))
        return out

    def _pair_features(self, q: "_PairQuery", row: int, tf_row: np.ndarray, final: float, before: float,
                       plain: float, cos: float, factor: float, about_same: bool, contrast: float) -> np.ndarray:
        """(tenth pass) What the pair verifier (``verifier.py``) reads of the query and one
        candidate: the score and its factors, and overlaps of the two texts. Every value depends on
        the two texts, the vocabulary and the fixed weights only, never on the board. What depends
        on the query alone is worked out once per query (`_PairQuery`)."""
        analysis, qnorm = q.analysis, q.qnorm
        present = tf_row > 0
        coverage = float(q.qw2[present].sum()) / (qnorm * qnorm) if qnorm > 0 else 0.0
        q_concepts, q_named = q.concepts, q.named
        d_all = {self._concept_name[c] for c in self._cids.array[self._cptr.array[row] : self._cptr.array[row + 1]].tolist()}
        d_concepts = {n for n in self._leaves(frozenset(d_all)) if q.vocabulary_concepts[n].kind not in IDENTITY_KINDS}
        q_share = sum(1 for c in q_concepts if c in d_all) / len(q_concepts) if q_concepts else 0.0
        d_share = sum(1 for c in d_concepts if c in q_named) / len(d_concepts) if d_concepts else 0.0
        # the query's title terms this candidate has (in title order, so the sums add up as before)
        flags = present.tolist()
        title_present = [weight for i, weight in q.title_columns if flags[i]]
        title_cov = len(title_present) / q.title_len if q.title_len else 0.0
        script = int(self._script.array[row])
        cross = analysis.script is not None and script >= 0 and abs(script - analysis.script * 100) >= CROSS_SCRIPT_GAP * 100
        conflict = final / before if before > 0 else 1.0
        inv = float(self._finv_norm.array[row])
        thread_cov = float(((tf_row * q.fidf) ** 2).sum()) * inv * inv
        title_w = sum(title_present)
        title_all = q.title_all
        q_missing = sum(1 for c in q_concepts if c not in d_all)
        d_missing = sum(1 for c in d_concepts if c not in q_named)
        # (twelfth pass) how much of the shorter text (by its weight under the fixed reference
        # weights) the longer one covers, and, for cross-script and romanised queries, that share
        # and the share of the query's content-concept weight the thread names (the bilingual and
        # romanised vocabulary maps both sides to the same concepts).
        short_cov = coverage if qnorm * inv <= 1.0 else thread_cov
        concept_all = q.concept_all
        concept_cov = sum(v for c, v in q.concept_w.items() if c in d_all) / concept_all if concept_all > 0 else 0.0
        rom = float(analysis.romanised)
        thread_title_cov = self._thread_title_coverage(q.tids, row, q.in_query)
        title_only = float(analysis.title_only)
        short = shortness(analysis.body_terms)
        sketch = sketch_overlap(analysis.title_sketch, self._title_sketch(row))
        return np.array([
            final, plain, min(cos, 1.0), float(cross), math.log(max(factor, 1e-3)), float(about_same),
            float(contrast < 1.0), float(conflict <= CONFLICT_FACTOR + 1e-6),
            float(CONFLICT_FACTOR + 1e-6 < conflict < 1.0 - 1e-6), coverage, title_cov, q_share, d_share,
            math.log1p(len(analysis.weights)), float(analysis.romanised), q.concept_share,
            float(len(q_concepts) == 0), math.log1p(len(d_concepts)),
            thread_cov, title_w / title_all if title_all > 0 else 0.0, float(cross) * min(cos, 1.0),
            float(analysis.romanised) * min(cos, 1.0), float(q_missing), float(d_missing),
            short_cov, float(cross) * short_cov, rom * short_cov, float(cross) * concept_cov, rom * concept_cov,
            # (thirteenth pass) the share of a romanised query's weight the thread covers
            rom * coverage,
            # (fourteenth pass) the thread names what the query says it is not about
            float(bool(analysis.contrasted & d_all)),
            # (fifteenth pass) positions: each names one on the same axis (front/rear, left/right)
            # and they share none; how alike the two titles are letter by letter (trigram MinHash)
            self._side_mismatch(analysis.sides, row),
            sketch,
            # (sixteenth pass) the share of the thread's title (its words and concepts, by their
            # fixed weights) that the query names anywhere
            thread_title_cov,
            # (seventeenth pass) a title-only question: whether the query is one, and, for one, how
            # much of the thread's title and of the whole thread it covers (a title cannot cover a
            # thread's body, so its body coverage means less than a full post's)
            title_only, title_only * thread_title_cov, title_only * thread_cov,
            # (twentieth pass) a short post (a title and a few words, smoothly: `shortness`), and for
            # one what it shares with the thread's title and the score
            short, short * thread_title_cov, short * title_cov, short * sketch, short * final,
            # (twenty-first pass) circumstances (`Analysis.conditions`) named on one side only, and
            # whether both name one and share none
            *self._condition_features(analysis.conditions, row),
            # (twenty-first pass, B) symmetric overlap: the harmonic mean and the smaller of the two
            # texts' coverages of each other, whole texts and titles (a linear verifier cannot form
            # them from the one-sided shares; a reworded duplicate keeps both sides' shares alike)
            _harmonic(coverage, thread_cov), min(coverage, thread_cov),
            _harmonic(title_cov, thread_title_cov), min(title_cov, thread_title_cov),
            # (twenty-second pass) what one title names that the other text does not name at all
            *self._title_concepts_unnamed(q, row, d_all),
            # (thirty-fourth pass) the query's unmatched plain words the reference corpus never saw
            # and the well-known ones, and the thread's rare words the query lacks
            *self._unmatched_features(q, row, tf_row),
            # (thirty-sixth pass) swapped roles: what one title says is fine, the other's asks about
            *self._fine_features(q, row),
            # (twenty-sixth pass) the difference model's score, filled in by `_query` (0 without one)
            0.0,
        ])

    def _unmatched_features(self, q: "_PairQuery", row: int, tf_row: np.ndarray) -> tuple[float, float, float, float]:
        """(thirty-fourth pass) What the pair's unmatched plain words (not concepts, not numbers)
        are, by the shipped reference table's document frequencies only: log(1 + n) of the query's
        words the thread lacks that no reference document has, their share of all the query's
        words the thread lacks (0 when it lacks none), log(1 + n) of the well-known ones (in
        DF_KNOWN or more reference documents), and log(1 + n) of the thread's distinctive words
        (`_distinctive_words`) the query lacks. Never reads the board's statistics."""
        plain = q.plain
        if plain:
            present = tf_row > 0
            unmatched = [cls for col, cls in plain if col < 0 or not present[col]]
        else:
            unmatched = []
        unseen = sum(1 for cls in unmatched if cls == 0)
        known = sum(1 for cls in unmatched if cls == 2)
        share = unseen / len(unmatched) if unmatched else 0.0
        shared = sum(1 for col in q.distinct_cols if tf_row[col] > 0)
        thread_only = max(0, int(self._distinct.array[row]) - shared)
        return math.log1p(unseen), share, math.log1p(known), math.log1p(thread_only)

    def _difference_tokens(self, q: "_PairQuery", row: int, tf_row: np.ndarray) -> list[str]:
        """(twenty-sixth pass) What one text of the pair says that the other does not, as tokens for
        the learned difference model (`verifier.Difference`): the query's terms the thread
        lacks (concepts by name and kind, numbers by class, plain words and their letter trigrams),
        and the thread's concepts, numbers, salient title words, positions and circumstances the
        query does not name. Depends on the two texts and the vocabulary only."""
        analysis = q.analysis
        present = {t for t, f in zip(q.known_terms, tf_row.tolist()) if f > 0}
        out: list[str] = []
        for term in analysis.weights:
            if term in present:
                continue
            if is_concept(term):
                name = term[1:]
                out += [f"q@{name}", f"qk:{name.split('.', 1)[0]}"]
            elif any(ch.isdigit() for ch in term):
                out.append("qnum")
            else:
                out.append(f"qw:{term}")
                w = f"<{term}>"
                out += [f"qg:{w[i:i + 3]}" for i in range(len(w) - 2)] if len(term) >= 3 else []
        named = q.named
        for c in self._cids.array[self._cptr.array[row] : self._cptr.array[row + 1]].tolist():
            name = self._concept_name[c]
            if name not in named:
                out += [f"t@{name}", f"tk:{name.split('.', 1)[0]}"]
        names, sig, sptr = self._sig_names, self._sig.array, self._sptr.array
        q_nums = {n.partition(":")[2] for n in analysis.numbers}
        for s in sig[sptr[row] : sptr[row + 1]].tolist():
            entry = names[s]
            tag, value = entry[0], entry[1:]
            if tag == "a" and value.partition(":")[2] not in q_nums:
                out.append(f"tnum:{value.partition(':')[0]}")
            elif tag == "p" and value not in analysis.weights:
                out.append(f"tw:{value}")
            elif tag == "z" and value not in analysis.sides:
                out.append(f"tz:{value}")
            elif tag == "k" and value not in analysis.conditions:
                out.append(f"tc:{value}")
        return sorted(set(out))

    def _thread_title_coverage(self, tids: np.ndarray, row: int, in_query: np.ndarray | None = None) -> float:
        """(sixteenth pass) The share of the squared fixed weight of the thread's title terms that
        are terms of the query (`tids`: the query's terms this board knows, which includes every
        term the thread has); 0 for a thread without a title. `in_query`, when given, flags the
        term ids of `tids` (one bool per term of the board: a lookup instead of a search per row)."""
        title = self._ttids.array[self._ttptr.array[row] : self._ttptr.array[row + 1]]
        if len(title) == 0:
            return 0.0
        w = self._fidf.array[title].astype(np.float64) ** 2
        total = float(w.sum())
        mine = in_query[title] if in_query is not None else np.isin(title, tids)
        return float(w[mine].sum()) / total if total > 0 else 0.0

    def _title_concepts_unnamed(self, q: "_PairQuery", row: int, d_all: set[str]) -> tuple[float, float]:
        """(twenty-second pass) How many of the query title's most specific concepts of the kinds
        a near miss changes (`TITLE_CHANGE_KINDS`: another model, item, symptom, position, fuel,
        topic) the thread does not name anywhere, and how many of the thread title's the query does
        not name anywhere, each capped at 2. A reworded duplicate keeps what its title is about;
        a near miss changes one thing its title names. Negated concepts are left out."""
        name_of = self._concept_name
        title = self._ttids.array[self._ttptr.array[row] : self._ttptr.array[row + 1]].tolist()
        t_title = frozenset(name_of[t] for t in title if t in name_of)
        q_only = sum(1 for c in q.title_change if c not in d_all)
        t_only = sum(1 for c in self._leaves(t_title)
                     if c.split(".", 1)[0] in TITLE_CHANGE_KINDS and not is_negated(c) and c not in q.named)
        return float(min(q_only, 2)), float(min(t_only, 2))

    def _fine_features(self, q: "_PairQuery", row: int) -> tuple[float, float]:
        """(thirty-sixth pass) Swapped roles: how many of what the query's title says is *fine*
        (`Analysis.fine`, its most specific concepts and positions) the thread's title names as
        its question (its title concepts not among its own fine ones; a position the thread names
        while it does not name the query's other position on that axis), and how many of what the
        thread's title says is fine (stored as "f" signature entries) the query's title names and
        does not call fine itself, each capped at 2. "DC charging OK but AC won't charge" against
        "DC won't charge but AC works"; "hard to start when hot, fine in the morning" against
        "hard to start in the morning"; "front tyres wear fast, rear ones fine" against "rear tyres
        wear fast"."""
        names, sig, sptr = self._sig_names, self._sig.array, self._sptr.array
        entries = [names[s] for s in sig[sptr[row] : sptr[row + 1]].tolist()]
        t_fine = frozenset(e[1:] for e in entries if e[0] == "f")
        if not q.fine and not t_fine:
            return 0.0, 0.0
        q_in_t = 0
        if q.fine:
            name_of = self._concept_name
            title = self._ttids.array[self._ttptr.array[row] : self._ttptr.array[row + 1]].tolist()
            t_title = {name_of[t] for t in title if t in name_of} - t_fine
            t_sides = {e[1:] for e in entries if e[0] == "z"}
            for c in q.fine:
                if c.startswith("side."):
                    axis = next((a for a in SIDE_AXES if c in a), frozenset())
                    if c in t_sides and c not in t_fine and not (q.problem_sides & axis & t_sides):
                        q_in_t += 1
                elif c in t_title:
                    q_in_t += 1
        t_in_q = sum(1 for c in _leaves_of(self, t_fine) if c in q.title_named) if t_fine else 0
        return float(min(q_in_t, 2)), float(min(t_in_q, 2))

    def _side_mismatch(self, q_sides: frozenset[str], row: int) -> float:
        """(fifteenth pass) 1 when on some axis (front/rear, left/right) the query and the thread
        each name a position (`Analysis.sides`, stored as "z" signature entries) and share none."""
        if not q_sides:
            return 0.0
        names, sig, sptr = self._sig_names, self._sig.array, self._sptr.array
        t_sides = {names[s][1:] for s in sig[sptr[row] : sptr[row + 1]].tolist() if names[s][0] == "z"}
        return float(any((q_sides & axis) and (t_sides & axis) and not (q_sides & t_sides & axis)
                         for axis in SIDE_AXES))

    def _condition_features(self, q_conds: frozenset[str], row: int) -> tuple[float, float, float]:
        """(twenty-first pass) How many of the query's most specific conditions the thread does not
        name (implied ones count as named), how many of the thread's the query does not name (each
        capped at 2), and 1 when both name a condition and share none ("when cold" / "when hot",
        "at idle" / "at speed"). The thread's are stored as "k" signature entries."""
        names, sig, sptr = self._sig_names, self._sig.array, self._sptr.array
        t_conds = frozenset(names[s][1:] for s in sig[sptr[row] : sptr[row + 1]].tolist() if names[s][0] == "k")
        if not q_conds and not t_conds:
            return 0.0, 0.0, 0.0
        q_only = len(_leaves_of(self, q_conds) - t_conds)
        t_only = len(_leaves_of(self, t_conds) - q_conds)
        mismatch = float(bool(q_conds) and bool(t_conds) and not (q_conds & t_conds))
        return float(min(q_only, 2)), float(min(t_only, 2)), mismatch

    def _title_sketch(self, row: int) -> bytes:
        """(fifteenth pass) The thread's title sketch; b"" when it has none (stored as zeros)."""
        raw = np.array([getattr(self, f"_tsk{i}").array[row] for i in range(TITLE_SKETCH // 8)], dtype=np.uint64)
        return raw.tobytes() if raw.any() else b""

    def _salient_title_words(self, analysis: Analysis) -> frozenset[str]:
        """Title details for the unmatched-detail test: "@word.*" concept terms (the vocabulary's
        everyday words, the same in both languages) with reference idf at least DETAIL_MIN_IDF,
        and plain words of DETAIL_MIN_CHARS or more with idf at least DETAIL_WORD_MIN_IDF."""
        terms = set(analysis.title_words)
        terms.update(f"@{c}" for c in analysis.title_concepts if c.startswith(DETAIL_CONCEPT_KIND))
        idf = self.weights.idf

        def salient(w: str) -> bool:
            if is_concept(w):
                return idf(w) >= DETAIL_MIN_IDF
            return len(w) >= DETAIL_MIN_CHARS and idf(w) >= DETAIL_WORD_MIN_IDF

        return frozenset(filter(salient, terms))

    def _distinctive_words(self, analysis: Analysis) -> list[str]:
        """Plain words (not numbers, not vocabulary forms) rare in the reference corpus."""
        return [t for t in analysis.weights if not is_concept(t) and not t.isdigit()
                and self.weights.idf(t) >= CONTRAST_MIN_IDF]

    def _contrast(self, analysis: Analysis, hits: np.ndarray, tids: np.ndarray, known_terms: list[str],
                  tf: np.ndarray) -> np.ndarray:
        """CONTRAST_FACTOR for each same-script candidate where both texts have a distinctive
        word the other lacks, else 1."""
        out = np.ones(len(hits))
        mine = self._distinctive_words(analysis)
        if not mine or analysis.script is None:
            return out
        col = {term: i for i, term in enumerate(known_terms)}
        cols = [col[t] for t in mine if t in col]
        shared = (tf[:, cols] > 0).sum(axis=1) if cols else np.zeros(len(hits), dtype=np.int64)
        script = self._script.array[hits].astype(np.int16)
        same = (script >= 0) & (np.abs(script - analysis.script * 100) < CROSS_SCRIPT_GAP * 100)
        query_only = len(mine) - shared
        thread_only = self._distinct.array[hits].astype(np.int64) - shared
        out[same & (query_only > 0) & (thread_only > 0)] = CONTRAST_FACTOR
        return out

    def _detail_candidates(self, analysis: Analysis, hits: np.ndarray, known_terms: list[str],
                           tf: np.ndarray) -> np.ndarray:
        """For each candidate: whether it is in the query's script and lacks (anywhere) a salient
        title word of the query -- the query's half of the unmatched-detail test."""
        mine = self._salient_title_words(analysis)
        out = np.zeros(len(hits), dtype=bool)
        if not mine:
            return out
        col = {term: i for i, term in enumerate(known_terms)}
        script = self._script.array[hits].astype(np.int16)
        same = (script >= 0) & (analysis.script is not None) & (
            np.abs(script - (analysis.script or 0) * 100) < CROSS_SCRIPT_GAP * 100)
        for concepts in (True, False):
            group = [w for w in mine if is_concept(w) == concepts]
            if not group:
                continue
            if any(w not in col for w in group):  # a term no thread has: every candidate lacks it
                lacks = np.ones(len(hits), dtype=bool)
            else:
                lacks = (tf[:, [col[w] for w in group]] == 0).any(axis=1)
            out |= lacks if concepts else lacks & same
        return out

    def _apply_conflict(self, analysis: Analysis, hits: np.ndarray, final: np.ndarray, k: int,
                        detail: np.ndarray | None = None) -> None:
        """Multiplies `final` by the conflict factor, best candidates first, and stops once the
        k-th best finished score is above every candidate left: the factor only lowers a score,
        so the rest cannot reach the top k (the same top k as testing every candidate)."""
        order = np.argsort(-final, kind="stable")
        pos, batch = 0, max(2 * k, 8)
        while pos < len(order):
            sel = order[pos : pos + batch]
            final[sel] *= self._conflict(analysis, hits[sel], None if detail is None else detail[sel])
            pos += len(sel)
            if pos >= len(order) or pos < k:
                batch *= 2
                continue
            done = final[order[:pos]]
            if np.partition(done, len(done) - k)[len(done) - k] > final[order[pos]]:
                return
            batch *= 2

    def _conflict(self, analysis: Analysis, hits: np.ndarray, detail: np.ndarray | None = None) -> np.ndarray:
        """CONFLICT_FACTOR for each candidate that names another value of an attribute than the
        query (see CONFLICT_KINDS, _conflicts), else DETAIL_FACTOR for one whose title has a
        salient word the query never uses while `detail` says the query's title has one the
        candidate lacks, else 1."""
        out = np.ones(len(hits))
        q_title = {c for c in analysis.title_concepts if c.split(".", 1)[0] in CONFLICT_KINDS}
        q_title |= analysis.title_attributes
        q_all = {c for kind in CONFLICT_KINDS for c in analysis.concepts.get(kind, ())} | analysis.attributes
        if not q_all and not analysis.numbers and (detail is None or not detail.any()):
            return out
        q_words = analysis.weights
        script = self._script.array[hits].astype(np.int16)
        same = (script >= 0) & (analysis.script is not None) & (
            np.abs(script - (analysis.script or 0) * 100) < CROSS_SCRIPT_GAP * 100)
        query = _Side(self, q_title, lambda: q_all, analysis.title_numbers, analysis.numbers)
        names = self._sig_names
        sptr, sig = self._sptr.array, self._sig.array
        cptr, cids = self._cptr.array, self._cids.array
        kind_of, name_of = self._concept_kind, self._concept_name
        for j, row in enumerate(hits.tolist()):
            t_title, t_nums, t_all_nums, t_attrs = set(), set(), set(), set()
            t_detail = False
            for sid in sig[sptr[row] : sptr[row + 1]].tolist():
                name = names[sid]
                tag, rest = name[0], name[1:]
                if tag == "p":
                    t_detail = t_detail or (rest not in q_words and (is_concept(rest) or same[j]))
                elif tag == "t" or tag == "u":
                    t_title.add(rest)
                elif tag == "n":
                    t_nums.add(rest)
                elif tag == "a":
                    t_all_nums.add(rest)
                elif tag == "z" or tag == "k" or tag == "f":  # positions (fifteenth pass), conditions
                    continue  # (twenty-first), what the title says is fine (thirty-sixth): the verifier's
                else:
                    t_attrs.add(rest)

            def every(row=row, t_attrs=t_attrs):  # the thread's whole-text values, when needed
                return t_attrs | {name_of[tid] for tid in cids[cptr[row] : cptr[row + 1]].tolist()
                                  if kind_of[tid] in CONFLICT_KINDS}

            if _conflicts(query, _Side(self, t_title, every, t_nums, t_all_nums)):
                out[j] = CONFLICT_FACTOR
            elif t_detail and detail is not None and detail[j]:
                out[j] = DETAIL_FACTOR
        return out

    def _gather(self, segments: list[_Segment], hits: np.ndarray, tids: np.ndarray) -> np.ndarray:
        """tf weights of the query's terms (columns) in the candidate rows `hits` (sorted)."""
        out = np.zeros((len(hits), len(tids)), dtype=np.float64)
        starts = np.array([s.start for s in segments])
        seg_of = np.searchsorted(starts, hits, side="right") - 1
        for si in np.unique(seg_of).tolist():
            seg = segments[si]
            sel = np.flatnonzero(seg_of == si)
            local = hits[sel] - seg.start
            for i, t in enumerate(tids.tolist()):
                if t >= seg.ncols:
                    continue
                a, b = seg.indptr[t], seg.indptr[t + 1]
                if a == b:
                    continue
                rows = seg.indices[a:b]
                pos = np.searchsorted(rows, local)
                ok = pos < len(rows)
                ok[ok] = rows[pos[ok]] == local[ok]
                out[sel[ok], i] = seg.data[a + pos[ok]]
        return out

    def _shared_content_concepts(self, analysis: Analysis, hits: np.ndarray) -> np.ndarray:
        """Whether each candidate names a concept of the query other than car identity (through
        implied concepts too, which are stored as terms of their own)."""
        wanted = {n for kind, names in analysis.concepts.items() if kind not in IDENTITY_KINDS for n in names}
        ids = {self._vocab[f"@{n}"] for n in wanted if f"@{n}" in self._vocab}
        if not ids:
            return np.zeros(len(hits), dtype=bool)
        a, b = self._cptr.array[hits], self._cptr.array[hits + 1]
        cids = self._cids.array
        return np.fromiter((any(c in ids for c in cids[x:y].tolist()) for x, y in zip(a.tolist(), b.tolist())),
                           dtype=bool, count=len(hits))

    def _cross_script(self, analysis: Analysis, hits: np.ndarray, cos: np.ndarray, qnorm: float) -> np.ndarray:
        """For candidates whose plain words are in the other script: the better of the cosine and
        a blend weighted towards the cosine of the concept tokens alone (the plain cosine still
        breaks ties between threads naming the same concepts)."""
        script = self._script.array[hits].astype(np.int16)
        cross = np.flatnonzero((script >= 0) & (np.abs(script - analysis.script * 100) >= CROSS_SCRIPT_GAP * 100))
        if len(cross) == 0:
            return cos
        q = {self._vocab[t]: w for t, w in analysis.weights.items() if is_concept(t) and t in self._vocab}
        if not q:
            return cos
        qt = np.fromiter(q, dtype=np.int64, count=len(q))
        qw = np.fromiter(q.values(), dtype=np.float64, count=len(q))
        order = np.argsort(qt)
        qt, qw = qt[order], qw[order]
        q_idf = self._fidf.array[qt].astype(np.float64)
        unknown = sum((w * self.weights.idf(t)) ** 2 for t, w in analysis.weights.items()
                      if is_concept(t) and t not in self._vocab)
        qn = math.sqrt(float(np.sum((qw * q_idf) ** 2)) + unknown)
        rows = hits[cross]
        a, b = self._cptr.array[rows], self._cptr.array[rows + 1]
        lengths = b - a
        if lengths.sum() == 0 or qn == 0:
            return cos
        flat = np.repeat(a - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        owner = np.repeat(np.arange(len(rows)), lengths)
        dt = self._cids.array[flat].astype(np.int64)
        dw = self._cw.array[flat].astype(np.float64) * self._fidf.array[dt]
        dn = np.sqrt(np.bincount(owner, weights=dw * dw, minlength=len(rows)))
        pos = np.minimum(np.searchsorted(qt, dt), len(qt) - 1)
        shared = qt[pos] == dt
        dot = np.bincount(owner[shared], weights=dw[shared] * qw[pos[shared]] * q_idf[pos[shared]],
                          minlength=len(rows))
        with np.errstate(divide="ignore", invalid="ignore"):
            ccos = np.where(dn > 0, dot / (dn * qn), 0.0)
        out = cos.copy()
        # a query whose content is mostly words outside the vocabulary is not judged on concepts
        share = min(1.0, (qn / qnorm) ** 2 / CROSS_FULL_SHARE) if qnorm > 0 else 0.0
        weight = CROSS_CONCEPT_WEIGHT * share
        blend = weight * ccos + (1.0 - weight) * cos[cross]
        out[cross] = np.maximum(cos[cross], blend)
        return out

    def _consistency_factors(self, analysis: Analysis, hits: np.ndarray, named: frozenset[str]) -> np.ndarray:
        """Score factor of each candidate row from the concepts both texts name, kind by kind.
        Only the most specific concepts count ("Revo" implies "Hilux", so Revo vs Vigo is a
        mismatch, Hilux vs Revo is not): if no specific concept of one side is covered by the
        other, the texts are about different cars/parts/problems.  `named`: every concept of the
        query (implied included); the thread's content concepts outside it beyond UNNAMED_FREE
        lower the factor.

        What one kind contributes depends only on the query and on the thread's concepts of that
        kind, and candidates share those sets far more often than not (the same part, the same
        model), so each (kind, thread concepts) outcome is worked out once per query
        (`_kind_outcome`) and replayed: the same multiplications in the same order as working it
        out for every candidate, so the same factor to the last bit."""
        query = analysis.concepts
        # the kinds whose comparison can change the factor, in CONSISTENCY order: a kind the query
        # does not name matters only for the symptom rules
        compared = [(kind, query.get(kind)) for kind in CONSISTENCY if query.get(kind) or kind == "sym"]
        kind_of, name_of = self._concept_kind, self._concept_name
        cids, cptr = self._cids.array, self._cptr.array
        outcomes: dict[tuple[str, frozenset[str]], tuple[int, tuple[float, ...]]] = {}
        out = np.empty(len(hits))
        for j, row in enumerate(hits.tolist()):
            grouped: dict[str, set[str]] = {}
            for tid in cids[cptr[row] : cptr[row + 1]].tolist():
                grouped.setdefault(kind_of[tid], set()).add(name_of[tid])
            doc: dict[str, tuple[int, tuple[float, ...]]] = {}
            for kind, names in grouped.items():
                key = (kind, frozenset(names))
                outcome = outcomes.get(key)
                if outcome is None:
                    outcome = outcomes[key] = self._kind_outcome(query, kind, key[1], named)
                doc[kind] = outcome
            unnamed = sum(outcome[0] for outcome in doc.values())
            factor = UNNAMED_FACTOR ** max(0, unnamed - UNNAMED_FREE)
            if query:
                for kind, q in compared:
                    outcome = doc.get(kind)
                    if not q or outcome is None:
                        if kind == "sym" and q and outcome is None:
                            factor *= MISSING_SYMPTOM
                        elif kind == "sym" and outcome is not None and not q:
                            factor *= EXTRA_SYMPTOM
                        continue
                    for multiplier in outcome[1]:
                        factor *= multiplier
            out[j] = factor
        return out

    def _kind_outcome(self, query: Mapping[str, frozenset[str]], kind: str, d: frozenset[str],
                      named: frozenset[str]) -> tuple[int, tuple[float, ...]]:
        """What a thread naming the concepts `d` of one kind contributes to its consistency
        factor (`_consistency_factors`): how many of them are content concepts the query does not
        name (UNNAMED_KINDS), and the factors this kind multiplies the score by, in order (when
        the query names the kind too)."""
        unnamed = 0
        if kind in UNNAMED_KINDS:
            unnamed = sum(1 for c in self._leaves(d) if c not in named and not is_negated(c))
        q = query.get(kind)
        if kind not in CONSISTENCY or not q:
            return unnamed, ()
        disjoint, partial = CONSISTENCY[kind]
        multipliers: list[float] = []
        q_leaves, d_leaves = self._leaves(frozenset(q)), self._leaves(d)
        q_hit = [c for c in q_leaves if c in d]
        d_hit = [c for c in d_leaves if c in q]
        if not q_hit and not d_hit:
            multipliers.append(disjoint)
        elif len(q_hit) < len(q_leaves) and len(d_hit) < len(d_leaves):
            multipliers.append(partial)
        elif kind == "model" and (self._other_submodel(q_leaves, d) or self._other_submodel(d_leaves, q)):
            multipliers.append(SUBMODEL_MISMATCH)
        if kind in NEGATABLE_KINDS and (_negates(q_leaves, q, d) or _negates(d_leaves, d, q)):
            multipliers.append(NEGATION_MISMATCH)
        return unnamed, tuple(multipliers)

    def _other_submodel(self, leaves: frozenset[str], other: set[str]) -> bool:
        """Whether `leaves` name a distinct sub-model that `other` does not, while `other` names
        its parent model (Ativ vs Yaris, Raptor vs Ranger)."""
        vocab = self.analyzer.vocabulary
        return any(c in DISTINCT_SUBMODELS and c not in other and any(p in other for p in vocab.expand(c)[1:])
                   for c in leaves)

    def _leaves(self, names: frozenset[str]) -> frozenset[str]:
        """The concepts of a set that no other concept of the set implies."""
        cached = self._leaf_cache.get(names)
        if cached is None:
            vocab = self.analyzer.vocabulary
            implied = {i for n in names for i in vocab.expand(n)[1:]}
            cached = self._leaf_cache[names] = frozenset(names - implied)
        return cached


def _best_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """The rows of phase one's best `n` scores (non-zero ones only), sorted: exactly the rows of
    `_best_rows_by_partition`. That partitions every scored row (about 90,000 at 100,000 threads,
    1.2 ms); here a lower bound of the n-th best score, the n-th largest of the maxima of blocks of
    `BLOCK_ROWS` rows (n blocks reach it, so at least n rows do), leaves the ~n rows at or above it,
    and among those the n best are the answer whenever the n-th and (n+1)-th scores differ. When
    they are equal (a tie at the cut), which of the tied rows the partition keeps depends on its
    order of work over all scored rows, so the whole partition runs as before."""
    blocks = len(scores) // BLOCK_ROWS
    if blocks >= n:
        maxima = scores[:blocks * BLOCK_ROWS].reshape(blocks, BLOCK_ROWS).max(axis=1)
        bound = np.partition(maxima, blocks - n)[blocks - n]  # the n-th largest block maximum
        if bound > 0:
            rows = np.flatnonzero(scores >= bound)  # at least n rows, all non-zero; every one of
            if len(rows) == n:                      # the n best is here (its score >= bound)
                return rows
            found = scores[rows]
            top = np.partition(found, len(found) - n - 1)[len(found) - n - 1:]  # the n+1 largest
            nth, after = top[1:].min(), top[0]
            if nth > after:  # no tie at the cut: the n best are those scoring at least the n-th
                return rows[found >= nth]
    return _best_rows_by_partition(scores, n)


def _best_rows_by_partition(scores: np.ndarray, n: int) -> np.ndarray:
    """Phase one's candidates as chosen before `_best_rows`: the non-zero rows, the n best by
    `np.argpartition` when there are more, sorted."""
    hits = np.flatnonzero(scores)
    if len(hits) > n:
        hits = hits[np.argpartition(scores[hits], -n)[-n:]]
    hits.sort()
    return hits


def _signature(analysis: Analysis) -> list[str]:
    """A row's signature for the conflict test (see DuplicateIndex._sig): title concepts of
    CONFLICT_KINDS ("t"), title numbers ("n") and every number ("a") as "unit class:value", title
    attributes ("u") and every attribute ("w") of the conflict-only lexicon."""
    return ([f"t{c}" for c in sorted(analysis.title_concepts) if c.split(".", 1)[0] in CONFLICT_KINDS]
            + [f"n{n}" for n in sorted(analysis.title_numbers)]
            + [f"a{n}" for n in sorted(analysis.numbers)]
            + [f"u{a}" for a in sorted(analysis.title_attributes)]
            + [f"w{a}" for a in sorted(analysis.attributes)])


def _by_kind(names) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for name in names:
        out.setdefault(name.split(".", 1)[0], set()).add(name)
    return {kind: frozenset(v) for kind, v in out.items()}


def _values(numbers) -> dict[str, str]:
    """"class:value" strings -> {value: class}."""
    out = {}
    for n in numbers:
        cls, _, value = n.partition(":")
        out[value] = cls
    return out


class _PairQuery:
    """What the pair verifier's features (`DuplicateIndex._pair_features`) read of the query
    alone, worked out once per query rather than once per candidate (up to RERANK of them): the
    same expressions over the same values, so the features are the same to the last bit."""

    __slots__ = ("analysis", "tids", "fidf", "qnorm", "qw2", "concepts", "named", "vocabulary_concepts",
                 "title_columns", "title_len", "title_all", "concept_share", "concept_w", "concept_all",
                 "in_query", "title_change", "known_terms", "plain", "distinct_cols", "fine", "title_named",
                 "problem_sides")

    def __init__(self, index: "DuplicateIndex", analysis: Analysis, tids: np.ndarray, known_terms: list[str],
                 fidf: np.ndarray, qtf: np.ndarray, qnorm: float) -> None:
        self.analysis, self.tids, self.fidf, self.qnorm = analysis, tids, fidf, qnorm
        self.known_terms = known_terms
        self.qw2 = (qtf * fidf) ** 2
        self.concepts = {n for kind, names in analysis.concepts.items() if kind not in IDENTITY_KINDS
                         for n in index._leaves(names)}
        self.named = frozenset().union(*analysis.concepts.values()) if analysis.concepts else frozenset()
        self.vocabulary_concepts = index.analyzer.vocabulary.concepts
        col = {t: i for i, t in enumerate(known_terms)}
        title = [w for w in analysis.title_words] + [f"@{c}" for c in analysis.title_concepts]
        # over every term of the query, known to this board or not, so the board cannot move it
        idf = index.weights.idf
        qweight = {t: (w * idf(t)) ** 2 for t, w in analysis.weights.items()}
        # the title's terms this board knows, in title order: (column in `tids`, squared weight)
        self.title_columns = [(col[w], qweight.get(w, 0.0)) for w in title if w in col]
        self.title_len = len(title)
        self.title_all = sum(qweight.get(w, 0.0) for w in title)
        self.concept_share = sum(v for t, v in qweight.items() if is_concept(t)) / (qnorm * qnorm) if qnorm > 0 else 0.0
        self.concept_w = {c: idf(f"@{c}") ** 2 for c in self.concepts}
        self.concept_all = sum(self.concept_w.values())
        self.in_query = np.zeros(len(index._vocab), dtype=bool)
        self.in_query[tids] = True
        self.title_change = frozenset(c for c in index._leaves(frozenset(analysis.title_concepts))
                                      if c.split(".", 1)[0] in TITLE_CHANGE_KINDS and not is_negated(c))
        # (thirty-fourth pass) the query's plain words (not concepts, no digit) as (column in `tids`,
        # -1 when no thread of this board has it; reference df class: 0 unseen, 1 rare, 2 known),
        # and the columns of its distinctive words (`_distinctive_words`) this board knows
        ref_df = index.weights.df
        self.plain = [(col.get(t, -1), _df_class(ref_df.get(t, 0))) for t in analysis.weights
                      if not is_concept(t) and not any(ch.isdigit() for ch in t)]
        self.distinct_cols = [col[t] for t in index._distinctive_words(analysis) if t in col]
        # (thirty-sixth pass) the most specific of what the title says is fine; what the title names
        # (concepts with what they imply, positions of the whole text)
        self.fine = _leaves_of(index, analysis.fine) if analysis.fine else frozenset()
        self.title_named = (frozenset(analysis.title_concepts) | analysis.sides) - analysis.fine
        self.problem_sides = analysis.sides - analysis.fine


class _Side:
    """One text of a pair as the conflict test sees it: what its title names of each attribute
    kind, what its whole text names (implied concepts included; computed when first needed), and
    its numbers."""

    __slots__ = ("_index", "title", "_every", "_all", "_leaf", "title_nums", "all_nums")

    def __init__(self, index: "DuplicateIndex", title, every, title_nums, all_nums) -> None:
        self._index = index
        self.title = _by_kind(title)
        self._every = every
        self._all = None
        self._leaf: dict[tuple[bool, str], frozenset[str]] = {}
        self.title_nums = _values(title_nums)
        self.all_nums = _values(all_nums)

    @property
    def all(self) -> dict[str, frozenset[str]]:
        if self._all is None:
            self._all = _by_kind(self._every())
        return self._all

    def leaves(self, whole: bool, kind: str) -> frozenset[str]:
        key = (whole, kind)
        out = self._leaf.get(key)
        if out is None:
            names = (self.all if whole else self.title).get(kind, frozenset())
            out = self._leaf[key] = _leaves_of(self._index, names)
        return out


def _df_class(df: int) -> int:
    """(thirty-fourth pass) A reference document frequency's class: 0 unseen, 1 rare, 2 known."""
    return 0 if df <= 0 else (1 if df < DF_KNOWN else 2)


def _harmonic(a: float, b: float) -> float:
    """(twenty-first pass) 2ab / (a + b), 0 when both are 0."""
    return 2.0 * a * b / (a + b) if a + b > 0 else 0.0


def _leaves_of(index: "DuplicateIndex", names: frozenset[str]) -> frozenset[str]:
    concepts = index.analyzer.vocabulary.concepts
    known = frozenset(n for n in names if n in concepts)
    return index._leaves(known) | (names - known)


def _conflicts(q: _Side, t: _Side) -> bool:
    """Whether two texts name different values of one attribute (CONFLICT_KINDS and the
    attribute lexicon; numbers of one unit class):

    * titles: each title has a most specific value of the kind that the other title does not
      name (implied concepts included); or each title has a number the other title lacks, of
      compatible unit classes, and one of them is nowhere in the other text;
    * (seventh pass) a title against the other whole text, for the kinds of WHOLE_TEXT_KINDS:
      one title names a value the other text never names, and the other text names a value of
      that kind the first text never names (the thread's title often names nothing of the kind
      the query's title asks about: "CX-5 hard to start" with "petrol" only in its body); the
      same for numbers of one unit class in WHOLE_TEXT_UNITS.
    """
    for kind, q_names in q.title.items():
        t_names = t.title.get(kind)
        if t_names and any(c not in t_names for c in q.leaves(False, kind)) \
                and any(c not in q_names for c in t.leaves(False, kind)):
            return True
    for a, b in ((q, t), (t, q)):
        for kind in a.title:
            if kind not in WHOLE_TEXT_KINDS:
                continue
            b_all = b.all.get(kind)
            if not b_all or all(c in b_all for c in a.leaves(False, kind)):
                continue
            a_all = a.all.get(kind, frozenset())
            if any(c not in a_all for c in b.leaves(True, kind)):
                return True
    q_only = {v: c for v, c in q.title_nums.items() if v not in t.title_nums}
    t_only = {v: c for v, c in t.title_nums.items() if v not in q.title_nums}
    for a_only, b_only, b_all in ((q_only, t_only, t.all_nums), (t_only, q_only, q.all_nums)):
        for v, c in a_only.items():
            if v not in b_all and any(not c or not d or c == d for d in b_only.values()):
                return True
    for a, b in ((q, t), (t, q)):
        for v, c in a.title_nums.items():
            if c in WHOLE_TEXT_UNITS and v not in b.all_nums \
                    and any(d == c and w not in a.all_nums for w, d in b.all_nums.items()):
                return True
    return False


def _negates(leaves: frozenset[str], own, other) -> bool:
    """Whether a text negates (and does not also state) a concept the other text states."""
    for name in leaves:
        kind, rest = name.split(".", 1)
        if rest.startswith("not_") and (stated := f"{kind}.{rest[4:]}") in other and stated not in own:
            return True
    return False


def _unpack(row: Any) -> tuple[Hashable, str, str, str, Any]:
    if isinstance(row, Mapping):
        try:
            return row["id"], row["category"], row.get("title") or "", row.get("body") or "", row.get("author_id")
        except KeyError as exc:
            raise ValueError(f"thread row is missing {exc.args[0]!r}") from None
    row = tuple(row)
    if len(row) == 4:
        return (*row, None)
    if len(row) == 5:
        return row
    raise ValueError("thread row must be (id, category, title, body[, author_id])")
