"""Ask Guru test helpers: questions made the way members make them (through the guru service and
the posting path), or inserted directly when a test needs many or needs their time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

import models as m
from forum import events
from forum.services.posting import PostingService
from guru.services import GuruService, QuestionExtras

VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed", "param", "track"}


def service(db, settings, hooks=()) -> GuruService:
    return GuruService(db, PostingService(db, settings, hooks))


async def ask(db, settings, asker: m.User, category: m.Category, title: str, body: str = "รายละเอียด",
              at: dt.datetime | None = None, **extras: Any) -> m.Thread:
    thread, _ = await service(db, settings).ask(asker, area_id=category.id, title=title, body=body,
                                                extras=QuestionExtras(**extras), now=at)
    await db.commit()
    return thread


async def answer(db, settings, guru: m.User, thread: m.Thread, body: str = "ลองเปลี่ยนน้ำมันเครื่องครับ") -> m.Post:
    post, _ = await service(db, settings).answer(guru, thread.id, body)
    await db.commit()
    return post


async def give_areas(db, user: m.User, *categories: m.Category) -> None:
    db.add_all(m.GuruArea(user_id=user.id, category_id=c.id) for c in categories)
    await db.commit()


@pytest.fixture
def emitted() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Records the guru.* events a test causes, with their payloads."""
    seen: list[tuple[str, dict[str, Any]]] = []
    names = ("guru.answer_posted", "guru.answer_accepted", "guru.answer_marked_helpful")
    handlers = {}
    for name in names:
        async def handler(session, _name=name, **payload):
            seen.append((_name, payload))
        handlers[name] = events.subscribe(name)(handler)
    yield seen
    for name, handler in handlers.items():
        events._handlers[name].remove(handler)


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text = ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def ancestors(self) -> list[Node]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                found.append(child)
            found.extend(child.find_all(tag, cls))
        return found

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


def parse(html: str) -> Node:
    """A small DOM, so tests can say where an element sits (e.g. a disclaimer outside the body)."""
    root = Node("#root", {}, None)

    class Builder(HTMLParser):
        current = root

        def handle_starttag(self, tag, attrs):
            node = Node(tag, dict(attrs), self.current)
            self.current.children.append(node)
            if tag not in VOID:
                self.current = node

        def handle_endtag(self, tag):
            node = self.current
            while node is not None and node.tag != tag:
                node = node.parent
            if node is not None and node.parent is not None:
                self.current = node.parent

        def handle_data(self, data):
            self.current.text += data

    Builder().feed(html)
    return root


def article(page: Node, post_id: int) -> Node:
    found = [a for a in page.find_all("article") if a.attrs.get("id") == f"p{post_id}"]
    assert len(found) == 1, f"post {post_id} not on the page"
    return found[0]


def disclaimer_of(page: Node, post_id: int) -> Node | None:
    """The disclaimer shown for a post: a direct child of the post's article, never inside its body."""
    asides = [n for n in article(page, post_id).children if n.tag == "aside" and "disclaimer" in n.classes]
    return asides[0] if asides else None
