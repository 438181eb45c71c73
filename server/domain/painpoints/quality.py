"""The data-quality gate for pain points: what is refused, and why, in words a person understands.

`check_text` returns every problem it finds (an empty list means the text is accepted); the caller keeps a
refused text as a rectification ticket, so nothing is dropped. `normalize_text` is applied before storing.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

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


# CJK ideographs (with extension A and compatibility), kana and hangul: scripts not split by spaces alone.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA_HANGUL = "\u3040-\u30ff\uac00-\ud7af"
_CJK = _KANA_HANGUL + _HAN
_CJK_CHAR = re.compile(f"[{_CJK}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_KANA_HANGUL_CHAR = re.compile(f"[{_KANA_HANGUL}]")
# Chinese tokens that say nothing about a problem: one made only of particles, aspect markers, interjections
# or laughter ("了", "吗", "哈哈哈", "嗯嗯"); a lone copula, adverb, preposition, pointer or locative ("是",
# "也", "被", "这", "上", so "我也是" and "同上" stay short); greetings and thanks. Negation counts, as "not"
# does in English: "还没发货" is 没 + 发货.
_ZH_FILLER_CHARS = frozenset("了的地得着过吗呢吧啊呀哦喔噢嗯嘛啦哇哟呗么哈呵嘿嘻哎唉嗨呃额哼")
_ZH_FUNCTION_CHARS = frozenset("是也都还就才很太再更最挺被把给向从在和与及或跟同如比为上下里这那个")
_ZH_COURTESY = frozenset({"谢谢", "感谢", "你好", "您好"})
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
_GARBLE = re.compile("|".join(_GARBLE_MARKERS))

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
    """Return the number of distinct word-equivalents: spaced words, and Chinese words as jieba cuts them.

    A Chinese word counts 1 unless it says nothing about a problem (particles, laughter...), so "退款慢"
    (退款 + 慢) counts 2 while "闪退" counts 1 and "哈哈哈哈" 0. Kana and hangul, which jieba does not cut,
    count ½ per distinct character. Repeats count once, also within a word: "ok ok ok" and "好好好" count 1.
    """
    return _count_words(text, enough=math.inf)


def _count_words(text: str, *, enough: float) -> float:
    """`count_words` that stops cutting Chinese once `enough` is reached (jieba: ~1 ms per 100 characters)."""
    tokens = _WORD.findall(text)
    # Single letters ("N/A") carry no meaning alone; numbers count only beside words ("error 500").
    words = {w.casefold() for w in tokens if len(w) > 1 and not w.isdigit()}
    numbers = len({w for w in tokens if w.isdigit()})
    kana_hangul = len(set(_KANA_HANGUL_CHAR.findall(text))) / 2
    for run in _HAN_RUN.findall(text):
        if _total(words, numbers, kana_hangul) >= enough:
            break
        words.update(_chinese_words(run))
    return _total(words, numbers, kana_hangul)


def _total(words: set[str], numbers: int, kana_hangul: float) -> float:
    if not words and not kana_hangul:
        return 0.0  # numbers alone ("12345") say nothing
    return len(words) + numbers + kana_hangul


def _chinese_words(run: str) -> set[str]:
    found: set[str] = set()
    for token in _segmenter()(run):
        # one character said again ("好好", "哈哈哈") is that character once
        word = token[0] if len(set(token)) == 1 else token
        if token in _ZH_COURTESY or word in _ZH_FUNCTION_CHARS or set(word) <= _ZH_FILLER_CHARS:
            continue
        found.add(word)
    return found


_segmenter_lock = threading.Lock()


def _segmenter() -> Callable[[str], list[str]]:
    with _segmenter_lock:  # two first calls at once must not load the dictionary twice
        return _load_segmenter()


@cache
def _load_segmenter() -> Callable[[str], list[str]]:
    import jieba  # loading its dictionary takes ~1 s: only when the first Chinese text arrives

    jieba.setLogLevel(logging.WARNING)
    # A tokenizer of our own: server.clustering adds words to jieba's shared one, and the gate must give the
    # same answer whether or not clustering ran before in this process.
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    cut: Callable[[str], list[str]] = tokenizer.lcut  # HMM on: it joins new words ("闪退") into one
    return cut


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
    # Words are counted in what the author meant: "锟斤拷" is no words, "浣犲ソ" is "你好".
    meant = normalized
    mojibake = _mojibake(normalized)
    if mojibake:
        message, meant = mojibake
        rejections.append(Rejection(RejectionCode.MOJIBAKE, message))

    without_placeholders, placeholders = _PLACEHOLDERS.subn(" ", meant)
    words = _count_words(without_placeholders, enough=min_words)
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


def _mojibake(text: str) -> tuple[str, str] | None:
    """Return the message and the text without its garbled parts (repaired where possible), if garbled."""
    intro = "The text looks garbled by an encoding error"
    if any(marker in text for marker in _GARBLE_MARKERS):
        message = f"{intro} (it contains '�' or '锟斤拷'). Copy it again from the original source."
        return message, _GARBLE.sub(" ", text)
    repaired = ftfy.fix_encoding(text)
    if repaired == text:
        repaired = _undo_utf8_read_as_gbk(text) or text
    if repaired != text:
        return (
            f"{intro}. Did you mean: \u201c{_preview(repaired)}\u201d? Correct it and submit again.",
            repaired,
        )
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
