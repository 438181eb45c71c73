"""Masking personal data in text: phone numbers, e-mail addresses, PRC resident ID numbers, bank cards,
passports and street addresses, in Chinese and English text alike.

The masked form keeps enough to read what kind of thing was there (`138****5678`, `z***@example.com`,
`110101********1234`, `**** **** **** 1234`, `E********`, `广东省深圳市南山区***`), and each mask's
place in the masked text is returned so a preview can mark it. Masking already-masked text changes
nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from server.domain.materials._addresses import ADDRESS, find_addresses
from server.domain.materials._identifiers import (
    BANK_CARD,
    EMAIL,
    ID_NUMBER,
    PASSPORT,
    PHONE,
    find_bank_cards,
    find_emails,
    find_id_numbers,
    find_passports,
    find_phones,
)
from server.domain.materials._rules import Hit

__all__ = ["KINDS", "Finder", "Hit", "Masked", "MaskedSpan", "mask"]

KINDS = (PHONE, EMAIL, ID_NUMBER, BANK_CARD, PASSPORT, ADDRESS)
"""The stable kind names a span carries; clients switch on them."""

Finder = Callable[[str], Iterator[Hit]]
"""A rule: every hit it is sure of in a text (full-width forms already folded to ASCII)."""


# When two rules claim the same characters the longer hit wins; on equal length the more specific rule
# (earlier here) does: an 18-digit ID with a valid check digit may also pass Luhn, "+86 138 ..." is both
# a mainland mobile and an international number.
_FINDERS: tuple[Finder, ...] = (
    find_id_numbers,
    find_emails,
    find_passports,
    find_phones,
    find_bank_cards,
    find_addresses,
)

# Full-width digits, letters and signs ("１３８…", "＋８６") are matched as their ASCII forms; one character
# for one, so positions hold. The masked forms come out in ASCII.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True, slots=True)
class MaskedSpan:
    """Where one mask lies in the masked text (`start` inclusive, `end` exclusive), and what it hid."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Masked:
    """Text with its personal data masked, and where each mask lies in it."""

    text: str
    spans: tuple[MaskedSpan, ...]


def mask(text: str, extra: Sequence[Finder] = ()) -> Masked:
    """`text` with every recognised piece of personal data masked; `extra` rules (e.g. one case's customer
    name) rank before the built-in ones."""
    folded = text.translate(_HALF_WIDTH)
    finders = (*extra, *_FINDERS)
    hits = [(rank, hit) for rank, finder in enumerate(finders) for hit in finder(folded)]
    chosen = _without_overlaps(hits)
    pieces: list[str] = []
    spans: list[MaskedSpan] = []
    cursor = 0
    length = 0
    for hit in chosen:
        before = text[cursor : hit.start]
        pieces.append(before)
        length += len(before)
        pieces.append(hit.replacement)
        spans.append(MaskedSpan(hit.kind, length, length + len(hit.replacement)))
        length += len(hit.replacement)
        cursor = hit.end
    pieces.append(text[cursor:])
    return Masked("".join(pieces), tuple(spans))


def _without_overlaps(hits: Iterable[tuple[int, Hit]]) -> list[Hit]:
    """The hits to apply, in text order: longest first, then by rule rank, each only where nothing
    already chosen lies."""
    starts: list[int] = []
    chosen: list[Hit] = []
    for _, hit in sorted(hits, key=lambda ranked: (ranked[1].start - ranked[1].end, ranked[0])):
        at = bisect.bisect_left(starts, hit.start)
        if hit.start >= hit.end or (at > 0 and chosen[at - 1].end > hit.start):
            continue
        if at < len(chosen) and chosen[at].start < hit.end:
            continue
        starts.insert(at, hit.start)
        chosen.insert(at, hit)
    return chosen
