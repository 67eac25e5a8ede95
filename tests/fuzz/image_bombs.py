# tests/fuzz/image_bombs.py — hostile images within the pixel cap that cost far more than their pixels to decode (the scan bomb an outside attacker sent, marker and chunk floods, huge metadata), built byte by byte.
"""The JPEG builder follows the attacker's generator: a grey or colour progressive JPEG whose Huffman tables
have one code each (DC: difference 0; AC: an end-of-band run of 32,767 blocks), so every scan is a few bytes
long whatever the image's size, while libjpeg still visits every block of it in every scan."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


class _Bits:
    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value: int, bits: int) -> None:
        for i in range(bits - 1, -1, -1):
            self.acc, self.n = (self.acc << 1) | ((value >> i) & 1), self.n + 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)  # byte stuffing
                self.acc, self.n = 0, 0

    def flush(self) -> bytes:
        while self.n:
            self.put(1, 1)
        return bytes(self.out)


def progressive_jpeg(width: int, height: int, scans: list[tuple[int, int, int]], components: int = 1) -> bytes:
    """A progressive JPEG: one DC scan of every component, then `scans` as (component index, Ah, Al) AC scans
    over the band 1–63, each one end-of-band run after another."""
    blocks = -(-width // 8) * -(-height // 8)
    out = bytearray(b"\xff\xd8")
    out += _segment(0xDB, bytes([0]) + bytes([1] * 64))
    out += _segment(0xC2, struct.pack(">BHHB", 8, height, width, components)
                    + b"".join(bytes([i + 1, 0x11, 0]) for i in range(components)))
    out += _segment(0xC4, bytes([0x00]) + bytes([1] + [0] * 15) + bytes([0x00]))  # DC: one code, difference 0
    out += _segment(0xC4, bytes([0x10]) + bytes([1] + [0] * 15) + bytes([0xE0]))  # AC: one code, EOB run 2^14+
    out += _segment(0xDA, bytes([components]) + b"".join(bytes([i + 1, 0x00]) for i in range(components))
                    + bytes([0, 0, 0]))
    dc = _Bits()
    for _ in range(blocks * components):
        dc.put(0, 1)
    out += dc.flush()
    ac = _Bits()
    for _ in range(-(-blocks // 32767)):
        ac.put(0, 1)
        ac.put(0x3FFF, 14)
    runs = ac.flush()
    for component, ah, al in scans:
        out += _segment(0xDA, bytes([1, component + 1, 0x00, 1, 63, (ah << 4) | al])) + runs
    return bytes(out + b"\xff\xd9")


def scan_bomb(scans: int, width: int = 4096, height: int = 4096) -> bytes:
    """The attack: the same AC scan repeated (the attacker's 1 MB file had 27,000 of them: 56 s of CPU)."""
    return progressive_jpeg(width, height, [(0, 0, 0)] * scans)


def refinement_bomb(scans: int, width: int = 4096, height: int = 4096) -> bytes:
    """Fewer scans, each an AC refinement (Ah=1), which visits every coefficient of every block: ~18 ms a scan."""
    return progressive_jpeg(width, height, [(0, 0, 1)] + [(0, 1, 0)] * (scans - 1))


def encoded(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB", **options) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (180, 60, 30) if mode == "RGB" else 0).save(buf, format=fmt, **options)
    return buf.getvalue()


def jpeg_with_markers(count: int, marker: bytes = b"\xff\xfe\x00\x02") -> bytes:
    """A small real JPEG with `count` empty COM markers after its SOI (Pillow parses each in Python)."""
    data = encoded("JPEG")
    return data[:2] + marker * count + data[2:]


def jpeg_with_fill(count: int) -> bytes:
    """Fill bytes (0xFF) before the first marker after SOI: legal, and read one by one by Pillow."""
    data = encoded("JPEG")
    return data[:2] + b"\xff" * count + data[2:]


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(extra: bytes, size: tuple[int, int] = (64, 48), idat_split: int | None = None) -> bytes:
    """A grey PNG with `extra` chunks after IHDR, its image data in chunks of `idat_split` bytes if given."""
    width, height = size
    data = zlib.compress(b"".join(b"\x00" + bytes(width) for _ in range(height)), 9)
    step = idat_split or len(data)
    idats = b"".join(chunk(b"IDAT", data[i:i + step]) for i in range(0, len(data), step))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + extra
            + idats + chunk(b"IEND", b""))


def exif(entries: int, orientation: int = 6) -> bytes:
    """A little-endian EXIF (TIFF) block: the orientation, then `entries - 1` more tags in IFD0."""
    tags = [struct.pack("<HHII", 0x0112, 3, 1, orientation)]
    tags += [struct.pack("<HHII", 0x9000 + i % 1000, 7, 4, 0) for i in range(entries - 1)]
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", entries) + b"".join(tags) + struct.pack("<I", 0)


def iccp_bomb(count: int) -> bytes:
    """`count` iCCP chunks, each inflating to just under Pillow's 1 MB limit from about a kilobyte."""
    profile = zlib.compress(bytes(1024 * 1024 - 1), 9)
    return b"".join(chunk(b"iCCP", b"icc\x00\x00" + profile) for _ in range(count))

# Test: pytest tests/fuzz/test_abuse_uploads.py tests/http/test_image_uploads.py
