# tests/fuzz/image_bombs.py — hostile images within the pixel cap that cost far more than their pixels to decode (the scan bomb an outside attacker sent, marker and chunk floods, huge metadata), built byte by byte.
"""The JPEG builder follows the attacker's generator: a grey or colour progressive JPEG whose Huffman tables
have one code each (DC: difference 0; AC: an end-of-band run of 32,767 blocks), so every scan is a few bytes
long whatever the image's size, while libjpeg still visits every block of it in every scan."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def segment(marker: int, payload: bytes) -> bytes:
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


EOI = b"\xff\xd9"


def _blocks(width: int, height: int) -> int:
    return -(-width // 8) * -(-height // 8)


def jpeg_head(width: int, height: int, components: int = 1, restart_interval: int = 0, frame: int = 0xC2) -> bytes:
    """SOI and the tables of the JPEGs built here: every quantiser 1; DC codes '0' (difference 0) and '10'
    (a difference of 8 bits); one AC code (an end-of-band run of 2^14 + 14 bits); a frame of `components`
    components sampled 1×1, ids 1…; a restart interval when given."""
    out = bytearray(b"\xff\xd8")
    out += segment(0xDB, bytes([0]) + bytes([1] * 64))
    out += segment(frame, struct.pack(">BHHB", 8, height, width, components)
                    + b"".join(bytes([i + 1, 0x11, 0]) for i in range(components)))
    out += segment(0xC4, bytes([0x00]) + bytes([1, 1] + [0] * 14) + bytes([0x00, 0x08]))
    out += segment(0xC4, bytes([0x10]) + bytes([1] + [0] * 15) + bytes([0xE0]))
    if restart_interval:
        out += segment(0xDD, struct.pack(">H", restart_interval))
    return bytes(out)


def dc_scan(width: int, height: int, components: int = 1, lift: int = 0) -> bytes:
    """The DC scan of every component: each block's DC difference 0, except that with `lift` (128–255) the
    first block's is +lift, which (all later differences 0) brightens the whole first component by about
    lift / 8 once decoded: what shows that a decoder read this scan."""
    if lift and not 128 <= lift <= 255:
        raise ValueError("lift is a difference of 8 bits: 128-255")
    bits = _Bits()
    for i in range(_blocks(width, height) * components):
        if i == 0 and lift:
            bits.put(0b10, 2)
            bits.put(lift, 8)
        else:
            bits.put(0, 1)
    return (segment(0xDA, bytes([components]) + b"".join(bytes([i + 1, 0x00]) for i in range(components))
                     + bytes([0, 0, 0])) + bits.flush())


def ac_scan(width: int, height: int, component: int = 0, ah: int = 0, al: int = 0) -> bytes:
    """An AC scan (band 1–63) of one component, a few bytes of end-of-band runs whatever the image's size,
    which still makes libjpeg visit every block."""
    bits = _Bits()
    for _ in range(-(-_blocks(width, height) // 32767)):
        bits.put(0, 1)
        bits.put(0x3FFF, 14)
    return segment(0xDA, bytes([1, component + 1, 0x00, 1, 63, (ah << 4) | al])) + bits.flush()


def progressive_jpeg(width: int, height: int, scans: list[tuple[int, int, int]], components: int = 1) -> bytes:
    """A progressive JPEG: one DC scan of every component, then `scans` as (component index, Ah, Al) AC scans
    over the band 1–63, each one end-of-band run after another."""
    return (jpeg_head(width, height, components) + dc_scan(width, height, components)
            + b"".join(ac_scan(width, height, *scan) for scan in scans) + EOI)


def scan_bomb(scans: int, width: int = 4096, height: int = 4096) -> bytes:
    """The attack: the same AC scan repeated (the attacker's 1 MB file had 27,000 of them: 56 s of CPU)."""
    return progressive_jpeg(width, height, [(0, 0, 0)] * scans)


def hidden_scans(trick: bytes = b"", scans: int = 150, width: int = 1024, height: int = 1024, *, lift: int = 0,
                 wrap=None, restart_interval: int = 0, where: str = "after the first scan") -> bytes:
    """The second round's attack: a grey progressive JPEG with `trick` (bytes a naive walk of the markers
    stops at, or skips over) after its first scan, or before it, then the hidden part: with `lift`, a DC scan
    that brightens the picture (so a decode shows whether libjpeg read past the trick), then `scans` AC scans
    (the scan bomb; 150 of them over 1024×1024 go past the scan count). `wrap(hidden)`, when given, returns
    the bytes that stand for the hidden part (a segment that seems to hold it)."""
    hidden = (dc_scan(width, height, lift=lift) if lift else b"") + ac_scan(width, height) * scans
    hidden = wrap(hidden) if wrap else hidden
    head, first = jpeg_head(width, height, restart_interval=restart_interval), dc_scan(width, height)
    if where == "before the first scan":
        return head + trick + first + hidden + EOI
    return head + first + trick + hidden + EOI


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
