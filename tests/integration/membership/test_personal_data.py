"""PDPA: a member downloads all their data, corrects it, withdraws e-mail consent and asks for
deletion (posts kept as a former member, or deleted); admins' views and exports are logged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

import models as m
from forum.services import notifications

from ...factories import api, login, post_form


async def test_the_export_downloads_as_one_json_file_with_the_members_posts(client, db, factory, member, category):
    thread = await factory.thread(category, member, "ถามเรื่องยางรถ", "ยางรุ่นไหนเงียบที่สุดครับ")
    db.add(m.Post(thread_id=thread.id, author_id=member.id, body_raw="ขอบคุณครับ", body_html="<p>ขอบคุณครับ</p>"))
    db.add(m.TermsAcceptance(user_id=member.id, version=member.terms_version, accepted_at=member.terms_accepted_at))
    await notifications.notify(db, member, "membership.gold_approved", {"model": "Yaris", "plate": "1กข 1234"})
    await db.commit()
    await login(client, member)
    response = await client.get("/account/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["profile"]["login_id"] == member.login_id and "password_hash" not in data["profile"]
    assert {p["body_raw"] for p in data["posts"]} == {"ยางรุ่นไหนเงียบที่สุดครับ", "ขอบคุณครับ"}
    assert data["threads"][0]["title"] == "ถามเรื่องยางรถ"
    assert data["notifications"][0]["kind"] == "membership.gold_approved"
    assert data["terms_acceptances"][0]["version"] == member.terms_version
    assert (await client.get("/api/account/export")).json()["profile"]["id"] == member.id


async def test_the_export_holds_only_the_members_own_data(client, factory, member, other_member, category):
    await factory.thread(category, other_member, "Someone else's thread", "Not yours")
    await login(client, member)
    data = (await client.get("/account/export")).json()
    assert data["posts"] == [] and "Not yours" not in str(data)


async def test_deleting_keeps_posts_as_a_former_member(client, db, factory, member, category):
    thread = await factory.thread(category, member, "My old question", "Still useful to others")
    await login(client, member)
    refused = await post_form(client, "/account/delete", {"posts": "keep"})
    assert refused.status_code == 400 and 'id="confirm-error"' in refused.text
    await post_form(client, "/account/delete", {"posts": "keep", "confirm": "on"})
    await db.refresh(member)
    assert member.status == m.MemberStatus.RESIGNED and member.email is None and member.date_of_birth is None
    assert member.display_name == "former member" and member.password_hash is None
    page = await client.get(f"/t/{thread.id}")
    assert "Still useful to others" in page.text
    assert (await client.get("/profile", follow_redirects=False)).status_code == 303  # logged out
    request = await db.scalar(select(m.DeletionRequest))
    assert request.user_id == member.id and request.posts == "keep" and request.completed_at is not None


async def test_deleting_with_posts_removes_them_through_the_posting_path(client, db, factory, member, other_member, category):
    mine = await factory.thread(category, member, "Delete me", "Mine")
    theirs = await factory.thread(category, other_member, "Their thread", "Theirs")
    db.add(m.Post(thread_id=theirs.id, author_id=member.id, body_raw="my reply", body_html="<p>my reply</p>"))
    theirs.reply_count = 1
    await db.commit()
    await login(client, member)
    vehicle = {"model": "City", "plate": "3กก 1111", "province": "ชลบุรี", "vin_last6": "ABC123", "dealer": "Honda",
               "purchased_on": "2022-01-01"}
    await post_form(client, "/membership/gold", vehicle)
    response = await api(client, "POST", "/api/account/delete", {"posts": "delete", "confirm": True})
    assert response.status_code == 200 and response.json()["posts_deleted"] == 2
    await db.refresh(mine)
    await db.refresh(theirs)
    await db.refresh(category)
    assert mine.visibility == m.Visibility.DELETED and theirs.visibility == m.Visibility.PUBLISHED
    assert theirs.reply_count == 0 and category.thread_count == 1
    assert "my reply" not in (await client.get(f"/t/{theirs.id}")).text
    assert await db.scalar(select(func.count()).select_from(m.Vehicle)) == 0


async def test_withdrawing_consent_stops_email(client, db, member):
    member.email_consent = True
    await db.commit()
    await login(client, member)
    page = await post_form(client, "/account/email-consent", {})
    assert page.status_code == 200
    await db.refresh(member)
    assert member.email_consent is False
    await notifications.notify(db, member, "membership.reinstated", {})
    await db.commit()
    assert await db.scalar(select(func.count()).select_from(m.OutboxEmail)) == 0


async def test_members_correct_their_details_and_real_name_on_the_profile(client, db, member):
    await login(client, member)
    await post_form(client, "/profile", {"display_name": "Nok", "email": "nok@example.com", "real_name": "Nok Sawasdee"})
    await db.refresh(member)
    assert (member.display_name, member.email, member.real_name) == ("Nok", "nok@example.com", "Nok Sawasdee")
    page = await client.get("/profile")
    assert 'value="Nok Sawasdee"' in page.text


async def test_admin_views_and_exports_of_member_data_are_logged(admin_client, db, admin, member):
    await login(admin_client, admin)
    assert (await admin_client.get(f"/admin/members/{member.id}")).status_code == 200
    export = await admin_client.get(f"/admin/members/{member.id}/export")
    assert export.json()["profile"]["id"] == member.id
    actions = (await db.scalars(select(m.DataAccess.action).order_by(m.DataAccess.id))).all()
    assert actions == ["view", "export"]
    log = await admin_client.get("/admin/data-access")
    assert member.login_id in log.text and admin.login_id in log.text
    csv = await admin_client.get("/admin/data-access/export", params={"member_id": member.id})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert len(lines) == 3 and "export" in lines[1] and member.login_id in lines[1]
    assert (await admin_client.get("/api/admin/data-access")).json()["entries"][0]["action"] == "export"


async def test_a_member_sees_in_their_export_which_admin_accessed_their_data(client, admin_client, admin, member):
    await login(admin_client, admin)
    await admin_client.get(f"/admin/members/{member.id}")
    await login(client, member)
    data = (await client.get("/account/export")).json()
    assert data["data_access_by_admins"][0]["admin"] == admin.display_name


async def test_the_data_rights_stay_open_while_new_terms_wait(client, db, member):
    db.add(m.TermsVersion(version="2099-01", body_th="ไทย", body_en="English",
                          effective_on=dt.date.today() - dt.timedelta(days=1)))
    await db.commit()
    await login(client, member)
    assert (await client.get("/")).url.path == "/terms/accept"
    assert (await client.get("/account")).status_code == 200
    assert (await client.get("/account/export")).status_code == 200
    assert (await client.get("/privacy")).status_code == 200
