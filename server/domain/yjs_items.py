"""What an encoded Yjs document says about its items: where each block of a client's clock range starts,
which shared type holds it, what it contains, and whether it is deleted.

pycrdt shows a document's content but not the ids of its items; comment anchors are Yjs relative
positions, which name items by id. The layout is Yjs v1's (yjs `src/utils/encoding.js`,
`readClientsStructRefs`, `readDeleteSet`; lib0 variable-length integers and `readAny`).
"""

from __future__ import annotations

import bisect
from typing import Final, NamedTuple, TypeAlias

ID: TypeAlias = tuple[int, int]
"""A Yjs item id: (client, clock)."""

Parent: TypeAlias = str | ID
"""A root type's name, or the id of the item that holds a nested type."""


class MalformedUpdate(ValueError):
    """The bytes are not a Yjs v1 update."""


# Low five bits of a struct's info byte.
REF_GC: Final = 0
REF_DELETED: Final = 1
REF_JSON: Final = 2
REF_BINARY: Final = 3
REF_STRING: Final = 4
REF_EMBED: Final = 5
REF_FORMAT: Final = 6
REF_TYPE: Final = 7
REF_ANY: Final = 8
REF_DOC: Final = 9
REF_SKIP: Final = 10

# Shared type numbers in a type item's content.
TYPE_XML_ELEMENT: Final = 3
TYPE_XML_FRAGMENT: Final = 4
TYPE_XML_HOOK: Final = 5
TYPE_XML_TEXT: Final = 6

_ORIGIN: Final = 0x80
_RIGHT_ORIGIN: Final = 0x40
_PARENT_SUB: Final = 0x20
_MAX_ANY_DEPTH: Final = 64


class Block(NamedTuple):
    """One struct: `length` clock units from `clock`; `ref` says what it holds (REF_*)."""

    clock: int
    length: int
    ref: int
    origin: ID | None
    right_origin: ID | None
    parent: Parent | None
    """Written only when the item has neither origin; otherwise it is its origin's parent."""
    keyed: bool
    """True for map entries (an XML attribute): they are not part of any sequence."""
    type_ref: int | None


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def uint(self) -> int:
        data = self.data
        value = data[self.pos]
        if value < 0x80:
            self.pos += 1
            return value
        value = 0
        shift = 0
        while True:
            byte = data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 70:
                raise MalformedUpdate("a variable-length integer is too long")

    def signed(self) -> int:
        byte = self.byte()
        value = byte & 0x3F
        negative = byte & 0x40
        shift = 6
        while byte & 0x80:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if shift > 70:
                raise MalformedUpdate("a variable-length integer is too long")
        return -value if negative else value

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise MalformedUpdate("the update ends inside a value")
        self.pos += count

    def buffer(self) -> bytes:
        size = self.uint()
        start = self.pos
        self.skip(size)
        return self.data[start : self.pos]

    def string(self) -> str:
        return self.buffer().decode("utf-8", "surrogatepass")

    def id(self) -> ID:
        return (self.uint(), self.uint())

    def any(self, depth: int = 0) -> None:
        """Skip one lib0 `writeAny` value."""
        if depth > _MAX_ANY_DEPTH:
            raise MalformedUpdate("a value is nested too deeply")
        kind = self.byte()
        if kind in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if kind == 125:
            self.signed()
        elif kind == 124:
            self.skip(4)
        elif kind in (123, 122):
            self.skip(8)
        elif kind in (119, 116):
            self.buffer()
        elif kind == 118:
            for _ in range(self.uint()):
                self.buffer()
                self.any(depth + 1)
        elif kind == 117:
            for _ in range(self.uint()):
                self.any(depth + 1)
        else:
            raise MalformedUpdate(f"unknown value type {kind}")


def _utf16_length(raw: bytes) -> int:
    # Yjs measures strings in UTF-16 units; surrogatepass keeps a pair Yjs split in two.
    return len(raw.decode("utf-8", "surrogatepass").encode("utf-16-le", "surrogatepass")) // 2


def _content(reader: _Reader, ref: int) -> tuple[int, int | None]:
    """Read an item's content; returns its length in clock units and, for a type, its type number."""
    if ref == REF_DELETED:
        return reader.uint(), None
    if ref == REF_JSON:
        count = reader.uint()
        for _ in range(count):
            reader.buffer()
        return count, None
    if ref in (REF_BINARY, REF_EMBED):
        reader.buffer()
        return 1, None
    if ref == REF_STRING:
        return _utf16_length(reader.buffer()), None
    if ref == REF_FORMAT:
        reader.buffer()
        reader.buffer()
        return 1, None
    if ref == REF_TYPE:
        type_ref = reader.uint()
        if type_ref in (TYPE_XML_ELEMENT, TYPE_XML_HOOK):
            reader.buffer()
        return 1, type_ref
    if ref == REF_ANY:
        count = reader.uint()
        for _ in range(count):
            reader.any()
        return count, None
    if ref == REF_DOC:
        reader.buffer()
        reader.any()
        return 1, None
    raise MalformedUpdate(f"unknown content type {ref}")


class YjsItems:
    """The blocks and deletions of one encoded document state (`doc.get_update()`).

    Block boundaries are the encoder's, which are the document's own at that moment: decode the
    state of the very document you then ask pycrdt about.
    """

    def __init__(self, update: bytes) -> None:
        self._starts: dict[int, list[int]] = {}
        self._blocks: dict[int, list[Block]] = {}
        self._deleted: dict[int, list[tuple[int, int]]] = {}
        self._parents: dict[ID, Parent | None] = {}
        try:
            reader = _Reader(update)
            self._read_structs(reader)
            self._read_delete_set(reader)
        except IndexError:
            raise MalformedUpdate("the update ends too early") from None

    def _read_structs(self, reader: _Reader) -> None:
        for _ in range(reader.uint()):
            count = reader.uint()
            client = reader.uint()
            clock = reader.uint()
            starts = self._starts.setdefault(client, [])
            blocks = self._blocks.setdefault(client, [])
            for _ in range(count):
                info = reader.byte()
                ref = info & 0x1F
                if ref in (REF_GC, REF_SKIP):
                    length = reader.uint()
                    block = Block(clock, length, ref, None, None, None, False, None)
                else:
                    origin = reader.id() if info & _ORIGIN else None
                    right = reader.id() if info & _RIGHT_ORIGIN else None
                    parent: Parent | None = None
                    keyed = False
                    if not info & (_ORIGIN | _RIGHT_ORIGIN):
                        parent = reader.string() if reader.uint() == 1 else reader.id()
                        if info & _PARENT_SUB:
                            reader.buffer()
                            keyed = True
                    length, type_ref = _content(reader, ref)
                    block = Block(clock, length, ref, origin, right, parent, keyed, type_ref)
                if block.ref != REF_SKIP:
                    starts.append(clock)
                    blocks.append(block)
                clock += length

    def _read_delete_set(self, reader: _Reader) -> None:
        if reader.pos >= len(reader.data):
            return
        for _ in range(reader.uint()):
            client = reader.uint()
            ranges = [(reader.uint(), reader.uint()) for _ in range(reader.uint())]
            self._deleted.setdefault(client, []).extend(ranges)
        for ranges in self._deleted.values():
            ranges.sort()

    def block(self, item: ID) -> Block | None:
        """The block holding the clock unit `item`, if this state has it."""
        client, clock = item
        starts = self._starts.get(client)
        if not starts:
            return None
        index = bisect.bisect_right(starts, clock) - 1
        if index < 0:
            return None
        block = self._blocks[client][index]
        return block if clock < block.clock + block.length else None

    def is_deleted(self, item: ID) -> bool:
        ranges = self._deleted.get(item[0])
        if not ranges:
            return False
        index = bisect.bisect_right(ranges, (item[1], float("inf"))) - 1
        return index >= 0 and item[1] < ranges[index][0] + ranges[index][1]

    def parent(self, item: ID) -> Parent | None:
        """The type holding `item`; None when it is unknown, garbage-collected or a map entry."""
        chain: list[ID] = []
        seen: set[ID] = set()
        found: Parent | None = None
        current: ID | None = item
        while current is not None:
            if current in self._parents:
                found = self._parents[current]
                break
            if current in seen:
                # Origins that loop cannot come from Yjs; only a garbled state gets here.
                found = None
                break
            seen.add(current)
            chain.append(current)
            block = self.block(current)
            if block is None or block.ref == REF_GC or block.keyed:
                found, current = None, None
            elif block.parent is not None:
                found, current = block.parent, None
            elif self._next_to_gc(block):
                # Yjs gives an item no parent when a neighbour was garbage-collected: the parent is gone.
                found, current = None, None
            else:
                # Otherwise the parent is the left neighbour's, else the right one's.
                current = block.origin or block.right_origin
        for walked in chain:
            self._parents[walked] = found
        return found

    def _next_to_gc(self, block: Block) -> bool:
        for neighbour in (block.origin, block.right_origin):
            if neighbour is not None:
                found = self.block(neighbour)
                if found is None or found.ref == REF_GC:
                    return True
        return False


def decode_state_vector(data: bytes) -> dict[int, int]:
    """A state vector (`doc.get_state()`): the next clock of every client the document has seen."""
    reader = _Reader(data)
    try:
        return {reader.uint(): reader.uint() for _ in range(reader.uint())}
    except IndexError:
        raise MalformedUpdate("the state vector ends too early") from None
