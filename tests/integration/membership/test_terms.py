"""Terms revisions: admins publish a version with Thai and English text and an effective date;
from that date members must accept it before going on, the API says so, every acceptance is
kept, and new members accept the version in force."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import models as m
from forum.access import CategoryGated
from forum.services import membership

from ...factories import api, login, post_form

def today() -> dt.date:
    """The club's date now, read when a test runs, not when the module is collected: a run that
    crosses midnight in Bangkok (17:00 UTC) would otherwise publish a revision dated yesterday,
    which the form refuses."""
    return membership.local_date(dt.datetime.now(dt.timezone.utc))


def revision() -> dict[str, str]:
    return {"version": "2026-12", "effective_on": today().isoformat(),
            "body_th": "ข้อ 1: สมาชิกต้องสุภาพต่อกัน", "body_en": "Article 1: members are polite to each other."}


async def publish(admin_client, admin, **changes):
    await login(admin_client, admin)
    response = await post_form(admin_client, "/admin/terms", revision() | changes)
    assert response.status_code == 200, response.text
    return response


async def test_a_revision_forces_re_acceptance_before_going_on(client, admin_client, db, member, admin, category):
    db.add(m.TermsAcceptance(user_id=member.id, version=member.terms_version, accepted_at=member.terms_accepted_at))
    await db.commit()
    await login(client, member)
    await publish(admin_client, admin)

    page = await client.get(f"/c/{category.slug}")
    assert page.url.path == "/terms/accept"
    assert "ข้อ 1: สมาชิกต้องสุภาพต่อกัน" in page.text and "Article 1: members are polite" in page.text
    me = await client.get("/api/auth/me")
    assert me.status_code == 403 and me.json()["terms_version"] == "2026-12"
    post = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Hi", "body": "Hello"})
    assert post.status_code == 403 and "terms" in post.json()["error"]
    form = await post_form(client, f"/c/{category.slug}/new", {"title": "Hi there", "body": "Hello all"})
    assert form.status_code == 403 and 'value="Hi there"' in form.text  # the draft is kept

    accepted = await post_form(client, "/terms/accept", {"version": "2026-12", "next": f"/c/{category.slug}"})
    assert accepted.status_code == 200 and accepted.url.path == f"/c/{category.slug}"
    assert (await client.get("/api/auth/me")).status_code == 200
    versions = (await db.scalars(select(m.TermsAcceptance.version).where(m.TermsAcceptance.user_id == member.id)
                                 .order_by(m.TermsAcceptance.id))).all()
    assert versions == [member.terms_version, "2026-12"]  # the older acceptance stays on record


async def test_a_version_applies_only_from_its_effective_date(client, admin_client, db, member, admin):
    await publish(admin_client, admin, effective_on=(today() + dt.timedelta(days=7)).isoformat())
    await login(client, member)
    assert (await client.get("/")).url.path == "/"
    terms = (await client.get("/api/terms")).json()
    assert terms["current"] is None and terms["upcoming"]["version"] == "2026-12" and terms["must_accept"] is False
    upcoming = await db.scalar(select(m.TermsVersion))
    assert await membership.terms_pending(db, member, today() + dt.timedelta(days=7)) == upcoming
    notice = (await client.get("/api/notifications/")).json()["items"][0]
    assert notice["kind"] == "membership.terms_revised"


async def test_the_api_accepts_the_terms_too(client, admin_client, db, member, admin):
    await publish(admin_client, admin)
    await login(client, member)
    assert (await client.get("/api/terms")).json()["must_accept"] is True
    wrong = await api(client, "POST", "/api/membership/terms/accept", {"version": "1999-01"})
    assert wrong.status_code == 409
    done = await api(client, "POST", "/api/membership/terms/accept", {"version": "2026-12"})
    assert done.status_code == 200 and done.json()["accepted_version"] == "2026-12"
    assert (await client.get("/api/auth/me")).status_code == 200


async def test_new_members_accept_the_latest_published_version(client, db, admin):
    db.add(m.TermsVersion(version="2026-09", body_th="ไทย", body_en="English", effective_on=today() - dt.timedelta(days=30)))
    db.add(m.TermsVersion(version="2027-01", body_th="ไทย", body_en="English", effective_on=today() + dt.timedelta(days=30)))
    await db.commit()
    register = {"login_id": "newbie", "display_name": "Newbie", "email": "newbie@example.com",
                "password": "ยางใหม่-new-tyres-2026", "date_of_birth": "1990-01-01", "accept_terms": "on"}
    assert (await post_form(client, "/register", register)).url.path == "/"
    user = await db.scalar(select(m.User).where(m.User.login_id == "newbie"))
    assert user.terms_version == "2026-09"
    assert (await db.scalar(select(m.TermsAcceptance.version).where(m.TermsAcceptance.user_id == user.id))) == "2026-09"


async def test_publishing_checks_the_version_dates_and_both_texts(admin_client, db, admin, member):
    await login(admin_client, admin)
    bad = await post_form(admin_client, "/admin/terms", revision() | {"body_en": "", "effective_on": "2001-01-01",
                                                                    "version": "no spaces allowed"})
    assert bad.status_code == 400
    for field in ("body_en", "effective_on", "version"):
        assert f'id="{field}-error"' in bad.text
    await publish(admin_client, admin)
    again = await post_form(admin_client, "/admin/terms", revision())
    assert again.status_code == 400 and 'id="version-error"' in again.text
    assert len((await db.scalars(select(m.TermsVersion))).all()) == 1
    await login(admin_client, member)
    assert (await api(admin_client, "POST", "/api/admin/terms", revision() | {"version": "x2"})).status_code == 403


async def test_the_terms_and_privacy_pages_are_public_in_both_languages(client, db):
    terms = await client.get("/terms")
    assert terms.status_code == 200 and 'lang="th"' in terms.text and 'lang="en"' in terms.text
    assert "One account per person" in terms.text and "สมาชิกหนึ่งคนมีได้หนึ่งบัญชี" in terms.text
    privacy = await client.get("/privacy")
    assert privacy.status_code == 200
    assert "Privacy notice" in privacy.text and "นโยบายความเป็นส่วนตัว" in privacy.text
    db.add(m.TermsVersion(version="2026-10", body_th="ข้อความไทย", body_en="English text", effective_on=today()))
    await db.commit()
    terms = await client.get("/terms")
    assert "ข้อความไทย" in terms.text and "English text" in terms.text
    assert (await client.get("/terms/v/2026-10")).status_code == 200
    assert (await client.get("/terms/v/nope")).status_code == 404


async def test_posting_checks_the_gate_and_the_version_in_force_on_the_day_of_posting(db, member, category):
    # forum.services.membership.check_posting reads the category's gate and the terms in force in
    # one statement: a version effective next week does not stop a post today, one in force does
    # (and an unknown category still checks the terms), and the gate is checked first.
    now = dt.datetime.now(dt.timezone.utc)
    db.add(m.TermsVersion(version="2026-12", body_th="ข้อ 1", body_en="Article 1",
                          effective_on=today() + dt.timedelta(days=7)))
    await db.commit()
    await membership.check_posting(db, member, category.id, now)
    in_force = now + dt.timedelta(days=8)
    with pytest.raises(membership.TermsAcceptanceRequired):
        await membership.check_posting(db, member, category.id, in_force)
    with pytest.raises(membership.TermsAcceptanceRequired):
        await membership.check_posting(db, member, 999_999, in_force)
    member.terms_version = "2026-12"
    await membership.check_posting(db, member, category.id, in_force)
    category.access = m.CategoryAccess.GOLD
    member.terms_version = "older"
    await db.commit()
    with pytest.raises(CategoryGated):
        await membership.check_posting(db, member, category.id, in_force)
