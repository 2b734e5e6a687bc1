"""The admin thresholds: page, API, validation, and their effect on the check."""

from __future__ import annotations

from ...factories import api, login, post_form


async def test_an_admin_raises_the_threshold_and_a_close_paraphrase_is_no_longer_stopped(
        client, db, member, admin, board, category):
    await login(client, admin)
    page = await client.get("/admin/duplicates")
    assert page.status_code == 200 and 'name="duplicate_threshold"' in page.text
    response = await post_form(client, "/admin/duplicates", {"suggest_threshold": "0.2", "repost_threshold": "0.5",
                                                             "duplicate_threshold": "0.99", "crosspost_threshold": "1"})
    assert response.status_code == 200 and 'value="0.99"' in response.text
    assert (await api(client, "GET", "/api/admin/duplicates/settings")).json()["duplicate_threshold"] == 0.99
    await login(client, member)
    created = await api(client, "POST", "/api/threads", {
        "category_id": category.id, "title": "ยาริสแบตหมดตอนเช้าทุกวันเลยครับ",
        "body": "จอดข้ามคืน ตอนเช้าสตาร์ทไม่ติด ต้องพ่วงแบตทุกเช้า"})
    assert created.status_code == 201, created.text


async def test_thresholds_out_of_range_or_out_of_order_are_refused(client, admin):
    await login(client, admin)
    response = await post_form(client, "/admin/duplicates", {"suggest_threshold": "0.2", "repost_threshold": "abc",
                                                             "duplicate_threshold": "1.5", "crosspost_threshold": "0.9"})
    assert response.status_code == 400
    assert response.text.count('class="field-error"') == 2
    response = await api(client, "PUT", "/api/admin/duplicates/settings", {
        "suggest_threshold": 0.5, "repost_threshold": 0.4, "duplicate_threshold": 0.6, "crosspost_threshold": 0.9})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["repost_threshold"]
    ok = await api(client, "PUT", "/api/admin/duplicates/settings", {
        "suggest_threshold": 0.1, "repost_threshold": 0.4, "duplicate_threshold": 0.6, "crosspost_threshold": 0.9})
    assert ok.status_code == 200 and ok.json()["suggest_threshold"] == 0.1


async def test_only_admins_reach_the_thresholds(client, member):
    await login(client, member)
    assert (await client.get("/admin/duplicates")).status_code == 403
    assert (await api(client, "GET", "/api/admin/duplicates/settings")).status_code == 403
    assert (await post_form(client, "/admin/duplicates", {"suggest_threshold": "0"})).status_code == 403
