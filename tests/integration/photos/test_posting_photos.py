"""Photos through the one posting path: attached to threads, replies, Ask Guru questions and
answers; limits refused with clear messages and nothing half-saved; staged photos survive a form
error; the served files carry no metadata and long immutable cache headers."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

import models as m

from ...factories import login
from ...photo_samples import SERIAL, encode, has_gps
from .conftest import post_files

URL = re.compile(r"/photos/\d+/[0-9a-f]{32}/(?:thumb|display|original)\.jpg")


def jpeg(name: str = "car.jpg", **kw) -> tuple[str, bytes, str]:
    return (name, encode("JPEG", **kw), "image/jpeg")


def heic(name: str = "IMG_0001.HEIC", **kw) -> tuple[str, bytes, str]:
    return (name, encode("HEIF", **kw), "image/heic")


async def count(db, model, *where) -> int:
    return await db.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_thread_with_a_gps_jpeg_and_a_heic_shows_both_and_serves_clean_files(client, db, member, category):
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new", {
        "category_id": category.id, "title": "ไฟเตือนนี้คืออะไร", "body": "ขึ้นตอนสตาร์ทรถ",
        "photo_caption_1": "ไฟรูปกาน้ำ", "photo_caption_2": "dashboard at night",
    }, [("photo_file_1", jpeg(orientation=6)), ("photo_file_2", heic())])
    assert response.status_code == 200, response.text
    html = response.text
    urls = sorted(set(URL.findall(html)))
    assert any(u.endswith("/display.jpg") for u in urls) and any(u.endswith("/thumb.jpg") for u in urls)
    assert 'loading="lazy"' in html and "srcset=" in html and "ไฟรูปกาน้ำ" in html
    assert re.search(r'<img src="/photos/\d+/[0-9a-f]{32}/display\.jpg"[^>]*width="480" height="640"', html)
    photos = (await db.scalars(select(m.Photo).order_by(m.Photo.position))).all()
    assert [(p.position, p.caption, p.width, p.height) for p in photos] == [
        (0, "ไฟรูปกาน้ำ", 480, 640), (1, "dashboard at night", 640, 480)]
    for photo in photos:
        for size in ("thumb", "display", "original"):
            served = await client.get(f"/photos/{photo.id}/{photo.digest[:32]}/{size}.jpg")
            assert served.status_code == 200
            assert served.headers["content-type"] == "image/jpeg"
            assert "immutable" in served.headers["cache-control"] and "max-age=31536000" in served.headers["cache-control"]
            assert not has_gps(served.content) and b"Exif" not in served.content and SERIAL.encode() not in served.content
            assert Image.open(io.BytesIO(served.content)).format == "JPEG"
    # The digest in the URL is the photo's: another one (or a guess) is not found.
    assert (await client.get(f"/photos/{photos[0].id}/{'0' * 32}/display.jpg")).status_code == 404


async def test_a_reply_with_a_photo(client, db, member, other_member, category, factory):
    thread = await factory.thread(category, other_member, "ยางสึกแบบนี้ปกติไหม")
    await login(client, member)
    response = await post_files(client, f"/t/{thread.id}/reply", {"body": "ของผมเป็นแบบนี้"},
                                [("photo_file_1", jpeg("tyre.jpg"))])
    assert response.status_code == 200
    reply = await db.scalar(select(m.Post).where(m.Post.is_opening.is_(False)))
    photo = await db.scalar(select(m.Photo))
    assert photo.post_id == reply.id and URL.search(response.text)


async def test_the_api_lists_a_posts_photos(client, db, member, category):
    await login(client, member)
    await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "t", "body": "b"},
                     [("photo_file_1", jpeg())])
    thread = await db.scalar(select(m.Thread))
    body = (await client.get(f"/api/threads/{thread.id}")).json()
    text = str(body)
    assert "display.jpg" in text and "srcset" in text


@pytest.mark.parametrize("upload,expected", [
    (("car.jpg", b"this is a text file, not a photo" * 20, "image/jpeg"), "not a photo"),
    (("car.heic", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500, "image/heic"), "not a photo"),
])
async def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(client, db, member, category, upload, expected):
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "title", "body": "body"}, [("photo_file_1", upload)])
    assert response.status_code == 400
    assert expected in response.text and "car." in response.text
    assert await count(db, m.Thread) == 0 and await count(db, m.Post) == 0 and await count(db, m.Photo) == 0


@pytest.mark.parametrize("photo_config", [{"hold_min_posts": 0, "hold_days": 0, "sweep_interval_seconds": 0,
                                           "max_file_bytes": 30_000, "per_post": 2}])
async def test_size_and_count_limits_have_clear_messages(client, db, member, category, photo_config):
    await login(client, member)
    big = ("big.jpg", encode("JPEG", width=2000, height=1500), "image/jpeg")
    assert len(big[1]) > 30_000
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "t", "body": "b"}, [("photo_file_1", big)])
    assert response.status_code == 400 and "larger than" in response.text
    three = [(f"photo_file_{i}", jpeg(f"p{i}.jpg", seed=i)) for i in (1, 2, 3)]
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "t", "body": "b"}, three)
    assert response.status_code == 400 and "at most 2 photos" in response.text
    assert await count(db, m.Thread) == 0 and await count(db, m.Photo) == 0


@pytest.mark.parametrize("photo_config", [{"hold_min_posts": 0, "hold_days": 0, "sweep_interval_seconds": 0,
                                           "daily_bytes": 60_000}])
async def test_the_daily_allowance_is_per_member(client, db, member, category, photo_config):
    await login(client, member)
    first = await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "one", "body": "b"},
                             [("photo_file_1", jpeg(seed=1))])
    assert first.status_code == 200
    second = await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "two", "body": "b"},
                              [("photo_file_1", jpeg(seed=2)), ("photo_file_2", jpeg(seed=3))])
    assert second.status_code == 400 and "allowance" in second.text
    assert await count(db, m.Thread) == 1 and await count(db, m.Photo) == 1


async def test_photos_survive_a_form_error_and_are_posted_with_the_fixed_form(client, db, member, category):
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "  ", "body": "b", "photo_caption_1": "ล้อหน้า"},
                                [("photo_file_1", jpeg())])
    assert response.status_code == 400
    token = re.search(r'name="photo_token_1" value="([^"]+)"', response.text).group(1)
    assert 'value="ล้อหน้า"' in response.text
    preview = re.search(r'src="(/photos/staged/[^"]+/thumb\.jpg)"', response.text).group(1)
    assert (await client.get(preview)).status_code == 200
    assert await count(db, m.Photo) == 0
    response = await post_files(client, f"/c/{category.slug}/new", {
        "category_id": category.id, "title": "ล้อหน้ามีเสียง", "body": "b", "photo_token_1": token,
        "photo_caption_1": "ล้อหน้าซ้าย"}, [])
    assert response.status_code == 200
    photo = await db.scalar(select(m.Photo))
    assert photo.caption == "ล้อหน้าซ้าย"
    # A forged or altered token is refused (its last character changed: a signature that happens to
    # end in "00" must not make the "altered" token the real one).
    altered = token[:-1] + ("1" if token[-1] != "1" else "2")
    bad = await post_files(client, f"/c/{category.slug}/new", {
        "category_id": category.id, "title": "again", "body": "b", "photo_token_1": altered}, [])
    assert bad.status_code == 400 and await count(db, m.Photo) == 1


async def test_another_members_staged_photo_cannot_be_used(client, db, member, other_member, category):
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "", "body": "b"}, [("photo_file_1", jpeg())])
    token = re.search(r'name="photo_token_1" value="([^"]+)"', response.text).group(1)
    await client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, other_member)
    stolen = await post_files(client, f"/c/{category.slug}/new",
                              {"category_id": category.id, "title": "mine now", "body": "b", "photo_token_1": token}, [])
    assert stolen.status_code == 400 and await count(db, m.Photo) == 0


async def test_ask_guru_question_and_guru_answer_carry_photos(client, db, member, guru, category):
    await login(client, member)
    asked = await post_files(client, "/guru/ask", {"area_id": category.id, "title": "เสียงดังจากช่วงล่าง",
                                                   "body": "ดังตอนเลี้ยวซ้าย"}, [("photo_file_1", jpeg())])
    assert asked.status_code == 200, asked.text
    thread = await db.scalar(select(m.Thread))
    assert URL.search(asked.text)
    client.cookies.clear()
    client.cookies["lang"] = "en"
    await login(client, guru)
    answered = await post_files(client, f"/guru/q/{thread.id}/answer", {"body": "ลูกหมากน่าจะหลวมครับ"},
                                [("photo_file_1", jpeg("joint.jpg", seed=4))])
    assert answered.status_code == 200, answered.text
    assert await count(db, m.Photo) == 2 and len(set(URL.findall(answered.text))) >= 2
