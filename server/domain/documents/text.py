"""Plain text of a case document's `body` (the Tiptap/ProseMirror XML fragment), and where each node's
content sits in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

BODY = "body"

# Inline nodes that stand for a line break inside a text block.
_BREAKS = {"hardBreak", "hard_break", "br"}

NodePath: TypeAlias = tuple[int, ...]
"""Child indices from `body` down to a node: (2, 0) is the first child of the third block."""


def body(doc: Doc[Any]) -> XmlFragment:
    """The rich-text root every client edits."""
    fragment: XmlFragment = doc.get(BODY, type=XmlFragment)
    return fragment


@dataclass(frozen=True, slots=True)
class TextSpan:
    """One XmlText in the plain text: where it starts, and its pieces (None for an embed, which Yjs
    counts as one unit and the plain text leaves out)."""

    start: int
    chunks: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class BlockSpan:
    """One element (or `body` itself): where each child's content starts, and where its own ends."""

    child_starts: tuple[int, ...]
    end: int

    def at(self, index: int) -> int:
        """The plain-text offset of the gap before child `index` (past the end: the element's end)."""
        return self.child_starts[index] if index < len(self.child_starts) else self.end


@dataclass
class TextLayout:
    """The plain text, one line per text block, with the span of every XmlText and element in it."""

    text: str = ""
    texts: dict[NodePath, TextSpan] = field(default_factory=dict)
    blocks: dict[NodePath, BlockSpan] = field(default_factory=dict)

    def text_of(self, path: NodePath) -> str:
        """The plain text of the XmlText at `path`."""
        return "".join(chunk for chunk in self.texts[path].chunks if chunk is not None)


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.layout = TextLayout()

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)


class _Lines:
    """Lines joined by `separator`: "\n" between blocks, " " inside an inline element."""

    def __init__(self, out: _Builder, separator: str) -> None:
        self.out = out
        self.separator = separator
        self.started = False

    def next_start(self) -> int:
        return self.out.length + (len(self.separator) if self.started else 0)

    def begin_line(self) -> None:
        if self.started:
            self.out.add(self.separator)
        self.started = True


def _walk(node: XmlFragment | XmlElement, path: NodePath, lines: _Lines) -> None:
    out = lines.out
    children = list(node.children)
    starts: list[int] = []
    if any(isinstance(child, XmlText) for child in children):
        # A text block (paragraph, heading, ...): its inline content is one line.
        lines.begin_line()
        for index, child in enumerate(children):
            starts.append(out.length)
            if isinstance(child, XmlText):
                chunks = tuple(chunk if isinstance(chunk, str) else None for chunk, _attrs in child.diff())
                out.layout.texts[(*path, index)] = TextSpan(out.length, chunks)
                out.add("".join(chunk for chunk in chunks if chunk is not None))
            elif isinstance(child, XmlElement) and child.tag in _BREAKS:
                out.layout.blocks[(*path, index)] = BlockSpan((), out.length)
                out.add("\n")
            elif isinstance(child, XmlElement):
                _walk(child, (*path, index), _Lines(out, " "))
    else:
        for index, child in enumerate(children):
            starts.append(lines.next_start())
            if isinstance(child, XmlElement):
                _walk(child, (*path, index), lines)
    out.layout.blocks[path] = BlockSpan(tuple(starts), out.length)


def text_layout(doc: Doc[Any]) -> TextLayout:
    """The plain text of `body` and where every node's content is in it."""
    out = _Builder()
    _walk(body(doc), (), _Lines(out, "\n"))
    out.layout.text = "".join(out.parts)
    return out.layout


def plain_text(doc: Doc[Any]) -> str:
    """One line per text block, blocks in document order."""
    return text_layout(doc).text


def state_text(state: bytes) -> str:
    """`plain_text` of the document an encoded state holds."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    return plain_text(doc)
