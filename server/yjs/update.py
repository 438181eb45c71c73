"""Decoding of binary Yjs v1 updates, the format that npm yjs 13, y-websocket and pycrdt exchange.

The layout follows yjs `src/utils/encoding.js` (`readClientsStructRefs`, `readDeleteSet`) and lib0's
variable-length integers and `readAny`. Clocks count what Yjs counts: a string item is as long as its
UTF-16 encoding, every other item is one unit per element.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Final, TypeAlias

ID: TypeAlias = tuple[int, int]
"""A Yjs item id: (client, clock)."""

DeleteSet: TypeAlias = dict[int, list[tuple[int, int]]]
"""Deleted ranges per client: [(clock, length), ...]."""


class MalformedUpdateError(ValueError):
    """The bytes are not a well-formed Yjs v1 update."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        where = "" if offset is None else f" at byte {offset}"
        super().__init__(f"malformed Yjs update{where}: {reason}")
        self.reason = reason
        self.offset = offset


class ContentRef(IntEnum):
    """The struct/content numbers of the v1 encoding (low five bits of a struct's info byte)."""

    GC = 0
    DELETED = 1
    JSON = 2
    BINARY = 3
    STRING = 4
    EMBED = 5
    FORMAT = 6
    TYPE = 7
    ANY = 8
    DOC = 9
    SKIP = 10


class TypeRef(IntEnum):
    """Shared type numbers written in `ContentType` (yjs `typeRefs`, yrs `TYPE_REFS_*`)."""

    ARRAY = 0
    MAP = 1
    TEXT = 2
    XML_ELEMENT = 3
    XML_FRAGMENT = 4
    XML_HOOK = 5
    XML_TEXT = 6
    SUBDOC = 9
    UNDEFINED = 15


@dataclass(frozen=True, slots=True)
class TypeContent:
    """The content of an item that holds a nested shared type (an XML element, an XML text, ...)."""

    type_ref: int
    name: str | None = None
    """The node name of an XML element or the key of an XML hook."""


@dataclass(frozen=True, slots=True)
class FormatContent:
    """A formatting marker of rich text: the mark's key and its JSON-encoded value."""

    key: str
    value_json: str


@dataclass(slots=True)
class Struct:
    """One struct of an update: a GC range, a skipped range, or an item with content.

    `parent` is the root type's name or the id of the item holding the parent type; it is None when
    the encoder left it to be copied from the origin or right origin (which is how most items come).
    """

    client: int
    clock: int
    length: int
    ref: int
    origin: ID | None = None
    right_origin: ID | None = None
    parent: str | ID | None = None
    parent_sub: str | None = None
    content: object = None
    """str for STRING, TypeContent for TYPE, FormatContent for FORMAT, a tuple of values for ANY and
    JSON, bytes for BINARY, the JSON text for EMBED, the guid for DOC, None otherwise."""


@dataclass(frozen=True, slots=True)
class Update:
    """A decoded update: its structs in encoding order and its delete set."""

    structs: list[Struct]
    delete_set: DeleteSet


_BIT_ORIGIN: Final = 0x80
_BIT_RIGHT_ORIGIN: Final = 0x40
_BIT_PARENT_SUB: Final = 0x20
_MAX_VARINT_SHIFT: Final = 63
_MAX_ANY_DEPTH: Final = 64
# Lead bytes of four-byte UTF-8 sequences: each such character takes two UTF-16 units.
_UTF8_LEAD4: Final = bytes(range(0xF0, 0xF8))
_F32: Final = struct.Struct(">f")
_F64: Final = struct.Struct(">d")
_I64: Final = struct.Struct(">q")


class _Reader:
    """A cursor over the update bytes; every read raises IndexError past the end."""

    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.end = len(data)

    def uint(self) -> int:
        data = self.data
        pos = self.pos
        byte = data[pos]
        pos += 1
        if byte < 0x80:
            self.pos = pos
            return byte
        value = byte & 0x7F
        shift = 7
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.pos = pos
                return value
            shift += 7
            if shift > _MAX_VARINT_SHIFT:
                raise MalformedUpdateError("variable-length integer is too long", pos)

    def sint(self) -> int:
        data = self.data
        byte = data[self.pos]
        self.pos += 1
        value = byte & 0x3F
        negative = byte & 0x40
        shift = 6
        while byte & 0x80:
            byte = data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if shift > _MAX_VARINT_SHIFT + 7:
                raise MalformedUpdateError("variable-length integer is too long", self.pos)
        return -value if negative else value

    def raw(self, size: int) -> bytes:
        start = self.pos
        stop = start + size
        if stop > self.end:
            raise IndexError("read past the end")
        self.pos = stop
        return self.data[start:stop]

    def buf(self) -> bytes:
        return self.raw(self.uint())

    def string(self) -> str:
        return self.raw(self.uint()).decode("utf-8")

    def value(self, depth: int = 0) -> object:
        if depth > _MAX_ANY_DEPTH:
            raise MalformedUpdateError("value nested too deeply", self.pos)
        tag = self.data[self.pos]
        self.pos += 1
        if tag == 119:
            return self.string()
        if tag == 125:
            return self.sint()
        if tag == 118:
            return {self.string(): self.value(depth + 1) for _ in range(self.uint())}
        if tag == 117:
            return [self.value(depth + 1) for _ in range(self.uint())]
        if tag in (120, 121):
            return tag == 120
        if tag in (126, 127):
            return None
        if tag == 123:
            return float(_F64.unpack(self.raw(8))[0])
        if tag == 124:
            return float(_F32.unpack(self.raw(4))[0])
        if tag == 122:
            return int(_I64.unpack(self.raw(8))[0])
        if tag == 116:
            return self.buf()
        raise MalformedUpdateError(f"unknown value tag {tag}", self.pos - 1)

    def id(self) -> ID:
        return (self.uint(), self.uint())


def utf16_length(raw: bytes) -> int:
    """The UTF-16 length of well-formed UTF-8 `raw` (Yjs measures strings in UTF-16 units)."""
    if raw.isascii():
        return len(raw)
    text = raw.decode("utf-8")
    return len(text) + len(raw) - len(raw.translate(None, _UTF8_LEAD4))


def decode_update(data: bytes) -> Update:
    """Decode one v1 update; raise MalformedUpdateError when `data` is not one."""
    reader = _Reader(data)
    try:
        structs = _read_structs(reader)
        delete_set = _read_delete_set(reader)
    except MalformedUpdateError:
        raise
    except IndexError:
        raise MalformedUpdateError("unexpected end of data", reader.pos) from None
    except UnicodeDecodeError:
        raise MalformedUpdateError("string is not valid UTF-8", reader.pos) from None
    if reader.pos != reader.end:
        raise MalformedUpdateError(
            f"{reader.end - reader.pos} trailing bytes after the delete set", reader.pos
        )
    return Update(structs, delete_set)


def _read_structs(reader: _Reader) -> list[Struct]:
    structs: list[Struct] = []
    seen_clients: set[int] = set()
    for _ in range(reader.uint()):
        count = reader.uint()
        client = reader.uint()
        clock = reader.uint()
        if client in seen_clients:
            raise MalformedUpdateError(f"client {client} appears twice", reader.pos)
        seen_clients.add(client)
        for _ in range(count):
            item = _read_struct(reader, client, clock)
            structs.append(item)
            clock += item.length
    return structs


def _read_struct(reader: _Reader, client: int, clock: int) -> Struct:
    start = reader.pos
    info = reader.data[start]
    reader.pos = start + 1
    ref = info & 0x1F
    if ref == ContentRef.GC or ref == ContentRef.SKIP:
        length = reader.uint()
        if length == 0:
            raise MalformedUpdateError("empty struct", start)
        return Struct(client, clock, length, ref)
    origin = reader.id() if info & _BIT_ORIGIN else None
    right_origin = reader.id() if info & _BIT_RIGHT_ORIGIN else None
    parent: str | ID | None = None
    parent_sub: str | None = None
    if not info & (_BIT_ORIGIN | _BIT_RIGHT_ORIGIN):
        parent = reader.string() if reader.uint() == 1 else reader.id()
        if info & _BIT_PARENT_SUB:
            parent_sub = reader.string()
    content: object
    if ref == ContentRef.STRING:
        raw = reader.buf()
        content = raw.decode("utf-8")
        length = utf16_length(raw)
    elif ref == ContentRef.FORMAT:
        content = FormatContent(reader.string(), reader.string())
        length = 1
    elif ref == ContentRef.TYPE:
        content = _read_type(reader)
        length = 1
    elif ref == ContentRef.ANY:
        content = tuple(reader.value() for _ in range(reader.uint()))
        length = len(content)
    elif ref == ContentRef.DELETED:
        content = None
        length = reader.uint()
    elif ref == ContentRef.EMBED:
        content = reader.string()
        length = 1
    elif ref == ContentRef.JSON:
        content = tuple(reader.string() for _ in range(reader.uint()))
        length = len(content)
    elif ref == ContentRef.BINARY:
        content = reader.buf()
        length = 1
    elif ref == ContentRef.DOC:
        content = reader.string()
        reader.value()
        length = 1
    else:
        raise MalformedUpdateError(f"unknown content type {ref}", start)
    if length == 0:
        raise MalformedUpdateError("empty item", start)
    return Struct(client, clock, length, ref, origin, right_origin, parent, parent_sub, content)


def _read_type(reader: _Reader) -> TypeContent:
    type_ref = reader.uint()
    if type_ref == TypeRef.XML_ELEMENT or type_ref == TypeRef.XML_HOOK:
        return TypeContent(type_ref, reader.string())
    if type_ref in _PLAIN_TYPE_REFS:
        return TypeContent(type_ref)
    # Weak links (yrs 7) carry extra data that Yjs 13 cannot read either.
    raise MalformedUpdateError(f"unsupported shared type {type_ref}", reader.pos)


_PLAIN_TYPE_REFS: Final = frozenset(
    {
        TypeRef.ARRAY,
        TypeRef.MAP,
        TypeRef.TEXT,
        TypeRef.XML_FRAGMENT,
        TypeRef.XML_TEXT,
        TypeRef.SUBDOC,
        TypeRef.UNDEFINED,
    }
)


def _read_delete_set(reader: _Reader) -> DeleteSet:
    delete_set: DeleteSet = {}
    for _ in range(reader.uint()):
        client = reader.uint()
        ranges = [(reader.uint(), reader.uint()) for _ in range(reader.uint())]
        ranges = [r for r in ranges if r[1] > 0]
        if ranges:
            delete_set.setdefault(client, []).extend(ranges)
    return delete_set
