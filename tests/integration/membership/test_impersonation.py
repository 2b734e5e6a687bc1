"""Club rule 6: nobody takes another member's registered real name, or a protected public
figure's name, as a display name, in any spelling that folds to it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import models as m
from forum.services.membership import name_key

from ...factories import api, login, post_form

SIGNUP = {"login_id": "copycat", "email": "copycat@example.com", "password": "ยางใหม่-new-tyres-2026",
          "date_of_birth": "1990-01-01", "accept_terms": "on"}


@pytest.mark.parametrize("spelling", [
    "Somchai Jaidee", "somchai jaidee", "SOMCHAI   JAIDEE", "S0mchai Ja1dee", "Ѕоmсhаі Jaidee",  # Cyrillic look-alikes
    "Sοmchai Jaidee",  # Greek omicron
    "Mr. Somchai Jaidee", "Sommchai Jaidee", "Somchai-Jaidee", "Somchai Jaidee Official",
])
def test_look_alike_spellings_fold_to_the_same_name(spelling):
    assert name_key("Somchai Jaidee") in name_key(spelling)


@pytest.mark.parametrize("spelling", ["สมชาย ใจดี", "สมช้าย ใจดี", "คุณสมชาย ใจดี", "สมชาย  ใจดี", "นายสมชาย ใจดี"])
def test_thai_spellings_fold_to_the_same_name(spelling):
    assert name_key(spelling) == name_key("สมชาย ใจดี")


def test_different_names_stay_different():
    assert name_key("Somchai Jaidee") != name_key("Somchai Jaidi")
    assert name_key("สมชาย ใจดี") != name_key("สมศักดิ์ ใจดี")


async def register(client, display_name: str, **extra):
    return await post_form(client, "/register", SIGNUP | {"display_name": display_name} | extra)


async def test_another_members_real_name_is_refused_at_registration_in_look_alike_spellings(client, db, factory):
    owner = await factory.user("somchai", "Chai")
    await login(client, owner)
    await post_form(client, "/profile", {"display_name": "Chai", "email": owner.email, "real_name": "Somchai Jaidee"})
    await post_form(client, "/logout")
    for spelling in ("Somchai Jaidee", "S0mchai  JAIDEE", "Ѕоmсhаі Jaidee"):
        response = await register(client, spelling)
        assert response.status_code == 400, spelling
        assert 'id="display_name-error"' in response.text
    assert await db.scalar(select(func.count()).select_from(m.User)) == 1
    assert (await register(client, "Somsak the Driver")).status_code == 200


async def test_a_thai_real_name_is_guarded_against_tone_mark_and_title_variants(client, db, factory):
    await register(client, "น้องนก", real_name="สมชาย ใจดี", login_id="nok")
    await post_form(client, "/logout")
    for spelling in ("สมช้าย ใจดี", "คุณสมชาย ใจดี", "สมชายใจดี"):
        response = await register(client, spelling)
        assert response.status_code == 400, spelling


async def test_a_member_may_use_their_own_real_name(client, db):
    response = await register(client, "Somchai Jaidee", real_name="Somchai Jaidee")
    assert response.status_code == 200
    user = await db.scalar(select(m.User).where(m.User.login_id == "copycat"))
    assert user.real_name == "Somchai Jaidee"
    await post_form(client, "/profile", {"display_name": "Somchai J.", "email": user.email, "real_name": "Somchai Jaidee"})
    await post_form(client, "/profile", {"display_name": "Somchai Jaidee", "email": user.email})
    await db.refresh(user)
    assert user.display_name == "Somchai Jaidee"


async def test_protected_names_are_refused_on_profile_change_and_through_the_api(client, admin_client, db, admin, member):
    await login(admin_client, admin)
    added = await post_form(admin_client, "/admin/names", {"name": "Prayut Chan-o-cha", "note": "public figure"})
    assert added.status_code == 200 and "Prayut Chan-o-cha" in added.text
    await login(client, member)
    for spelling in ("prayut chan o cha", "PRAYUT CHAN-0-CHA", "Prayut Chan-o-cha fan"):
        response = await post_form(client, "/profile", {"display_name": spelling, "email": member.email})
        assert response.status_code == 400, spelling
        assert 'id="display_name-error"' in response.text
    await db.refresh(member)
    assert member.display_name == "สมาชิกหนึ่ง"
    await post_form(client, "/logout")
    response = await api(client, "POST", "/api/auth/register", SIGNUP | {"display_name": "Prayut Chan O Cha",
                                                                        "accept_terms": True})
    assert response.status_code == 400 and "display_name" in response.json()["fields"]


async def test_only_admins_keep_the_protected_list(client, db, member, admin):
    await login(client, member)
    assert (await api(client, "POST", "/api/admin/names", {"name": "Someone Famous"})).status_code == 403
    assert (await client.get("/admin/names")).status_code == 403
    assert await db.scalar(select(func.count()).select_from(m.ReservedName)) == 0


async def test_a_name_is_protected_once_and_can_be_removed(admin_client, db, admin):
    await login(admin_client, admin)
    assert (await api(admin_client, "POST", "/api/admin/names", {"name": "Taylor Swift"})).status_code == 201
    assert (await api(admin_client, "POST", "/api/admin/names", {"name": "TAYLOR  SWlFT"})).status_code == 409
    reserved = await db.scalar(select(m.ReservedName))
    assert (await api(admin_client, "DELETE", f"/api/admin/names/{reserved.id}")).status_code == 200
    assert await db.scalar(select(func.count()).select_from(m.ReservedName)) == 0
