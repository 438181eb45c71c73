"""The text of a material, where its type has one: plain text and Markdown, subtitles (cue text only), a
PDF's text layer and a DOCX's paragraphs and tables. Hostile or broken files give None or what could be
read, never an exception, and the work is bounded (pages, characters, decompressed bytes).
"""

from __future__ import annotations

import codecs
import html
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from server.domain.materials.sniffing import DOCX, MARKDOWN, PDF, PLAIN, SRT, VTT, base_type, charset_of

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

MAX_PAGES = 200
"""PDF pages read at most; a longer PDF gives the text of its first pages."""
MAX_CHARS = 200_000
"""Characters of text kept at most, whatever the type."""
MAX_DOCX_XML_BYTES = 64 * 1024 * 1024
"""A DOCX whose parts other than media would decompress to more than this is not opened (a zip bomb)."""

_DOCX_MEDIA = ("word/media/", "word/embeddings/")
_TEXT_TYPES = frozenset({PLAIN, MARKDOWN})
_SUBTITLE_TYPES = frozenset({SRT, VTT})
# UTF-8 takes at most four bytes a character: reading more could not give more characters.
_MAX_TEXT_BYTES = MAX_CHARS * 4

_CHARSET_ALIASES = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gb18030", "gb2312": "gb18030"}
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_TAG = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extracted:
    """A material's text, its page count where the format has pages, and whether a cap cut it short."""

    text: str
    pages: int | None = None
    truncated: bool = False


def has_text(content_type: str) -> bool:
    """Whether `extract` can find text in this type of material."""
    kind = base_type(content_type)
    return kind.startswith("text/") or kind in _SUBTITLE_TYPES or kind in (PDF, DOCX)


def extract_text(content_type: str, data: bytes | BinaryIO) -> str | None:
    """The text of a material of `content_type`, or None when the type has none or the file is unreadable."""
    extracted = extract(content_type, data)
    return extracted.text if extracted is not None else None


def extract(content_type: str, data: bytes | BinaryIO) -> Extracted | None:
    """Like `extract_text`, with the page count and whether a cap was reached.

    `data` may be a seekable binary file: PDF and DOCX are then read where needed, not loaded whole.
    """
    kind = base_type(content_type)
    try:
        if kind == PDF:
            return _pdf(_stream(data))
        if kind == DOCX:
            return _docx(_stream(data))
        if kind in _SUBTITLE_TYPES:
            text, truncated = _decoded(data, charset_of(content_type))
            return _cap(_cues(text), truncated)
        if kind in _TEXT_TYPES or kind.startswith("text/"):
            return _cap(*_decoded(data, charset_of(content_type)))
    except Exception:
        log.warning("could not extract text from a %s material", kind, exc_info=True)
    return None


def _stream(data: bytes | BinaryIO) -> BinaryIO:
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data)
    data.seek(0)
    return data


def _cap(text: str, truncated: bool = False) -> Extracted:
    if len(text) > MAX_CHARS:
        return Extracted(text[:MAX_CHARS], truncated=True)
    return Extracted(text, truncated=truncated)


def _decoded(data: bytes | BinaryIO, charset: str | None) -> tuple[str, bool]:
    """The text in `data`, read up to the cap, and whether the cap cut it. Without a charset UTF-8 is tried,
    then GB18030 (which also reads GBK and GB2312, what Chinese Windows writes)."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data[: _MAX_TEXT_BYTES + 1])
    else:
        data.seek(0)
        raw = data.read(_MAX_TEXT_BYTES + 1)
    truncated = len(raw) > _MAX_TEXT_BYTES
    raw = raw[:_MAX_TEXT_BYTES]
    charsets = ["utf-8-sig", "gb18030"]
    if charset and _known(charset):
        charsets = [_CHARSET_ALIASES.get(charset, charset)]
    for name in charsets:
        try:
            # Not final when cut: the cap may fall inside a character.
            decoder = codecs.getincrementaldecoder(name)(errors="strict")
            return _lines(decoder.decode(raw, final=not truncated)), truncated
        except UnicodeDecodeError:
            continue
    return _lines(raw.decode(charsets[0], errors="replace")), truncated


def _known(charset: str) -> bool:
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cues(text: str) -> str:
    """The cue text of SRT or WebVTT: blocks without a timing line (the WEBVTT header, NOTE, STYLE and
    REGION blocks) are skipped, and so are cue numbers, identifiers, timings and formatting tags."""
    lines: list[str] = []
    for block in _BLANK_LINES.split(text.strip("\ufeff\n")):
        block_lines = block.split("\n")
        timing = next((i for i, line in enumerate(block_lines) if "-->" in line), None)
        if timing is None:
            continue
        for line in block_lines[timing + 1 :]:
            cleaned = html.unescape(_TAG.sub("", line)).strip()
            if cleaned:
                lines.append(cleaned)
    return "\n".join(lines)


def _pdf(stream: BinaryIO) -> Extracted | None:
    import pypdf  # here, not at the top: ~0.05 s of every process's start, for the uploads that are PDFs

    reader = pypdf.PdfReader(stream, strict=False)
    # Many PDFs are "encrypted" with an empty user password only to set permissions; those still open.
    if reader.is_encrypted and not reader.decrypt(""):
        return None
    count = len(reader.pages)
    texts: list[str] = []
    length = 0
    for number in range(min(count, MAX_PAGES)):
        try:
            text = reader.pages[number].extract_text()
        except Exception:
            log.warning("could not extract the text of PDF page %d", number + 1, exc_info=True)
            continue
        texts.append(text)
        length += len(text)
        if length > MAX_CHARS:
            break
    extracted = _cap(_lines("\n".join(texts)), truncated=count > MAX_PAGES)
    return Extracted(extracted.text, count, extracted.truncated)


def _docx(stream: BinaryIO) -> Extracted | None:
    import docx  # here, not at the top: ~0.2 s of every process's start, for the uploads that are DOCX

    document = docx.Document(_without_media(stream))
    texts: list[str] = []
    length = 0
    for text in _blocks(document.iter_inner_content()):
        texts.append(text)
        length += len(text) + 1
        if length > MAX_CHARS:
            break
    return _cap("\n".join(texts))


def _without_media(stream: BinaryIO) -> BinaryIO:
    """The package with its images and embedded files emptied: python-docx loads every part, and a DOCX
    of drawings is mostly pictures. The other parts together may not decompress past the cap."""
    copy = io.BytesIO()
    budget = MAX_DOCX_XML_BYTES
    with zipfile.ZipFile(stream) as package, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as slim:
        names = set(package.namelist())
        if "word/document.xml" not in names:
            raise ValueError("not a Word document: no word/document.xml")
        for info in package.infolist():
            if info.is_dir():
                continue
            if info.filename.startswith(_DOCX_MEDIA):
                slim.writestr(info.filename, b"")
                continue
            budget -= info.file_size
            if budget < 0:
                raise ValueError("the parts of this document decompress past the cap")
            slim.writestr(info.filename, package.read(info))
    copy.seek(0)
    return copy


def _blocks(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    """Paragraph texts and table rows (cells joined by tabs, nested tables after their row), in order."""
    from docx.text.paragraph import Paragraph

    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        for row in block.rows:
            cells: list[str] = []
            nested: list[str] = []
            seen: set[int] = set()
            for cell in row.cells:
                # A merged cell is returned once per grid column it spans.
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(" ".join(p.text for p in cell.paragraphs if p.text))
                nested.extend(text for table in cell.tables for text in _blocks(iter([table])))
            yield "\t".join(cells)
            yield from nested
