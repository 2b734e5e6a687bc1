"""The Thai catalog (the default UI language) translates every message the code shows, including
flash messages handed to `redirect()` through a variable, which the extractor cannot see unless
they are marked with N_()."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("forum", "guru", "moderation")


def thai_msgids() -> set[str]:
    with open(ROOT / "forum/locales/th/LC_MESSAGES/messages.po", "rb") as handle:
        return {message.id for message in read_po(handle) if message.id and message.string}


def _literals(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("N_", "gettext", "_") and node.args:
        yield from _literals(node.args[0])


def flash_messages() -> list[tuple[str, int, str]]:
    """(file, line, message) for each literal message given to redirect(), directly or through a
    variable assigned in the same module."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            assigned: dict[str, list[ast.AST]] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    assigned.setdefault(node.targets[0].id, []).append(node.value)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "redirect" and len(node.args) >= 3:
                    message = node.args[2]
                    sources = assigned.get(message.id, []) if isinstance(message, ast.Name) else [message]
                    for source in sources:
                        found.extend((str(path.relative_to(ROOT)), node.lineno, text) for text in _literals(source))
    return found


def test_the_scan_finds_the_boards_flash_messages():
    texts = {text for _, _, text in flash_messages()}
    assert {"Reply posted.", "Thread posted.", "You are logged in."} <= texts


def test_every_flash_message_has_a_thai_translation():
    known = thai_msgids()
    missing = [(path, line, text) for path, line, text in flash_messages() if text not in known]
    assert missing == []
