"""Duplicate-thread detection for Thai, English and mixed posts.

Public API::

    from forum.duplicates import DuplicateIndex, Match, DUPLICATE_THRESHOLD

    index = DuplicateIndex()
    index.build(rows)                      # bulk, with a progress bar
    index.add(thread_id, category, title, body, author_id=None)
    index.remove(thread_id)                # held / deleted: never suggested again
    index.query(title, body, k=5, exclude_ids=(), category=None,
                min_score=SUGGESTION_MIN_SCORE) -> list[Match]
    index.duplicate_of(matches)            # best match if above index.threshold

The click group for ``webboard duplicates ...`` is ``forum.duplicates.cli:duplicates``.
"""

from .features import Analysis, Analyzer, Vocabulary
from .index import DUPLICATE_THRESHOLD, SUGGESTION_MIN_SCORE, DuplicateIndex, Match

__all__ = ["DUPLICATE_THRESHOLD", "SUGGESTION_MIN_SCORE", "Analysis", "Analyzer", "DuplicateIndex", "Match",
           "Vocabulary"]
