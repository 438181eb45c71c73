"""What a file is, from its first bytes: the client's Content-Type header and the file name never decide
a binary type, and a name only refines text that the bytes already show to be text.
"""

from __future__ import annotations

import codecs
import re

import filetype

SNIFF_BYTES = 8192
"""How much of the head `sniff` looks at; pass at least this much when the file is that long."""

OCTET_STREAM = "application/octet-stream"
PDF = "application/pdf"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PLAIN = "text/plain"
MARKDOWN = "text/markdown"
VTT = "text/vtt"
SRT = "application/x-subrip"

# The part every OOXML package names in `[Content_Types].xml`; zip stores names in clear in each local
# header, so they are visible in the head even though the parts are compressed.
_OFFICE_PARTS = ((b"word/document.xml", DOCX), (b"xl/workbook.xml", XLSX), (b"ppt/presentation.xml", PPTX))
# filetype answers with unregistered `x-` names for some; the registered ones are what browsers expect.
_CANONICAL = {"audio/x-wav": "audio/wav", "audio/x-flac": "audio/flac", "audio/x-aiff": "audio/aiff"}
# MP4 brands filetype does not list (DASH, iso2-6, AVC, 3GPP...) are still MP4; QuickTime and M4A are not.
_ISO_BRANDS = {b"qt  ": "video/quicktime", b"M4A ": "audio/mp4", b"M4B ": "audio/mp4"}

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Control characters plain text never holds (tab, line feed, form feed, carriage return and escape may).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
# GB18030 decodes many byte soups; text from a Chinese Windows machine is mostly CJK and full-width forms.
_CJK = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f\u00b7\u00d7"
    r"\U00020000-\U0003134f]"
)
_MIN_CJK_SHARE = 0.9

_VTT_HEAD = re.compile(r"\AWEBVTT(?:[ \t].*)?(?:\r?\n|\Z)")
_SRT_HEAD = re.compile(
    r"\A\s*\d+[ \t]*\r?\n\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}"
)
_MARKDOWN_SIGNS = (
    re.compile(r"^#{1,6} \S", re.MULTILINE),
    re.compile(r"^```", re.MULTILINE),
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
    re.compile(r"^\s*(?:[-*+]|\d+\.) \S", re.MULTILINE),
    re.compile(r"^\|.*\|\s*$\n^\|[\s:|-]+\|\s*$", re.MULTILINE),
    re.compile(r"\*\*[^*\n]+\*\*"),
)
_NAMES = ((".md", MARKDOWN), (".markdown", MARKDOWN), (".vtt", VTT), (".srt", SRT))


def sniff(head: bytes, name: str) -> str:
    """The content type of a file whose first bytes are `head` (at least `SNIFF_BYTES` of them when the
    file is that long); text types carry their charset, e.g. `text/plain; charset=gb18030`."""
    head = bytes(head[:SNIFF_BYTES])
    if not head:
        return OCTET_STREAM
    if _is_pdf(head):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return next((kind for part, kind in _OFFICE_PARTS if part in head), ZIP)
    text = _as_text(head)
    if text is not None:
        decoded, charset = text
        return f"{_text_type(decoded, name)}; charset={charset}"
    if head[4:8] == b"ftyp":
        return _ISO_BRANDS.get(head[8:12], "video/mp4")
    guess = filetype.guess(head)
    if guess is None:
        return OCTET_STREAM
    mime: str = guess.mime
    return _CANONICAL.get(mime, mime)


def charset_of(content_type: str) -> str | None:
    """The `charset` parameter of a content type, if any."""
    match = re.search(r";\s*charset=([\w.:-]+)", content_type, re.IGNORECASE)
    return match[1].lower() if match else None


def base_type(content_type: str) -> str:
    """The content type without its parameters, lower case."""
    return content_type.split(";", 1)[0].strip().lower()


def _is_pdf(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-")


def _as_text(head: bytes) -> tuple[str, str] | None:
    """The head decoded, and the charset that did it, when the head is text."""
    for bom, charset in _BOMS:
        if head.startswith(bom):
            decoded = _decode(head, "utf-8-sig" if charset == "utf-8" else charset)
            return (decoded, charset) if decoded is not None and not _CONTROL.search(decoded) else None
    if b"\x00" in head:
        return None
    decoded = _decode(head, "utf-8")
    if decoded is not None:
        return (decoded, "utf-8") if not _CONTROL.search(decoded) else None
    decoded = _decode(head, "gb18030")
    if decoded is None or _CONTROL.search(decoded):
        return None
    wide = [char for char in decoded if ord(char) > 0x7F]
    if sum(1 for char in wide if _CJK.match(char)) < _MIN_CJK_SHARE * len(wide):
        return None
    return decoded, "gb18030"


def _decode(head: bytes, charset: str) -> str | None:
    # Incremental, not final: the head may end in the middle of a character.
    try:
        return codecs.getincrementaldecoder(charset)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _text_type(text: str, name: str) -> str:
    if _VTT_HEAD.match(text.lstrip("\ufeff")):
        return VTT
    if _SRT_HEAD.match(text.lstrip("\ufeff")):
        return SRT
    lowered = name.lower()
    for suffix, kind in _NAMES:
        if lowered.endswith(suffix):
            return kind
    if sum(1 for sign in _MARKDOWN_SIGNS if sign.search(text)) >= 2:
        return MARKDOWN
    return PLAIN
