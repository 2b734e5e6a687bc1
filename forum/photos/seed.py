"""Demo photos for `webboard seed-demo`, drawn with Pillow (nothing downloaded): a warning light
on a dashboard, a tyre's tread, a brake disc and a car on a road trip, attached to the opening
posts of a few demo threads through the same re-encoding and storage as members' uploads."""

from __future__ import annotations

import datetime as dt
import io
import math

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..settings import get_settings
from .image import process
from .service import store
from .storage import storage_for

W, H = 1600, 1200


def _sky(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(image)
    for y in range(H):
        t = y / H
        draw.line((0, y, W, y), fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return image


def dashboard() -> Image.Image:
    image = Image.new("RGB", (W, H), (18, 20, 26))
    draw = ImageDraw.Draw(image)
    for cx in (500, 1100):  # two dials
        draw.ellipse((cx - 260, 300, cx + 260, 820), outline=(90, 100, 120), width=14)
        for tick in range(0, 181, 15):
            a = math.radians(200 - tick * 220 / 180)
            draw.line((cx + 230 * math.cos(a), 560 - 230 * math.sin(a), cx + 200 * math.cos(a), 560 - 200 * math.sin(a)),
                      fill=(200, 205, 215), width=6)
        a = math.radians(150)
        draw.line((cx, 560, cx + 190 * math.cos(a), 560 - 190 * math.sin(a)), fill=(240, 80, 40), width=10)
    # The amber engine warning light between the dials.
    draw.rounded_rectangle((720, 860, 880, 960), radius=16, fill=(255, 176, 0))
    draw.rectangle((760, 830, 840, 860), fill=(255, 176, 0))
    draw.rectangle((690, 890, 720, 930), fill=(255, 176, 0))
    draw.rectangle((880, 880, 920, 940), fill=(255, 176, 0))
    return image


def tyre() -> Image.Image:
    image = _sky((200, 200, 196), (150, 150, 146))
    draw = ImageDraw.Draw(image)
    cx, cy = W // 2, H // 2
    draw.ellipse((cx - 520, cy - 520, cx + 520, cy + 520), fill=(28, 28, 30))
    for k in range(48):  # tread blocks
        a = 2 * math.pi * k / 48
        x, y = cx + 480 * math.cos(a), cy + 480 * math.sin(a)
        draw.ellipse((x - 22, y - 22, x + 22, y + 22), fill=(60, 60, 62))
    draw.ellipse((cx - 300, cy - 300, cx + 300, cy + 300), fill=(170, 172, 178))
    for k in range(5):  # spokes
        a = 2 * math.pi * k / 5
        draw.line((cx, cy, cx + 290 * math.cos(a), cy + 290 * math.sin(a)), fill=(110, 112, 118), width=70)
    draw.ellipse((cx - 70, cy - 70, cx + 70, cy + 70), fill=(90, 92, 98))
    return image


def brake_disc() -> Image.Image:
    image = _sky((90, 96, 110), (40, 44, 52))
    draw = ImageDraw.Draw(image)
    cx, cy = W // 2, H // 2
    draw.ellipse((cx - 460, cy - 460, cx + 460, cy + 460), fill=(150, 140, 132))
    for ring in range(3):
        for k in range(12):
            a = 2 * math.pi * (k + ring / 3) / 12
            r = 260 + ring * 60
            x, y = cx + r * math.cos(a), cy + r * math.sin(a)
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(60, 58, 56))
    draw.ellipse((cx - 180, cy - 180, cx + 180, cy + 180), fill=(110, 104, 98))
    draw.pieslice((cx - 500, cy - 500, cx + 500, cy + 500), 300, 350, fill=(200, 30, 30))  # the caliper
    return image


def road_trip() -> Image.Image:
    image = _sky((120, 180, 240), (250, 220, 170))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 700), (300, 420), (620, 700)], fill=(70, 110, 80))
    draw.polygon([(400, 700), (900, 300), (1400, 700)], fill=(60, 100, 72))
    draw.rectangle((0, 700, W, H), fill=(70, 72, 78))
    draw.polygon([(760, 700), (840, 700), (1200, H), (400, H)], fill=(90, 92, 98))
    for y in range(740, H, 90):
        draw.rectangle((795, y, 805, y + 40), fill=(250, 250, 240))
    # A small hatchback.
    draw.rounded_rectangle((520, 820, 1080, 1000), radius=40, fill=(200, 30, 40))
    draw.polygon([(620, 820), (700, 700), (930, 700), (1010, 820)], fill=(200, 30, 40))
    draw.polygon([(650, 815), (715, 720), (800, 720), (800, 815)], fill=(180, 220, 240))
    draw.polygon([(820, 815), (820, 720), (915, 720), (980, 815)], fill=(180, 220, 240))
    for wx in (640, 960):
        draw.ellipse((wx - 70, 940, wx + 70, 1080), fill=(25, 25, 25))
        draw.ellipse((wx - 32, 978, wx + 32, 1042), fill=(170, 170, 170))
    return image


# category slug of a demo thread -> its photos (drawing, caption)
DEMO = {
    "electrical": [(dashboard, "The amber light that comes on after a week parked")],
    "tyres-brakes": [(brake_disc, "จานเบรกหน้า หลังเปลี่ยนผ้าเบรก"), (tyre, "ดอกยางหน้าซ้าย")],
    "travel": [(road_trip, "พักรถระหว่างทางไปเชียงใหม่")],
    "general": [(road_trip, "รถคันใหม่ค่ะ"), (dashboard, "หน้าปัดตอนกลางคืน")],
}


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def seed_demo_photos(session: AsyncSession) -> int:
    """Attaches drawn photos to the opening post of the first demo thread in a few categories
    (once: posts that already have photos are left alone). Returns how many were added. Does not
    commit (the seeder does)."""
    settings = get_settings()
    storage = storage_for(settings)
    now = dt.datetime.now(dt.timezone.utc)
    added = 0
    for slug, drawings in DEMO.items():
        post = await session.scalar(
            select(m.Post).join(m.Thread, m.Thread.id == m.Post.thread_id).join(m.Category, m.Category.id == m.Thread.category_id)
            .where(m.Category.slug == slug, m.Post.is_opening.is_(True), m.Post.visibility == m.Visibility.PUBLISHED)
            .order_by(m.Thread.id).limit(1))
        if post is None or await session.scalar(select(m.Photo.id).where(m.Photo.post_id == post.id).limit(1)):
            continue
        for position, (draw, caption) in enumerate(drawings):
            processed = process(_jpeg(draw()), max_bytes=settings.photos.max_file_bytes,
                                max_pixels=settings.photos.max_pixels)
            await store(storage, processed)
            session.add(m.Photo(owner_id=post.author_id, post_id=post.id, position=position, caption=caption,
                                digest=processed.digest, width=processed.width, height=processed.height,
                                stored_bytes=processed.stored_bytes, created_at=now, updated_at=now))
            added += 1
    await session.flush()
    return added
