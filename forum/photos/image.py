"""Decoding and re-encoding uploads. Nothing a member sends is stored or served as sent: the
bytes are sniffed (the extension and declared type are ignored), decoded, turned upright from
the EXIF orientation, and written again as plain JPEGs in three sizes. The encoder is given no
EXIF, XMP or ICC data, so none survives: GPS position, camera serial, capture time all go.

Pure functions on bytes, run in a worker thread by the service (a 12-megapixel photo takes a
few hundred milliseconds of CPU)."""

from __future__ import annotations

import hashlib
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

import pillow_heif

from ..i18n import N_

pillow_heif.register_heif_opener()

# Longest edge of each served size; "original" keeps the full resolution of the upload.
SIZES: dict[str, int | None] = {"thumb": 320, "display": 1280, "original": None}
QUALITY = {"thumb": 78, "display": 82, "original": 88}
# Formats accepted, by what the bytes say they are.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class PhotoRefused(ValueError):
    """An upload that cannot become a photo; `message` is a msgid shown to the member."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Rendition:
    size: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    digest: str  # SHA-256 of the original-size re-encode: the content address
    width: int
    height: int
    renditions: tuple[Rendition, ...]

    @property
    def stored_bytes(self) -> int:
        return sum(len(r.data) for r in self.renditions)


def sniff(data: bytes) -> str | None:
    """The image format the bytes are, among those accepted, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def fit(width: int, height: int, edge: int | None) -> tuple[int, int]:
    """The size of a rendition whose longest edge is at most `edge` (never enlarged)."""
    if edge is None or max(width, height) <= edge:
        return width, height
    scale = edge / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def process(data: bytes, *, max_bytes: int, max_pixels: int) -> Processed:
    """Decode an upload and re-encode it in every size, or raise PhotoRefused."""
    if not data:
        raise PhotoRefused(N_("The file is empty."))
    if len(data) > max_bytes:
        raise PhotoRefused(N_("The photo is larger than {mb} MB."), mb=max_bytes // (1024 * 1024))
    kind = sniff(data)
    if kind is None:
        raise PhotoRefused(N_("This file is not a photo we can use. Send a JPEG, PNG, WebP or HEIC image."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width * height > max_pixels:  # checked before decoding: a small file may claim a huge canvas
                raise PhotoRefused(N_("The photo has too many pixels (at most {mp} megapixels)."),
                                   mp=max_pixels // 1_000_000)
            if image.format == "JPEG" and getattr(image, "n_frames", 1) == 1:
                image.draft("RGB", image.size)  # decode straight to RGB (no CMYK/YCCK detours where possible)
            image.load()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(N_("The photo has too many pixels (at most {mp} megapixels)."),
                           mp=max_pixels // 1_000_000) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRefused(N_("This photo could not be read; the file may be damaged.")) from None
    image, orientation = flat_rgb(image)
    return encode_all(image, orientation)


# EXIF orientation -> the transpose that makes the image upright.
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
           5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
           8: Image.Transpose.ROTATE_90}


def flat_rgb(image: Image.Image) -> tuple[Image.Image, int]:
    """The first frame as RGB (transparent areas on white), and its EXIF orientation."""
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    orientation = image.getexif().get(0x0112, 1)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # Nothing of the decoded file's `info` (EXIF, XMP, ICC, text chunks) may reach the encoder.
    image.info = {}
    return image, orientation if orientation in UPRIGHT else 1


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif/icc_profile/xmp arguments: the encoder writes only the pixels and a JFIF header.
    image.save(out, "JPEG", quality=quality, optimize=False, progressive=False, subsampling="4:2:0")
    return out.getvalue()


def _shrink(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    # A box reduction by a whole factor first (cheap), then a bicubic pass over the rest.
    factor = int(min(image.width / target[0], image.height / target[1]))
    if factor >= 2:
        image = image.reduce(factor)
    return image.resize(target, Image.Resampling.BICUBIC) if image.size != target else image


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    return image.transpose(UPRIGHT[orientation]) if orientation in UPRIGHT else image


def _full_size(image: Image.Image, orientation: int) -> bytes:
    return _jpeg(_upright(image, orientation), QUALITY["original"])


def encode_all(image: Image.Image, orientation: int = 1) -> Processed:
    """The three sizes, upright. The full-size turn-and-encode runs beside the smaller sizes
    (Pillow releases the GIL while it transposes, resamples and encodes); the smaller sizes are
    shrunk before they are turned, which is cheaper."""
    sideways = orientation in (5, 6, 7, 8)
    width, height = (image.height, image.width) if sideways else image.size
    with ThreadPoolExecutor(max_workers=1) as pool:
        original = pool.submit(_full_size, image, orientation)
        smaller, source = [], image
        for size in ("display", "thumb"):  # each from the previous one
            target = fit(width, height, SIZES[size])
            raw_target = (target[1], target[0]) if sideways else target
            if raw_target != source.size:
                source = _shrink(source, raw_target)
            upright = _upright(source, orientation)
            smaller.append(Rendition(size, _jpeg(upright, QUALITY[size]), *upright.size))
        renditions = (Rendition("original", original.result(), width, height), *smaller)
    digest = hashlib.sha256(renditions[0].data).hexdigest()
    return Processed(digest, width, height, renditions)
