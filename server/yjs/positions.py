"""Yjs relative positions: the binary form the browser sends (`Y.encodeRelativePosition`), parsed
strictly, and resolved on a `Store` exactly as `Y.createAbsolutePositionFromRelativePosition` does.

A relative position names the item it sticks to (or the type it is at the start or end of), so it
follows the text while others edit. pycrdt's `StickyIndex` reads the same bytes but cannot tell in
which type a position lies, counts UTF-8 bytes for some items and UTF-16 units for others, and
panics on a position whose type was deleted; hence this module.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Final

from server.yjs.store import Branch, Store
from server.yjs.update import ID, ContentRef

_ITEM: Final = 0
_ROOT: Final = 1
_TYPE: Final = 2
# Yjs clients are 53-bit safe integers and clocks 32-bit; anything larger is not a position.
_MAX_CLIENT: Final = 2**53
_MAX_CLOCK: Final = 2**32
MAX_ENCODED: Final = 64


class InvalidPosition(ValueError):
    """The value is not an encoded Yjs relative position."""


@dataclass(frozen=True, slots=True)
class RelativePosition:
    """Exactly one of `item`, `root` and `type` is set; `assoc` < 0 sticks to the left character."""

    item: ID | None = None
    root: str | None = None
    type: ID | None = None
    assoc: int = 0

    @property
    def sticks_left(self) -> bool:
        return self.assoc < 0

    def encode(self) -> bytes:
        """The Yjs binary form (what `Y.encodeRelativePosition` writes)."""
        out = bytearray()
        if self.item is not None:
            out.append(_ITEM)
            _uint(out, self.item[0])
            _uint(out, self.item[1])
        elif self.root is not None:
            raw = self.root.encode()
            out.append(_ROOT)
            _uint(out, len(raw))
            out += raw
        else:
            assert self.type is not None
            out.append(_TYPE)
            _uint(out, self.type[0])
            _uint(out, self.type[1])
        _int(out, self.assoc)
        return bytes(out)

    def to_base64(self) -> str:
        return base64.b64encode(self.encode()).decode()


def _uint(out: bytearray, value: int) -> None:
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)


def _int(out: bytearray, value: int) -> None:
    negative = value < 0
    value = abs(value)
    out.append((0x80 if value > 0x3F else 0) | (0x40 if negative else 0) | (value & 0x3F))
    value >>= 6
    while value:
        out.append((0x80 if value > 0x7F else 0) | (value & 0x7F))
        value >>= 7


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise InvalidPosition("the position ends too early")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def uint(self, limit: int) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if value >= limit:
                raise InvalidPosition("a number in the position is out of range")
            if byte < 0x80:
                return value
            shift += 7

    def signed(self) -> int:
        byte = self.byte()
        value = byte & 0x3F
        negative = byte & 0x40
        shift = 6
        while byte & 0x80:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if value >= _MAX_CLOCK:
                raise InvalidPosition("the position's association is out of range")
        return -value if negative else value


def decode(data: bytes) -> RelativePosition:
    """Parse the Yjs binary form; raises InvalidPosition for anything else."""
    if not data or len(data) > MAX_ENCODED:
        raise InvalidPosition("a position is a few bytes long")
    reader = _Reader(data)
    kind = reader.byte()
    if kind == _ITEM:
        position = RelativePosition(item=(reader.uint(_MAX_CLIENT), reader.uint(_MAX_CLOCK)))
    elif kind == _ROOT:
        size = reader.uint(MAX_ENCODED)
        raw = bytes(reader.byte() for _ in range(size))
        try:
            position = RelativePosition(root=raw.decode())
        except UnicodeDecodeError:
            raise InvalidPosition("the position names a root type that is not text") from None
    elif kind == _TYPE:
        position = RelativePosition(type=(reader.uint(_MAX_CLIENT), reader.uint(_MAX_CLOCK)))
    else:
        raise InvalidPosition(f"unknown position kind {kind}")
    # Yjs before 13.5 wrote no association; it then means "stick to the right".
    assoc = reader.signed() if reader.pos < len(data) else 0
    if reader.pos != len(data):
        raise InvalidPosition("the position has trailing bytes")
    return RelativePosition(position.item, position.root, position.type, assoc)


def from_base64(value: str) -> RelativePosition:
    """Parse the base64 text of an encoded position."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidPosition("the position is not base64") from None
    return decode(raw)


@dataclass(frozen=True, slots=True)
class AbsolutePosition:
    """A place in a live type: `index` counts Yjs units (UTF-16 units of text, one per embed or child)."""

    branch: Branch
    index: int


def is_known(store: Store, position: RelativePosition) -> bool:
    """Whether the state holds the item or type a position names (if not, it may be on its way)."""
    named = position.item or position.type
    if named is None:
        return True
    item = store.find(*named)
    return item is not None and item.integrated


def _length(branch: Branch) -> int:
    length = 0
    item = branch.start
    while item is not None:
        if not item.deleted and item.countable:
            length += item.length
        item = item.right
    return length


def relative_position(branch: Branch, index: int, assoc: int = 0) -> RelativePosition:
    """The position at `index` of a live type, as `Y.createRelativePositionFromTypeIndex` makes it:
    it sticks to the item at `index` (assoc >= 0) or the one before it (assoc < 0)."""
    if assoc < 0:
        if index == 0:
            return _type_edge(branch, assoc)
        index -= 1
    item = branch.start
    while item is not None:
        if not item.deleted and item.countable:
            if item.length > index:
                return RelativePosition(item=(item.client, item.clock + index), assoc=assoc)
            index -= item.length
        if item.right is None and assoc < 0:
            return RelativePosition(item=(item.client, item.clock + item.length - 1), assoc=assoc)
        item = item.right
    return _type_edge(branch, assoc)


def _type_edge(branch: Branch, assoc: int) -> RelativePosition:
    if branch.holder is None:
        assert branch.name is not None, "a root type has a name"
        return RelativePosition(root=branch.name, assoc=assoc)
    return RelativePosition(type=branch.holder, assoc=assoc)


def absolute_position(store: Store, position: RelativePosition) -> AbsolutePosition | None:
    """Where a relative position is now, or None when it names nothing the state has.

    The type found may be deleted (or under a deleted type): the caller decides what that means
    (for a comment anchor: the passage is gone).
    """
    if position.item is not None:
        right = store.find(*position.item)
        if right is None or not right.integrated or right.ref == ContentRef.GC or right.parent is None:
            return None
        if right.parent_sub is not None:
            return None  # a map entry (an XML attribute) is not in any sequence
        if right.deleted or not right.countable:
            index = 0
        else:
            index = position.item[1] - right.clock + (1 if position.sticks_left else 0)
        left = right.left
        while left is not None:
            if not left.deleted and left.countable:
                index += left.length
            left = left.left
        return AbsolutePosition(right.parent, index)
    if position.root is not None:
        branch = store.roots.get(position.root)
    else:
        assert position.type is not None
        holder = store.find(*position.type)
        valid = holder is not None and holder.integrated and holder.clock == position.type[1]
        branch = holder.branch if valid and holder is not None else None
    if branch is None:
        return None
    return AbsolutePosition(branch, 0 if position.sticks_left else _length(branch))
