"""A multipart/form-data body read as a stream of part events, nothing spooled to disk or kept whole.

python-multipart's parser calls back synchronously as bytes arrive; the callbacks queue events that the
caller takes after each network read, so a part's bytes can go on (sealed, say) before the next read.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from server.domain.errors import BadInput

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_PARTS: Final = 8
_EXTENDED_FILENAME: Final = re.compile(r"filename\*\s*=\s*([^;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class PartStart:
    name: str
    filename: str | None


@dataclass(frozen=True)
class PartEnd:
    name: str


Event = PartStart | bytes | PartEnd


def boundary_of(content_type: str) -> bytes | None:
    """The boundary of a multipart/form-data Content-Type; None for any other type."""
    kind, options = parse_options_header(content_type)
    if kind.lower() != b"multipart/form-data":
        return None
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadInput("The multipart/form-data Content-Type has no boundary.")
    return boundary


def _text(raw: bytes) -> str:
    # Browsers send names as UTF-8; some older Chinese Windows clients send GBK.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _filename(disposition: bytes, options: dict[bytes, bytes]) -> str | None:
    """The part's file name, preferring RFC 5987's `filename*=UTF-8''…` (which the parser drops)."""
    extended = _EXTENDED_FILENAME.search(_text(disposition))
    if extended is not None:
        charset, _, rest = extended.group(1).strip().strip('"').partition("'")
        _language, _, encoded = rest.partition("'")
        try:
            return unquote(encoded, encoding=charset or "utf-8", errors="strict")
        except (LookupError, UnicodeDecodeError):
            raise BadInput("The file name (filename*) is not valid percent-encoded text.") from None
    raw = options.get(b"filename")
    return None if raw is None else _text(raw)


class _Collector:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.ended = False
        self.parts = 0
        self._headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._name = ""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": lambda data, start, end: self.events.append(bytes(data[start:end])),
            "on_part_end": lambda: self.events.append(PartEnd(self._name)),
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadInput(f"The form has more than {MAX_PARTS} parts.")
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        disposition = self._headers.get(b"content-disposition", b"")
        kind, options = parse_options_header(disposition)
        if kind.lower() != b"form-data" or b"name" not in options:
            raise BadInput("Every part needs `Content-Disposition: form-data; name=…`.")
        self._name = _text(options[b"name"])
        self.events.append(PartStart(self._name, _filename(disposition, options)))

    def _end(self) -> None:
        self.ended = True


async def form_events(chunks: AsyncIterator[bytes], boundary: bytes) -> AsyncIterator[Event]:
    """The parts of the body in order: PartStart, its bytes (in pieces), PartEnd; BadInput on a malformed
    or unfinished body."""
    collector = _Collector()
    parser = MultipartParser(boundary, collector.callbacks())
    async for chunk in chunks:
        if not chunk:
            continue
        try:
            parser.write(chunk)
        except MultipartParseError as error:
            raise BadInput(f"The multipart body is malformed: {error}") from None
        events, collector.events = collector.events, []
        for event in events:
            yield event
    if not collector.ended:
        raise BadInput("The multipart body ended before its closing boundary.")
