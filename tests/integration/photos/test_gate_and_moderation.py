"""A photo follows its post: held, deleted, Gold-only and 18+ posts keep their photos from those
who cannot read the post, at the photo's URL too. Moderation: the hold policy, reporting one
photo, deleting one photo alone (audit, notice, the image refused afterwards)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

import models as m

from ...factories import login, post_form
from ...photo_samples import encode
from .conftest import post_files

JPEG = ("car.jpg", encode("JPEG"), "image/jpeg")


async def photo_urls(db, post_id: int | None = None) -> list[str]:
    query = select(m.Photo)
    if post_id is not None:
        query = query.where(m.Photo.post_id == post_id)
    return [f"/photos/{p.id}/{p.digest[:32]}/{size}.jpg" for p in (await db.scalars(query)).all()
            for size in ("thumb", "display", "original")]


async def post_with_photo(client, author, category, title="มีรูป") -> m.Thread:
    await login(client, author)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": title, "body": "ดูรูปครับ"}, [("photo_file_1", JPEG)])
    assert response.status_code == 200, response.text
    client.cookies.clear()
    client.cookies["lang"] = "en"


async def statuses(client, urls: list[str]) -> set[int]:
    return {(await client.get(url)).status_code for url in urls}


@pytest.fixture
async def silver(factory) -> m.User:
    return await factory.user("silver1", "Silver One")


@pytest.fixture
async def gold(factory) -> m.User:
    return await factory.user("gold1", "Gold One", tier=m.Tier.GOLD)


@pytest.fixture
async def minor(factory) -> m.User:
    user = await factory.user("teen1", "Teen", tier=m.Tier.GOLD)
    user.date_of_birth = dt.date.today().replace(year=dt.date.today().year - 15, day=1)
    await factory.session.commit()
    return user


async def test_gold_only_photos_are_404_for_silver_and_guests(client, db, gold, silver, gold_category):
    await post_with_photo(client, gold, gold_category)
    urls = await photo_urls(db)
    assert await statuses(client, urls) == {404}  # guest
    await login(client, silver)
    assert await statuses(client, urls) == {404}
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, gold)
    assert await statuses(client, urls) == {200}


async def test_adult_photos_are_404_for_guests_and_under_18s(client, db, gold, minor, adult_category):
    await post_with_photo(client, gold, adult_category)
    urls = await photo_urls(db)
    assert await statuses(client, urls) == {404}
    await login(client, minor)
    assert await statuses(client, urls) == {404}
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, gold)  # born 1990
    assert await statuses(client, urls) == {200}


async def test_deleted_post_photos_are_404_for_everyone_but_held_ones_for_author_and_admins(
        client, db, member, silver, admin, category):
    await post_with_photo(client, member, category, "จะถูกลบ")
    first = await db.scalar(select(m.Thread))
    deleted_urls = await photo_urls(db)
    await login(client, member)
    assert (await post_form(client, f"/p/{(await db.scalar(select(m.Post))).id}/delete")).status_code == 200
    assert await statuses(client, deleted_urls) == {404}  # the author too
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, admin)
    assert await statuses(client, deleted_urls) == {404}
    client.cookies.clear()
    client.cookies["lang"] = "en"
    # A held thread: its author and admins see the photos, a Silver member and a guest do not.
    await post_with_photo(client, member, category, "รอตรวจ")
    held = await db.scalar(select(m.Thread).where(m.Thread.id != first.id))
    post = await db.scalar(select(m.Post).where(m.Post.thread_id == held.id))
    held.visibility = post.visibility = m.Visibility.HELD
    await db.commit()
    urls = await photo_urls(db, post.id)
    assert await statuses(client, urls) == {404}
    await login(client, silver)
    assert await statuses(client, urls) == {404}
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, member)
    assert await statuses(client, urls) == {200}
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, admin)
    assert await statuses(client, urls) == {200}


@pytest.mark.parametrize("photo_config", [{"hold_days": 7, "hold_min_posts": 3, "sweep_interval_seconds": 0}])
async def test_photos_from_new_members_are_held_for_review(client, db, factory, category, admin, photo_config):
    newcomer = await factory.user("newbie", "Newbie", age_days=2)
    await login(client, newcomer)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "รถใหม่ครับ", "body": "ภาพรถ"}, [("photo_file_1", JPEG)])
    assert response.status_code == 200
    thread = await db.scalar(select(m.Thread))
    assert thread.visibility == m.Visibility.HELD
    item = await db.scalar(select(m.ReviewItem))
    assert item is not None and item.status == m.ReviewStatus.OPEN
    assert await db.scalar(select(m.ReviewHistory.action).where(m.ReviewHistory.item_id == item.id)) == "photos_held"
    # Text alone is not held by the photo policy.
    await post_form(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "ไม่มีรูป", "body": "ข้อความ"})
    plain = await db.scalar(select(m.Thread).where(m.Thread.title == "ไม่มีรูป"))
    assert plain.visibility == m.Visibility.PUBLISHED
    client.cookies.clear()
    client.cookies["lang"] = "en"
    # A member long enough on the board, with enough published posts, is not held.
    veteran = await factory.user("veteran", "Veteran", age_days=400)
    for n in range(3):
        await factory.thread(category, veteran, f"old {n}")
    await login(client, veteran)
    await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "ทริปเชียงใหม่", "body": "ภาพ"},
                     [("photo_file_1", ("trip.jpg", encode("JPEG", seed=5), "image/jpeg"))])
    trip = await db.scalar(select(m.Thread).where(m.Thread.title == "ทริปเชียงใหม่"))
    assert trip.visibility == m.Visibility.PUBLISHED
    # The queue shows the held post's thumbnail.
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, admin)
    queue = await client.get("/admin/moderation/")
    assert re.search(r"/photos/\d+/[0-9a-f]{32}/thumb\.jpg", queue.text)


async def test_report_one_photo_then_admin_deletes_that_photo_alone(client, db, member, other_member, admin, category):
    await post_with_photo(client, member, category, "รูปนี้ไม่เหมาะ")
    photo = await db.scalar(select(m.Photo))
    post = await db.get(m.Post, photo.post_id)
    await login(client, other_member)
    page = await client.get(f"/t/{post.thread_id}")
    assert f"/photos/{photo.id}/report" in page.text
    reported = await post_form(client, f"/photos/{photo.id}/report", {"note": "ภาพโป๊"})
    assert reported.status_code == 200
    again = await post_form(client, f"/photos/{photo.id}/report", {"note": "again"})
    assert again.status_code == 409
    item = await db.scalar(select(m.ReviewItem))
    assert item.report_count == 1 and item.post_id == post.id
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, member)
    assert (await post_form(client, f"/photos/{photo.id}/report", {})).status_code == 403  # not one's own
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, admin)
    item_page = await client.get(f"/admin/moderation/{item.id}")
    assert f"/admin/photos/{photo.id}/delete" in item_page.text and "reported" in item_page.text
    urls = await photo_urls(db)
    done = await post_form(client, f"/admin/photos/{photo.id}/delete",
                           {"next": f"/admin/moderation/{item.id}", "rule": "obscene", "reason": "ภาพไม่เหมาะสม"})
    assert done.status_code == 200
    assert await statuses(client, urls) == {404}
    await db.refresh(post)
    assert post.visibility == m.Visibility.PUBLISHED and post.body_raw == "ดูรูปครับ"  # the text stays
    history = (await db.scalars(select(m.ReviewHistory).where(m.ReviewHistory.action == "photo_deleted"))).all()
    assert len(history) == 1 and history[0].actor_id == admin.id and history[0].after["photo_id"] == photo.id
    notice = await db.scalar(select(m.Notification).where(m.Notification.user_id == member.id))
    assert notice is not None and notice.kind == "photos.removed"
    assert (await client.get("/admin/moderation/history")).status_code == 200
    # The same image is refused from now on, for anyone.
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, other_member)
    retry = await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "อีกที", "body": "b"},
                             [("photo_file_1", ("other-name.jpg", JPEG[1], "image/jpeg"))])
    assert retry.status_code == 400 and "removed by the admins" in retry.text
    assert await db.scalar(select(func.count()).select_from(m.Thread)) == 1


async def test_only_admins_delete_photos(client, db, member, other_member, category):
    await post_with_photo(client, member, category)
    photo = await db.scalar(select(m.Photo))
    await login(client, other_member)
    assert (await post_form(client, f"/admin/photos/{photo.id}/delete", {"rule": "obscene"})).status_code == 403
    await db.refresh(photo)
    assert photo.status == m.PhotoStatus.ATTACHED


async def test_registration_book_photo_is_for_the_applicant_and_admins_and_goes_after_the_decision(
        client, db, member, other_member, admin):
    await login(client, member)
    applied = await post_form(client, "/membership/gold", {
        "model": "Yaris Ativ 2023", "plate": "1กข 1234", "province": "กรุงเทพมหานคร", "vin_last6": "AB1234",
        "dealer": "Dealer Bangna", "purchased_on": "2023-05-01"})
    assert applied.status_code == 200, applied.text
    application = await db.scalar(select(m.GoldApplication))
    assert f"/membership/gold/{application.id}/photo" in applied.text
    sent = await post_files(client, f"/membership/gold/{application.id}/photo", {}, [("photo_file_1", JPEG)])
    assert sent.status_code == 200
    url = f"/membership/gold/{application.id}/photo"
    assert (await client.get(url)).status_code == 200
    photo = await db.scalar(select(m.Photo))
    assert photo.purpose == m.PhotoPurpose.REGISTRATION
    direct = f"/photos/{photo.id}/{photo.digest[:32]}/display.jpg"
    assert (await client.get(direct)).status_code == 200
    client.cookies.clear()
    client.cookies["lang"] = "en"
    assert (await client.get(direct)).status_code == 404  # guest
    await login(client, other_member)
    assert (await client.get(url)).status_code == 404 and (await client.get(direct)).status_code == 404
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, admin)
    assert (await client.get(url)).status_code == 200
    decided = await post_form(client, f"/admin/gold/{application.id}", {"decision": "approve"})
    assert decided.status_code == 200
    assert (await client.get(url)).status_code == 404 and (await client.get(direct)).status_code == 404
    await db.refresh(photo)
    assert photo.status == m.PhotoStatus.REMOVED
