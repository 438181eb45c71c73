"""The content type comes from the bytes; the name only refines text, never overrides what bytes say."""

from __future__ import annotations

import pytest

from server.domain.materials.sniffing import DOCX, PDF, SNIFF_BYTES, sniff
from tests.domain.materials import samples


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("需求.pdf", samples.pdf([[("F1", "Requirement")]]), PDF),
        ("需求.docx", samples.docx_bytes(), DOCX),
        ("录音.wav", samples.wav(0.5), "audio/wav"),
        ("现场.png", samples.png(8, 8), "image/png"),
        ("视频.mp4", samples.mp4(1000), "video/mp4"),
        ("说明.txt", "客户要求：退款慢".encode(), "text/plain; charset=utf-8"),
        ("旧系统导出.txt", "客户要求：退款慢，卡被吞。".encode("gb18030"), "text/plain; charset=gb18030"),
        ("unicode.txt", "你好 world".encode("utf-16"), "text/plain; charset=utf-16"),
        ("字幕.srt", samples.SRT.encode(), "application/x-subrip; charset=utf-8"),
        ("no-name", samples.SRT.encode(), "application/x-subrip; charset=utf-8"),
        ("字幕.vtt", samples.VTT.encode(), "text/vtt; charset=utf-8"),
        ("notes.md", b"# Title\n\n- item one\n- item two\n", "text/markdown; charset=utf-8"),
    ],
)
def test_types_are_read_from_the_bytes(name: str, data: bytes, expected: str) -> None:
    assert sniff(data[:SNIFF_BYTES], name) == expected


def test_a_name_never_wins_against_the_bytes() -> None:
    junk = bytes(range(256)) * 4
    assert sniff(junk, "合同.pdf") == "application/octet-stream"
    assert sniff(samples.wav(0.2), "notes.txt") == "audio/wav"
    assert sniff(samples.png(4, 4), "字幕.srt") == "image/png"
