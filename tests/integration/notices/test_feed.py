"""The Atom feed of notices."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import models as m

ATOM = "{http://www.w3.org/2005/Atom}"


async def test_the_feed_is_valid_atom_with_the_newest_notices_first(client, clock, make_notice):
    await make_notice(m.NoticeKind.IMPORTANT, "เก่า", published_at=clock.now - dt.timedelta(days=2))
    await make_notice(m.NoticeKind.MAINTENANCE, "ใหม่ <ปิดปรับปรุง> & ทดสอบ", body_th="**สำคัญ** <script>x</script>",
                      starts_at=clock.now + dt.timedelta(days=1), ends_at=clock.now + dt.timedelta(days=1, hours=2),
                      functions=["posting"])
    response = await client.get("/notices.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/notices.atom?lang=th")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["ใหม่ <ปิดปรับปรุง> & ทดสอบ", "เก่า"]
    for entry in entries:
        for required in ("id", "title", "updated", "published"):
            assert entry.findtext(f"{ATOM}{required}"), required
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    content = entries[0].find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<strong>สำคัญ</strong>" in content.text and "<script>" not in content.text
    assert entries[0].find(f"{ATOM}category").get("term") == "maintenance"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 2


async def test_the_feed_speaks_english_when_asked_and_falls_back_to_thai(client, make_notice):
    await make_notice(title="ไทยอย่างเดียว")
    await make_notice(title="สองภาษา", title_en="Both languages", body_en="English body")
    feed = ET.fromstring((await client.get("/notices.atom?lang=en")).content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert {e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")} == {"ไทยอย่างเดียว", "Both languages"}


async def test_an_empty_feed_is_still_valid(client):
    feed = ET.fromstring((await client.get("/notices.atom")).content)
    assert feed.findall(f"{ATOM}entry") == [] and feed.findtext(f"{ATOM}updated")
