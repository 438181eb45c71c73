"""Byte ranges and attachment names, as GET /materials/{id}/content reads and writes them."""

from urllib.parse import unquote

import pytest

from server.api.content_stream import ByteRange, Unsatisfiable, attachment, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", ByteRange(0, 1, 100)),
        ("bytes=10-19", ByteRange(10, 20, 100)),
        ("bytes=90-", ByteRange(90, 100, 100)),
        ("bytes=90-1000", ByteRange(90, 100, 100)),
        ("bytes=-10", ByteRange(90, 100, 100)),
        ("bytes=-1000", ByteRange(0, 100, 100)),
        (" Bytes = 1 - 2 ", ByteRange(1, 3, 100)),
        # ignored (RFC 9110 §14.2): another unit, malformed, an end before the start
        ("items=0-1", None),
        ("bytes=", None),
        ("bytes=a-b", None),
        ("bytes=5", None),
        ("bytes=-", None),
        ("bytes=20-10", None),
    ],
)
def test_a_range_is_read_or_ignored(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0", "bytes=0-1,3-4"])
def test_ranges_that_cannot_be_served_are_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_an_empty_file_has_no_satisfiable_range() -> None:
    for header in ("bytes=0-", "bytes=-1"):
        with pytest.raises(Unsatisfiable):
            parse_range(header, 0)


def test_a_range_names_itself_and_its_content_range() -> None:
    wanted = ByteRange(10, 20, 100)
    assert (str(wanted), wanted.content_range, wanted.length) == ("bytes=10-19", "bytes 10-19/100", 10)


@pytest.mark.parametrize(
    "name",
    ["报价单 v2（最终）.pdf", "site call.mp4", 'a"b\\c\r\nd.txt', "全中文文件名.docx", "   ", "x;y=z.txt"],
)
def test_an_attachment_carries_an_ascii_fallback_and_the_exact_utf8_name(name: str) -> None:
    value = attachment(name)
    assert value.isascii()
    assert "\r" not in value
    assert "\n" not in value
    head, _, encoded = value.partition("; filename*=UTF-8''")
    assert head.startswith('attachment; filename="')
    assert head.endswith('"')
    assert '"' not in head[len('attachment; filename="') : -1]
    assert ";" not in encoded
    assert " " not in encoded
    shown = "".join(ch for ch in name if ch.isprintable()).strip() or "download"
    assert unquote(encoded) == shown
