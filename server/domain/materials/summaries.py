"""The redacted summary members see instead of a material: one metadata line (type, pages or lines or
duration or pixel size, size), then the start of its text with personal data masked.

`summarize` never raises on bad content: at worst the summary is the metadata line alone.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from server.domain.materials._media import IMAGE_HEAD_BYTES, clock, dimensions_of, duration_of, human_size
from server.domain.materials.extraction import Extracted, extract, has_text
from server.domain.materials.redaction import Masked, MaskedSpan, mask
from server.domain.materials.sniffing import (
    DOCX,
    PDF,
    PPTX,
    SNIFF_BYTES,
    XLSX,
    base_type,
    charset_of,
    sniff,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

READ_CAP = 32 * 1024 * 1024
"""Bytes of a material read at most to summarise it; past this the summary says what was read."""
EXCERPT_CHARS = 2000
"""Characters of masked text a summary keeps."""

# Masked text is at least this much longer than the excerpt before it is cut, so a number cut in half at
# the end of what was masked (and so not recognised) always falls beyond the excerpt.
_MASK_MARGIN = 200
_CHUNK = 1024 * 1024
_SEPARATOR = " · "
_SHORT_NAMES = {DOCX: "DOCX", XLSX: "XLSX", PPTX: "PPTX"}
_WHITESPACE = re.compile(r"\s+")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Summary:
    """A material's redacted summary, where its masks lie in it, and its playing time if it has one."""

    text: str
    spans: tuple[MaskedSpan, ...]
    duration_seconds: float | None


def summarize(
    *,
    name: str,
    content_type: str,
    size: int,
    open_plaintext: Callable[[], BinaryIO],
    transcript: bytes | None = None,
) -> Summary:
    """The redacted summary of a material of `content_type` and `size` bytes.

    Args:
        name: the file name; not written into the summary (names carry personal data too, and are shown
            apart, where access rules apply).
        open_plaintext: opens a readable, seekable file of the decrypted material; called at most once.
        transcript: SRT, WebVTT or plain text uploaded with an audio or video material.
    """
    kind = base_type(content_type)
    details = [_SHORT_NAMES.get(kind, kind)]
    body: Masked | None = None
    duration: float | None = None
    cut = False
    try:
        if has_text(content_type):
            details, body, cut = _text_summary(kind, content_type, open_plaintext)
        elif kind.startswith(("audio/", "video/")):
            with open_plaintext() as source:
                duration = duration_of(source)
            if duration is not None:
                details.append(clock(duration))
        elif kind.startswith("image/"):
            with open_plaintext() as source:
                dimensions = dimensions_of(source.read(IMAGE_HEAD_BYTES))
            if dimensions is not None:
                details.append(f"{dimensions[0]}×{dimensions[1]}")
    except Exception:
        log.warning("could not read a %s material for its summary", kind, exc_info=True)
        details = [_SHORT_NAMES.get(kind, kind)]
        body = None
        cut = False
    if transcript is not None and body is None and kind.startswith(("audio/", "video/")):
        body = _transcript(transcript)
    details.append(human_size(size))
    if cut:
        details.append(f"first {_binary_size(READ_CAP)} read")
    return _assemble(_SEPARATOR.join(details), body, duration)


def _text_summary(
    kind: str, content_type: str, open_plaintext: Callable[[], BinaryIO]
) -> tuple[list[str], Masked | None, bool]:
    """The metadata, the masked excerpt, and whether the read cap stopped the reading."""
    details = [_SHORT_NAMES.get(kind, kind)]
    with open_plaintext() as source:
        if kind in (PDF, DOCX):
            capped = _CappedReader(source, READ_CAP)
            with io.BufferedReader(capped) as buffered:
                extracted = extract(content_type, buffered)
            cut = capped.exhausted
        else:
            extracted = extract(content_type, source)
            lines, cut = _count_lines(source, charset_of(content_type))
            details.append(f"{lines:,} line{'' if lines == 1 else 's'}")
    if extracted is not None and extracted.pages is not None:
        details.append(f"{extracted.pages:,} page{'' if extracted.pages == 1 else 's'}")
    return details, _excerpt(extracted), cut


def _transcript(data: bytes) -> Masked | None:
    content_type = sniff(data[:SNIFF_BYTES], "")
    if not has_text(content_type):
        return None
    return _excerpt(extract(content_type, data))


def _excerpt(extracted: Extracted | None) -> Masked | None:
    """The first `EXCERPT_CHARS` characters of the masked text, whitespace collapsed, never ending inside a
    mask; `…` marks that more followed."""
    if extracted is None:
        return None
    text = _WHITESPACE.sub(" ", extracted.text).strip()
    if not text:
        return None
    window = 2 * EXCERPT_CHARS
    masked = mask(text[:window])
    while len(masked.text) < EXCERPT_CHARS + _MASK_MARGIN and window < len(text):
        window *= 2
        masked = mask(text[:window])
    cut = min(EXCERPT_CHARS, len(masked.text))
    for span in masked.spans:
        if span.start < cut < span.end:
            cut = span.start
    more = cut < len(masked.text) or window < len(text) or extracted.truncated
    spans = tuple(span for span in masked.spans if span.end <= cut)
    return Masked(masked.text[:cut].rstrip() + ("…" if more else ""), spans)


def _assemble(header: str, body: Masked | None, duration: float | None) -> Summary:
    if body is None:
        return Summary(header, (), duration)
    offset = len(header) + 1
    spans = tuple(MaskedSpan(span.kind, span.start + offset, span.end + offset) for span in body.spans)
    return Summary(f"{header}\n{body.text}", spans, duration)


def _count_lines(source: BinaryIO, charset: str | None) -> tuple[int, bool]:
    """Lines in the first `READ_CAP` bytes, and whether the file went on past them. Decoded, not counted
    in bytes: in UTF-16 a newline byte is also half of many characters (上 is 0A 4E)."""
    source.seek(0)
    decoder = codecs.getincrementaldecoder(_python_charset(charset))(errors="replace")
    lines = 0
    read = 0
    last = ""
    while read < READ_CAP:
        chunk = source.read(min(_CHUNK, READ_CAP - read))
        if not chunk:
            break
        read += len(chunk)
        text = decoder.decode(chunk)
        lines += text.count("\n")
        last = text[-1:] or last
    cut = bool(source.read(1))
    return lines + (1 if last and last != "\n" else 0), cut


def _binary_size(size: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} B"


def _python_charset(charset: str | None) -> str:
    if not charset:
        return "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


class _CappedReader(io.RawIOBase):
    """A seekable view of a file that refuses to read more than `budget` bytes in all: a PDF or DOCX is
    read where its parser needs, but never more than the cap."""

    def __init__(self, source: BinaryIO, budget: int) -> None:
        super().__init__()
        self._source = source
        self._budget = budget
        self.exhausted = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._source.seek(offset, whence)

    def tell(self) -> int:
        return self._source.tell()

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if len(view) and self._budget <= 0:
            self.exhausted = True
            raise OSError("the read cap was reached")
        data = self._source.read(min(len(view), self._budget))
        self._budget -= len(data)
        view[: len(data)] = data
        return len(data)
