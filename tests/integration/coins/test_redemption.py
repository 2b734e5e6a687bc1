"""The catalogue, redeeming, history and shipping, tried the way members and admins use them."""

from __future__ import annotations

from sqlalchemy import select

import models as m

from ...factories import api, login, post_form
from .conftest import (add_address, add_prize, assert_balances_match_ledger, balance_of, entries, grant,
                       set_rules)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def prize_row(db, prize: m.CoinPrize) -> m.CoinPrize:
    return await db.get(m.CoinPrize, prize.id, populate_existing=True)


async def test_a_new_member_earns_redeems_sees_history_and_an_admin_ships_it(client, db, member, other_member, admin,
                                                                            category, frozen_clock):
    await set_rules(db, thread=40, reply=20, daily_cap=0)
    prize = await add_prize(db, price=50, stock=3, name="Club cap")
    await login(client, member)
    # Posts: a thread, and a reply in someone else's thread.
    await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "รีวิวเบรก", "body": "ดีมาก"})
    other = await db.scalar(select(m.Thread).where(m.Thread.author_id == member.id))
    client.cookies.clear()
    await login(client, other_member)
    await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "Wipers", "body": "which?"})
    wipers = await db.scalar(select(m.Thread).where(m.Thread.author_id == other_member.id))
    client.cookies.clear()
    await login(client, member)
    await post_form(client, f"/t/{wipers.id}/reply", {"body": "Bosch ครับ"})
    wallet = await client.get("/coins")
    assert 'id="coin-balance">60<' in wallet.text
    # The catalogue shows the prize; redeeming first asks for an address.
    catalogue = await client.get("/coins/prizes")
    assert f'href="/coins/prizes/{prize.id}"' in catalogue.text
    page = await client.get(f"/coins/prizes/{prize.id}")
    assert f'href="/coins/address?next=/coins/prizes/{prize.id}"' in page.text and "/redeem" not in page.text
    refused = await post_form(client, f"/coins/prizes/{prize.id}/redeem", {"quantity": "1"})
    assert refused.status_code == 409 and await balance_of(db, member) == 60
    bad = await post_form(client, "/coins/address", {"recipient": "สมชาย", "phone": "abc", "address": "",
                                                      "province": "", "postal_code": "1234"})
    assert bad.status_code == 400 and {'id="phone-error"', 'id="postal_code-error"'} <= set(
        part for part in ('id="phone-error"', 'id="postal_code-error"') if part in bad.text)
    saved = await post_form(client, "/coins/address", {
        "recipient": "สมชาย ใจดี", "phone": "081-234-5678", "address": "12 ถ.พหลโยธิน\nแขวงจตุจักร เขตจตุจักร",
        "province": "กรุงเทพมหานคร", "postal_code": "10900", "next": f"/coins/prizes/{prize.id}"},
        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/coins/prizes/{prize.id}"
    redeemed = await post_form(client, f"/coins/prizes/{prize.id}/redeem", {"quantity": "1"})
    assert redeemed.status_code == 200 and "Club cap (TH)" in redeemed.text  # the history page, in Thai
    assert (await prize_row(db, prize)).stock == 2 and await balance_of(db, member) == 10
    history = (await client.get("/api/coins/redemptions")).json()["items"]
    assert [(h["prize_name_en"], h["quantity"], h["coins_spent"], h["balance_after"], h["status"]) for h in history] == [
        ("Club cap", 1, 50, 10, "pending")]
    assert [e.reason for e in await entries(db, member)][-1] == m.CoinReason.REDEMPTION
    # The admin sees it waiting, with the address, and marks the month's batch shipped.
    client.cookies.clear()
    await login(client, admin)
    listing = await client.get("/admin/coins/redemptions?status=pending")
    assert "12 ถ.พหลโยธิน" in listing.text and f'name="ids" value="{history[0]["id"]}"' in listing.text
    shipped = await post_form(client, "/admin/coins/redemptions/shipped",
                              {"ids": [str(history[0]["id"])], "status": "pending", "month": ""})
    assert shipped.status_code == 200 and "12 ถ.พหลโยธิน" not in shipped.text
    client.cookies.clear()
    await login(client, member)
    mine = (await client.get("/api/coins/redemptions")).json()["items"][0]
    assert mine["status"] == "shipped" and mine["shipped_at"]
    await assert_balances_match_ledger(db)


async def test_the_page_shows_item_quantity_coins_date_and_balance_in_english_too(client, db, member, admin):
    await grant(db, member, 500, admin)
    await add_address(db, member)
    prize = await add_prize(db, price=120, stock=10, name="Floor mats")
    await login(client, member)
    assert (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 3})).status_code == 201
    client.cookies.set("lang", "en")
    page = await client.get("/coins/redemptions")
    assert "Floor mats" in page.text and ">3<" in page.text and ">360<" in page.text and ">140<" in page.text
    assert "(GMT+7)" in page.text and "Waiting to ship" in page.text


async def test_when_stock_runs_out_later_redemptions_are_refused_and_nothing_is_debited(client, db, member,
                                                                                      other_member, admin):
    prize = await add_prize(db, price=10, stock=2)
    for user in (member, other_member):
        await grant(db, user, 100, admin)
        await add_address(db, user)
    await login(client, member)
    too_many = await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 3})
    assert too_many.status_code == 409 and too_many.json()["code"] == "not_enough_stock"
    assert (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 2})).status_code == 201
    client.cookies.clear()
    await login(client, other_member)
    sold_out = await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 1})
    assert sold_out.status_code == 409 and sold_out.json()["code"] == "out_of_stock"
    assert sold_out.json()["error"]
    page = await post_form(client, f"/coins/prizes/{prize.id}/redeem", {"quantity": "1"})
    assert page.status_code == 409 and 'class="form-error"' in page.text
    assert await balance_of(db, other_member) == 100 and len(await entries(db, other_member)) == 1
    assert (await prize_row(db, prize)).stock == 0
    await assert_balances_match_ledger(db)


async def test_not_enough_coins_bad_quantities_and_inactive_prizes_are_refused(client, db, member, admin):
    await grant(db, member, 15, admin)
    await add_address(db, member)
    prize = await add_prize(db, price=10, stock=5)
    hidden = await add_prize(db, price=1, stock=5, active=False)
    await login(client, member)
    poor = await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 2})
    assert poor.status_code == 409 and poor.json()["code"] == "not_enough_coins"
    for quantity in (0, -1, 21):
        assert (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": quantity})).status_code == 400
    assert (await post_form(client, f"/coins/prizes/{prize.id}/redeem", {"quantity": "lots"})).status_code == 400
    assert (await api(client, "POST", f"/api/coins/prizes/{hidden.id}/redeem", {"quantity": 1})).status_code == 404
    assert (await client.get(f"/coins/prizes/{hidden.id}")).status_code == 404
    assert [p["id"] for p in (await client.get("/api/coins/prizes")).json()["items"]] == [prize.id]
    assert (await prize_row(db, prize)).stock == 5 and await balance_of(db, member) == 15


async def test_anonymous_visitors_are_sent_to_log_in_and_get_401_from_the_api(client, db):
    prize = await add_prize(db)
    assert (await client.get("/coins", follow_redirects=False)).headers["location"].startswith("/login")
    assert (await client.get("/api/coins")).status_code == 401
    assert (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 1})).status_code == 401


async def test_redeeming_without_the_csrf_token_is_refused(client, db, member, admin):
    await grant(db, member, 100, admin)
    await add_address(db, member)
    prize = await add_prize(db, price=10)
    await login(client, member)
    response = await client.post(f"/api/coins/prizes/{prize.id}/redeem", json={"quantity": 1})
    assert response.status_code == 403 and await balance_of(db, member) == 100


async def test_admins_manage_prizes_with_a_picture_url_or_an_upload(client, db, member, admin):
    await login(client, admin)
    form = {"name_th": "หมวกชมรม", "name_en": "Club cap", "description_th": "ผ้าฝ้าย", "description_en": "Cotton",
            "price": "150", "stock": "20", "active": "on", "picture_url": ""}
    missing = await post_form(client, "/admin/coins/prizes", form | {"name_en": "", "price": "0"})
    assert missing.status_code == 400 and 'id="name_en-error"' in missing.text and 'id="price-error"' in missing.text
    scripted = await post_form(client, "/admin/coins/prizes", form | {"picture_url": "javascript:alert(1)"})
    assert scripted.status_code == 400
    not_image = await client.post("/admin/coins/prizes", data={"_csrf_token": client.cookies["csrftoken"], **form},
                                  files={"picture": ("cap.png", b"<svg onload=alert(1)>", "image/png")})
    assert not_image.status_code == 400 and 'id="picture-error"' in not_image.text
    created = await client.post("/admin/coins/prizes", data={"_csrf_token": client.cookies["csrftoken"], **form},
                                files={"picture": ("cap.png", PNG, "image/png")})
    assert created.status_code == 200
    prize = await db.scalar(select(m.CoinPrize))
    assert (prize.name_th, prize.price, prize.stock, prize.active) == ("หมวกชมรม", 150, 20, True)
    assert prize.picture_url.startswith("/coins/pictures/") and prize.picture_url.endswith(".png")
    picture = await client.get(prize.picture_url)
    assert picture.status_code == 200 and picture.content == PNG
    assert (await client.get("/coins/pictures/../../secret.key")).status_code == 404
    # Edit: a web address instead, stock changed, hidden from members.
    edited = await post_form(client, f"/admin/coins/prizes/{prize.id}", form | {
        "picture_url": "https://example.com/cap.jpg", "stock": "7", "active": ""})
    assert edited.status_code == 200
    prize = await prize_row(db, prize)
    assert (prize.picture_url, prize.stock, prize.active) == ("https://example.com/cap.jpg", 7, False)
    listed = await client.get("/admin/coins/prizes")
    assert "หมวกชมรม" in listed.text
    api_made = await api(client, "POST", "/api/admin/coins/prizes",
                         {"name_th": "ผ้าไมโครไฟเบอร์", "name_en": "Microfibre cloth", "price": 30, "stock": 100})
    assert api_made.status_code == 201
    patched = await api(client, "PATCH", f"/api/admin/coins/prizes/{api_made.json()['id']}", {"stock": 0})
    assert patched.status_code == 200 and patched.json()["stock"] == 0 and patched.json()["price"] == 30
    client.cookies.clear()
    await login(client, member)
    assert (await client.get("/admin/coins/prizes")).status_code == 403
    assert (await api(client, "POST", "/api/admin/coins/prizes", {"name_th": "x", "name_en": "x", "price": 1,
                                                                 "stock": 1})).status_code == 403
    assert (await api(client, "POST", "/api/admin/coins/redemptions/shipped", {"ids": [1]})).status_code == 403


async def test_admins_filter_redemptions_by_month_and_shipping_twice_changes_nothing(client, db, member, admin,
                                                                                  frozen_clock):
    import datetime as dt

    await grant(db, member, 1000, admin)
    await add_address(db, member)
    prize = await add_prize(db, price=10, stock=10)
    await login(client, member)
    frozen_clock["now"] = dt.datetime(2026, 10, 31, 18, 0, tzinfo=dt.timezone.utc)  # 1 November in Bangkok
    first = (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 1})).json()
    frozen_clock["now"] = dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.timezone.utc)  # still October in Bangkok
    second = (await api(client, "POST", f"/api/coins/prizes/{prize.id}/redeem", {"quantity": 1})).json()
    client.cookies.clear()
    await login(client, admin)
    november = (await client.get("/api/admin/coins/redemptions?month=2026-11")).json()["items"]
    assert [r["id"] for r in november] == [first["redemption"]["id"]]
    assert november[0]["ship_to"].startswith(member.display_name)
    shipped = await api(client, "POST", "/api/admin/coins/redemptions/shipped",
                        {"ids": [first["redemption"]["id"], second["redemption"]["id"]]})
    assert shipped.json() == {"shipped": 2}
    again = await api(client, "POST", "/api/admin/coins/redemptions/shipped", {"ids": [first["redemption"]["id"]]})
    assert again.json() == {"shipped": 0}
    assert (await api(client, "POST", "/api/admin/coins/redemptions/shipped", {"ids": []})).status_code == 400
    page = await client.get("/admin/coins/redemptions?status=pending")
    assert "No redemptions match." in page.text or "ไม่มี" in page.text
