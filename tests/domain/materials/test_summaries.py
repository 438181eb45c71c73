import io
import logging
import re

import pytest

from server.domain.materials import summaries
from server.domain.materials.sniffing import SNIFF_BYTES, sniff
from server.domain.materials.summaries import EXCERPT_CHARS, Summary, summarize
from tests.domain.materials import samples


@pytest.fixture(autouse=True)
def _quiet_logs(caplog):
    # Broken files are logged as warnings on purpose; they are part of what these tests feed in.
    caplog.set_level(logging.ERROR)


def summary_of(data: bytes, name: str = "material", transcript: bytes | None = None, size: int | None = None):
    opened: list[io.BytesIO] = []

    def open_plaintext():
        assert not opened, "the material is opened once"
        opened.append(io.BytesIO(data))
        return opened[-1]

    return summarize(
        name=name,
        content_type=sniff(data[:SNIFF_BYTES], name),
        size=len(data) if size is None else size,
        open_plaintext=open_plaintext,
        transcript=transcript,
    )


def marked(summary: Summary) -> list[tuple[str, str]]:
    return [(span.kind, summary.text[span.start : span.end]) for span in summary.spans]


def assert_no_secrets(summary: Summary) -> None:
    for secret in (samples.PHONE, "1381234", samples.EMAIL, "zhang.san", samples.ID_NUMBER, "19900307"):
        assert secret not in summary.text


def test_gbk_text_from_windows():
    data = (
        f"客户会议纪要\r\n联系人：张三，电话 {samples.PHONE}，身份证 {samples.ID_NUMBER}\r\n"
        "Contact: zhang.san@example.com\r\n"
    ).encode("gbk")
    summary = summary_of(data, "纪要.txt")
    assert summary.text == (
        f"text/plain · 3 lines · {len(data)} B\n"
        "客户会议纪要 联系人：张三，电话 138****5678，身份证 110101********1233 Contact: z***@example.com"
    )
    assert marked(summary) == [
        ("phone", "138****5678"),
        ("id_number", "110101********1233"),
        ("email", "z***@example.com"),
    ]
    assert summary.duration_seconds is None


def test_markdown_counts_a_last_line_without_newline():
    data = "# 交付计划\n\n- 三月交付\n- Price: TBD".encode()
    summary = summary_of(data, "plan.md")
    assert summary.text == f"text/markdown · 4 lines · {len(data)} B\n# 交付计划 - 三月交付 - Price: TBD"
    assert summary_of(b"", "empty.txt").text == "application/octet-stream · 0 B"


def test_pdf_with_chinese_and_english_text():
    data = samples.pdf(
        [
            [("zh", "客户需求：设备需在45度下稳定运行"), ("en", "Customer requirement: run at 45 C")],
            [("zh", f"联系人手机{samples.PHONE}"), ("en", f"e-mail {samples.EMAIL}")],
        ]
    )
    summary = summary_of(data, "需求.pdf")
    header, body = summary.text.split("\n")
    assert re.fullmatch(r"application/pdf · 2 pages · \d\.\d KB", header)
    assert body == (
        "客户需求：设备需在45度下稳定运行 Customer requirement: run at 45 C 联系人手机138****5678 e-mail z***@example.com"
    )
    assert marked(summary) == [("phone", "138****5678"), ("email", "z***@example.com")]
    assert_no_secrets(summary)


def test_docx_from_a_real_file(tmp_path):
    path = tmp_path / "requirements.docx"
    path.write_bytes(samples.docx_bytes())
    size = path.stat().st_size
    with path.open("rb") as source:
        content_type = sniff(source.read(SNIFF_BYTES), path.name)
    summary = summarize(
        name=path.name, content_type=content_type, size=size, open_plaintext=lambda: path.open("rb")
    )
    header, body = summary.text.split("\n")
    assert re.fullmatch(r"DOCX · \d+\.\d KB", header)
    assert body.startswith(
        "客户需求 Customer requirements 联系人张三，手机138****5678，邮箱z***@example.com。"
    )
    assert "AB-1234-5678 300 身份证110101********1233" in body
    assert [kind for kind, _ in marked(summary)] == ["phone", "email", "id_number"]
    assert_no_secrets(summary)


def test_audio_gets_its_duration():
    data = samples.wav(3.0)
    summary = summary_of(data, "call.wav")
    assert summary == Summary("audio/wav · 0:03 · 48.0 KB", (), 3.0)


def test_video_with_a_transcript():
    data = samples.mp4(205_000, padding=1000)
    summary = summary_of(data, "site-visit.mp4", transcript=samples.SRT.encode("gbk"), size=45_200_000)
    assert summary.text == (
        "video/mp4 · 3:25 · 45.2 MB\n客户：我的电话是 138 **** 5678。 Sales: please e-mail z***@example.com 好的 & thanks"
    )
    assert marked(summary) == [("phone", "138 **** 5678"), ("email", "z***@example.com")]
    assert summary.duration_seconds == 205.0


def test_video_without_a_readable_length_or_transcript():
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 2000
    assert summary_of(webm, "clip.webm", size=1_234_567_890) == Summary("video/webm · 1.2 GB", (), None)
    # a transcript that is not text is ignored
    summary = summary_of(samples.wav(1.0), "a.wav", transcript=samples.png(2, 2))
    assert summary.text == "audio/wav · 0:01 · 16.0 KB"


def test_image_gets_its_pixel_size():
    assert summary_of(samples.png(640, 480), "photo.png").text.startswith("image/png · 640×480 · ")


def test_other_binaries_get_type_and_size():
    assert summary_of(b"PK\x03\x04" + b"\x00" * 996, "a.zip").text == "application/zip · 1.0 KB"
    assert summary_of(b"\x00\x01\x02" * 400, "a.bin").text == "application/octet-stream · 1.2 KB"


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/pdf", b"%PDF-1.7\nnot a pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04broken"),
        ("audio/mpeg", b"ID3\x04garbage"),
        ("video/mp4", b"\x00\x00\x00\x18ftypisom broken"),
        ("image/png", b"\x89PNG\r\n\x1a\n"),
        ("text/plain; charset=utf-16", b"\xff\xfe\x00"),
    ],
)
def test_bad_content_gives_a_metadata_only_summary(content_type, data):
    summary = summarize(
        name="bad", content_type=content_type, size=len(data), open_plaintext=lambda: io.BytesIO(data)
    )
    assert summary.text.split("\n")[0].endswith(f"{len(data)} B")
    assert summary.spans == ()


def test_a_store_that_cannot_open_the_material_gives_a_metadata_only_summary():
    def broken():
        raise OSError("the object store is unreachable")

    summary = summarize(
        name="a.txt", content_type="text/plain; charset=utf-8", size=10, open_plaintext=broken
    )
    assert summary == Summary("text/plain · 10 B", (), None)


def test_the_excerpt_is_bounded_and_never_ends_inside_a_mask():
    # Phones every 20 characters: wherever the cut falls, no piece of a masked number is left at the end.
    for shift in range(20):
        text = "x" * shift + f"电话{samples.PHONE}，请回电。 " * 400
        summary = summary_of(text.encode(), "notes.txt")
        header = summary.text.split("\n")[0]
        body = summary.text[len(header) + 1 :]
        assert len(body) <= EXCERPT_CHARS + 1
        assert body.endswith("…")
        last = summary.spans[-1]
        assert summary.text[last.start : last.end] == "138****5678"
        tail = summary.text[last.end : -1]
        assert "*" not in tail
        assert "138" not in tail


def test_a_number_cut_at_the_edge_of_what_was_masked_is_never_shown():
    # Addresses shrink a lot when masked, so the masked text is much shorter than the text it came from;
    # the excerpt must still end before any number that masking saw only the first half of.
    address = "广东省深圳市南山区科技南十二路2号金蝶软件园A座501室，"
    for pad in range(40):
        text = address * 137 + "。" * pad + f"电话{samples.PHONE}" + "。" * 50
        body = summary_of(text.encode(), "a.txt").text.split("\n")[1]
        assert "科技南" not in body
        assert "1381234" not in body


def test_text_past_the_read_cap_is_summarised_as_far_as_read(monkeypatch):
    monkeypatch.setattr(summaries, "READ_CAP", 1024 * 1024)
    line = "客户反馈第一批设备过热 overheating\n"
    data = (line * (1536 * 1024 // len(line.encode()))).encode()
    summary = summary_of(data, "log.txt")
    header = summary.text.split("\n")[0]
    lines_read = 1024 * 1024 // len(line.encode())
    assert header == f"text/plain · {lines_read + 1:,} lines · 1.6 MB · first 1 MiB read"


def test_pdf_past_the_read_cap_says_so(monkeypatch):
    data = samples.pdf([[("en", f"page {number} " + "x" * 80)] for number in range(40)])
    assert len(data) > 12 * 1024
    monkeypatch.setattr(summaries, "READ_CAP", 8 * 1024)
    summary = summary_of(data, "big.pdf")
    assert summary == Summary(f"application/pdf · {len(data) / 1000:.1f} KB · first 8 KiB read", (), None)
