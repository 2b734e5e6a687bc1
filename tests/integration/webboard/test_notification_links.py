"""Every kind of notification, made by the real action that sends it, links somewhere that
exists: each link is followed (as the member it was sent to, or as a guest when that membership
has ended) and none answers 404; a link to a post lands on a page holding that post's anchor."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

import models as m
from forum.photos.moderation import delete_photo
from forum.services import membership, notifications
from forum.services.posting import PostingService
from guru.services import GuruService
from moderation.reports import report_post
from moderation.rules import RULES

from ...factories import api, login, post_form

NOW = dt.datetime.now(dt.timezone.utc)


async def _moderate(client, db, admin, item_id: int, action: str, data: dict) -> None:
    item = await db.get(m.ReviewItem, item_id, populate_existing=True)
    await login(client, admin)
    response = await post_form(client, f"/admin/moderation/{item_id}/{action}", {"version": item.version, **data})
    assert response.status_code in (200, 303), response.text
    await api(client, "POST", "/api/auth/logout")


async def _make_every_kind(client, db, factory, settings, member, other_member, guru, admin, category) -> None:
    posting = PostingService(db, settings, [])
    gurus = GuruService(db, posting)
    # Ask Guru: answered, accepted (to the asker), answer accepted (to the guru).
    thread, _ = await gurus.ask(member, area_id=category.id, title="ไฟรูปประแจขึ้น", body="ต้องรีเซ็ตเองไหม")
    answer, _ = await gurus.answer(guru, thread.id, "กดปุ่ม ODO ค้างไว้แล้วบิดกุญแจครับ")
    await gurus.accept(member, answer.id)
    # Moderation: removed under every rule (the first then restored), edited, published.
    discussion, _ = await posting.create_thread(other_member, category_id=category.id, title="Dash cams", body="Which one?")
    removed = {rule: await posting.create_reply(member, thread_id=discussion.id, body=f"A reply against {rule}")
               for rule in RULES}
    edited = await posting.create_reply(member, thread_id=discussion.id, body="Buy from my shop")
    held = await posting.create_reply(member, thread_id=discussion.id, body="A reply the classifier held")
    items = {}
    for post in (*removed.values(), edited, held):
        report = await report_post(db, other_member, post.id, rule="trading", now=NOW)
        items[post.id] = report.item_id
    await posting.set_visibility(held, m.Visibility.HELD, actor=admin)
    await db.commit()
    for rule, post in removed.items():
        await _moderate(client, db, admin, items[post.id], "delete", {"rule": rule})
    first = next(iter(removed.values()))
    await _moderate(client, db, admin, items[first.id], "approve", {})
    await _moderate(client, db, admin, items[edited.id], "edit_and_approve", {"body": "Which dash cam do you like?"})
    await _moderate(client, db, admin, items[held.id], "approve", {})
    # Photos: one taken down under rule 5, one under another rule (the post stays).
    for position, rule in enumerate(("obscene", "trading")):
        photo = m.Photo(owner_id=member.id, post_id=edited.id, position=position, caption="", digest=f"{position:064x}",
                        width=10, height=10, stored_bytes=100, created_at=NOW, updated_at=NOW)
        db.add(photo)
        await db.flush()
        await delete_photo(db, admin, photo.id, rule=rule, reason=None, now=NOW)
    await db.commit()
    # Membership: every status notice under every reason, reinstatement, Gold decisions, terms.
    reasons = list(membership.REASONS)
    for index, reason in enumerate(reasons):
        for action in ("deny", "suspend", "revoke"):
            user = await factory.user(f"m-{action}-{index}")
            await membership.change_status(db, admin, user, action, reason, with_notice=True, now=NOW, days=7)
        ended = await factory.user(f"m-ended-{index}")
        await membership.change_status(db, None, ended, "revoke", reason, with_notice=True, now=NOW)
    suspended = await factory.user("m-reinstated")
    await membership.change_status(db, admin, suspended, "suspend", reasons[0], with_notice=True, now=NOW, days=3)
    await membership.change_status(db, admin, suspended, "reinstate", None, with_notice=True, now=NOW)
    for approve, plate in ((True, "กข 1111"), (False, "กข 2222")):
        applicant = await factory.user(f"gold-{plate[-4:]}")
        application = await membership.apply_for_gold(db, applicant, membership.VehicleForm(
            model="Yaris", plate=plate, province="กรุงเทพมหานคร", vin_last6="123456", dealer="Dealer",
            purchased_on="2022-01-01"), NOW)
        await membership.decide_gold(db, admin, application.id, approve=approve, reason=None if approve else "No papers",
                                     now=NOW)
    away = await factory.user("m-away", age_days=3 * 365)
    away.last_seen_at = NOW - dt.timedelta(days=3 * 365)
    await membership.inactivity_sweep(db, NOW, apply=True)
    await membership.publish_terms(db, admin, version="2099-01", body_th="ข้อตกลงใหม่", body_en="New terms",
                                   effective_on=(NOW + dt.timedelta(days=30)).date(), now=NOW)
    await db.commit()


async def test_every_notification_kind_links_to_a_page_that_exists(client, db, factory, settings, member, other_member,
                                                                  guru, admin, category):
    await _make_every_kind(client, db, factory, settings, member, other_member, guru, admin, category)
    rows = (await db.execute(select(m.Notification, m.User).join(m.User, m.User.id == m.Notification.user_id)
                             .execution_options(populate_existing=True))).all()
    made = {n.kind for n, _ in rows}
    kinds = {k for k in notifications.KINDS if not k.startswith("test.")}  # kinds other test files register
    assert kinds <= made, f"kinds never produced: {sorted(kinds - made)}"
    followed = 0
    for notification, user in rows:
        link = notification.link
        if link is None:
            assert notification.kind.startswith("moderation.removed"), f"{notification.kind} has no link"
            continue
        await api(client, "POST", "/api/auth/logout")
        if user.status in (m.MemberStatus.ACTIVE, m.MemberStatus.SUSPENDED):
            await login(client, user)
        path, _, anchor = link.partition("#")
        response = await client.get(path, follow_redirects=True)
        assert response.status_code not in (404, 500), f"{notification.kind}: {link} answered {response.status_code}"
        assert response.status_code == 200, f"{notification.kind}: {link} answered {response.status_code}"
        if anchor:
            assert re.search(rf'id="{re.escape(anchor)}"', response.text), f"{notification.kind}: no #{anchor} on {path}"
        followed += 1
    assert followed >= len(kinds) - len([k for k in kinds if k.startswith("moderation.removed")])


async def test_the_notification_list_links_each_notification(client, db, member):
    notification = await notifications.notify(db, member, "membership.terms_revised",
                                              {"version": "2099-02", "effective_on": "2099-02-01"}, "/terms/v/2099-02",
                                              email=False)
    await db.commit()
    await login(client, member)
    page = await client.get("/notifications")
    assert f'href="{notification.link}"' in page.text
