"""The visible tree of a Yjs document, rebuilt from its encoded state, with the Yjs id of every piece.

pycrdt shows a document's content but not which client wrote which character, so this module replays
the state the way Yjs does (yjs `Item.integrate`, the YATA ordering) and keeps the ids. Applying an
encoded state converges to one order whatever the integration order, which is what makes this
equivalent to the document pycrdt or a browser holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Final

from server.yjs.store import Branch, Item, Store
from server.yjs.update import ID, ContentRef


@dataclass(slots=True)
class TextRun:
    """Consecutive visible characters written by one client (`length` in UTF-16 units)."""

    client: int
    clock: int
    text: str
    length: int


@dataclass(slots=True)
class Embed:
    """Visible non-text content inside a sequence: embeds in rich text, values in arrays."""

    client: int
    clock: int
    values: tuple[object, ...]


@dataclass(slots=True)
class Node:
    """A visible shared type: a root (no id, no type), an XML element, an XML text, ..."""

    id: ID | None
    type_ref: int | None
    name: str | None = None
    attributes: dict[str, object] = field(default_factory=dict)
    children: list[Node | TextRun | Embed] = field(default_factory=list)

    def text(self) -> str:
        """The visible characters of this node and its descendants, in document order."""
        parts: list[str] = []
        stack: list[Node | TextRun | Embed] = [self]
        while stack:
            piece = stack.pop()
            if isinstance(piece, TextRun):
                parts.append(piece.text)
            elif isinstance(piece, Node):
                stack.extend(reversed(piece.children))
        return "".join(parts)


def read_doc_tree(state: bytes) -> dict[str, Node]:
    """The visible content of every root type of an encoded document state, by root name.

    Raises MalformedUpdateError when `state` does not decode. Items that can never be integrated
    (missing or circular dependencies) stay invisible, as they do in Yjs and pycrdt.
    """
    return _visible(Store.of_state(state).roots)


_VALUE_REFS: Final = frozenset(
    {ContentRef.ANY, ContentRef.JSON, ContentRef.EMBED, ContentRef.BINARY, ContentRef.DOC}
)


def _visible(roots_by_name: dict[str, Branch]) -> dict[str, Node]:
    roots: dict[str, Node] = {}
    pending: list[tuple[Branch, Node]] = []
    for name, branch in roots_by_name.items():
        node = roots[name] = Node(None, None, name)
        pending.append((branch, node))
    while pending:
        branch, node = pending.pop()
        for key, holder in branch.keys.items():
            if holder.deleted or holder.ref not in _VALUE_REFS:
                continue
            values = _values(holder)
            node.attributes[key] = values[-1] if values else None
        children = node.children
        item = branch.start
        while item is not None:
            if not item.deleted:
                ref = item.ref
                if ref == ContentRef.STRING:
                    last = children[-1] if children else None
                    if (
                        isinstance(last, TextRun)
                        and last.client == item.client
                        and last.clock + last.length == item.clock
                    ):
                        last.text += str(item.content)
                        last.length += item.length
                    else:
                        children.append(TextRun(item.client, item.clock, str(item.content), item.length))
                elif ref == ContentRef.TYPE and item.branch is not None:
                    child = Node((item.client, item.clock), item.branch.type_ref, item.branch.name)
                    children.append(child)
                    pending.append((item.branch, child))
                elif ref in _VALUE_REFS:
                    children.append(Embed(item.client, item.clock, _values(item)))
            item = item.right
    return roots


def _values(item: Item) -> tuple[object, ...]:
    content = item.content
    if item.ref == ContentRef.EMBED:
        return (_json(str(content)),)
    if item.ref == ContentRef.JSON and isinstance(content, tuple):
        return tuple(None if raw == "undefined" else _json(str(raw)) for raw in content)
    return content if isinstance(content, tuple) else (content,)


def _json(raw: str) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return raw
