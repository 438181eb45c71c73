"""Comment anchors resolved against a live document: where a passage is now, and what it says now.

An anchor is two Yjs relative positions (see `relative_positions`). pycrdt orders items for us
(`StickyIndex.get_offset`), but it reports neither the shared type a position lies in nor
consistent units (UTF-8 bytes for the items to the left, UTF-16 units within the item), and it
panics on a position whose item is unknown or whose type was deleted. So `YjsItems` tells which
type holds an item, where its block starts and whether it is deleted; pycrdt is only asked for the
offset of a block start in a live type, which is a plain UTF-8 byte count; and offsets are
returned in characters (code points) of the case's plain text (`Case.text`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, StickyIndex

from server.domain.doc_text import BODY, NodePath, TextLayout, TextSpan, text_layout
from server.domain.relative_positions import RelativePosition
from server.domain.yjs_items import (
    ID,
    REF_FORMAT,
    REF_GC,
    REF_STRING,
    REF_TYPE,
    TYPE_XML_TEXT,
    YjsItems,
    decode_state_vector,
)

log = logging.getLogger("warroom.anchors")


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of the plain text: `text == plain_text[start:end]`."""

    start: int
    end: int
    text: str


class AnchorResolver:
    """Resolves positions against one state of a document. Build one per request and doc read;
    do not keep it across awaits that may let the document change.
    """

    def __init__(self, doc: Doc[Any], state: bytes | None = None) -> None:
        self._doc = doc
        self._layout: TextLayout = text_layout(doc)
        self._items = YjsItems(doc.get_update() if state is None else state)
        self._integrated = decode_state_vector(doc.get_state())
        self._paths: dict[ID, NodePath | None] = {}
        self._strings: dict[NodePath, str] = {}

    @property
    def text(self) -> str:
        """The document's plain text, which offsets index."""
        return self._layout.text

    def knows(self, position: RelativePosition) -> bool:
        """Whether this state has the item or type a position names (if not, it may be on its way)."""
        named = position.item or position.type
        return named is None or self._known(named)

    def span(self, start: RelativePosition, end: RelativePosition) -> Span | None:
        """The passage between two positions; None when it is gone (an orphaned anchor)."""
        first = self.offset(start)
        last = self.offset(end)
        if first is None or last is None or last <= first:
            return None
        return Span(first, last, self._layout.text[first:last])

    def offset(self, position: RelativePosition) -> int | None:
        """The position's offset in the plain text; None when its type was deleted or is unknown."""
        if position.root is not None:
            return self._type_edge(() if position.root == BODY else None, position.sticks_left)
        if position.type is not None:
            return self._type_edge(self._path(position.type), position.sticks_left)
        assert position.item is not None
        return self._item_offset(position.item, position.sticks_left)

    def _type_edge(self, path: NodePath | None, at_start: bool) -> int | None:
        # A position naming a type sticks to its start (left association) or its end.
        if path is None:
            return None
        text = self._layout.texts.get(path)
        if text is not None:
            return text.start + (0 if at_start else len(self._string(path)))
        block = self._layout.blocks.get(path)
        if block is None:
            return None
        return block.at(0) if at_start else block.end

    def _known(self, item: ID) -> bool:
        return item[1] < self._integrated.get(item[0], 0)

    def _item_offset(self, item: ID, sticks_left: bool) -> int | None:
        block = self._items.block(item) if self._known(item) else None
        if block is None or block.ref == REF_GC or block.keyed:
            return None
        parent = self._items.parent(item)
        if parent is None:
            return None
        path = () if parent == BODY else self._path(parent) if isinstance(parent, tuple) else None
        if path is None:
            return None
        span = self._layout.texts.get(path)
        if span is None:
            children = self._layout.blocks.get(path)
            if children is None:
                return None
            # Child types are one unit each, so pycrdt's count is the child index.
            index = self._sticky_offset(item, sticks_left)
            return None if index is None else children.at(index)
        if self._items.is_deleted(item) or block.ref == REF_FORMAT:
            # Yjs puts a deleted (or invisible) item's position where it was: after the visible
            # items to its left.
            return self._at_byte(span, self._sticky_offset(item, False))
        begin = self._at_byte(span, self._sticky_offset((item[0], block.clock), False))
        if begin is None or block.ref != REF_STRING:
            # Embeds and inline types take no room in the plain text.
            return begin
        units = item[1] - block.clock + (1 if sticks_left else 0)
        return self._advance(path, span, begin - span.start, units)

    def _path(self, branch: ID) -> NodePath | None:
        """Where a live nested type is in the tree; None when it or an ancestor is deleted."""
        if branch in self._paths:
            return self._paths[branch]
        self._paths[branch] = None  # a cycle in a hostile state ends here
        path: NodePath | None = None
        block = self._items.block(branch) if self._known(branch) else None
        if block is not None and block.ref == REF_TYPE and not self._items.is_deleted(branch):
            parent = self._items.parent(branch)
            above = () if parent == BODY else self._path(parent) if isinstance(parent, tuple) else None
            index = self._sticky_offset(branch, False) if above in self._layout.blocks else None
            if above is not None and index is not None:
                candidate = (*above, index)
                is_text = candidate in self._layout.texts
                if is_text == (block.type_ref == TYPE_XML_TEXT) and (
                    is_text or candidate in self._layout.blocks
                ):
                    path = candidate
        self._paths[branch] = path
        return path

    def _sticky_offset(self, item: ID, sticks_left: bool) -> int | None:
        # Only called for a known, integrated item whose type is live: the cases pycrdt handles.
        sticky = StickyIndex.decode(RelativePosition(item=item, assoc=-1 if sticks_left else 0).encode())
        try:
            with self._doc.transaction() as txn:
                return sticky.get_index(txn)
        except BaseException as exc:
            # pycrdt turns a Rust panic into PanicException, a BaseException. One happens when an
            # update split a surrogate pair and the item clocks pycrdt encodes drift from its own;
            # the anchor is then unresolvable rather than the whole request failing.
            if type(exc).__name__ != "PanicException":
                raise
            log.warning("pycrdt could not resolve item %s", item)
            return None

    def _string(self, path: NodePath) -> str:
        found = self._strings.get(path)
        if found is None:
            found = "".join(chunk for chunk in self._layout.texts[path].chunks if chunk is not None)
            self._strings[path] = found
        return found

    def _at_byte(self, span: TextSpan, offset: int | None) -> int | None:
        """The plain-text offset of a UTF-8 byte offset into an XmlText's content (embeds: one byte)."""
        if offset is None:
            return None
        chars = 0
        for chunk in span.chunks:
            if chunk is None:
                if offset == 0:
                    break
                offset -= 1
                continue
            raw = chunk.encode("utf-8", "surrogatepass")
            if offset <= len(raw):
                try:
                    return span.start + chars + len(raw[:offset].decode("utf-8", "surrogatepass"))
                except UnicodeDecodeError:
                    return None  # not a character boundary: not an item boundary either
            offset -= len(raw)
            chars += len(chunk)
        return span.start + chars if offset == 0 else None

    def _advance(self, path: NodePath, span: TextSpan, begin: int, units: int) -> int:
        """Step `units` UTF-16 units (Yjs clock units) forward from `begin` within an XmlText."""
        string = self._string(path)
        index = begin
        while units > 0 and index < len(string):
            units -= 2 if ord(string[index]) > 0xFFFF else 1
            index += 1
        return span.start + index


class ResolverCache:
    """The resolver of each recently read case, reused while its document has not changed: building
    one costs a decode of the whole state, resolving with it costs microseconds per position.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[bytes, AnchorResolver]] = OrderedDict()

    def resolver(self, case_id: str, doc: Doc[Any]) -> AnchorResolver:
        """A resolver for `doc` as it is now (use it before the next await)."""
        state = doc.get_update()
        digest = hashlib.blake2b(state, digest_size=16).digest()
        entry = self._entries.get(case_id)
        if entry is None or entry[0] != digest:
            entry = (digest, AnchorResolver(doc, state))
            self._entries[case_id] = entry
        self._entries.move_to_end(case_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return entry[1]
