"""A new account may start 3 threads on its first day (Ask Guru questions count): the new-thread
and Ask Guru forms say how many are left before the member writes, by the same count that
refuses the next one."""

from __future__ import annotations

import re

from forum.services.posting import PostingService
from guru.services import GuruService

from ...factories import login, post_form


def _allowance(html: str) -> str:
    found = re.search(r'<p class="allowance[^"]*"[^>]*>(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


async def test_the_forms_show_a_new_member_how_many_threads_are_left_today(client, db, factory, settings, category):
    newcomer = await factory.user("newcomer", age_days=0)
    await login(client, newcomer)
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    assert "start 3 more threads" in _allowance((await client.get(f"/c/{category.slug}/new")).text)

    posting = PostingService(db, settings, [])
    await posting.create_thread(newcomer, category_id=category.id, title="First", body="Hello")
    await GuruService(db, posting).ask(newcomer, area_id=category.id, title="A question", body="Why?")
    await db.commit()
    assert "start 1 more thread " in _allowance((await client.get(f"/c/{category.slug}/new")).text)
    assert "start 1 more thread " in _allowance((await client.get("/guru/ask")).text)

    await posting.create_thread(newcomer, category_id=category.id, title="Third", body="Again")
    await db.commit()
    full = _allowance((await client.get("/guru/ask")).text)
    assert "reached the posting limit" in full
    refused = await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "Fourth",
                                                                 "body": "One more"})
    assert refused.status_code == 429 and "reached the posting limit" in refused.text
    assert refused.text.count("reached the posting limit") == 1, "the refusal says the limit once"


async def test_an_established_member_sees_the_allowance_only_when_few_are_left(client, db, factory, settings, category,
                                                                               member):
    await login(client, member)
    await post_form(client, "/lang", {"lang": "en", "next": "/"})
    assert _allowance((await client.get(f"/c/{category.slug}/new")).text) == ""
    posting = PostingService(db, settings, [])
    for number in range(settings.board.threads_per_hour - 2):
        await posting.create_thread(member, category_id=category.id, title=f"Topic {number}", body="Text")
    await db.commit()
    assert "start 2 more threads this hour" in _allowance((await client.get(f"/c/{category.slug}/new")).text)
