"""The index snapshot's code digest covers every module whose code decides what a thread's row
holds: an edit to any of them must make a board re-analyse instead of loading stale rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forum import text
from forum.duplicates import features, index, romanised, snapshot, weights


@pytest.mark.parametrize("module", [features, text, index, romanised, weights], ids=lambda m: m.__name__)
def test_an_edit_to_an_analysis_module_changes_the_digest(module, tmp_path: Path, monkeypatch) -> None:
    snapshot._code_digest.cache_clear()
    before = snapshot._code_digest()
    edited = tmp_path / Path(module.__file__).name
    shutil.copyfile(module.__file__, edited)
    (tmp_path / "data").symlink_to(Path(module.__file__).parent / "data")  # weights reads its table beside it
    with edited.open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    monkeypatch.setattr(module, "__file__", str(edited))
    snapshot._code_digest.cache_clear()
    try:
        assert snapshot._code_digest() != before
    finally:
        monkeypatch.undo()
        snapshot._code_digest.cache_clear()
    assert snapshot._code_digest() == before
