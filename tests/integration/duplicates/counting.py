"""An analyzer with the shared vocabulary that counts the texts it analyses (how tests see
whether the index re-analysed a thread)."""

from __future__ import annotations

from forum.duplicates.features import Analyzer
from forum.duplicates.service import shared_analyzer


class CountingAnalyzer(Analyzer):
    def __init__(self) -> None:
        super().__init__(shared_analyzer().vocabulary)
        self.calls = 0

    def analyze(self, title: str, body: str = ""):
        self.calls += 1
        return super().analyze(title, body)
