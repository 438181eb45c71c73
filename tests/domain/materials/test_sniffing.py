import codecs
import io
import zipfile

import pytest

from server.domain.materials.sniffing import SNIFF_BYTES, base_type, charset_of, sniff
from tests.domain.materials import samples

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def office_package(main_part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(main_part, "<x/>" * 1000)
    return out.getvalue()


def head(data: bytes) -> bytes:
    return data[:SNIFF_BYTES]


def test_documents_are_known_by_their_bytes():
    assert sniff(head(samples.pdf([[("en", "hello")]])), "report.pdf") == "application/pdf"
    assert sniff(head(samples.docx_bytes()), "需求.docx") == DOCX
    assert sniff(head(office_package("xl/workbook.xml")), "a.xlsx") == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert sniff(head(office_package("ppt/presentation.xml")), "a.pptx") == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert sniff(head(office_package("data/readme.txt")), "a.docx") == "application/zip"


def test_media_are_known_by_their_bytes():
    assert sniff(head(samples.png(4, 3)), "photo.jpg") == "image/png"
    assert sniff(head(samples.wav(0.5)), "call.mp3") == "audio/wav"
    assert sniff(head(samples.mp4(1000)), "clip") == "video/mp4"
    assert sniff(head(samples.mp4(1000, brand=b"qt  ")), "clip.mp4") == "video/quicktime"
    assert sniff(head(samples.mp4(1000, brand=b"M4A ")), "voice.m4a") == "audio/mp4"
    # brands filetype does not list are still MP4
    assert sniff(head(samples.mp4(1000, brand=b"iso6")), "dash.mp4") == "video/mp4"
    assert sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 64, "x") == "video/webm"
    assert sniff(b"\x1a\x45\xdf\xa3\xa3\x42\x82\x88matroska" + b"\x00" * 64, "x") == "video/x-matroska"
    assert sniff(b"fLaC\x00\x00\x00\x22" + b"\x00" * 64, "x") == "audio/flac"
    assert sniff(b"OggS\x00\x02" + b"\x00" * 64, "x") == "audio/ogg"
    assert sniff(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "x") == "audio/mpeg"


def test_the_name_never_wins_against_the_bytes():
    assert sniff(b"\x00\x01\x02\x03\xff\xfe\x00binary", "report.pdf") == "application/octet-stream"
    assert sniff(head(samples.png(4, 3)), "notes.txt") == "image/png"
    assert sniff(b"\x89\x00\x00garbage\x00", "subtitles.srt") == "application/octet-stream"
    # the client's words are text: the bytes say so, whatever the name claims
    assert sniff("客户需求".encode(), "drawing.pdf") == "text/plain; charset=utf-8"
    assert sniff(b"", "empty.txt") == "application/octet-stream"


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (b"plain ASCII notes", "utf-8"),
        ("客户反馈：设备过热 overheating".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "带 BOM 的文本".encode(), "utf-8"),
        ("UTF-16 文本 with BOM".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "大端 big endian".encode("utf-16-be"), "utf-16"),
        ("客户说：设备在高温下不稳定，需要尽快处理。\r\n".encode("gbk"), "gb18030"),
        ("GB18030 独有的字：㐀㐁 and 𠀀".encode("gb18030"), "gb18030"),
    ],
)
def test_text_carries_its_charset(data, charset):
    assert sniff(data, "notes.txt") == f"text/plain; charset={charset}"


def test_a_head_cut_inside_a_character_is_still_text():
    data = ("中文" * 5000).encode()
    assert len(data) > SNIFF_BYTES
    assert SNIFF_BYTES % 3  # the cut falls inside a three-byte character
    assert sniff(data[:SNIFF_BYTES], "a.txt") == "text/plain; charset=utf-8"
    gbk = ("汉字" * 5000).encode("gbk")
    assert sniff(gbk[: SNIFF_BYTES - 1], "a.txt") == "text/plain; charset=gb18030"


def test_binary_that_gb18030_could_decode_is_not_text():
    # Every byte here is a valid GB18030 lead or trail, but the characters are not Chinese text.
    soup = bytes([0x81, 0x30, 0x81, 0x30, 0x82, 0x31, 0x83, 0x32] * 50)
    assert sniff(soup, "a.txt") == "application/octet-stream"
    assert sniff(b"text with a \x01 control byte", "a.txt") == "application/octet-stream"


def test_subtitles_and_markdown_by_content_or_by_name():
    assert sniff(samples.SRT.encode(), "call") == "application/x-subrip; charset=utf-8"
    assert sniff(samples.SRT.encode("gbk"), "call") == "application/x-subrip; charset=gb18030"
    assert sniff(samples.VTT.encode(), "call.txt") == "text/vtt; charset=utf-8"
    assert sniff(codecs.BOM_UTF8 + samples.VTT.encode(), "call") == "text/vtt; charset=utf-8"
    assert sniff(b"WEBVTTX is not a header", "a") == "text/plain; charset=utf-8"
    assert sniff("随便写的字幕".encode(), "call.srt") == "application/x-subrip; charset=utf-8"
    assert sniff(b"no header", "call.VTT") == "text/vtt; charset=utf-8"
    assert (
        sniff("# 会议纪要\n\n- 客户要求三月交付\n- 价格待定\n".encode(), "notes")
        == "text/markdown; charset=utf-8"
    )
    assert sniff("会议纪要\n客户要求三月交付\n".encode(), "notes.md") == "text/markdown; charset=utf-8"
    assert sniff(b"# not markdown alone\nline two\n", "notes") == "text/plain; charset=utf-8"


def test_weak_magic_numbers_do_not_turn_text_into_binary():
    # "BM" starts a bitmap and "MZ" a Windows executable; in text they start words.
    assert sniff("BMW 车型的报价单".encode(), "a") == "text/plain; charset=utf-8"
    assert sniff(b"MZ-200 spare parts list", "a") == "text/plain; charset=utf-8"


def test_content_type_helpers():
    assert charset_of("text/plain; charset=GB18030") == "gb18030"
    assert charset_of("application/pdf") is None
    assert base_type("Text/Markdown; charset=utf-8") == "text/markdown"
