"""Threads the duplicate tests search among: Thai, English and mixed, in two categories."""

from __future__ import annotations

import pytest

import models as m

YARIS_BATTERY = ("ยาริส แบตหมดทุกเช้า ต้องพ่วงตลอด",
                 "ยาริส 2018 จอดข้ามคืนแล้วตอนเช้าแบตหมด สตาร์ทไม่ติด ต้องพ่วงแบตทุกวัน แบตเพิ่งเปลี่ยนปีที่แล้ว")
REVO_BRAKES = ("Hilux Revo brakes squeal when stopping",
               "My 2020 Revo squeals when I lightly brake just before stopping. Pads were replaced 3 months ago.")
FORTUNER_OIL = ("Fortuner diesel engine oil change interval",
                "How often should I change the engine oil on a 2.8 Fortuner diesel? The manual says 10,000 km.")
CITY_AIRCON = ("แอร์ไม่เย็นตอนรถติด City 2019", "ซิตี้ 2019 แอร์เย็นตอนวิ่ง แต่พอรถติดแอร์ไม่ค่อยเย็น ต้องล้างคอยล์ไหม")
CIVIC_FILM = ("ฟิล์มกรองแสง Civic ยี่ห้อไหนดี", "ซีวิคใหม่ อยากติดฟิล์มเซรามิกกันร้อน งบไม่เกินหมื่น")


@pytest.fixture
async def accessories(factory) -> m.Category:
    return await factory.category("accessories", "อุปกรณ์เสริม", "Accessories", position=1)


@pytest.fixture
async def board(factory, category, accessories, other_member) -> dict[str, m.Thread]:
    """Five published threads by other_member: four in Maintenance, one in Accessories."""
    threads = {}
    for key, (title, body) in {"battery": YARIS_BATTERY, "brakes": REVO_BRAKES, "oil": FORTUNER_OIL,
                               "aircon": CITY_AIRCON}.items():
        threads[key] = await factory.thread(category, other_member, title, body)
    threads["film"] = await factory.thread(accessories, other_member, *CIVIC_FILM)
    return threads
