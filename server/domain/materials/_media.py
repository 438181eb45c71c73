"""Metadata of audio, video and images that is cheap to read: duration (via tinytag) and pixel size (from
the image header), and how both are written in a summary."""

from __future__ import annotations

import logging
import struct
from typing import BinaryIO

from tinytag import TinyTag, TinyTagException

# The image header readers below find the size within this many bytes (JPEG's can follow a big EXIF block).
IMAGE_HEAD_BYTES = 512 * 1024

_JPEG_SIZE_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}

log = logging.getLogger(__name__)


def duration_of(source: BinaryIO) -> float | None:
    """Seconds of playback of an audio file or an MP4/QuickTime/M4A video, when its headers say so."""
    try:
        source.seek(0)
        tag = TinyTag.get(file_obj=source, tags=False, duration=True)
    except (TinyTagException, OSError, ValueError):
        return None
    duration = tag.duration
    return float(duration) if duration and duration > 0 else None


def dimensions_of(head: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG, WebP or BMP image from its first bytes."""
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return _positive(*struct.unpack(">II", head[16:24]))
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return _positive(*struct.unpack("<HH", head[6:10]))
        if head.startswith(b"\xff\xd8"):
            return _jpeg(head)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp(head)
        if head.startswith(b"BM") and len(head) >= 26:
            width, height = struct.unpack("<ii", head[18:26])
            return _positive(width, abs(height))
    except struct.error:
        return None
    return None


def _positive(width: int, height: int) -> tuple[int, int] | None:
    return (width, height) if width > 0 and height > 0 else None


def _jpeg(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_SIZE_MARKERS:
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return _positive(width, height)
        (length,) = struct.unpack(">H", head[at + 2 : at + 4])
        at += 2 + length
    return None


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return _positive(width, height)
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return _positive((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return _positive(width & 0x3FFF, height & 0x3FFF)
    return None


def human_size(size: int) -> str:
    """A byte count in decimal units, as file managers show it: `512 B`, `12.3 KB`, `45.2 MB`."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.95 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def clock(seconds: float) -> str:
    """A duration as a player shows it: `0:07`, `3:25`, `1:02:03`."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
