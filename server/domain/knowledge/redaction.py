"""The redacted copy of a case version (pure compute): the case's customer name, contact data and ID
numbers masked by the rules of material summaries (server.domain.materials.redaction), in the document
itself and in its plain text, with where each mask lies in that text so a preview can mark it.

The copy keeps the document's structure (headings, lists, checklists) and the formatting of every text
run that holds nothing to mask; a run with a mask in it is written as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.domain.access.masking import mask_name
from server.domain.documents.text import NodePath, body, text_layout
from server.domain.materials.redaction import Finder, Hit, Masked, MaskedSpan, mask

CUSTOMER = "customer"
"""The kind of a masked customer name (the other kinds: server.domain.materials.redaction.KINDS)."""


@dataclass(frozen=True)
class Redacted:
    """A version as it is published: the masked document, its plain text and the masks in that text."""

    state: bytes
    text: str
    spans: tuple[MaskedSpan, ...]


def customer_finder(customer: str) -> Finder:
    """A rule that finds the case's customer name (ignoring case) and masks it as `mask_name` does."""
    name = " ".join(customer.split())
    if not name:
        return lambda _text: iter(())
    replacement = mask_name(name)
    # Any run of spaces between its words; the name's own letters otherwise.
    pattern = re.compile(r"\s+".join(re.escape(word) for word in name.split()), re.IGNORECASE)

    def find(text: str) -> Iterator[Hit]:
        for found in pattern.finditer(text):
            yield Hit(found.start(), found.end(), CUSTOMER, replacement)

    return find


def mask_line(text: str, customer: str) -> Masked:
    """One field (a title, a summary) with the customer and personal data masked."""
    return mask(text, (customer_finder(customer),))


def _attributes(element: XmlElement) -> dict[str, Any]:
    pairs: Any = element.attributes  # iterates (key, value)
    return dict(pairs)


def _copy(
    source: XmlFragment | XmlElement,
    target: XmlFragment | XmlElement,
    path: NodePath,
    rules: tuple[Finder, ...],
    found: dict[NodePath, tuple[MaskedSpan, ...]],
) -> None:
    for index, child in enumerate(source.children):
        here = (*path, index)
        if isinstance(child, XmlElement):
            element = XmlElement(child.tag, _attributes(child))
            target.children.append(element)
            _copy(child, element, here, rules, found)
        elif isinstance(child, XmlText):
            runs = list(child.diff())
            plain = "".join(chunk for chunk, _attrs in runs if isinstance(chunk, str))
            masked = mask(plain, rules)
            copy = XmlText()
            target.children.append(copy)
            if masked.spans:
                copy.insert(0, masked.text)
                found[here] = masked.spans
                continue
            for chunk, attrs in runs:
                if isinstance(chunk, str):
                    copy.insert(len(copy), chunk, dict(attrs) if attrs else None)
                else:
                    copy.insert_embed(len(copy), chunk, dict(attrs) if attrs else None)


def redact_state(state: bytes, customer: str) -> Redacted:
    """The redacted copy of the document an encoded state holds."""
    source: Doc[Any] = Doc()
    source.apply_update(state)
    copy: Doc[Any] = Doc()
    found: dict[NodePath, tuple[MaskedSpan, ...]] = {}
    with copy.transaction():
        _copy(body(source), body(copy), (), (customer_finder(customer),), found)
    layout = text_layout(copy)
    spans = sorted(
        (
            MaskedSpan(span.kind, layout.texts[path].start + span.start, layout.texts[path].start + span.end)
            for path, masked in found.items()
            for span in masked
        ),
        key=lambda span: span.start,
    )
    return Redacted(copy.get_update(), layout.text, tuple(spans))
