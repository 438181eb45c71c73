"""Plain text of a case document's `body` (the Tiptap/ProseMirror XML fragment)."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

BODY = "body"

# Inline nodes that stand for a line break inside a text block.
_BREAKS = {"hardBreak", "hard_break", "br"}


def body(doc: Doc[Any]) -> XmlFragment:
    """The rich-text root every client edits."""
    fragment: XmlFragment = doc.get(BODY, type=XmlFragment)
    return fragment


def _inline_text(text: XmlText) -> str:
    return "".join(chunk for chunk, _attrs in text.diff() if isinstance(chunk, str))


def _lines(node: XmlFragment | XmlElement) -> list[str]:
    children = list(node.children)
    if any(isinstance(child, XmlText) for child in children):
        # A text block (paragraph, heading, ...): its inline content is one line.
        parts: list[str] = []
        for child in children:
            if isinstance(child, XmlText):
                parts.append(_inline_text(child))
            elif isinstance(child, XmlElement) and child.tag in _BREAKS:
                parts.append("\n")
            elif isinstance(child, XmlElement):
                parts.append(" ".join(_lines(child)))
        return ["".join(parts)]
    lines: list[str] = []
    for child in children:
        if isinstance(child, XmlElement):
            lines.extend(_lines(child))
    return lines


def plain_text(doc: Doc[Any]) -> str:
    """One line per text block, blocks in document order."""
    return "\n".join(_lines(body(doc)))
