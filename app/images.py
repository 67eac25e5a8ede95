# app/images.py — checking an uploaded photo by its content and re-encoding it without metadata.
from __future__ import annotations

import io

from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class NotAnImage(ValueError):
    pass


def sniff(data: bytes) -> str | None:
    """The format from the first bytes (never from the file name or the declared type)."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_photo(data: bytes) -> tuple[bytes, str, str]:
    """Decode fully (a truncated or forged file fails here), apply the EXIF orientation, drop every other
    piece of metadata (camera, GPS), bound the size, and re-encode in the same format."""
    fmt = sniff(data)
    if fmt is None:
        raise NotAnImage("Upload a JPEG, PNG or WebP image.")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow itself only warns between 1x and 2x this: checked below
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise NotAnImage("The file's content does not match an image format.")
            if img.width * img.height > MAX_PIXELS:  # a decompression bomb is refused before decoding
                raise NotAnImage("The image has too many pixels (at most 40 megapixels).")
            img.load()
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format=fmt, **({"quality": 88} if fmt in ("JPEG", "WEBP") else {}))
    except NotAnImage:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAnImage("The image could not be read.") from exc
    content_type, ext = FORMATS[fmt]
    return out.getvalue(), content_type, ext

# Test: pytest tests/http/test_profile.py
