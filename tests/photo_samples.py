"""Sample images for the photo tests, drawn here (never downloaded): each format with EXIF that
carries a GPS position, a camera serial and an orientation, so tests can prove none survives."""

from __future__ import annotations

import io

from PIL import ExifTags, Image, ImageDraw

import pillow_heif

pillow_heif.register_heif_opener()

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (13.0, 45.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (100.0, 31.0, 4.25),
}
SERIAL = "SERIAL-12345-SECRET"


def exif_bytes(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.BodySerialNumber] = SERIAL
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif.tobytes()


def drawing(width: int = 640, height: int = 480, seed: int = 0) -> Image.Image:
    image = Image.new("RGB", (width, height), (30 + seed * 20 % 200, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 4, width // 2, height * 3 // 4), fill=(220, 60, 40))
    draw.ellipse((width // 2, height // 8, width - width // 10, height // 2), fill=(250, 220, 30))
    draw.line((0, height - 1, width, 0), fill=(255, 255, 255), width=max(1, width // 80))
    return image


def encode(fmt: str, *, width: int = 640, height: int = 480, orientation: int = 1, seed: int = 0) -> bytes:
    image = drawing(width, height, seed)
    out = io.BytesIO()
    exif = exif_bytes(orientation)
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=90, exif=exif, icc_profile=b"\x00" * 0)
    elif fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", f"taken at home, {SERIAL}")
        image.save(out, "PNG", exif=exif, pnginfo=info)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=90, exif=exif)
    elif fmt == "HEIF":
        image.save(out, "HEIF", quality=80, exif=exif)
    else:
        raise ValueError(fmt)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
