"""The data-quality gate for pain points: what is refused, and why, in words a person understands.

`check_text` returns every problem it finds (an empty list means the text is accepted); the caller keeps a
refused text as a rectification ticket, so nothing is dropped. `normalize_text` is applied before storing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import ftfy

DEFAULT_MIN_WORDS = 2
DEFAULT_MAX_CHARS = 2000

# Past this multiple of the cap only TOO_LONG is reported: the other checks are linear but need not run on
# megabytes that are refused anyway.
_SKIP_CHECKS_FACTOR = 10


class RejectionCode(StrEnum):
    """Stable machine-readable reasons; clients switch on these, so never rename one."""

    EMPTY = "EMPTY"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    MOJIBAKE = "MOJIBAKE"
    PLACEHOLDER_ONLY = "PLACEHOLDER_ONLY"
    CONTROL_CHARS = "CONTROL_CHARS"


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason a text was refused."""

    code: RejectionCode
    message: str


# CJK ideographs (with extension A and compatibility), kana and hangul: scripts written without spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A "word" of a spaced script: letters and digits, with inner apostrophes and hyphens (can't, e-mail).
_WORD = re.compile(rf"[^\W{_CJK}_]+(?:['’-][^\W{_CJK}_]+)*")

_PLACEHOLDER_WORDS = (
    "图片|图像|照片|截图|截屏|文件|附件|语音|视频|表情|动画表情|链接|位置|名片|红包|"
    "image|img|photo|picture|pic|screenshot|file|attachment|sticker|video|voice|audio|gif|emoji|media|"
    "document|link|location"
)
_PLACEHOLDERS = re.compile(
    "|".join(
        (
            # [图片], 【图片】, [image], [Image #1], [图片: 截图.png], [file: quote.pdf]
            rf"[\[【]\s*(?:{_PLACEHOLDER_WORDS})(?![a-z])(?:\s*[#:：]?\s*[^\]】\n]{{0,200}})?\s*[\]】]",
            # <image>, <附件>, <Media omitted>, <image omitted>
            rf"<\s*(?:{_PLACEHOLDER_WORDS})(?:\s+omitted)?\s*>",
            r"\((?:image|photo|file|media|video|audio)\s+omitted\)",
            r"(?:image|photo|media|video|audio|sticker|document)\s+omitted",
            r"<img\b[^>]*>",
            r"data:[\w.+-]+/[\w.+-]+(?:;[\w=.-]+)*(?:;base64)?,[A-Za-z0-9+/=%\s]*",
            r"!\[[^\]\n]*\]\([^)\n]*\)",
            # a bare file name such as IMG_2043.JPG or 报价单.pdf
            r"[^\s/\\]+\.(?:png|jpe?g|gif|bmp|webp|heic|tiff?|pdf|docx?|xlsx?|pptx?|zip|rar|mp4|mov|amr|m4a)\b",
        )
    ),
    re.IGNORECASE,
)

# Debug fill patterns and the classic "U+FFFD read as GBK" sequence: text that was mangled upstream.
_GARBLE_MARKERS = ("\ufffd", "锟斤拷", "烫烫烫", "屯屯屯")

# Bidirectional overrides and isolates: invisible, and they can make text display differently than it reads.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\t\n\r")

_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
# Zero-width space and byte-order mark carry nothing when pasted into a sentence.
_INVISIBLE = re.compile("[\u200b\ufeff]")


def normalize_text(text: str) -> str:
    """Return the text as stored: NFC, trimmed, runs of spaces collapsed, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def count_words(text: str) -> float:
    """Return the number of distinct word-equivalents: a spaced word each, and about two CJK characters each.

    Written Chinese has no spaces and a word is one to three characters, so "退款一直没到账" counts 3.5
    while "好" counts 0.5. Repeats count once, so "ok ok ok" and "哈哈哈哈" stay short.
    """
    tokens = _WORD.findall(text)
    # Single letters ("N/A") carry no meaning alone; numbers count only beside words ("error 500").
    words = {w.casefold() for w in tokens if len(w) > 1 and not w.isdigit()}
    numbers = {w for w in tokens if w.isdigit()}
    cjk = set(_CJK_CHAR.findall(text))
    if not words and not cjk:
        return 0.0  # numbers alone ("12345") say nothing
    return len(words) + len(numbers) + len(cjk) / 2


def check_text(
    text: str, *, min_words: float = DEFAULT_MIN_WORDS, max_chars: int = DEFAULT_MAX_CHARS
) -> list[Rejection]:
    """Return the reasons to refuse `text` as a pain point; an empty list means it is accepted.

    Args:
        min_words: fewest distinct word-equivalents (see `count_words`) a text needs to mean something.
        max_chars: most characters allowed after normalisation.
    """
    normalized = normalize_text(text)
    if not normalized:
        return [Rejection(RejectionCode.EMPTY, "The pain point is empty. Describe the customer's problem.")]
    if len(normalized) > max_chars * _SKIP_CHECKS_FACTOR:
        return [_too_long(len(normalized), max_chars)]

    rejections: list[Rejection] = []
    bad_controls = _control_characters(text)
    if bad_controls:
        shown = ", ".join(f"U+{ord(c):04X}" for c in bad_controls[:3])
        rejections.append(
            Rejection(
                RejectionCode.CONTROL_CHARS,
                f"The text contains invisible control characters ({shown}). Remove them and submit again.",
            )
        )
    mojibake = _mojibake_message(normalized)
    if mojibake:
        rejections.append(Rejection(RejectionCode.MOJIBAKE, mojibake))

    without_placeholders, placeholders = _PLACEHOLDERS.subn(" ", normalized)
    words = count_words(without_placeholders)
    if placeholders and words < min_words:
        rejections.append(
            Rejection(
                RejectionCode.PLACEHOLDER_ONLY,
                "Only an image or attachment placeholder (such as [图片] or [image]) came through. "
                "Describe the problem in words.",
            )
        )
    elif words < min_words:
        rejections.append(
            Rejection(
                RejectionCode.TOO_SHORT,
                "Too short to understand. Describe the problem in a few words, "
                "e.g. 'card payment declined twice' or '退款一直没到账'.",
            )
        )
    if len(normalized) > max_chars:
        rejections.append(_too_long(len(normalized), max_chars))
    return rejections


def _too_long(length: int, max_chars: int) -> Rejection:
    return Rejection(
        RejectionCode.TOO_LONG,
        f"Too long: {length:,} characters, the limit is {max_chars:,}. "
        "Shorten it or split it into separate pain points.",
    )


def _control_characters(text: str) -> list[str]:
    found = dict.fromkeys(
        c
        for c in text
        if c in _BIDI_CONTROLS or (unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    )
    return list(found)


def _mojibake_message(text: str) -> str | None:
    intro = "The text looks garbled by an encoding error"
    if any(marker in text for marker in _GARBLE_MARKERS):
        return f"{intro} (it contains '�' or '锟斤拷'). Copy it again from the original source."
    repaired = ftfy.fix_encoding(text)
    if repaired == text:
        repaired = _undo_utf8_read_as_gbk(text) or text
    if repaired != text:
        return f"{intro}. Did you mean: \u201c{_preview(repaired)}\u201d? Correct it and submit again."
    return None


def _undo_utf8_read_as_gbk(text: str) -> str | None:
    """Return the repaired text when `text` is UTF-8 bytes decoded as GBK (e.g. "浣犲ソ" for "你好").

    ftfy does not cover GBK. Ordinary Chinese re-encoded as GBK essentially never forms valid UTF-8 once it
    has two or more CJK characters, so a strict round trip that yields CJK text is a reliable sign.
    """
    if len(_CJK_CHAR.findall(text)) < 2:
        return None
    try:
        # Windows' code page 936 shows the lone byte 0x80 as "€", which Python's GBK codec does not know.
        raw = b"".join(b"\x80" if c == "€" else c.encode("gbk") for c in text)
    except UnicodeEncodeError:
        return None
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # An odd byte count leaves the last character cut in half; everything before it still proves the case.
        if error.reason != "unexpected end of data":
            return None
        repaired = raw[: error.start].decode("utf-8")
    return repaired if repaired != text and _CJK_CHAR.search(repaired) else None


def _preview(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
