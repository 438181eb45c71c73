import io
import logging
import os
import zipfile

import pytest

from server.domain.materials import extraction
from server.domain.materials.extraction import MAX_CHARS, MAX_PAGES, Extracted, extract, extract_text
from server.domain.materials.sniffing import SNIFF_BYTES, sniff
from tests.domain.materials import samples

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniffed(data: bytes, name: str = "") -> str:
    return sniff(data[:SNIFF_BYTES], name)


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    # Broken files are logged as warnings on purpose; they are part of what these tests feed in.
    caplog.set_level(logging.ERROR)


def test_pdf_text_layer_in_english_and_chinese():
    data = samples.pdf(
        [
            [("en", "Customer requirements (draft)"), ("zh", "客户需求：高温环境下稳定运行")],
            [("zh", f"联系人手机{samples.PHONE}"), ("en", "Page two ends here")],
        ]
    )
    extracted = extract(sniffed(data, "x.pdf"), data)
    assert extracted is not None
    assert extracted.pages == 2
    assert not extracted.truncated
    assert extracted.text.split("\n") == [
        "Customer requirements (draft)",
        "客户需求：高温环境下稳定运行",
        f"联系人手机{samples.PHONE}",
        "Page two ends here",
    ]


def test_pdf_from_a_seekable_file_object(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(samples.pdf([[("en", "read from disk"), ("zh", "从磁盘读取")]]))
    with path.open("rb") as source:
        source.read(100)  # a file object not at its start is rewound
        assert extract_text(PDF, source) == "read from disk\n从磁盘读取"


def test_pdf_pages_past_the_cap_are_not_read():
    data = samples.pdf([[("en", f"page {number}")] for number in range(1, MAX_PAGES + 3)])
    extracted = extract(PDF, data)
    assert extracted is not None
    assert extracted.pages == MAX_PAGES + 2
    assert extracted.truncated
    assert extracted.text.split("\n")[-1] == f"page {MAX_PAGES}"


def test_pdf_encrypted_with_an_empty_user_password_opens_and_with_a_real_one_does_not():
    data = samples.pdf([[("en", "permissions only"), ("zh", "仅限制权限")]])
    assert extract_text(PDF, samples.encrypted_pdf(data, "")) == "permissions only\n仅限制权限"
    assert extract_text(PDF, samples.encrypted_pdf(data, "secret")) is None


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not a pdf at all",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
        samples.pdf([[("en", "cut short")]])[:200],
        b"",
    ],
)
def test_broken_pdfs_give_none_or_what_could_be_read(data):
    result = extract_text(PDF, data)
    assert result is None or isinstance(result, str)


def test_docx_paragraphs_and_tables_in_order():
    text = extract_text(DOCX, samples.docx_bytes())
    assert text is not None
    assert text.split("\n") == [
        "客户需求 Customer requirements",
        f"联系人张三，手机{samples.PHONE}，邮箱{samples.EMAIL}。",
        "The unit must run at 45 °C without derating.",
        "料号 Part\t数量 Qty\t备注 Note",
        f"AB-1234-5678\t300\t身份证{samples.ID_NUMBER}",
        "嵌套 nested\tinner cell",
        "合并单元格 merged cell",
        "结尾段落 final paragraph",
    ]


def docx_with(replace: dict[str, bytes | None]) -> bytes:
    """The sample DOCX with some parts replaced (or left out, for None)."""
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = replace.get(info.filename, source.read(info))
            if content is not None:
                package.writestr(info.filename, content)
    return out.getvalue()


def test_broken_docx_gives_none():
    assert extract_text(DOCX, docx_with({"word/document.xml": None})) is None
    assert extract_text(DOCX, docx_with({"word/document.xml": b"<w:document><unclosed"})) is None
    assert extract_text(DOCX, b"PK\x03\x04 not really a zip") is None
    # what Word writes for a password-protected document: an OLE compound file, not a zip
    assert extract_text(DOCX, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504) is None


def test_docx_whose_main_part_would_decompress_past_the_cap_is_not_opened(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_DOCX_XML_BYTES", 1000)
    assert extract_text(DOCX, samples.docx_bytes()) is None


def test_docx_media_do_not_count_and_are_not_read(monkeypatch):
    out = io.BytesIO(samples.docx_bytes())
    with zipfile.ZipFile(out, "a") as package:
        parts = sum(info.file_size for info in package.infolist())
        package.writestr("word/media/drawing.png", os.urandom(300_000))
    monkeypatch.setattr(extraction, "MAX_DOCX_XML_BYTES", parts + 200_000)
    assert "结尾段落" in (extract_text(DOCX, out.getvalue()) or "")
    with zipfile.ZipFile(out, "a") as package:
        package.writestr("word/big-part.xml", os.urandom(300_000))
    assert extract_text(DOCX, out.getvalue()) is None


def test_subtitles_keep_the_cue_text_only():
    assert extract_text(sniffed(samples.SRT.encode()), samples.SRT.encode()) == (
        "客户：我的电话是 138 1234 5678。\nSales: please e-mail zhang.san@example.com\n好的 & thanks"
    )
    assert extract_text(sniffed(samples.VTT.encode()), samples.VTT.encode()) == (
        "我们需要在三月前交付\nDelivery before March is fine."
    )
    windows = samples.SRT.replace("\n", "\r\n").encode("gbk")
    assert extract_text(sniffed(windows), windows) == extract_text(
        "application/x-subrip", samples.SRT.encode()
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("客户说：设备过热。\nThe unit overheats.\n".encode(), "客户说：设备过热。\nThe unit overheats.\n"),
        ("﻿带 BOM\r\nwith BOM".encode(), "带 BOM\nwith BOM"),
        ("旧电脑写的 GBK 文本\r\n第二行".encode("gbk"), "旧电脑写的 GBK 文本\n第二行"),
        ("UTF-16 的文本 text".encode("utf-16"), "UTF-16 的文本 text"),
        ("# 会议纪要\n\n- 三月交付".encode(), "# 会议纪要\n\n- 三月交付"),
    ],
)
def test_plain_text_and_markdown_decoded_per_their_charset(data, expected):
    assert extract_text(sniffed(data, "notes.md"), data) == expected


def test_text_without_a_charset_falls_back_to_gb18030():
    data = "没有声明编码的中文".encode("gbk")
    assert extract_text("text/plain", data) == "没有声明编码的中文"
    assert extract_text("text/plain; charset=x-unknown", "未知编码".encode()) == "未知编码"


def test_text_is_capped():
    data = ("一二三四五六七八九十" * (MAX_CHARS // 5)).encode()
    extracted = extract("text/plain; charset=utf-8", data)
    assert extracted == Extracted(("一二三四五六七八九十" * (MAX_CHARS // 5))[:MAX_CHARS], truncated=True)


def test_types_without_text_give_none():
    assert extract_text("image/png", samples.png(4, 4)) is None
    assert extract_text("audio/wav", samples.wav(0.1)) is None
    assert extract_text("application/octet-stream", b"\x00\x01") is None
    assert extract_text("application/zip", b"PK\x03\x04") is None
