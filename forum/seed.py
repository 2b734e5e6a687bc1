"""Demo data and the first admin account."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models as m

from .db import create_engine
from .photos.seed import seed_demo_photos
from .rendering import render_markdown
from .security import hash_password, password_problem
from .settings import get_settings
from .text import search_terms

CATEGORIES = [
    ("maintenance", "บำรุงรักษา", "Maintenance", "เช็คระยะ น้ำมันเครื่อง ของเหลว และการดูแลตามรอบ", "Periodic service, oils, fluids and routine care"),
    ("tyres-brakes", "ยางและเบรก", "Tyres & brakes", "ยาง ล้อ ช่วงล่าง ผ้าเบรก จานเบรก", "Tyres, wheels, suspension, pads and discs"),
    ("electrical", "ระบบไฟฟ้า", "Electrical", "แบตเตอรี่ ไดชาร์จ ไฟ และอุปกรณ์อิเล็กทรอนิกส์", "Battery, alternator, lights and electronics"),
    ("accessories", "อุปกรณ์ตกแต่ง", "Accessories", "ของแต่ง กล้องหน้ารถ ฟิล์ม และอื่น ๆ", "Add-ons, dash cams, window film and more"),
    ("insurance-finance", "ประกันและไฟแนนซ์", "Insurance & finance", "ประกันภัย พ.ร.บ. ไฟแนนซ์ และภาษีรถ", "Insurance, compulsory cover, loans and road tax"),
    ("travel", "ท่องเที่ยว", "Travel", "ทริปขับรถ เส้นทาง และที่พัก", "Road trips, routes and places to stay"),
    ("general", "พูดคุยทั่วไป", "General chat", "เรื่องทั่วไปของคนรักรถ", "Anything else car owners talk about"),
]

# (login_id, display name, role, password)
ACCOUNTS = [
    ("admin", "ผู้ดูแลระบบ", m.Role.ADMIN, "demo-admin-2026"),
    ("guru.somchai", "กูรูสมชาย", m.Role.GURU, "demo-guru-2026"),
    ("nok", "น้องนก", m.Role.MEMBER, "demo-member-2026"),
    ("james", "James T.", m.Role.MEMBER, "demo-member-2026"),
]

THREADS = [
    ("maintenance", "nok", "น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโลครับ Yaris 2020",
     "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมืองเป็นหลัก ศูนย์บอกทุก 10,000 กม. แต่เพื่อนบอกควรเปลี่ยนทุก 5,000 กม. ควรเชื่อแบบไหนดีครับ",
     ["ถ้าขับรถติดบ่อย ๆ เปลี่ยนเร็วขึ้นหน่อยก็ดีครับ ผมเปลี่ยนทุก 7,000 กม.", "ดูตามคู่มือรถเป็นหลักครับ และเช็คระยะที่ศูนย์บริการ"]),
    ("electrical", "james", "Battery dies after a week parked - Fortuner 2019",
     "My Fortuner's battery goes flat if I leave the car for about a week. The battery is 2 years old. Is this a parasitic drain or just an old battery?",
     ["ลองวัดกระแสไฟรั่วตอนดับเครื่องดูครับ ถ้าเกิน 50mA น่าจะมีอะไรกินไฟ", "Had the same on mine: the dash cam's parking mode was draining it."]),
    ("tyres-brakes", "nok", "ผ้าเบรกหน้ามีเสียงดังเอี๊ยดตอนเบรกเบา ๆ",
     "รถ City 2021 เพิ่งเปลี่ยนผ้าเบรกหน้าได้สองเดือน มีเสียงดังเวลาเบรกเบา ๆ ตอนเช้า เป็นปกติไหมคะ",
     ["ตอนเช้ามีความชื้น จานเบรกเป็นสนิมบาง ๆ เสียงจะหายหลังเบรกไม่กี่ครั้งครับ"]),
    ("travel", "james", "Road trip Bangkok to Chiang Mai: where to stop overnight?",
     "Planning a drive north in December with family. Is Phitsanulok or Kamphaeng Phet a better overnight stop? Any EV charging on the way?",
     ["พิษณุโลกมีที่พักเยอะ และมีจุดชาร์จ EV ในห้างครับ"]),
    ("insurance-finance", "nok", "ประกันชั้น 1 กับ 2+ ต่างกันมากไหม สำหรับรถอายุ 8 ปี",
     "รถอายุ 8 ปีแล้ว เบี้ยประกันชั้น 1 ยังแพงอยู่ ควรลดเป็น 2+ หรือ 3+ ดีคะ มีใครเคลมแบบ 2+ บ้าง",
     ["ผมเปลี่ยนเป็น 2+ ตอนรถอายุ 7 ปี เคลมชนกับคู่กรณีได้ปกติครับ"]),
    ("accessories", "james", "Dash cam recommendations with parking mode",
     "Looking for a front and rear dash cam with a proper parking mode that does not drain the battery. Hardwire kit or OBD power?", []),
    ("general", "nok", "แนะนำตัวค่ะ สมาชิกใหม่จากขอนแก่น",
     "สวัสดีค่ะ เพิ่งออกรถ Yaris Ativ มาเดือนที่แล้ว ฝากตัวด้วยนะคะ", ["ยินดีต้อนรับครับ!", "Welcome to the club!"]),
]


async def _session() -> tuple[AsyncSession, object]:
    engine = create_engine(get_settings().db)
    return async_sessionmaker(engine, expire_on_commit=False)(), engine


def _user(login_id: str, display_name: str, role: m.Role, password: str, email: str) -> m.User:
    now = dt.datetime.now(dt.timezone.utc)
    return m.User(login_id=login_id, display_name=display_name, email=email, password_hash=hash_password(password),
                  date_of_birth=dt.date(1985, 5, 5), role=role, terms_version=get_settings().board.terms_version,
                  terms_accepted_at=now, created_at=now - dt.timedelta(days=30))


async def create_admin(login_id: str, display_name: str, email: str, password: str) -> str:
    login_id = login_id.strip().casefold()
    if problem := password_problem(password, login_id):
        raise ValueError(problem)
    session, engine = await _session()
    async with session:
        user = await session.scalar(select(m.User).where(m.User.login_id == login_id))
        if user is None:
            user = _user(login_id, display_name, m.Role.ADMIN, password, email)
            session.add(user)
        else:
            user.role = m.Role.ADMIN
        await session.commit()
    await engine.dispose()
    return login_id


async def seed_demo() -> list[str]:
    session, engine = await _session()
    lines = []
    async with session:
        for position, (slug, th, en, dth, den) in enumerate(CATEGORIES):
            if not await session.scalar(select(m.Category.id).where(m.Category.slug == slug)):
                session.add(m.Category(slug=slug, name_th=th, name_en=en, description_th=dth, description_en=den,
                                       position=position, thread_count=0))
        users = {}
        for login_id, name, role, password in ACCOUNTS:
            user = await session.scalar(select(m.User).where(m.User.login_id == login_id))
            if user is None:
                user = _user(login_id, name, role, password, f"{login_id}@example.com")
                session.add(user)
            users[login_id] = user
            lines.append(f"{role.value:<7} login: {login_id:<13} password: {password}")
        await session.flush()
        categories = {c.slug: c for c in (await session.scalars(select(m.Category))).all()}
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=len(THREADS))
        for index, (slug, author, title, body, replies) in enumerate(THREADS):
            if await session.scalar(select(m.Thread.id).where(m.Thread.title == title)):
                continue
            at = start + dt.timedelta(days=index)
            thread = m.Thread(category_id=categories[slug].id, author_id=users[author].id, title=title,
                              last_activity_at=at, last_author_id=users[author].id,
                              search_terms=search_terms(f"{title}\n{body}"), created_at=at)
            session.add(thread)
            await session.flush()
            session.add(m.Post(thread_id=thread.id, author_id=users[author].id, is_opening=True, body_raw=body,
                               body_html=render_markdown(body), created_at=at))
            replier = [u for u in users.values() if u.login_id != author]
            for offset, reply in enumerate(replies, start=1):
                who = replier[offset % len(replier)]
                reply_at = at + dt.timedelta(hours=offset)
                session.add(m.Post(thread_id=thread.id, author_id=who.id, body_raw=reply,
                                   body_html=render_markdown(reply), created_at=reply_at))
                thread.reply_count += 1
                thread.last_activity_at, thread.last_author_id = reply_at, who.id
            categories[slug].thread_count += 1
        await seed_demo_photos(session)
        await session.commit()
    await engine.dispose()
    return ["Demo board ready. Accounts:", *lines]
