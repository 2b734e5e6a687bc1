"""`forum.inputs.parse_form` reads every URL-encoded body exactly as Litestar's own parser does."""

from __future__ import annotations

import itertools
import random
from urllib.parse import urlencode

from litestar._parsers import parse_url_encoded_form_data

from forum.inputs import parse_form

ATOMS = [b"a", b"b", b"+", b"=", b"&", b"%", b"%4", b"%41", b"%e0%B8%81", b"%C2", b"%ZZ", b"%%", b"%0A", b"%00",
         b"&&", b"==", b";", b"%26", b"%3D", b"%2B", b" ", b"\t", b"_csrf_token", b"body", b"\x80",
         b"\xe0\xb8\x81", b"%FF", b"%ED%A0%80"]


def litestar(body: bytes):
    parse_url_encoded_form_data.cache_clear()
    return parse_url_encoded_form_data(body)


def test_the_same_fields_as_litestar_for_any_body():
    bodies = [b"".join(combo) for length in (1, 2, 3) for combo in itertools.product(ATOMS, repeat=length)]
    rng = random.Random(13)
    bodies += [b"".join(rng.choice(ATOMS) for _ in range(rng.randint(4, 15))) for _ in range(20_000)]
    for body in bodies:
        assert parse_form(body) == litestar(body), body


def test_a_thai_post_with_repeated_fields():
    body = urlencode([("_csrf_token", "abc.def"), ("body", "น้ำมันเครื่อง 5W-30 + ยาง\r\nครับ & ค่ะ"),
                      ("tag", "1"), ("tag", "2"), ("empty", "")]).encode()
    parsed = parse_form(body)
    assert parsed == litestar(body)
    assert parsed["body"] == "น้ำมันเครื่อง 5W-30 + ยาง\r\nครับ & ค่ะ" and parsed["tag"] == ["1", "2"]


def test_the_app_reads_forms_with_it():
    from forum.app import create_app
    from forum.inputs import BoardRequest

    assert create_app().request_class is BoardRequest
