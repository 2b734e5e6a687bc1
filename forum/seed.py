"""Demo data (a guided tour of the board) and the first admin account.

`seed_demo` runs a list of seed steps (`SEED_STEPS`), each an async function taking the shared
`DemoContext`. Every post is made through the real posting path (`PostingService`, the guru
service for questions and answers, with the moderation hook), so guru answers carry their
recorded disclaimers, coins are earned through the same events as on the live board, and the
classifier decides what is held. Posts are then back-dated so the board looks lived in.
The seed is idempotent: run it twice and nothing is duplicated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models as m

from .db import create_engine
from .i18n import gettext
from .photos.seed import seed_demo_photos
from .security import hash_password, password_problem
from .services.membership import clean_display_name
from .settings import Settings, get_settings

CATEGORIES = [
    # slug, Thai name, English name, Thai description, English description, access
    ("maintenance", "บำรุงรักษา", "Maintenance", "เช็คระยะ น้ำมันเครื่อง ของเหลว และการดูแลตามรอบ", "Periodic service, oils, fluids and routine care", "open"),
    ("tyres-brakes", "ยางและเบรก", "Tyres & brakes", "ยาง ล้อ ช่วงล่าง ผ้าเบรก จานเบรก", "Tyres, wheels, suspension, pads and discs", "open"),
    ("electrical", "ระบบไฟฟ้า", "Electrical", "แบตเตอรี่ ไดชาร์จ ไฟ และอุปกรณ์อิเล็กทรอนิกส์", "Battery, alternator, lights and electronics", "open"),
    ("accessories", "อุปกรณ์ตกแต่ง", "Accessories", "ของแต่ง กล้องหน้ารถ ฟิล์ม และอื่น ๆ", "Add-ons, dash cams, window film and more", "open"),
    ("insurance-finance", "ประกันและไฟแนนซ์", "Insurance & finance", "ประกันภัย พ.ร.บ. ไฟแนนซ์ และภาษีรถ", "Insurance, compulsory cover, loans and road tax", "open"),
    ("travel", "ท่องเที่ยว", "Travel", "ทริปขับรถ เส้นทาง และที่พัก", "Road trips, routes and places to stay", "open"),
    ("general", "พูดคุยทั่วไป", "General chat", "เรื่องทั่วไปของคนรักรถ", "Anything else car owners talk about", "open"),
    ("owners-log", "บันทึกเจ้าของรถ", "Owners' log", "สมุดบันทึกของสมาชิก Gold ที่ยืนยันรถแล้ว: ค่าใช้จ่าย อัตราสิ้นเปลือง และประสบการณ์ระยะยาว",
     "For verified Gold owners: running costs, fuel economy and long-term notes", "gold"),
    ("track-days", "แทร็กเดย์และสนามแข่ง", "Track days", "กิจกรรมขับในสนาม สำหรับสมาชิกอายุ 18 ปีขึ้นไป",
     "Circuit driving events, for members aged 18 or over", "adult18"),
]

DEMO_PASSWORD = "demo-member-2026"


@dataclass(frozen=True)
class DemoAccount:
    login_id: str
    display_name: str
    role: m.Role
    password: str
    tier: m.Tier = m.Tier.SILVER
    joined_days_ago: float = 60
    born: dt.date = dt.date(1985, 5, 5)
    try_this: str = ""


ACCOUNTS = [
    DemoAccount("admin", "ผู้ดูแลระบบ", m.Role.ADMIN, "demo-admin-2026",
                try_this="work the moderation queue (/admin/moderation: a held post and a member's report), "
                         "publish notices (/admin/notices), manage members and prizes"),
    DemoAccount("guru.somchai", "กูรูสมชาย", m.Role.GURU, "demo-guru-2026",
                try_this="answer questions waiting in the guru inbox (/guru/inbox); areas: maintenance, electrical, tyres & brakes"),
    DemoAccount("nok", "น้องนก", m.Role.MEMBER, DEMO_PASSWORD,
                try_this="Silver member: accept the guru's answer to her Ask Guru question, see coins and a prize "
                         "redemption (/coins), read notifications"),
    DemoAccount("james", "James T.", m.Role.MEMBER, DEMO_PASSWORD, tier=m.Tier.GOLD,
                try_this="verified Gold member: reads and posts in the Gold-only Owners' log and the 18+ Track days"),
    DemoAccount("mai", "ใหม่ มือใหม่", m.Role.MEMBER, DEMO_PASSWORD, joined_days_ago=0.1, born=dt.date(1999, 1, 20),
                try_this="joined today: the new-thread and Ask Guru forms show how many threads she may still post today"),
    DemoAccount("boy", "บอยซิ่ง", m.Role.MEMBER, DEMO_PASSWORD, joined_days_ago=40, born=dt.date(2009, 2, 14),
                try_this="aged 17: the 18+ Track days category is closed to him; his trading post waits in the queue"),
]

# Threads: (category, author, title, body, [(replier, reply), ...], days ago)
THREADS: list[tuple[str, str, str, str, list[tuple[str, str]], float]] = [
    ("maintenance", "nok", "น้ำมันเครื่องควรเปลี่ยนทุกกี่กิโลครับ Yaris 2020",
     "ใช้น้ำมันเครื่องสังเคราะห์แท้ ขับในเมืองเป็นหลัก ศูนย์บอกทุก 10,000 กม. แต่เพื่อนบอกควรเปลี่ยนทุก 5,000 กม. ควรเชื่อแบบไหนดีครับ",
     [("james", "ถ้าขับรถติดบ่อย ๆ เปลี่ยนเร็วขึ้นหน่อยก็ดีครับ ผมเปลี่ยนทุก 7,000 กม."),
      ("guru.somchai", "ดูตามคู่มือรถเป็นหลักครับ ถ้าใช้งานหนัก (รถติด ระยะสั้น ฝุ่นเยอะ) ให้ใช้ตารางแบบ severe service ในคู่มือ")], 30),
    ("electrical", "james", "Battery dies after a week parked - Fortuner 2019",
     "My Fortuner's battery goes flat if I leave the car for about a week. The battery is 2 years old. "
     "Is this a parasitic drain or just an old battery?",
     [("nok", "ลองวัดกระแสไฟรั่วตอนดับเครื่องดูค่ะ ถ้าเกิน 50mA น่าจะมีอะไรกินไฟ"),
      ("boy", "Had the same on mine: the dash cam's parking mode was draining it.")], 29),
    ("tyres-brakes", "nok", "ผ้าเบรกหน้ามีเสียงดังเอี๊ยดตอนเบรกเบา ๆ",
     "รถ City 2021 เพิ่งเปลี่ยนผ้าเบรกหน้าได้สองเดือน มีเสียงดังเวลาเบรกเบา ๆ ตอนเช้า เป็นปกติไหมคะ",
     [("james", "ตอนเช้ามีความชื้น จานเบรกเป็นสนิมบาง ๆ เสียงจะหายหลังเบรกไม่กี่ครั้งครับ")], 28),
    ("travel", "james", "Road trip Bangkok to Chiang Mai: where to stop overnight?",
     "Planning a drive north in December with family. Is Phitsanulok or Kamphaeng Phet a better overnight stop? "
     "Any EV charging on the way?",
     [("nok", "พิษณุโลกมีที่พักเยอะ และมีจุดชาร์จ EV ในห้างค่ะ")], 27),
    ("insurance-finance", "nok", "ประกันชั้น 1 กับ 2+ ต่างกันมากไหม สำหรับรถอายุ 8 ปี",
     "รถอายุ 8 ปีแล้ว เบี้ยประกันชั้น 1 ยังแพงอยู่ ควรลดเป็น 2+ หรือ 3+ ดีคะ มีใครเคลมแบบ 2+ บ้าง",
     [("james", "ผมเปลี่ยนเป็น 2+ ตอนรถอายุ 7 ปี เคลมชนกับคู่กรณีได้ปกติครับ")], 26),
    ("accessories", "james", "Dash cam recommendations with parking mode",
     "Looking for a front and rear dash cam with a proper parking mode that does not drain the battery. "
     "Hardwire kit or OBD power?", [], 25),
    ("general", "nok", "แนะนำตัวค่ะ สมาชิกใหม่จากขอนแก่น",
     "สวัสดีค่ะ เพิ่งออกรถ Yaris Ativ มาเดือนที่แล้ว ฝากตัวด้วยนะคะ",
     [("james", "ยินดีต้อนรับครับ!"), ("guru.somchai", "Welcome to the club! มีอะไรสงสัยถามในห้อง Ask Guru ได้เลยครับ")], 24),
    ("maintenance", "james", "Coolant level drops slowly, no visible leak",
     "Every two weeks I top up about 100 ml of coolant. No puddles under the car, no white smoke. "
     "Where should I look first?",
     [("nok", "ลองเช็คฝาหม้อน้ำดูค่ะ ของบ้านนกเป็นที่ซีลฝายางเสื่อม")], 23),
    ("maintenance", "nok", "เปลี่ยนน้ำมันเกียร์ CVT จำเป็นไหม ศูนย์บอกว่า lifetime",
     "รถวิ่งมา 80,000 กม. ยังไม่เคยเปลี่ยนน้ำมันเกียร์ CVT เลย ศูนย์บอกว่าใช้ได้ตลอดอายุ แต่ในกลุ่มบอกให้เปลี่ยนทุก 40,000 กม.",
     [("james", "CVT fluid 'lifetime' usually means the warranty period. I change mine every 60,000 km to be safe.")], 22),
    ("tyres-brakes", "james", "ยางรั่วซึม เติมลมทุกสัปดาห์ tyre slowly losing pressure",
     "The rear left tyre loses about 4 psi a week. ร้านยางหาจุดรั่วไม่เจอ Could it be the valve or the rim?",
     [("nok", "ลองเอาน้ำสบู่ลูบรอบขอบแม็กกับจุ๊บลมดูค่ะ ถ้ามีฟองคือรั่วตรงนั้น")], 21),
    ("tyres-brakes", "nok", "ยางรถเก๋งควรเปลี่ยนตอนดอกยางเหลือกี่มิล",
     "ดอกยางเหลือประมาณ 3 มิล แต่ยางอายุแค่ 3 ปี ควรเปลี่ยนเลยหรือรอได้อีกหน่อยคะ ช่วงนี้ฝนตกบ่อย", [], 20),
    ("electrical", "nok", "ไฟหน้า LED กระพริบหลังติดตั้งเอง",
     "เปลี่ยนหลอดไฟหน้าเป็น LED เอง ใช้ได้สองวันแล้วเริ่มกระพริบตอนติดเครื่อง ต้องใส่ตัวต้านทาน (canbus) ไหมคะ",
     [("james", "Yes, most likely the car's bulb check sees the LED as a failed bulb. A canbus decoder fixes it.")], 19),
    ("electrical", "james", "Alternator or battery? Dim lights at idle",
     "At idle the headlights dim and the voltmeter shows 12.4 V. At 2,000 rpm it goes back to 14.1 V.", [], 18),
    ("accessories", "nok", "ฟิล์มกรองแสงหน้ารถ 40% กับ 60% แบบไหนขับกลางคืนสบายตากว่า",
     "กำลังจะติดฟิล์มใหม่ ขับกลางคืนบ่อย กลัวมืดเกินไป ใครใช้ 40% อยู่บ้างคะ",
     [("james", "ผมใช้ 60% ด้านหน้า 40% รอบคัน กลางคืนยังมองชัดครับ")], 17),
    ("accessories", "nok", "ติดกล้องหน้ารถเองได้ไหม ไม่อยากเดินสายรก",
     "อยากติดกล้องหน้ารถเอง แต่ไม่อยากให้สายห้อย มีวิธีซ่อนสายตามขอบหลังคาง่าย ๆ ไหมคะ",
     [("james", "เหน็บสายตามขอบยางประตูกับขอบหลังคาได้เลยครับ ใช้เกรียงพลาสติกช่วย")], 16),
    ("insurance-finance", "james", "Transferring car ownership: which documents at the DLT?",
     "Selling my old Vios to my cousin (no money involved, family transfer). Which documents does the Department "
     "of Land Transport want, and does the insurance move with the car?",
     [("nok", "ใช้เล่มทะเบียน บัตรประชาชนทั้งสองฝ่าย และหนังสือมอบอำนาจถ้าไปไม่ได้เองค่ะ ประกันต้องแจ้งบริษัทเปลี่ยนชื่อ")], 15),
    ("insurance-finance", "nok", "ต่อภาษีรถออนไลน์ ต้องตรวจสภาพก่อนไหม",
     "รถอายุ 6 ปี จะต่อภาษีออนไลน์ปีนี้ครั้งแรก ต้องไปตรอ. ก่อนหรือเปล่าคะ",
     [("james", "รถเก๋งอายุเกิน 7 ปีถึงต้องตรวจสภาพครับ ของคุณยังไม่ต้อง")], 14),
    ("travel", "nok", "ทริปเขาใหญ่ช่วงหน้าหนาว ขับรถขึ้นเขาควรเตรียมอะไรบ้าง",
     "ไปครั้งแรก รถ 1.2 ลิตร จะขึ้นเขาไหวไหมคะ ควรใช้เกียร์ไหนตอนลงเขา",
     [("james", "Use L or the engine-brake mode going down, and keep the brakes cool. A 1.2 climbs fine, just slowly.")], 13),
    ("travel", "james", "Best coffee stops on Route 304 to Khao Yai?",
     "We always drive out on a Saturday morning. Looking for a quiet coffee stop with parking for about six cars.",
     [("nok", "ร้านกาแฟก่อนขึ้นเขามีที่จอดกว้างหลายร้านค่ะ ไปเช้า ๆ ไม่แน่น")], 12),
    ("general", "james", "Hello from Phuket, Fortuner owner",
     "Hi all, long-time reader. I drive a 2019 Fortuner and mostly post in English, but I read Thai slowly. "
     "ยินดีที่ได้รู้จักครับ",
     [("nok", "Welcome ค่ะ! ภูเก็ตมีทริปบ่อยไหมคะ")], 11),
    ("general", "nok", "รถติดหน้าโรงเรียนตอนเช้า ใครมีเส้นทางเลี่ยงแถวบางนาบ้าง",
     "ส่งลูกไปโรงเรียนทุกเช้า เสียเวลาเป็นชั่วโมง มีทางลัดแถวบางนา-ตราดบ้างไหมคะ", [], 10),
    ("maintenance", "nok", "ไฟรูปกาน้ำมันขึ้นตอนเลี้ยว oil warning light when turning",
     "ไฟเตือนรูปกาน้ำมันกระพริบตอนเลี้ยวโค้งแรง ๆ แล้วดับไป น้ำมันเครื่องน้อยหรือเปล่าคะ",
     [("james", "Check the dipstick first: a low oil level makes the pump suck air in corners."),
      ("guru.somchai", "อาการนี้ส่วนใหญ่คือน้ำมันเครื่องต่ำกว่าขีด L ครับ เติมให้ถึงขีดแล้วสังเกตต่อ ถ้ายังขึ้นให้เข้าศูนย์ตรวจแรงดันน้ำมัน")], 9),
    ("maintenance", "james", "Wiper blades streak after one month",
     "New wiper blades already leave streaks. Is it the blade or the windscreen coating?",
     [("nok", "ลองเช็ดกระจกด้วยแอลกอฮอล์ก่อนค่ะ คราบเคลือบกระจกทำให้ปัดไม่เรียบ")], 8),
    ("tyres-brakes", "james", "Wheel alignment after hitting a pothole",
     "Steering wheel now sits slightly to the left after a big pothole on the way to Hua Hin. Alignment only, "
     "or should they check the tie rods too?", [], 7),
    ("electrical", "boy", "กุญแจรีโมทกดไม่ค่อยติด เปลี่ยนถ่านเองได้ไหม",
     "รีโมทกุญแจต้องกดหลายครั้งกว่าจะปลดล็อก เปลี่ยนถ่านเองได้ไหมครับ ใช้ถ่านเบอร์อะไร",
     [("nok", "ส่วนใหญ่เป็น CR2032 ค่ะ แงะฝาด้วยเหรียญได้เลย")], 6),
    ("accessories", "james", "Roof rack or roof box for a family trip?",
     "Two kids, one week at the beach. A roof box looks easier but the noise worries me. Experiences?",
     [("nok", "กล่องหลังคาเสียงลมดังขึ้นนิดหน่อยค่ะ แต่ใส่ของได้เยอะและกันฝน")], 5),
    ("general", "mai", "สมาชิกมือใหม่ค่ะ ขอคำแนะนำการใช้เว็บบอร์ด",
     "สวัสดีค่ะ เพิ่งสมัครวันนี้ อยากถามเรื่องรถคันแรก ควรตั้งกระทู้ในห้องไหนหรือถามกูรูดีคะ",
     [("nok", "ถ้าเป็นคำถามเทคนิคถามในห้อง Ask Guru ได้เลยค่ะ กูรูตอบพร้อมคำแนะนำ")], 0),
    # Gold-only and 18+ categories: readable by James (Gold), not by Silver Nok or guests.
    ("owners-log", "james", "Fortuner 2019: 60,000 km running costs",
     "Two years of receipts: services at the dealer every 10,000 km, one set of tyres, one battery. "
     "Fuel: 11.8 km/l average, 13.5 on the highway. บันทึกไว้ให้เพื่อนสมาชิก Gold ดูครับ", [], 4),
    ("owners-log", "james", "อัตราสิ้นเปลืองช่วงน้ำท่วม ขับช้า ๆ ในเมือง",
     "ช่วงฝนตกหนักรถติดทุกวัน อัตราสิ้นเปลืองเหลือ 8.9 กม./ลิตร ใครบันทึกไว้บ้างครับ", [], 3),
    ("track-days", "james", "First track day at Bira: what to bring?",
     "Signed up for a beginners' session at Bira Circuit. Helmet rules, tyre pressures, brake fluid: "
     "what did you wish you had known on your first day?", [], 2),
]

# Ask Guru: (area, asker, title, body, car model, year, mileage, guru answer or None, accepted, days ago)
QUESTIONS: list[tuple[str, str, str, str, str | None, int | None, int | None, str | None, bool, float]] = [
    ("maintenance", "nok", "น้ำมันเครื่องเกรดไหนเหมาะกับเครื่อง 1.2 ลิตร ใช้งานในเมือง",
     "ใช้รถในกรุงเทพฯ รถติดทุกวัน คู่มือบอก 0W-20 แต่ร้านแนะนำ 10W-30 แบบไหนดีกว่าคะ",
     "Yaris Ativ", 2022, 35_000,
     "ใช้ตามคู่มือคือ 0W-20 ครับ เครื่องรุ่นใหม่ออกแบบมาให้น้ำมันไหลเร็วตอนสตาร์ท น้ำมันที่ข้นกว่าไม่ได้ช่วยในรถติด "
     "แต่ให้ลดระยะเปลี่ยนเหลือราว 7,000 กม. ตามตาราง severe service", True, 16),
    ("electrical", "james", "Check engine light after a car wash",
     "The check-engine light came on the day after an engine-bay wash. The car drives normally. "
     "Should I wait for it to dry out or go to the dealer now?",
     "Fortuner", 2019, 62_000,
     "Water in a connector or the ignition coil well is the usual cause. If the light is steady (not flashing) "
     "and the engine runs smoothly, let it dry for a day or two; if it stays on, have the code read at the service "
     "centre. A flashing light means misfire: stop driving and call for help.", True, 12),
    ("tyres-brakes", "nok", "เบรกแล้วพวงมาลัยสั่น ต้องเจียรจานเบรกหรือเปลี่ยนใหม่",
     "ความเร็วเกิน 80 กม./ชม. เวลาเบรกพวงมาลัยสั่นมาก ร้านบอกให้เจียรจาน อีกร้านบอกให้เปลี่ยนใหม่ค่ะ",
     "City", 2021, 48_000,
     "ถ้าความหนาจานยังเกินค่าต่ำสุดที่สลักไว้บนจาน เจียรได้ครับ ถ้าใกล้ขีดต่ำสุดแล้วควรเปลี่ยนคู่ใหม่ "
     "และเปลี่ยนผ้าเบรกพร้อมกันจะได้สัมผัสเบรกดีที่สุด", False, 8),
    ("maintenance", "mai", "ไฟรูปประแจขึ้นหลังเช็คระยะ 10,000 กม. ต้องรีเซ็ตเองไหม",
     "เพิ่งเข้าศูนย์มาเมื่อวาน วันนี้ไฟรูปประแจขึ้นบนหน้าปัด ต้องกลับไปที่ศูนย์หรือรีเซ็ตเองได้คะ",
     "Yaris Ativ", 2023, 10_200, None, False, 0.05),
    ("electrical", "nok", "Jump start แล้วรถยังสตาร์ทไม่ติด มีเสียงแชะ ๆ",
     "แบตหมดเพราะลืมปิดไฟเพดาน พ่วงแบตแล้วยังมีแค่เสียงแชะ ๆ ต้องทำยังไงต่อคะ",
     "Yaris", 2020, 51_000, None, False, 0.5),
    ("tyres-brakes", "james", "Nitrogen in tyres: worth it in Thailand's heat?",
     "The tyre shop charges 100 baht for nitrogen. Does it really keep the pressure steadier in 35 degree heat?",
     None, None, None, None, False, 0.3),
]

HELD_POST = ("accessories", "boy", "ขายล้อแม็ก 17 นิ้ว พร้อมยาง ราคาถูก",
             "ขายล้อแม็กขอบ 17 พร้อมยาง 4 เส้น ราคา 8,000 บาท สนใจทักไลน์ หรือโทร 081-234-5678 ส่งฟรีทั่วประเทศ")
REPORTED_REPLY = ("nok", "ผ้าเบรกหน้ามีเสียงดังเอี๊ยดตอนเบรกเบา ๆ", "boy",
                  "เรื่องแค่นี้ค้นในบอร์ดก็เจอแล้วมั้ง ขี้เกียจอ่านเองหรือไงครับ")


@dataclass
class DemoContext:
    """What the seed steps share: one session, the users and categories by key, the services."""

    session: AsyncSession
    settings: Settings
    now: dt.datetime
    users: dict[str, m.User] = field(default_factory=dict)
    categories: dict[str, m.Category] = field(default_factory=dict)
    hooks: list[Any] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def posting(self):
        from .services.posting import PostingService

        return PostingService(self.session, self.settings, self.hooks)

    def guru_service(self):
        from guru.services import GuruService

        return GuruService(self.session, self.posting())


SeedStep = Callable[[DemoContext], Awaitable[None]]


async def _session() -> tuple[AsyncSession, object]:
    engine = create_engine(get_settings().db)
    return async_sessionmaker(engine, expire_on_commit=False)(), engine


def _user(login_id: str, display_name: str, role: m.Role, password: str, email: str, *,
          joined: dt.datetime | None = None, born: dt.date = dt.date(1985, 5, 5), tier: m.Tier = m.Tier.SILVER) -> m.User:
    now = dt.datetime.now(dt.timezone.utc)
    return m.User(login_id=login_id, display_name=display_name, email=email, password_hash=hash_password(password),
                  date_of_birth=born, role=role, tier=tier, terms_version=get_settings().board.terms_version,
                  terms_accepted_at=joined or now, created_at=joined or now - dt.timedelta(days=30))


async def create_admin(login_id: str, display_name: str, email: str, password: str) -> str:
    login_id = login_id.strip().casefold()
    if problem := password_problem(password, login_id):
        raise ValueError(problem)
    session, engine = await _session()
    async with session:
        user = await session.scalar(select(m.User).where(m.User.login_id == login_id))
        if user is None:
            display_name, problem = await clean_display_name(session, display_name, None)
            if problem:  # the same name rule as registration (club rule 6 holds for admins too)
                await engine.dispose()
                raise ValueError(gettext(problem))
            user = _user(login_id, display_name, m.Role.ADMIN, password, email)
            session.add(user)
        else:
            user.role = m.Role.ADMIN
        await session.commit()
    await engine.dispose()
    return login_id


# -- seed steps ----------------------------------------------------------------------------
async def seed_categories(ctx: DemoContext) -> None:
    for position, (slug, th, en, dth, den, access) in enumerate(CATEGORIES):
        category = await ctx.session.scalar(select(m.Category).where(m.Category.slug == slug))
        if category is None:
            category = m.Category(slug=slug, name_th=th, name_en=en, description_th=dth, description_en=den,
                                  position=position, thread_count=0, access=m.CategoryAccess(access))
            ctx.session.add(category)
        ctx.categories[slug] = category
    await ctx.session.flush()


async def seed_accounts(ctx: DemoContext) -> None:
    from guru.services import profile_for

    for account in ACCOUNTS:
        user = await ctx.session.scalar(select(m.User).where(m.User.login_id == account.login_id))
        if user is None:
            joined = ctx.now - dt.timedelta(days=account.joined_days_ago)
            user = _user(account.login_id, account.display_name, account.role, account.password,
                         f"{account.login_id}@example.com", joined=joined, born=account.born, tier=account.tier)
            ctx.session.add(user)
            await ctx.session.flush()
            if account.tier == m.Tier.GOLD:
                ctx.session.add(m.Vehicle(user_id=user.id, model="Fortuner 2.8", plate="กข 1234", province="ภูเก็ต",
                                          vin_last6="A12345", dealer="Phuket Motor", purchased_on=dt.date(2019, 3, 1),
                                          verified_at=joined + dt.timedelta(days=2)))
        ctx.users[account.login_id] = user
    guru = ctx.users["guru.somchai"]
    profile = await profile_for(ctx.session, guru)
    if not profile.bio:
        profile.display_name = "กูรูสมชาย (ช่างสมชาย)"
        profile.bio = ("ช่างเทคนิคศูนย์บริการ 15 ปี ถนัดเครื่องยนต์เบนซิน ระบบไฟฟ้า และช่วงล่าง "
                       "Service technician for 15 years: petrol engines, electrics and suspension.")
        areas = [ctx.categories[slug].id for slug in ("maintenance", "electrical", "tyres-brakes")]
        ctx.session.add_all(m.GuruArea(user_id=guru.id, category_id=area) for area in areas)
    await ctx.session.flush()


async def _backdate(ctx: DemoContext, thread: m.Thread, posts: list[m.Post], at: dt.datetime) -> None:
    """Spreads a thread's posts over the hours after `at` (the posting path stamps them now)."""
    last = at
    for offset, post in enumerate(posts):
        last = at + dt.timedelta(hours=offset * 3)
        await ctx.session.execute(update(m.Post).where(m.Post.id == post.id).values(created_at=last))
    await ctx.session.execute(update(m.Thread).where(m.Thread.id == thread.id)
                              .values(created_at=at, last_activity_at=last))
    await ctx.session.execute(update(m.GuruQuestion).where(m.GuruQuestion.thread_id == thread.id).values(asked_at=at))


async def _exists(ctx: DemoContext, title: str) -> bool:
    return await ctx.session.scalar(select(m.Thread.id).where(m.Thread.title == title).limit(1)) is not None


async def seed_threads(ctx: DemoContext) -> None:
    posting = ctx.posting()
    for slug, author, title, body, replies, days_ago in THREADS:
        if await _exists(ctx, title):
            continue
        thread, opening = await posting.create_thread(ctx.users[author], category_id=ctx.categories[slug].id,
                                                      title=title, body=body)
        posts = [opening]
        for who, text in replies:
            posts.append(await posting.create_reply(ctx.users[who], thread_id=thread.id, body=text))
        # Today's posts (the new member's) stay at their real time, so her daily allowance counts them.
        if days_ago:
            await _backdate(ctx, thread, posts, ctx.now - dt.timedelta(days=days_ago))


async def seed_questions(ctx: DemoContext) -> None:
    from guru.services import QuestionExtras

    guru_service = ctx.guru_service()
    guru = ctx.users["guru.somchai"]
    for area, asker, title, body, car, year, mileage, answer, accepted, days_ago in QUESTIONS:
        if await _exists(ctx, title):
            continue
        thread, _ = await guru_service.ask(ctx.users[asker], area_id=ctx.categories[area].id, title=title, body=body,
                                           extras=QuestionExtras(car, year, mileage))
        opening = await ctx.session.scalar(select(m.Post).where(m.Post.thread_id == thread.id, m.Post.is_opening))
        posts = [opening]
        if answer:
            post, _ = await guru_service.answer(guru, thread.id, answer)
            posts.append(post)
            if accepted:
                await guru_service.accept(ctx.users[asker], post.id)
                other = "james" if asker != "james" else "nok"
                await guru_service.mark_helpful(ctx.users[other], post.id)
        await _backdate(ctx, thread, posts, ctx.now - dt.timedelta(days=days_ago))


async def seed_moderation(ctx: DemoContext) -> None:
    """A post the classifier holds (trading) and a member's report waiting in the queue."""
    from moderation.queue import open_item
    from moderation.reports import already_reported, report_post

    posting = ctx.posting()
    slug, author, title, body = HELD_POST
    if not await _exists(ctx, title):
        thread, post = await posting.create_thread(ctx.users[author], category_id=ctx.categories[slug].id,
                                                   title=title, body=body)
        if post.visibility != m.Visibility.HELD:
            # A retrained classifier may judge this text differently; the tour still needs a held post.
            await posting.set_visibility(post, m.Visibility.HELD, actor=ctx.users["admin"])
            thread.visibility = m.Visibility.HELD
            await open_item(ctx.session, post, ctx.now, priority=50)
    asker, thread_title, replier, text = REPORTED_REPLY
    thread_id = await ctx.session.scalar(select(m.Thread.id).where(m.Thread.title == thread_title))
    post = await ctx.session.scalar(select(m.Post).where(m.Post.thread_id == thread_id, m.Post.body_raw == text))
    if post is None:
        post = await posting.create_reply(ctx.users[replier], thread_id=thread_id, body=text)
    if post.visibility == m.Visibility.PUBLISHED and not await already_reported(ctx.session, post.id, ctx.users[asker]):
        await report_post(ctx.session, ctx.users[asker], post.id, rule="profanity",
                          note="ประชดประชันสมาชิกค่ะ", now=ctx.now)


async def seed_notices(ctx: DemoContext) -> None:
    from .notices.service import NoticeInput, NoticeService

    if await ctx.session.scalar(select(m.Notice.id).limit(1)):
        return
    notices = NoticeService(ctx.session)
    admin = ctx.users["admin"]
    await notices.create(NoticeInput(
        kind=m.NoticeKind.IMPORTANT.value, pinned=True,
        title_th="ยินดีต้อนรับสู่เว็บบอร์ดชมรมผู้ใช้รถ", title_en="Welcome to the club's webboard",
        body_th="ค้นหากระทู้เก่าก่อนตั้งกระทู้ใหม่ ถามคำถามเทคนิคกับกูรูได้ในห้อง Ask Guru และสะสมเหรียญแลกของรางวัลได้ทุกครั้งที่ร่วมพูดคุย",
        body_en="Search before starting a thread, ask technical questions in Ask Guru, and earn coins towards prizes "
                "every time you take part.",
        published_at=ctx.now - dt.timedelta(days=20)), admin, ctx.now)
    start = (ctx.now + dt.timedelta(days=5)).replace(hour=16, minute=0, second=0, microsecond=0)  # 23:00 Bangkok
    await notices.create(NoticeInput(
        kind=m.NoticeKind.MAINTENANCE.value,
        title_th="ปิดปรับปรุงระบบ: งดตั้งกระทู้และถามกูรูชั่วคราว", title_en="Planned maintenance: posting and Ask Guru paused",
        body_th="ทีมงานจะปรับปรุงเซิร์ฟเวอร์ ระหว่างนี้ยังอ่านกระทู้ได้ตามปกติ แต่ตั้งกระทู้ ตอบกระทู้ และถามกูรูไม่ได้",
        body_en="We are upgrading the server. You can still read the board, but posting, replies and Ask Guru are "
                "paused during the window.",
        published_at=ctx.now - dt.timedelta(days=1), starts_at=start, ends_at=start + dt.timedelta(hours=2),
        functions=[m.BoardFunction.POSTING.value, m.BoardFunction.REPLIES.value, m.BoardFunction.ASK_GURU.value]),
        admin, ctx.now)


async def seed_coins(ctx: DemoContext) -> None:
    """Prizes, a welcome bonus (an admin adjustment), and one redemption in Nok's history."""
    from .coins.service import CoinService

    if await ctx.session.scalar(select(m.CoinPrize.id).limit(1)):
        return
    coins = CoinService(ctx.session, ctx.settings)
    prizes = [
        m.CoinPrize(name_th="พวงกุญแจโลโก้ชมรม", name_en="Club logo key ring", price=30, stock=50,
                    description_th="พวงกุญแจโลหะ ลายโลโก้ชมรม", description_en="Metal key ring with the club logo"),
        m.CoinPrize(name_th="ผ้าไมโครไฟเบอร์เช็ดรถ 3 ผืน", name_en="Microfibre car cloths (3)", price=60, stock=20,
                    description_th="ผ้าเช็ดรถเนื้อนุ่ม ไม่ทิ้งรอย", description_en="Soft cloths that leave no marks"),
        m.CoinPrize(name_th="คูปองล้างรถ 1 ครั้ง", name_en="Car wash voucher", price=120, stock=1,
                    description_th="ใช้ได้ที่ศูนย์บริการที่ร่วมรายการ", description_en="At participating service centres"),
    ]
    ctx.session.add_all(prizes)
    await ctx.session.flush()
    admin, nok = ctx.users["admin"], ctx.users["nok"]
    await coins.adjust(admin, nok.id, 50, "โบนัสต้อนรับสมาชิก / welcome bonus", now=ctx.now)
    await coins.save_address(nok, {"recipient": "นก ใจดี", "phone": "0812345678", "address": "99/9 ถนนมิตรภาพ",
                                   "province": "ขอนแก่น", "postal_code": "40000"})
    await coins.redeem(nok, prizes[0].id, 1, now=ctx.now)


async def seed_terms(ctx: DemoContext) -> None:
    """A revision of the terms announced for two weeks ahead: members are told (a notification
    linking to the new text) and will be asked to accept it on its effective date."""
    from .services.membership import publish_terms

    if await ctx.session.scalar(select(m.TermsVersion.id).limit(1)):
        return
    await publish_terms(
        ctx.session, ctx.users["admin"], version="2027-01", effective_on=(ctx.now + dt.timedelta(days=14)).date(),
        body_th="ข้อตกลงการใช้งานฉบับปรับปรุง: เพิ่มข้อกำหนดเรื่องเหรียญรางวัลและการแลกของรางวัล "
                "และย้ำว่าคำตอบของกูรูเป็นความคิดเห็นส่วนตัว ไม่ใช่คำแนะนำของบริษัท",
        body_en="Revised terms of use: adds the rules for reward coins and prizes, and restates that gurus' answers "
                "are their personal opinion, not advice from the company.", now=ctx.now)


# The seed runs these in order. Other features add their own step here (e.g. a few photos).
async def seed_photos(ctx: DemoContext) -> None:
    """Photos drawn by the seeder on a few opening posts (no downloaded images)."""
    await seed_demo_photos(ctx.session)


SEED_STEPS: list[SeedStep] = [
    seed_categories,
    seed_accounts,
    seed_threads,
    seed_questions,
    seed_moderation,
    seed_notices,
    seed_coins,
    seed_terms,
    seed_photos,
]


def demo_hooks(settings: Settings) -> list[Any]:
    """The moderation hook (the classifier decides what is held). The duplicate check is left
    out: its index is built by the server, and the demo threads are distinct by design."""
    from moderation.hook import ModerationHook

    return [ModerationHook(settings.moderation.model_dir)]


async def seed_demo() -> list[str]:
    import forum.coins  # noqa: F401  (registers the coin events, so posts earn coins)
    import guru  # noqa: F401  (registers the guru answer recording)
    import moderation.web  # noqa: F401

    settings = get_settings()
    session, engine = await _session()
    async with session:
        ctx = DemoContext(session=session, settings=settings, now=dt.datetime.now(dt.timezone.utc),
                          hooks=demo_hooks(settings))
        for step in SEED_STEPS:
            await step(ctx)
        await session.commit()
    await engine.dispose()
    lines = ["Demo board ready. Accounts (log in at /login):"]
    for account in ACCOUNTS:
        lines.append(f"  {account.role.value:<7} login: {account.login_id:<13} password: {account.password}")
        lines.append(f"          try: {account.try_this}")
    return lines
