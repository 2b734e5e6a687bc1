"""Fixtures shared by the duplicate detector's unit tests."""

from __future__ import annotations

import pytest

from forum.duplicates import DuplicateIndex

from .test_verifier import THREADS


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    """The verifier's hand-written threads indexed without a verifier, so that tests read the raw
    features and scores (a module that needs another index defines its own `index`)."""
    index = DuplicateIndex(verifier=None)
    index.build(THREADS, progress=False)
    return index
