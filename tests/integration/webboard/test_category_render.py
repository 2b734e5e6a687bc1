"""A category page's render is cheaper since h-guestcat (the category is read as the row the page shows,
`forum.services.categories.CategoryShown`, and the templates' plain-string translations are kept,
`forum.app.remembered_gettext`), and it is byte for byte the page rendered the old way (the ORM category,
Jinja's own gettext): for a guest and a member, in Thai and English, open and Gold-only, before and after
a change to a row (a reply, a new last author, an edited title) or to the category itself (names,
description), and every change shows on the next render."""

from __future__ import annotations

import datetime as dt

import jinja2.ext
import pytest
from sqlalchemy import update

import models as m
from forum import i18n
from forum.app import create_app
from forum.services.categories import CategoryService, CategoryShown

from ...factories import login

UTC = dt.timezone.utc
AT = dt.datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def app(settings, monkeypatch):
    monkeypatch.setenv("WEBBOARD_PAGE_CACHE", "0")  # every request renders: two renders are compared, not a kept page
    return create_app(settings)


def the_old_way(app, patch: pytest.MonkeyPatch) -> None:
    env = app.template_engine.engine
    patch.setitem(env.globals, "gettext", jinja2.ext._make_new_gettext(i18n.gettext))
    patch.setitem(env.globals, "_", jinja2.ext._gettext_alias)

    async def orm_category(self, slug):
        return await self.by_slug(slug)

    patch.setattr(CategoryService, "shown_by_slug", orm_category)


async def rendered_both_ways(app, client, url: str) -> str:
    await client.get(url)  # a guest's first request gets its CSRF cookie; the two renders then carry the same token
    new = await client.get(url)
    with pytest.MonkeyPatch.context() as patch:
        the_old_way(app, patch)
        old = await client.get(url)
    assert new.status_code == old.status_code
    assert new.text == old.text
    return new.text


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("viewer", ["guest", "member"])
async def test_the_category_page_is_the_old_render_before_and_after_each_change(app, client, db, factory, member,
                                                                               other_member, category, lang, viewer):
    first = await factory.thread(category, member, "ยางรั่ว <b>ซึม</b> & ลมอ่อน", at=AT)
    await factory.thread(category, other_member, "Aircon not cold", at=AT + dt.timedelta(minutes=1))
    if viewer == "member":
        await login(client, member)
    client.cookies.set("lang", lang)
    url = f"/c/{category.slug}"
    page = await rendered_both_ways(app, client, url)
    assert "ยางรั่ว &lt;b&gt;ซึม&lt;/b&gt; &amp; ลมอ่อน" in page and ("Maintenance" if lang == "en" else "บำรุงรักษา") in page

    # A reply: the row's count, last activity and last author change, and the thread moves to the top.
    await db.execute(update(m.Thread).where(m.Thread.id == first.id).values(
        reply_count=1, last_activity_at=AT + dt.timedelta(minutes=5), last_author_id=other_member.id))
    await db.commit()
    page = await rendered_both_ways(app, client, url)
    row = page[page.index(f'href="/t/{first.id}"'):]
    row = row[:row.index("</tr>")]
    assert '>1</td>' in row and "Member Two" in row and "2026-12-06 16:35 (GMT+7)" in row
    assert page.index(f'href="/t/{first.id}"') < page.index("Aircon not cold")

    # An edited title, then the category's names and description.
    await db.execute(update(m.Thread).where(m.Thread.id == first.id).values(title="ยางรั่วซึม (แก้ชื่อ)"))
    await db.execute(update(m.Category).where(m.Category.id == category.id).values(
        name_th="ซ่อมบำรุง", name_en="Upkeep", description_th="เรื่องซ่อม", description_en="Repairs <and> care"))
    await db.commit()
    page = await rendered_both_ways(app, client, url)
    assert "ยางรั่วซึม (แก้ชื่อ)" in page and "ยางรั่ว &lt;b&gt;" not in page
    if lang == "en":
        assert "<h1>Upkeep</h1>" in page and "Repairs &lt;and&gt; care" in page and "Maintenance" not in page
    else:
        assert "<h1>ซ่อมบำรุง</h1>" in page and "เรื่องซ่อม" in page and "บำรุงรักษา" not in page


@pytest.mark.parametrize("lang", ["th", "en"])
async def test_a_gold_only_category_is_gated_as_before(app, client, db, factory, member, category, lang):
    await factory.thread(category, member, "Gold-only secret title")
    category.access = m.CategoryAccess.GOLD
    await db.commit()
    client.cookies.set("lang", lang)
    page = await rendered_both_ways(app, client, f"/c/{category.slug}")  # a guest
    assert "Gold-only secret title" not in page and 'href="/login' in page
    await login(client, member)  # a Silver member
    page = await rendered_both_ways(app, client, f"/c/{category.slug}")
    assert "Gold-only secret title" not in page and 'href="/membership/gold"' in page


async def test_an_unknown_category_is_still_not_found(app, client):
    assert (await client.get("/c/no-such-place")).status_code == 404


async def test_what_the_page_does_not_read_of_the_category_fails_loudly():
    shown = CategoryShown((3, "tyres", "ยาง", "Tyres", "คุยเรื่องยาง", "About tyres", m.CategoryAccess.OPEN))
    assert (shown.id, shown.slug, shown.name("en"), shown.name("th"), shown.description("en")) == (
        3, "tyres", "Tyres", "ยาง", "About tyres")
    with pytest.raises(RuntimeError):
        shown.thread_count


def test_a_kept_translation_is_jinjas_own_in_each_language_and_mode():
    env = create_app().template_engine.engine
    source = ('{{ _("Log in") }}|{{ _("Replies") }}|{{ _("100%% sure") }}|{{ _("by") }}|'
              '{% autoescape false %}{{ _("a <b>") }}{% endautoescape %}|{{ _("a <b>") }}|{{ _("Older") }}')
    stock = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    for lang in ("th", "en", "th"):
        token = i18n.current_locale.set(lang)
        try:
            for _ in range(2):  # computed, then kept
                assert env.from_string(source).render() == stock.from_string(source).render()
        finally:
            i18n.current_locale.reset(token)
    token = i18n.current_locale.set("en")
    try:
        english = env.from_string('{{ _("Log in") }}').render()
    finally:
        i18n.current_locale.reset(token)
    assert english == "Log in" and env.from_string('{{ _("Log in") }}').render() != english  # Thai by default


async def test_with_the_caches_on_a_reply_shows_on_the_next_render_in_thai_and_english(settings, session_maker,
                                                                                      factory, member, other_member,
                                                                                      category):
    from litestar.testing import AsyncTestClient

    from ...factories import post_form
    from .test_page_cache import Browser

    first = await factory.thread(category, member, "เบรกมีเสียง", at=AT)
    await factory.thread(category, member, "Headlights yellow", at=AT + dt.timedelta(minutes=1))
    async with AsyncTestClient(app=create_app(settings)) as client:  # the guest page cache on, as served
        stats = client.app.state.page_cache.stats
        guests = {lang: Browser(client) for lang in ("th", "en")}
        pages = {}
        for lang, guest in guests.items():
            guest.cookies.set("lang", lang)
            pages[lang] = (await guest.get(f"/c/{category.slug}")).text
            hits = stats.hits
            assert (await guest.get(f"/c/{category.slug}")).text == pages[lang] and stats.hits == hits + 1
        await login(client, other_member)
        await post_form(client, f"/t/{first.id}/reply", {"body": "เปลี่ยนผ้าเบรกแล้วหายครับ"})
        for lang, guest in guests.items():
            page = (await guest.get(f"/c/{category.slug}")).text
            top = page.split("<tbody>")[1].split("</tr>")[0]
            assert f'/t/{first.id}">เบรกมีเสียง' in top and ">1</td>" in top and "Member Two" in top  # bumped, counted
            assert ("Replies" if lang == "en" else "การตอบกระทู้") in page.split("<tbody>")[0]
            assert page != pages[lang]


async def test_the_shown_columns_page_as_the_full_rows_do(db, factory, member, other_member, category):
    from forum.services import reading

    for minute in range(5):
        await factory.thread(category, member if minute % 2 else other_member, f"กระทู้ {minute}",
                             at=AT + dt.timedelta(minutes=minute))
    shown = ("id", "title", "duplicate_of_id", "starter", "reply_count", "last_activity_at", "last_author")

    async def both(**cursor):
        full = await reading.category_threads(db, category.id, limit=2, **cursor)
        narrow = await reading.category_threads(db, category.id, limit=2, shown_only=True, **cursor)
        assert [tuple(getattr(r, c) for c in shown) for r in narrow.items] == [
            tuple(getattr(r, c) for c in shown) for r in full.items]
        assert (narrow.next_cursor, narrow.prev_cursor, narrow.read_ids) == (full.next_cursor, full.prev_cursor,
                                                                             full.read_ids)
        return full

    first = await both()
    older = await both(after=first.next_cursor)
    assert older.prev_cursor and older.next_cursor
    await both(before=older.prev_cursor)
    await both(after=older.next_cursor)
