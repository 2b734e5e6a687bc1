from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

import models as m

from ...factories import PASSWORD, login, post_form

VALID = {"login_id": "somsak", "display_name": "สมศักดิ์", "email": "somsak@example.com",
         "password": "ยางใหม่-new-tyres-2026", "date_of_birth": "1988-02-29", "accept_terms": "on"}


async def count_users(db) -> int:
    return await db.scalar(select(func.count()).select_from(m.User))


async def test_registering_creates_a_silver_member_with_terms_recorded(client, db):
    response = await post_form(client, "/register", VALID)
    assert response.status_code == 200  # followed the 303 to the home page
    user = await db.scalar(select(m.User).where(m.User.login_id == "somsak"))
    assert user.tier == m.Tier.SILVER and user.role == m.Role.MEMBER
    assert user.password_hash.startswith("$argon2id$")
    assert user.terms_version and user.terms_accepted_at is not None
    accepted = await db.scalar(select(func.count()).where(m.TermsAcceptance.user_id == user.id))
    assert accepted == 1


async def test_duplicate_login_id_is_refused_case_insensitively(client, db, member):
    response = await post_form(client, "/register", VALID | {"login_id": member.login_id.upper()})
    assert response.status_code == 400
    assert "login ID is taken" in response.text or "ถูกใช้" in response.text
    assert await count_users(db) == 1


async def test_weak_password_is_refused_and_nothing_is_stored(client, db):
    for weak in ("short", "password1", "aaaaaaaaaaaa", "somsak-is-me-123"):
        response = await post_form(client, "/register", VALID | {"password": weak})
        assert response.status_code == 400, weak
    assert await count_users(db) == 0


async def test_terms_must_be_accepted(client, db):
    data = dict(VALID)
    data.pop("accept_terms")
    response = await post_form(client, "/register", data)
    assert response.status_code == 400
    assert 'id="accept_terms-error"' in response.text
    assert await count_users(db) == 0


async def test_under_age_and_impossible_birth_dates_are_refused(client, db):
    today = dt.date.today()
    too_young = today.replace(year=today.year - 12).isoformat()
    for born in (too_young, (today + dt.timedelta(days=1)).isoformat(), "not-a-date", ""):
        response = await post_form(client, "/register", VALID | {"date_of_birth": born})
        assert response.status_code == 400, born
        assert 'id="date_of_birth-error"' in response.text
    assert await count_users(db) == 0


async def test_registration_form_keeps_what_was_typed_except_the_password(client):
    response = await post_form(client, "/register", VALID | {"email": "broken"})
    assert response.status_code == 400
    assert 'value="somsak"' in response.text
    assert VALID["password"] not in response.text


async def test_login_and_logout(client, member):
    await login(client, member)
    assert (await client.get("/profile")).status_code == 200
    await post_form(client, "/logout")
    response = await client.get("/profile", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_failed_logins_are_rate_limited_per_account(client, member):
    for _ in range(5):
        response = await post_form(client, "/login", {"login_id": member.login_id, "password": "wrong-password"})
        assert response.status_code == 400
    # Even the right password is refused while the account is locked.
    response = await post_form(client, "/login", {"login_id": member.login_id, "password": PASSWORD})
    assert response.status_code == 429


async def test_failed_logins_are_rate_limited_per_ip(client, factory):
    for index in range(20):
        await post_form(client, "/login", {"login_id": f"nobody{index}", "password": "wrong-password"})
    user = await factory.user("fresh")
    response = await post_form(client, "/login", {"login_id": user.login_id, "password": PASSWORD})
    assert response.status_code == 429


async def test_state_changing_form_without_csrf_token_is_refused(client, member, category):
    await login(client, member)
    response = await client.post(f"/c/{category.slug}/new", data={"title": "t", "body": "b", "category_id": category.id})
    assert response.status_code == 403
    api_response = await client.post("/api/threads", json={"category_id": category.id, "title": "t", "body": "b"})
    assert api_response.status_code == 403


async def test_resigning_removes_personal_data_and_keeps_posts_as_former_member(client, db, member, category, factory):
    thread = await factory.thread(category, member, "กระทู้ของฉัน", "เนื้อหา")
    await login(client, member)
    response = await post_form(client, "/profile/resign", {"confirm": "on"})
    assert response.status_code == 200
    await db.refresh(member)
    assert member.status == m.MemberStatus.RESIGNED
    assert member.email is None and member.password_hash is None and member.date_of_birth is None
    page = await client.get(f"/t/{thread.id}")
    assert "สมาชิกหนึ่ง" not in page.text
    assert "former member" in page.text or "อดีตสมาชิก" in page.text


async def test_revoked_member_session_ends_at_once(client, db, member):
    await login(client, member)
    member.status = m.MemberStatus.REVOKED
    await db.commit()
    response = await client.get("/profile", follow_redirects=False)
    assert response.status_code == 303


async def test_password_hashing_and_checking_run_off_the_event_loop(client, db, member, monkeypatch):
    """Argon2 takes a tenth of a second or more: run in the event loop, every login and sign-up
    stalled all the other requests of the process (and kept any write lock they held)."""
    import threading

    from forum import security
    from forum.services import accounts

    loop_thread, seen = threading.get_ident(), []

    def recording(real):
        def run(*args):
            seen.append((real.__name__, threading.get_ident() != loop_thread))
            return real(*args)
        return run

    monkeypatch.setattr(accounts, "verify_password", recording(security.verify_password))
    monkeypatch.setattr(accounts, "hash_password", recording(security.hash_password))
    await login(client, member)
    assert (await post_form(client, "/login", {"login_id": member.login_id, "password": "wrong-password"})).status_code == 400
    client.cookies.clear()
    assert (await post_form(client, "/register", VALID)).status_code == 200
    assert seen == [("verify_password", True), ("verify_password", True), ("hash_password", True)]
