"""Re-encoding: every accepted format comes out as a plain JPEG with no metadata (GPS first),
upright, in three sizes; anything else is refused with a clear reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from forum.photos.image import PhotoRefused, fit, process, sniff

from ...photo_samples import SERIAL, encode, has_gps

LIMITS = {"max_bytes": 15 * 1024 * 1024, "max_pixels": 50_000_000}
FORMATS = ["JPEG", "PNG", "WEBP", "HEIF"]


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments (APPn, COM, DQT, ...), up to the scan."""
    markers, i = [], 2
    while i < len(data) - 4 and data[i] == 0xFF:
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: header segments end here
            break
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return markers


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_metadata_survives_for_each_format(fmt):
    upload = encode(fmt, orientation=1)
    assert has_gps(upload) and SERIAL.encode() in upload  # the sample really carries them
    result = process(upload, **LIMITS)
    assert [r.size for r in result.renditions] == ["original", "display", "thumb"]
    for rendition in result.renditions:
        served = Image.open(io.BytesIO(rendition.data))
        assert served.format == "JPEG"
        assert not has_gps(rendition.data)
        assert len(served.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(served.info)
        assert SERIAL.encode() not in rendition.data and b"Exif" not in rendition.data
        # Only the JFIF header (APP0) and the image's own tables: no APP1 (EXIF/XMP), APP2 (ICC), COM.
        segments = jpeg_segments(rendition.data)
        assert not {0xE1, 0xE2, 0xED, 0xFE} & set(segments), [hex(s) for s in segments]


@pytest.mark.parametrize("fmt", FORMATS)
def test_orientation_is_applied_from_exif(fmt):
    result = process(encode(fmt, width=640, height=480, orientation=6), **LIMITS)
    assert (result.width, result.height) == (480, 640)
    thumb = result.renditions[-1]
    assert (thumb.width, thumb.height) == (240, 320)


def test_sizes_and_content_address():
    upload = encode("JPEG", width=3000, height=2000)
    first, second = process(upload, **LIMITS), process(upload, **LIMITS)
    sizes = {r.size: (r.width, r.height) for r in first.renditions}
    assert sizes == {"original": (3000, 2000), "display": (1280, 853), "thumb": (320, 213)}
    assert first.digest == second.digest and len(first.digest) == 64  # the same bytes after re-encode
    assert process(encode("JPEG", width=3000, height=2000, seed=3), **LIMITS).digest != first.digest


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    for data in (b"<?php echo 'hi'; ?>" * 10, b"%PDF-1.7\n" + b"0" * 100, b"GIF89a" + b"\x00" * 100, b"\xff\xd8\xff" + b"junk" * 10):
        with pytest.raises(PhotoRefused):
            process(data, **LIMITS)
    assert sniff(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 8) == "HEIF"
    assert sniff(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8) is None  # an MP4 video is not a photo


def test_too_large_and_empty_files_are_refused():
    with pytest.raises(PhotoRefused) as too_big:
        process(encode("JPEG"), max_bytes=1000, max_pixels=50_000_000)
    assert "MB" in too_big.value.message
    with pytest.raises(PhotoRefused):
        process(b"", **LIMITS)


def test_a_decompression_bomb_is_refused_before_decoding():
    # 30000 x 30000 one-bit pixels: a small file that would decode to 900 megapixels.
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(PhotoRefused) as refused:
        process(out.getvalue(), **LIMITS)
    assert "megapixels" in refused.value.message
    with pytest.raises(PhotoRefused):
        process(encode("PNG", width=400, height=300), max_bytes=LIMITS["max_bytes"], max_pixels=100_000)


def test_transparent_png_is_flattened_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(out, "PNG")
    result = process(out.getvalue(), **LIMITS)
    pixel = Image.open(io.BytesIO(result.renditions[0].data)).getpixel((5, 5))
    assert all(channel > 240 for channel in pixel)


def test_fit_never_enlarges():
    assert fit(100, 50, 320) == (100, 50)
    assert fit(4000, 3000, 1280) == (1280, 960)
    assert fit(3000, 4000, None) == (3000, 4000)
