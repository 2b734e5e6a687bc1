"""Gold verification: a Silver member registers vehicles, admins approve or reject with a
reason, the member is told, and a Gold badge shows next to their name."""

from __future__ import annotations

from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form

CAR = {"model": "Yaris Ativ 2023", "plate": "1กข 1234", "province": "กรุงเทพมหานคร", "vin_last6": "a12b34",
       "dealer": "Toyota Buzz Ladprao", "purchased_on": "2023-05-20"}


async def test_a_new_member_applies_an_admin_approves_and_the_member_reads_the_gold_area(
        client, admin_client, db, admin, gold_area, factory):
    await factory.thread(gold_area, admin, "Owners fuel economy log", "Write your monthly km/l here.")
    register = {"login_id": "somsri", "display_name": "สมศรี", "email": "somsri@example.com",
                "password": "ยางใหม่-new-tyres-2026", "date_of_birth": "1985-03-01", "accept_terms": "on"}
    assert (await post_form(client, "/register", register)).status_code == 200
    assert (await client.get(f"/c/{gold_area.slug}")).status_code == 403
    page = await post_form(client, "/membership/gold", CAR)
    assert page.status_code == 200 and "A12B34" in page.text

    await login(admin_client, admin)
    queue = await admin_client.get("/admin/gold")
    assert "Yaris Ativ 2023" in queue.text and "somsri" in queue.text
    application = await db.scalar(select(m.GoldApplication))
    await post_form(admin_client, f"/admin/gold/{application.id}", {"decision": "approve"})

    member = await db.scalar(select(m.User).where(m.User.login_id == "somsri").execution_options(populate_existing=True))
    assert member.tier == m.Tier.GOLD
    area = await client.get(f"/c/{gold_area.slug}")
    assert area.status_code == 200 and "Owners fuel economy log" in area.text
    notices = (await client.get("/api/notifications/")).json()["items"]
    assert notices[0]["kind"] == "membership.gold_approved" and "Yaris Ativ 2023" in notices[0]["body"]


async def test_a_rejection_needs_a_reason_which_the_member_is_told(client, admin_client, db, member, admin):
    await login(client, member)
    await post_form(client, "/membership/gold", CAR)
    application = await db.scalar(select(m.GoldApplication))
    await login(admin_client, admin)
    refused = await post_form(admin_client, f"/admin/gold/{application.id}", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    await post_form(admin_client, f"/admin/gold/{application.id}",
                    {"decision": "reject", "reason": "The plate does not match the registration book."})
    await db.refresh(application)
    await db.refresh(member)
    assert application.status == m.GoldStatus.REJECTED and member.tier == m.Tier.SILVER
    page = await client.get("/membership/gold")
    assert "The plate does not match the registration book." in page.text
    notice = (await client.get("/api/notifications/")).json()["items"][0]
    assert notice["kind"] == "membership.gold_rejected" and "does not match" in notice["body"]


async def test_an_application_is_decided_once(client, admin_client, db, member, admin):
    await login(client, member)
    await post_form(client, "/membership/gold", CAR)
    application = await db.scalar(select(m.GoldApplication))
    await login(admin_client, admin)
    first = await api(admin_client, "POST", f"/api/admin/gold/{application.id}", {"approve": True})
    second = await api(admin_client, "POST", f"/api/admin/gold/{application.id}", {"approve": False, "reason": "late"})
    assert first.status_code == 200 and second.status_code == 409
    await db.refresh(application)
    assert application.status == m.GoldStatus.APPROVED


async def test_a_member_registers_several_vehicles_but_not_the_same_one_twice(client, db, member):
    await login(client, member)
    assert (await api(client, "POST", "/api/membership/gold", CAR)).status_code == 201
    second_car = CAR | {"model": "Fortuner 2019", "plate": "2ขค 5678", "vin_last6": "ZX9876"}
    assert (await api(client, "POST", "/api/membership/gold", second_car)).status_code == 201
    again = await api(client, "POST", "/api/membership/gold", CAR | {"plate": "1กข  1234"})
    assert again.status_code == 409
    mine = (await client.get("/api/membership/gold")).json()["vehicles"]
    assert {v["model"] for v in mine} == {"Yaris Ativ 2023", "Fortuner 2019"}
    assert all(v["application"]["status"] == "pending" for v in mine)


async def test_vehicle_details_are_checked_and_nothing_is_saved_on_error(client, db, member):
    await login(client, member)
    bad = CAR | {"vin_last6": "O12345", "purchased_on": "2999-01-01", "plate": "!"}
    page = await post_form(client, "/membership/gold", bad)
    assert page.status_code == 400
    for field in ("vin_last6", "purchased_on", "plate"):
        assert f'id="{field}-error"' in page.text
    assert await db.scalar(select(func.count()).select_from(m.Vehicle)) == 0


async def test_only_admins_see_and_decide_applications(client, db, member, other_member):
    await login(client, member)
    await post_form(client, "/membership/gold", CAR)
    application = await db.scalar(select(m.GoldApplication))
    await post_form(client, "/logout")
    await login(client, other_member)
    assert (await client.get("/admin/gold")).status_code == 403
    assert (await client.get("/api/admin/gold")).status_code == 403
    assert (await api(client, "POST", f"/api/admin/gold/{application.id}", {"approve": True})).status_code == 403
    await db.refresh(application)
    assert application.status == m.GoldStatus.PENDING


async def test_gold_members_carry_a_badge_next_to_their_name(client, factory, gold_member, member, category):
    thread = await factory.thread(category, gold_member, "Tyre pressure for long trips")
    page = await client.get(f"/t/{thread.id}")
    assert 'class="gold-badge"' in page.text
    plain = await factory.thread(category, member, "Wiper blades")
    assert 'class="gold-badge"' not in (await client.get(f"/t/{plain.id}")).text
