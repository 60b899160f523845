"""Image and PDF sizing from the first bytes of base64 data (no decoding of whole files)."""

from __future__ import annotations

import base64
import binascii
import re
import struct

__all__ = ["image_dimensions", "image_tokens", "pdf_page_count"]

# Anthropic: tokens ~= width*height/750; images are downscaled so the long edge is at most
# 1568 px and the area at most ~1.15 MP, which caps an image at about 1600 tokens.
_MAX_EDGE = 1568
_PIXELS_PER_TOKEN = 750
MAX_IMAGE_TOKENS = 1600


def image_tokens(
    width: int, height: int, max_edge: int = _MAX_EDGE, max_tokens: int = MAX_IMAGE_TOKENS
) -> int:
    """width*height/750 after the API's downscaling to ``max_edge`` and ``max_tokens``."""
    if width <= 0 or height <= 0:
        return 0
    scale = min(1.0, max_edge / max(width, height))
    w, h = width * scale, height * scale
    max_pixels = max_tokens * _PIXELS_PER_TOKEN
    if w * h > max_pixels:
        area_scale = (max_pixels / (w * h)) ** 0.5
        w, h = w * area_scale, h * area_scale
    return max(1, min(max_tokens, round(w * h / _PIXELS_PER_TOKEN)))


def _head(data_b64: str, nbytes: int) -> bytes:
    chunk = data_b64[: ((nbytes + 2) // 3) * 4]
    chunk = chunk[: len(chunk) - len(chunk) % 4]
    try:
        return base64.b64decode(chunk)
    except (binascii.Error, ValueError):
        return b""


def _jpeg_size(buf: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(buf):
        if buf[i] != 0xFF:
            i += 1
            continue
        marker = buf[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (seglen,) = struct.unpack(">H", buf[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", buf[i + 5 : i + 9])
            return w, h
        i += 2 + seglen
    return None


def image_dimensions(data_b64: str) -> tuple[int, int] | None:
    """Width and height of a base64 PNG, GIF, WebP or JPEG, read from its header.

    JPEG's size marker can sit after large EXIF segments, so a longer prefix is decoded
    for it (still bounded: 64 KiB)."""
    buf = _head(data_b64, 64)
    if buf.startswith(b"\x89PNG\r\n\x1a\n") and len(buf) >= 24:
        w, h = struct.unpack(">II", buf[16:24])
        return w, h
    if buf[:6] in (b"GIF87a", b"GIF89a") and len(buf) >= 10:
        w, h = struct.unpack("<HH", buf[6:10])
        return w, h
    if buf[:4] == b"RIFF" and buf[8:12] == b"WEBP" and len(buf) >= 30:
        kind = buf[12:16]
        if kind == b"VP8 ":
            w, h = struct.unpack("<HH", buf[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if kind == b"VP8L":
            b = buf[21:25]
            w = 1 + (((b[1] & 0x3F) << 8) | b[0])
            h = 1 + (((b[3] & 0x0F) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
            return w, h
        if kind == b"VP8X":
            w = 1 + int.from_bytes(buf[24:27], "little")
            h = 1 + int.from_bytes(buf[27:30], "little")
            return w, h
    if buf[:2] == b"\xff\xd8":
        return _jpeg_size(_head(data_b64, 65536))
    return None


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


def pdf_page_count(data_b64: str) -> int:
    """Pages of a base64 PDF: the page tree's ``/Count`` when readable, else the number of
    ``/Type /Page`` objects (compressed object streams hide them: then at least 1)."""
    try:
        raw = base64.b64decode(data_b64)
    except (binascii.Error, ValueError):
        return 1
    counts = [int(a or b) for a, b in _COUNT.findall(raw)]
    if counts:
        return max(1, max(counts))
    return max(1, len(_PAGE.findall(raw)))
