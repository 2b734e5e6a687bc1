"""Rebuilds static/favicon.ico from static/logo.svg: Chromium draws the mark at 16, 32 and 48 px
and the PNGs are packed into one ICO file (PNG entries, which every current browser reads).
Run after changing the logo: .venv/bin/python scripts/make_favicon.py"""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 32, 48)


def render(svg: str, size: int, page) -> bytes:
    page.set_viewport_size({"width": size, "height": size})
    page.set_content(f'<html><body style="margin:0;background:transparent">'
                     f'<img src="data:image/svg+xml;utf8,{svg.replace("#", "%23")}" width="{size}" height="{size}"></body></html>')
    return page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})


def pack_ico(images: list[tuple[int, bytes]]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for size, png in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def main() -> None:
    svg = (ROOT / "static" / "logo.svg").read_text().replace("\n", " ")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        images = [(size, render(svg, size, page)) for size in SIZES]
        browser.close()
    (ROOT / "static" / "favicon.ico").write_bytes(pack_ico(images))


if __name__ == "__main__":
    main()
