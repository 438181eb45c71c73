"""Plain text of a case document's `body` (the Tiptap/ProseMirror XML fragment), and where each node's
content sits in it.

A checklist item's line starts with its state, "[x] " or "[ ] ", so snapshots and diffs show a ticked box;
the marker belongs to no XmlText, so no comment anchor starts or ends inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

BODY = "body"

# Inline nodes that stand for a line break inside a text block.
_BREAKS = {"hardBreak", "hard_break", "br"}

# A checklist item (Tiptap's TaskItem); the browser stores `checked` as a boolean, older tools as a string.
_TASK_ITEM = "taskItem"
CHECKED = "[x] "
UNCHECKED = "[ ] "

_HEADING = "heading"

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
    # Where each heading's line starts in the text, and its level (1 for h1).
    headings: list[tuple[int, int]] = field(default_factory=list)

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
        # A checklist item's marker, written at the start of its first line.
        self.marker = ""

    def next_start(self) -> int:
        return self.out.length + (len(self.separator) if self.started else 0)

    def begin_line(self) -> None:
        if self.started:
            self.out.add(self.separator)
        self.started = True
        self.out.add(self.marker)
        self.marker = ""


def _is_checked(element: XmlElement) -> bool:
    value = element.attributes.get("checked")
    return value is True or value == "true"


def _level(element: XmlElement) -> int:
    """A heading's level; the browser stores a number, older tools a string."""
    value = element.attributes.get("level")
    try:
        return max(1, int(float(str(value))))
    except ValueError:
        return 1


def _walk(node: XmlFragment | XmlElement, path: NodePath, lines: _Lines) -> None:
    out = lines.out
    children = list(node.children)
    starts: list[int] = []
    if any(isinstance(child, XmlText) for child in children):
        # A text block (paragraph, heading, ...): its inline content is one line.
        lines.begin_line()
        if isinstance(node, XmlElement) and node.tag == _HEADING:
            out.layout.headings.append((out.length, _level(node)))
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
        if isinstance(node, XmlElement) and node.tag == _TASK_ITEM:
            lines.marker = CHECKED if _is_checked(node) else UNCHECKED
        for index, child in enumerate(children):
            starts.append(lines.next_start())
            if isinstance(child, XmlElement):
                _walk(child, (*path, index), lines)
        if isinstance(node, XmlElement) and node.tag == _TASK_ITEM:
            lines.marker = ""  # an item without text has no line to mark
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


@dataclass(frozen=True, slots=True)
class HeadingLine:
    """A line of the plain text that is a heading: its index (0 for the first line) and level."""

    line: int
    level: int


def heading_lines(doc: Doc[Any]) -> list[HeadingLine]:
    """Which lines of `plain_text` are headings, so a reader of the text can show them as such."""
    layout = text_layout(doc)
    return [HeadingLine(layout.text.count("\n", 0, start), level) for start, level in layout.headings]


def state_heading_lines(state: bytes) -> list[HeadingLine]:
    """`heading_lines` of the document an encoded state holds."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    return heading_lines(doc)


def state_text(state: bytes) -> str:
    """`plain_text` of the document an encoded state holds."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    return plain_text(doc)
