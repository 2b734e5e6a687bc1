"""A newcomer's first hour on the demo board (webboard seed-demo), on a 360 px phone and at
desktop width, with screenshots kept under test-output/screenshots/ (CI artefacts):
the guest reads answered Ask Guru questions with their disclaimers, the member finds a thread
with the search box, the guru finds questions in the inbox, the admin finds waiting items in
the moderation queue."""

from __future__ import annotations

import re

import pytest

from .ui_helpers import DESKTOP, PHONE, log_in, new_tab, screenshot, scroll_width

pytestmark = pytest.mark.e2e

WIDTHS = pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
OIL_THREAD = "น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโลครับ Yaris 2020"


def _fits(tab, width: int) -> None:
    assert scroll_width(tab) <= width, f"{tab.url} scrolls sideways at {width}px"


@WIDTHS
def test_a_guest_reads_answered_ask_guru_questions_with_their_disclaimers(browser, live_server, width):
    context, tab = new_tab(browser, live_server, width)
    try:
        tab.goto("/")
        tab.locator("header.site nav a[href='/guru/']").click()
        tab.wait_for_url(re.compile(r"/guru/$"))
        screenshot(tab, f"guest-ask-guru-{width}")
        tab.locator("#f-status").select_option("accepted")  # with an accepted answer
        tab.locator("form.filters button[type=submit]").click()
        questions = tab.locator("table.questions a[href^='/guru/q/']")
        assert questions.count() >= 2
        questions.first.click()
        tab.wait_for_url(re.compile(r"/guru/q/\d+"))
        answer = tab.locator("article.guru-answer.accepted")
        assert answer.count() == 1 and answer.locator(".guru-badge").is_visible()
        disclaimer = answer.locator("aside.disclaimer")
        assert disclaimer.is_visible()
        assert "ศูนย์บริการ" in disclaimer.inner_text()  # confirm with the authorised service centre
        _fits(tab, width)
        screenshot(tab, f"guest-answered-question-{width}")
    finally:
        context.close()


@WIDTHS
def test_a_member_finds_a_thread_with_the_search_box(browser, live_server, width):
    context, tab = new_tab(browser, live_server, width)
    try:
        log_in(tab, "member")
        tab.locator("#site-q").fill("น้ำมันเครื่อง")
        tab.locator("header.site form.search button").click()
        tab.wait_for_url(re.compile(r"/search\?q="))
        result = tab.get_by_role("link", name=OIL_THREAD)
        assert result.count() >= 1
        _fits(tab, width)
        screenshot(tab, f"member-search-{width}")
        result.first.click()
        tab.wait_for_url(re.compile(r"/t/\d+"))
        assert tab.get_by_role("heading", name=OIL_THREAD).is_visible()
        assert tab.locator("article.post .avatar").count() >= 2
        _fits(tab, width)
        screenshot(tab, f"member-thread-{width}")
    finally:
        context.close()


def test_a_member_finds_a_thread_by_a_partial_thai_word(browser, live_server):
    context, tab = new_tab(browser, live_server, PHONE)
    try:
        log_in(tab, "member")
        tab.locator("#site-q").fill("น้ำมัน")  # part of the compound น้ำมันเครื่อง
        tab.locator("header.site form.search button").click()
        tab.wait_for_url(re.compile(r"/search\?q="))
        screenshot(tab, "member-search-partial-word-360")
        assert tab.get_by_role("link", name=OIL_THREAD).count() >= 1
    finally:
        context.close()


@WIDTHS
def test_the_guru_finds_questions_waiting_in_the_inbox(browser, live_server, width):
    context, tab = new_tab(browser, live_server, width)
    try:
        log_in(tab, "guru")
        tab.goto("/guru/inbox")
        waiting = tab.locator("table.questions a[href^='/guru/q/']")
        assert waiting.count() >= 2
        assert tab.locator("table.questions .tag.open").count() >= 2  # not answered yet
        _fits(tab, width)
        screenshot(tab, f"guru-inbox-{width}")
    finally:
        context.close()


@WIDTHS
def test_the_admin_finds_the_held_post_and_the_report_waiting_in_the_queue(browser, live_server, width):
    context, tab = new_tab(browser, live_server, width)
    try:
        log_in(tab, "admin")
        tab.goto("/admin/moderation")
        rows = tab.locator("table.queue tbody tr")
        assert rows.count() >= 2
        assert tab.locator("table.queue", has_text="ขายล้อแม็ก").count() == 1  # held by the classifier
        reported = tab.locator("table.queue tbody tr", has=tab.locator("td[data-label]", has_text="1"))
        assert reported.count() >= 1  # a member's report
        _fits(tab, width)
        screenshot(tab, f"admin-queue-{width}")
        rows.first.locator("a[href^='/admin/moderation/']").click()
        tab.wait_for_url(re.compile(r"/admin/moderation/\d+"))
        _fits(tab, width)
        screenshot(tab, f"admin-queue-item-{width}")
    finally:
        context.close()
