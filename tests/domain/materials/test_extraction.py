"""Text out of each type that has some, Chinese and English; bad files give None, never an exception."""

from __future__ import annotations

from server.domain.materials.extraction import extract, extract_text
from server.domain.materials.sniffing import DOCX, PDF
from tests.domain.materials import samples


def test_the_text_layer_of_a_pdf_page_by_page() -> None:
    data = samples.pdf([[("F1", "Customer requirement: cycle time 45 s")], [("F1", "Page two")]])
    extracted = extract(PDF, data)
    assert extracted is not None
    assert (extracted.text, extracted.pages) == ("Customer requirement: cycle time 45 s\nPage two", 2)


def test_docx_paragraphs_and_table_cells_in_chinese_and_english() -> None:
    text = extract_text(DOCX, samples.docx_bytes())
    assert text is not None
    assert "客户需求 Customer requirements" in text
    assert "联系人张三，手机13812345678" in text
    assert "The unit must run at 45 °C" in text


def test_plain_text_in_gb18030_utf8_and_utf16() -> None:
    chinese = "客户要求：退款慢，卡被吞。\n第二行\n"
    assert extract_text("text/plain; charset=gb18030", chinese.encode("gb18030")) == chinese
    assert extract_text("text/plain; charset=utf-8", chinese.encode()) == chinese
    assert extract_text("text/plain; charset=utf-16", chinese.encode("utf-16")) == chinese


def test_subtitles_give_their_cue_text_only() -> None:
    srt = extract_text("application/x-subrip; charset=utf-8", samples.SRT.encode())
    assert (
        srt == "客户：我的电话是 138 1234 5678。\nSales: please e-mail zhang.san@example.com\n好的 & thanks"
    )
    vtt = extract_text("text/vtt; charset=utf-8", samples.VTT.encode())
    assert vtt == "我们需要在三月前交付\nDelivery before March is fine."


def test_types_without_text_and_broken_files_give_none() -> None:
    assert extract_text("audio/wav", samples.wav(0.2)) is None
    assert extract_text("image/png", samples.png(4, 4)) is None
    assert extract_text(PDF, b"%PDF-1.7\n garbage that is no PDF") is None
    assert extract_text(DOCX, b"PK\x03\x04 not really a zip") is None
    locked = samples.encrypted_pdf(samples.pdf([[("F1", "secret")]]), "pw")
    assert not extract_text(PDF, locked)
