"""What members read instead of the file: a metadata line, then the start of the text, personal data masked."""

from __future__ import annotations

import io

from server.domain.materials.sniffing import SNIFF_BYTES, sniff
from server.domain.materials.summaries import Summary, summarize
from tests.domain.materials import samples


def _summary(name: str, data: bytes, transcript: bytes | None = None) -> Summary:
    content_type = sniff(data[:SNIFF_BYTES], name)
    return summarize(
        name=name,
        content_type=content_type,
        size=len(data),
        open_plaintext=lambda: io.BytesIO(data),
        transcript=transcript,
    )


def test_a_chinese_text_file_is_summarised_masked() -> None:
    data = f"客户要求：退款慢，卡被吞。电话 {samples.PHONE}，邮箱 {samples.EMAIL}\n第二行\n".encode("gb18030")
    summary = _summary("客户.txt", data)
    assert (
        summary.text
        == f"text/plain · 2 lines · {len(data)} B\n客户要求：退款慢，卡被吞。电话 138****5678，邮箱 z***@example.com 第二行"
    )
    assert [span.kind for span in summary.spans] == ["phone", "email"]
    assert [summary.text[span.start : span.end] for span in summary.spans] == [
        "138****5678",
        "z***@example.com",
    ]


def test_pdf_and_docx_name_their_pages_and_mask_their_text() -> None:
    pdf = _summary("a.pdf", samples.pdf([[("F1", f"Call {samples.PHONE}")]]))
    assert pdf.text.startswith("application/pdf · 1 page · ")
    assert pdf.text.endswith("\nCall 138****5678")
    docx = _summary("b.docx", samples.docx_bytes())
    assert docx.text.startswith("DOCX · ")
    assert "手机138****5678，邮箱z***@example.com" in docx.text
    assert samples.PHONE not in docx.text


def test_media_gets_metadata_and_a_masked_transcript() -> None:
    audio = _summary("call.wav", samples.wav(2.5), transcript=samples.SRT.encode())
    assert audio.duration_seconds == 2.5
    assert audio.text.startswith("audio/wav · 0:02 · ")
    assert "客户：我的电话是 138 **** 5678。" in audio.text
    assert "z***@example.com" in audio.text
    video = _summary("site.mp4", samples.mp4(125_000))
    assert (video.text, video.duration_seconds) == ("video/mp4 · 2:05 · 144 B", 125.0)
    image = _summary("photo.png", samples.png(64, 48))
    assert image.text == "image/png · 64×48 · 207 B"


def test_a_long_text_is_cut_never_inside_a_mask_and_a_broken_file_still_gets_its_metadata() -> None:
    line = f"联系 {samples.PHONE} 或 {samples.EMAIL}。"
    long = _summary("long.txt", (line * 500).encode())
    body = long.text.split("\n", 1)[1]
    assert body.endswith("…")
    assert len(body) <= 2001
    assert samples.PHONE not in body
    assert all(long.text[span.start : span.end].count("*") for span in long.spans)
    broken = _summary("broken.pdf", b"%PDF-1.7\n not a real pdf at all")
    assert broken.text.startswith("application/pdf · ")
    assert "\n" not in broken.text
