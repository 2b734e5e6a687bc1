"""The input guard skips decoding a URL-encoded body that cannot hold a refused character: that
shortcut must never let through a body the full check refuses."""

from __future__ import annotations

import itertools
import random
from urllib.parse import parse_qsl, quote

import pytest

from forum.errors import ValidationFailed
from forum.inputs import _MAY_HOLD_CONTROL, CONTROL_CHARS, check_body

FORM = "application/x-www-form-urlencoded"
ATOMS = [b"a", b"+", b"=", b"&", b"%", b"%0", b"%C2", b"%c2", b"\xc2", b"\x80", b"\x9f", b"\xe0\xb8\x81",
         b"%E0%B8%81", b"%09", b"%0A", b"%0d", b"%00", b"%1F", b"%7f", b"%80", b"%9F", b"\x00", b"\x1f", b"\x7f",
         b"\t", b"\n", b"%ED%A0%80", b"\xed\xa0\x80", b"%C2%85", b"%c2%9f", b"%C2%A0", b"%2", b"%G1"]


def refused_by_full_check(body: bytes) -> bool:
    return any(CONTROL_CHARS.search(name) or CONTROL_CHARS.search(value)
               for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def bodies():
    for length in (1, 2, 3):
        for combo in itertools.product(ATOMS, repeat=length):
            yield b"".join(combo)
    rng = random.Random(16)
    for _ in range(20_000):
        yield b"".join(rng.choice(ATOMS) for _ in range(rng.randint(4, 12)))
    for point in range(0x800):
        yield ("body=" + quote(chr(point))).encode()
        yield ("body=" + chr(point)).encode("utf-8", "surrogatepass")


def test_the_shortcut_never_skips_a_body_the_full_check_refuses():
    checked = refused = 0
    for body in bodies():
        checked += 1
        if refused_by_full_check(body):
            refused += 1
            assert _MAY_HOLD_CONTROL.search(body), body
            with pytest.raises(ValidationFailed):
                check_body(body, FORM)
    assert refused > 1000 and checked > 50_000  # the sample holds many refused bodies


def test_ordinary_posts_take_the_shortcut_and_pass():
    body = "body=" + quote("เปลี่ยนน้ำมันเครื่องทุก 10,000 กม.\r\n\r\nEngine oil, 5W-30\tok")
    assert _MAY_HOLD_CONTROL.search(body.encode()) is None
    check_body(body.encode(), FORM)
    with pytest.raises(ValidationFailed):
        check_body(b"body=" + quote("NUL\x00here").encode(), FORM)
