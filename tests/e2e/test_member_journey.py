"""A new member's first visit, driven in headless Chromium against the real server."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.e2e


def test_a_visitor_registers_posts_in_thai_replies_and_finds_the_thread_by_search(page, tmp_path):
    login_id = f"e2e{uuid.uuid4().hex[:8]}"
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "th"
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Register").first.click()

    page.get_by_label("Login ID").fill(login_id)
    page.get_by_label("Display name").fill("ทดสอบ อีทูอี")
    page.get_by_label("E-mail").fill(f"{login_id}@example.com")
    page.get_by_label("Password").fill("ทางด่วน-expressway-99")
    page.get_by_label("Date of birth").fill("1990-04-13")
    # Terms not accepted yet: the form says so and keeps what was typed.
    page.get_by_role("button", name="Create account").click()
    assert page.locator("#accept_terms-error").is_visible()
    assert page.get_by_label("Login ID").input_value() == login_id
    page.get_by_label("Password").fill("ทางด่วน-expressway-99")
    page.get_by_label("I accept the club's terms and posting rules.").check()
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("link", name="ทดสอบ อีทูอี").is_visible()

    page.get_by_role("link", name="Maintenance", exact=True).click()  # the banner also links a maintenance notice
    page.get_by_role("link", name="New thread").click()
    title = f"ไฟเตือนรูปกุญแจขึ้นหน้าปัด {login_id}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message").fill("รถ **Yaris** ปี 2019 ไฟรูปกุญแจประแจขึ้นหลังเช็คระยะ ต้องรีเซ็ตเองไหมครับ")
    page.get_by_role("button", name="Post thread").click()
    page.wait_for_url(re.compile(r"/t/\d+"))
    assert page.get_by_role("heading", name=title).is_visible()
    assert page.locator("article.post strong", has_text="Yaris").count() == 1

    page.get_by_label("Your reply").fill("กดปุ่ม ODO ค้างไว้ตอนบิดกุญแจก็รีเซ็ตได้ครับ")
    page.get_by_role("button", name="Post reply").click()
    assert page.get_by_text("กดปุ่ม ODO ค้างไว้").is_visible()
    page.screenshot(path=str(tmp_path / "thread.png"), full_page=True)

    page.get_by_label("Search", exact=True).first.fill("กุญแจ")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.get_by_role("link", name=title).is_visible()

    # Back to Thai: the choice is remembered across pages.
    page.get_by_role("button", name="ไทย").click()
    page.goto("/")
    assert page.get_by_role("link", name="ออกจากระบบ").count() + page.get_by_role("button", name="ออกจากระบบ").count() >= 1
