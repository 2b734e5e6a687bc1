"""No way past the category gates by post id, no marks from suspended members, exports that hold
only the member's own rows, and one display-name rule wherever a name is set."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import models as m

from ...factories import api, login, post_form
from ..guru.conftest import answer, ask

SECRET_TITLE = "Ceramic brake pad wear log"
SECRET_BODY = "Owners only: the pads lasted 41,000 km"


@pytest.fixture(params=["gold", "adult"])
async def gated(request, factory, gold_area, adult_area, gold_member, member, minor):
    """A post in a gated area and a member outside that gate (Silver for Gold-only, a minor for 18+)."""
    area, outsider = (gold_area, member) if request.param == "gold" else (adult_area, minor)
    thread = await factory.thread(area, gold_member, SECRET_TITLE, SECRET_BODY)
    post = await factory.session.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    return area, outsider, thread, post


async def test_the_report_form_of_a_gated_post_is_not_found_for_someone_outside_the_gate(client, gated):
    _, outsider, _, post = gated
    await login(client, outsider)
    page = await client.get(f"/p/{post.id}/report")
    assert page.status_code == 404
    assert SECRET_TITLE not in page.text and "41,000" not in page.text
    sent = await post_form(client, f"/p/{post.id}/report", {"rule": "trading"})
    assert sent.status_code == 404 and SECRET_TITLE not in sent.text


async def test_the_report_api_refuses_a_post_the_member_cannot_read(client, db, gated):
    _, outsider, _, post = gated
    await login(client, outsider)
    response = await api(client, "POST", f"/api/posts/{post.id}/reports", {"rule": "trading"})
    assert response.status_code == 404
    assert await db.scalar(select(func.count()).select_from(m.Report)) == 0


async def test_someone_inside_the_gate_can_still_report(client, factory, gold_area, gold_member, other_member, admin):
    thread = await factory.thread(gold_area, other_member, SECRET_TITLE, SECRET_BODY)
    post = await factory.session.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    await login(client, gold_member)
    page = await client.get(f"/p/{post.id}/report")
    assert page.status_code == 200 and SECRET_TITLE in page.text
    response = await api(client, "POST", f"/api/posts/{post.id}/reports", {"rule": "trading"})
    assert response.status_code == 201


async def _gated_answer(db, settings, area, asker, guru):
    thread = await ask(db, settings, asker, area, "Which pads for the track day?")
    return await answer(db, settings, guru, thread, "Use the sintered ones.")


async def test_helpful_on_a_gated_guru_answer_is_not_found_outside_the_gate(client, db, settings, gated, gold_member, guru):
    area, outsider, _, _ = gated
    post = await _gated_answer(db, settings, area, gold_member, guru)
    await login(client, outsider)
    assert (await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")).status_code == 404
    assert (await post_form(client, f"/guru/a/{post.id}/helpful")).status_code == 404
    assert await db.scalar(select(func.count()).select_from(m.GuruHelpfulMark)) == 0


async def test_a_suspended_member_cannot_mark_an_answer_helpful(client, db, settings, category, member, guru, suspended):
    thread = await ask(db, settings, member, category, "Oil change interval?")
    post = await answer(db, settings, guru, thread)
    await login(client, suspended)
    client.cookies["lang"] = "en"
    response = await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")
    assert response.status_code == 403 and "suspended" in response.json()["error"]
    assert (await post_form(client, f"/guru/a/{post.id}/helpful")).status_code == 403
    assert await db.scalar(select(func.count()).select_from(m.GuruHelpfulMark)) == 0


async def test_the_export_has_no_other_members_coin_rows(client, db, settings, category, member, other_member, guru):
    thread = await ask(db, settings, other_member, category, "Battery keeps dying")
    post = await answer(db, settings, guru, thread)
    await login(client, member)
    assert (await api(client, "POST", f"/api/guru/answers/{post.id}/helpful")).status_code == 200
    guru_rows = (await db.scalars(select(m.CoinLedgerEntry).where(
        m.CoinLedgerEntry.user_id == guru.id, m.CoinLedgerEntry.reason == m.CoinReason.HELPFUL))).all()
    assert guru_rows and guru_rows[0].actor_id == member.id  # the row that used to leak
    data = (await client.get("/api/account/export")).json()
    ledger = data["other"].get("coin_ledger", [])
    assert all(row["user_id"] == member.id for row in ledger)
    # and every other section: no row that belongs to someone else
    for table, rows in data["other"].items():
        for row in rows:
            owned = [v for k, v in row.items() if k in ("user_id", "author_id", "reporter_id", "guru_id", "target_user_id")]
            assert member.id in owned, (table, row)


async def test_an_admins_export_has_no_posts_they_moderated_or_edited(client, db, factory, category, member, admin):
    thread = await factory.thread(category, member, "Member's thread", "Member's body")
    post = await db.scalar(select(m.Post).where(m.Post.thread_id == thread.id))
    db.add(m.PostRevision(post_id=post.id, editor_id=admin.id, title=None, body_raw="the member's earlier words",
                         revised_at=post.created_at))
    await db.commit()
    await login(client, admin)
    data = (await client.get("/api/account/export")).json()
    assert "earlier words" not in str(data)


def test_every_table_with_several_member_columns_declares_whose_rows_it_holds():
    from forum.services.membership import _EXPORTED, owner_column

    for table in m.metadata.sorted_tables:
        if table.name not in _EXPORTED:
            owner_column(table)  # raises for an undeclared table


async def test_the_guru_profile_refuses_another_members_real_name(client, db, factory, guru):
    owner = await factory.user("realname", "Nickname")
    owner.real_name = "Somchai Jaidee"
    db.add(m.ReservedName(key=__import__("forum.services.membership", fromlist=["x"]).name_key("Somchai Jaidee"),
                          user_id=owner.id, note=""))
    await db.commit()
    await login(client, guru)
    client.cookies["lang"] = "en"
    page = await post_form(client, "/guru/profile", {"display_name": "Somchai  Jaidee", "bio": ""})
    assert page.status_code == 400 and "rule 6" in page.text
    response = await api(client, "PATCH", "/api/guru/profile", {"display_name": "SOMCHAI JAIDEE", "bio": "", "area_ids": []})
    assert response.status_code == 400 and "display_name" in response.json()["fields"]
    profile = await db.scalar(select(m.GuruProfile).where(m.GuruProfile.user_id == guru.id))
    assert profile is None or "Somchai" not in profile.display_name
    # the same name as one's own profile name is still accepted
    assert (await api(client, "PATCH", "/api/guru/profile", {"display_name": "Guru One", "bio": "", "area_ids": []})).status_code == 200


async def test_the_admin_command_refuses_another_members_real_name(db, factory, settings, monkeypatch):
    from forum import seed

    owner = await factory.user("realname", "Nickname")
    from forum.services.membership import set_real_name
    await set_real_name(db, owner, "Somchai Jaidee")
    await db.commit()
    monkeypatch.setattr(seed, "get_settings", lambda: settings)
    with pytest.raises(ValueError, match="6"):
        await seed.create_admin("newadmin", "Somchai Jaidee", "a@example.com", "a-long-enough-passphrase-1")
