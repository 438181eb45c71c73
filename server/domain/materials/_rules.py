"""What every masking rule shares: the hit it reports and how digits are hidden."""

from __future__ import annotations

import re
from typing import NamedTuple

# ASCII-only edges: Chinese characters count as `\w` in Python, and "电话13812345678" must still match. A
# `*` on either side means the text around is already masked, which keeps `mask` idempotent.
# A hyphen or slash joining letters and digits makes one code ("X200-13812345678-B"): not a number on its own.
NOT_AFTER = r"(?<![0-9A-Za-z*])(?<![0-9A-Za-z][-/])"
NOT_BEFORE = r"(?![0-9A-Za-z*])(?![-/][0-9A-Za-z])"

_NON_DIGITS = re.compile(r"\D")


class Hit(NamedTuple):
    """One piece of personal data found: where it lies in the original text and what replaces it."""

    start: int
    end: int
    kind: str
    replacement: str


def mask_digits(text: str, keep_head: int, keep_tail: int) -> str:
    """`text` with every digit (and an ID's final X) hidden but the first `keep_head` and last `keep_tail`;
    separators stay where they were, so the masked form still reads as a phone number or a card."""
    positions = [i for i, char in enumerate(text) if char.isdecimal() or char in "Xx"]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else char for i, char in enumerate(text))


def digits_of(text: str) -> str:
    """The ASCII digits of `text` (full-width digits count too), in order."""
    raw = _NON_DIGITS.sub("", text)
    return raw if raw.isascii() else "".join(str(int(char)) for char in raw)
