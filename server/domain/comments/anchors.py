"""Comment anchors: checked when a comment is made, resolved against the live document whenever it is
read (where the passage is now, and what it says now).

An anchor is two Yjs relative positions (`server.yjs.positions`), resolved on the document's items
as Yjs resolves them; offsets are characters (code points) of the case's plain text (`Case.text`).
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc

from server.domain.documents.text import BODY, NodePath, TextLayout, text_layout
from server.domain.errors import BadInput, Conflict
from server.yjs.positions import (
    InvalidPosition,
    RelativePosition,
    absolute_position,
    decode,
    from_base64,
    is_known,
    relative_position,
)
from server.yjs.store import Branch, Store
from server.yjs.update import ContentRef, MalformedUpdateError, TypeRef

log = logging.getLogger("warroom.anchors")

MAX_QUOTE = 5_000


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of the plain text: `text == plain_text[start:end]`."""

    start: int
    end: int
    text: str


def _branch_paths(root: Branch | None) -> dict[Branch, NodePath]:
    """The tree path of every live element and text under `root`, as `doc_text` numbers them."""
    paths: dict[Branch, NodePath] = {}
    if root is None:
        return paths
    paths[root] = ()
    pending = [root]
    while pending:
        branch = pending.pop()
        if branch.type_ref == TypeRef.XML_TEXT:
            continue
        index = 0
        item = branch.start
        while item is not None:
            if not item.deleted and item.countable:
                if item.branch is not None:
                    paths[item.branch] = (*paths[branch], index)
                    pending.append(item.branch)
                index += item.length
            item = item.right
        # Deleted types are never reached: their subtree has no path, so anchors in it are gone.
    return paths


class AnchorResolver:
    """Resolves positions against one state of a document (a copy: later edits do not show)."""

    def __init__(self, doc: Doc[Any], state: bytes | None = None) -> None:
        self._layout: TextLayout = text_layout(doc)
        self._store = _store(doc.get_update() if state is None else state)
        self._paths = _branch_paths(self._store.roots.get(BODY))
        self._branches = {path: branch for branch, path in self._paths.items()}
        self._checked: dict[Branch, bool] = {}
        self._stored: dict[tuple[bytes, bytes], Span | None] = {}

    @property
    def text(self) -> str:
        """The document's plain text, which offsets index."""
        return self._layout.text

    def knows(self, position: RelativePosition) -> bool:
        """Whether this state has the item or type a position names (if not, it may be on its way)."""
        return is_known(self._store, position)

    def span(self, start: RelativePosition, end: RelativePosition) -> Span | None:
        """The passage between two positions; None when it is gone (an orphaned anchor)."""
        first = self.offset(start)
        last = self.offset(end)
        if first is None or last is None or last <= first:
            return None
        return Span(first, last, self._layout.text[first:last])

    def stored_span(self, start: bytes, end: bytes) -> Span | None:
        """`span` of two encoded positions as stored with a comment; remembered, since a cached
        resolver serves every read of the same document state."""
        key = (start, end)
        if key not in self._stored:
            try:
                self._stored[key] = self.span(decode(start), decode(end))
            except InvalidPosition:
                self._stored[key] = None
        return self._stored[key]

    def offset(self, position: RelativePosition) -> int | None:
        """The position's offset in the plain text; None when its type is deleted or unknown."""
        found = absolute_position(self._store, position)
        path = self._paths.get(found.branch) if found is not None else None
        if found is None or path is None:
            return None
        span = self._layout.texts.get(path)
        if span is None:
            block = self._layout.blocks.get(path)
            return block.at(found.index) if block is not None else None
        if not self._agrees(found.branch, path):
            return None
        return span.start + _chars_before(found.branch, found.index)

    def position_at(self, offset: int, sticks_left: bool = False) -> RelativePosition | None:
        """The relative position at a plain-text offset, as a browser would make it there; None when
        the offset is not inside a text (out of range, or on a line break between blocks).

        Where two texts touch, the position goes into the one after the offset, or with
        `sticks_left` the one before it.
        """
        for path, span in sorted(self._layout.texts.items(), key=lambda entry: entry[1].start):
            branch = self._branches.get(path)
            if branch is None or not self._agrees(branch, path):
                continue
            length = len(self._layout.text_of(path))
            if span.start <= offset <= span.start + length:
                if offset == span.start + length and not sticks_left and self._starts_at(offset, path):
                    continue
                units = _units_before(branch, offset - span.start)
                return relative_position(branch, units, -1 if sticks_left else 0)
        return None

    def _starts_at(self, offset: int, other: NodePath) -> bool:
        return any(span.start == offset and path != other for path, span in self._layout.texts.items())

    def _agrees(self, branch: Branch, path: NodePath) -> bool:
        # The layout comes from pycrdt, the positions from the decoded items; both hold the same
        # converged state, but a text they disagree on (a state garbled beyond Yjs) resolves nothing.
        agrees = self._checked.get(branch)
        if agrees is None:
            agrees = _plain(branch) == self._layout.text_of(path)
            if not agrees:
                log.warning("the decoded state and pycrdt disagree on a text", extra={"path": path})
            self._checked[branch] = agrees
        return agrees


def _store(state: bytes) -> Store:
    try:
        return Store.of_state(state)
    except MalformedUpdateError as exc:
        # pycrdt can hold what Yjs cannot encode (an update that split a surrogate pair): then no
        # anchor resolves, and the comments still list.
        log.warning("the document state does not decode: %s", exc)
        return Store([])


def _plain(branch: Branch) -> str:
    parts = []
    item = branch.start
    while item is not None:
        if not item.deleted and item.ref == ContentRef.STRING:
            parts.append(str(item.content))
        item = item.right
    return "".join(parts)


def _units_before(branch: Branch, chars: int) -> int:
    """How many Yjs units hold the first `chars` plain-text characters of a text (before any embed
    that follows them)."""
    units = 0
    item = branch.start
    while item is not None and chars > 0:
        if not item.deleted and item.countable:
            if item.ref == ContentRef.STRING:
                text = str(item.content)
                if chars < len(text):
                    return units + len(text[:chars].encode("utf-16-le", "surrogatepass")) // 2
                chars -= len(text)
            units += item.length
        item = item.right
    return units


def _chars_before(branch: Branch, units: int) -> int:
    """How many plain-text characters the first `units` Yjs units of a text hold (embeds hold none)."""
    chars = 0
    item = branch.start
    while item is not None and units > 0:
        if not item.deleted and item.countable:
            if item.ref == ContentRef.STRING:
                text = str(item.content)
                if units < item.length:
                    prefix = text.encode("utf-16-le", "surrogatepass")[: 2 * units]
                    return chars + len(prefix.decode("utf-16-le", "surrogatepass"))
                chars += len(text)
            units -= item.length
        item = item.right
    return chars


class ResolverCache:
    """The resolver of each recently read case, reused while its document has not changed: building
    one replays the whole state, resolving with it costs microseconds per position. A document is known
    unchanged by its identity and the version its holder gives (see `Rooms.read_doc_version`).
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[weakref.ref[Doc[Any]], int, AnchorResolver]] = OrderedDict()

    def resolver(self, case_id: str, doc: Doc[Any], version: int) -> AnchorResolver:
        """A resolver for `doc` as it is now."""
        entry = self._entries.get(case_id)
        if entry is None or entry[0]() is not doc or entry[1] != version:
            entry = (weakref.ref(doc), version, AnchorResolver(doc))
            self._entries[case_id] = entry
        self._entries.move_to_end(case_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return entry[2]


@dataclass(frozen=True)
class Anchor:
    """A checked anchor: the encoded positions as stored, and the quoted text."""

    start: bytes
    end: bytes
    quote: str


class AnchorNotYetKnown(Conflict):
    """The positions name edits this server has not received yet (they may be on their way)."""


def _position(value: str, name: str) -> RelativePosition:
    try:
        return from_base64(value)
    except InvalidPosition as exc:
        raise BadInput(f"anchor.{name} is not an encoded Yjs relative position: {exc}.") from None


def check_anchor(resolver: AnchorResolver, *, start: str, end: str, quote: str | None) -> Anchor:
    """An anchor from two base64 relative positions, checked against the live document."""
    first, last = _position(start, "start"), _position(end, "end")
    if not (resolver.knows(first) and resolver.knows(last)):
        raise AnchorNotYetKnown(
            "The document has not caught up with your selection yet; try again in a moment."
        )
    return _anchor(resolver, first, last, quote)


def anchor_at(resolver: AnchorResolver, *, start: int, end: int, quote: str | None) -> Anchor:
    """An anchor on `Case.text[start:end]`, for tools that know the plain text rather than Yjs."""
    if not 0 <= start < end <= len(resolver.text):
        raise BadInput(
            f"The range must satisfy 0 <= start < end <= {len(resolver.text)} (the text's length)."
        )
    first = resolver.position_at(start)
    last = resolver.position_at(end, sticks_left=True)
    if first is None or last is None:
        raise BadInput("The range must start and end inside the text of a paragraph, not on a line break.")
    return _anchor(resolver, first, last, quote)


def _anchor(
    resolver: AnchorResolver, first: RelativePosition, last: RelativePosition, quote: str | None
) -> Anchor:
    span = resolver.span(first, last)
    if span is None:
        raise BadInput("The selected passage is empty or no longer in the document; select it again.")
    quote = span.text if quote is None else quote.strip()
    if not quote:
        raise BadInput("The quote is empty; send the selected text or leave it out.")
    if len(quote) > MAX_QUOTE:
        raise BadInput(f"Quote at most {MAX_QUOTE} characters; comment on a shorter passage.")
    return Anchor(first.encode(), last.encode(), quote)
