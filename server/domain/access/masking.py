"""Customer fields shown masked outside one's own cases: "Acme Retail" → "A*** Retail", the name wherever it
appears in a case's title or preview: "阿里零售 续约" → "阿*** 续约", and a keyword that is the name or a
piece of it ("阿里", "acme")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MASK = "***"


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def mask_name(value: str) -> str:
    """`value` with all but its first character masked: a spaced name keeps its later words (a company's
    kind, "Retail"); an unspaced CJK name keeps its last two characters once it has five or more (集团)."""
    text = value.strip()
    if not text:
        return text
    first, *rest = text.split()
    head = first[0] + MASK
    if rest:
        return " ".join([head, *rest])
    if len(first) >= 5 and _wide(first[-1]):
        return head + first[-2:]
    return head


def mask_customer_in(text: str, customer: str) -> str:
    """`text` (a case's title, its preview) with every occurrence of `customer`'s name, ignoring case and
    the spaces between its words, replaced by the masked name: "阿里零售 续约" → "阿*** 续约"."""
    name = " ".join(customer.split())
    if not name:
        return text
    pattern = re.compile(r"\s+".join(re.escape(word) for word in name.split()), re.IGNORECASE)
    return pattern.sub(lambda _found: mask_name(name), text)


def names_customer(term: str, customers: Iterable[str]) -> bool:
    """Whether a keyword is one of `customers`' names, holds one, or is a piece of one (two characters or
    more), ignoring case and spaces: "阿里" and "阿里零售" of 阿里零售, "acme" and "retail" of Acme Retail."""
    word = "".join(term.split()).casefold()
    if not word:
        return False
    for customer in customers:
        name = "".join(customer.split()).casefold()
        if name and (name in word or (len(word) >= 2 and word in name)):
            return True
    return False


def mask_cut_name(text: str, customer: str) -> str:
    """`text` cut out of a longer one (a comment's quote) with a piece of `customer`'s name at either end
    masked, ignoring case: a quote that starts inside the name ("里零售反馈" of 阿里零售) or ends inside it
    ("联系阿里") would otherwise give that piece as written. A piece of a Latin-script name must be three
    letters or more and end the word it is in ("cme Retail asks", "we called Acme"), so that "we are" keeps
    its "re". Whole names are masked by `mask_line`."""
    name = " ".join(customer.split())
    folded = name.casefold()
    for size in range(len(name) - 1, 1, -1):  # the longest piece first
        piece, rest = text[:size], text[size:]
        if piece.casefold() == folded[-size:] and _whole(piece, rest[:1]):
            text = MASK + rest
            break
    for size in range(len(name) - 1, 1, -1):
        piece, before = text[len(text) - size :], text[: len(text) - size]
        if len(text) >= size and piece.casefold() == folded[:size] and _whole(piece, before[-1:]):
            text = before + mask_name(name[:size])
            break
    return text


def _whole(piece: str, beside: str) -> bool:
    """Whether a cut piece of a name stands as a word: any CJK piece; a Latin one of three letters or more
    with no letter or digit beside it on the side away from the cut."""
    if any(_wide(char) for char in piece):
        return True
    return len(piece) >= 3 and not beside.isalnum()
