"""The streamed multipart parser: part events in order, Chinese file names however a client encodes them,
and malformed or unfinished bodies refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.api.form_stream import PartEnd, PartStart, boundary_of, form_events
from server.domain.errors import BadInput

BOUNDARY = b"----test42"


def _body(*parts: tuple[bytes, bytes], close: bool = True) -> bytes:
    out = b""
    for disposition, value in parts:
        out += b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + value + b"\r\n"
    return out + (b"--" + BOUNDARY + b"--\r\n" if close else b"")


async def _pieces(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _events(body: bytes, size: int = 7) -> list[object]:
    merged: list[object] = []
    async for event in form_events(_pieces(body, size), BOUNDARY):
        if isinstance(event, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += event
        else:
            merged.append(event)
    return merged


async def test_parts_arrive_in_order_with_their_bytes() -> None:
    body = _body(
        (b'form-data; name="note"', "来自客户的电话".encode()),
        (b'form-data; name="file"; filename="a.txt"', b"line one\r\nline two"),
    )
    for size in (1, 7, 64, len(body)):
        assert await _events(body, size) == [
            PartStart("note", None),
            "来自客户的电话".encode(),
            PartEnd("note"),
            PartStart("file", "a.txt"),
            b"line one\r\nline two",
            PartEnd("file"),
        ]


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('form-data; name="file"; filename="客户需求说明.pdf"'.encode(), "客户需求说明.pdf"),
        # GBK bytes that are not UTF-8 (some that happen to be, like 图纸's, are read as UTF-8, as RFC 7578 says)
        ('form-data; name="file"; filename="客户需求.dwg"'.encode("gb18030"), "客户需求.dwg"),
        (
            b'form-data; name="file"; filename="fallback.pdf"; filename*=UTF-8\'\'%E9%9C%80%E6%B1%82.pdf',
            "需求.pdf",
        ),
        (b'form-data; name="file"; filename="Site survey (v2).mp4"', "Site survey (v2).mp4"),
    ],
)
async def test_file_names_in_every_encoding_clients_use(disposition: bytes, name: str) -> None:
    events = await _events(_body((disposition, b"x")))
    assert events[0] == PartStart("file", name)


async def test_malformed_unfinished_and_overlong_forms_are_refused() -> None:
    with pytest.raises(BadInput, match="ended before"):
        await _events(_body((b'form-data; name="file"; filename="a"', b"abc"), close=False))
    with pytest.raises(BadInput, match="malformed"):
        await _events(b"--wrong-boundary\r\n\r\n")
    with pytest.raises(BadInput, match="Content-Disposition"):
        await _events(_body((b"attachment", b"abc")))
    with pytest.raises(BadInput, match="more than 8 parts"):
        await _events(_body(*[(b'form-data; name="note"', b"n")] * 9))
    with pytest.raises(BadInput, match="no boundary"):
        boundary_of("multipart/form-data")
    assert boundary_of("application/json") is None
    assert boundary_of("Multipart/Form-Data; boundary=abc") == b"abc"
