"""Photos from a phone: a member attaches a JPEG carrying GPS EXIF and an iPhone HEIC with the
picker on a phone-sized screen, posts, and sees the display image and the thumbnail; the files
the board serves carry no metadata, and the photos of a post under review stay out of a guest's
reach at their direct URLs."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image

from ..photo_samples import SERIAL, encode, has_gps

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                       "Version/17.0 Mobile/15E148 Safari/604.1"}


def test_a_member_posts_a_gps_jpeg_and_a_heic_from_a_phone(browser, live_server, tmp_path):
    jpeg_path, heic_path = tmp_path / "IMG_2041.jpg", tmp_path / "IMG_2042.HEIC"
    jpeg_path.write_bytes(encode("JPEG", width=2400, height=1800, orientation=6))
    heic_path.write_bytes(encode("HEIF", width=1600, height=1200, seed=4))
    assert has_gps(jpeg_path.read_bytes()) and has_gps(heic_path.read_bytes())

    context = browser.new_context(base_url=live_server, **PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Login ID").fill("nok")
    page.get_by_label("Password").fill("demo-member-2026")
    page.get_by_role("button", name="Log in").last.click()
    page.goto("/c/electrical/new")
    title = f"ไฟเตือนขึ้นหน้าปัด มีรูปครับ {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message").fill("ขึ้นตอนสตาร์ทรถตอนเช้า ดูรูปประกอบครับ")
    # The phone's picker: both photos at once; the page gives each a row with a caption.
    assert page.locator("[data-photo-drop]").is_visible()
    page.set_input_files("[data-photo-picker]", [str(jpeg_path), str(heic_path)])
    page.locator("input[name='photo_caption_1']").fill("ไฟสีเหลืองรูปเครื่องยนต์")
    page.locator("input[name='photo_caption_2']").fill("from my iPhone")
    page.screenshot(path=str(tmp_path / "compose.png"), full_page=True)
    page.get_by_role("button", name="Post thread").click()
    page.wait_for_url(re.compile(r"/t/\d+"))
    assert page.get_by_role("heading", name=title).is_visible()

    display = page.locator("img[src*='/display.jpg']")
    thumbs = page.locator("img[src*='/thumb.jpg']")
    assert display.count() == 1 and thumbs.count() == 1
    assert page.get_by_text("ไฟสีเหลืองรูปเครื่องยนต์").is_visible() and page.get_by_text("from my iPhone").is_visible()
    for image in (display, thumbs):
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.get_attribute("loading") == "lazy" and image.get_attribute("width") and image.get_attribute("height")
        assert image.get_attribute("srcset")
    # Upright: the JPEG was taken sideways (EXIF orientation 6), the board shows it portrait.
    assert int(display.get_attribute("height")) > int(display.get_attribute("width"))
    page.screenshot(path=str(tmp_path / "thread.png"), full_page=True)

    urls = set(re.findall(r"/photos/\d+/[0-9a-f]{32}/(?:thumb|display|original)\.jpg", page.content()))
    originals = {re.sub(r"/(thumb|display)\.jpg$", "/original.jpg", u) for u in urls}
    served_urls = sorted(urls | originals | {u.replace("/original.jpg", "/thumb.jpg") for u in originals})
    assert len(served_urls) == 6
    for url in served_urls:
        served = page.request.get(url)
        assert served.status == 200 and "immutable" in served.headers["cache-control"]
        body = served.body()
        assert not has_gps(body) and b"Exif" not in body and SERIAL.encode() not in body
        image = Image.open(io.BytesIO(body))
        assert image.format == "JPEG" and len(image.getexif()) == 0 and "icc_profile" not in image.info

    # A post's photos follow the post: a guest may read a published one's, never a held one's.
    held = page.get_by_text("Awaiting review").count() > 0
    guest = browser.new_context(base_url=live_server)
    statuses = {guest.request.get(url).status for url in served_urls}
    assert statuses == ({404} if held else {200})
    guest.close()
    context.close()
