"""The y-websocket wire format (lib0 encoding), decoded strictly: bad bytes raise ProtocolError."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3

_MAX_VARINT_BYTES = 8  # lib0 varints carry at most 53 bits (a JS safe integer)


class SyncKind(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


class ProtocolError(ValueError):
    """The bytes are not a y-websocket message this server understands."""


@dataclass(frozen=True)
class Sync:
    kind: SyncKind
    payload: bytes  # a state vector for STEP1, an update otherwise


@dataclass(frozen=True)
class Awareness:
    payload: bytes  # the encoded awareness update, forwarded as is


@dataclass(frozen=True)
class QueryAwareness:
    pass


@dataclass(frozen=True)
class Auth:
    pass


Message = Sync | Awareness | QueryAwareness | Auth


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        value = 0
        shift = 0
        for _ in range(_MAX_VARINT_BYTES):
            if self.pos >= len(self.data):
                raise ProtocolError("truncated varint")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
        raise ProtocolError("varint too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            sent = len(self.data) - self.pos
            raise ProtocolError(f"truncated payload: {length} bytes announced, {sent} sent")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("string is not valid UTF-8") from None

    def done(self) -> None:
        if self.pos != len(self.data):
            raise ProtocolError(f"{len(self.data) - self.pos} unexpected trailing bytes")


def decode(data: bytes) -> Message:
    """Decode one websocket frame."""
    if not data:
        raise ProtocolError("empty frame")
    reader = _Reader(data)
    kind = reader.var_uint()
    message: Message
    if kind == MESSAGE_SYNC:
        sync_kind = reader.var_uint()
        if sync_kind not in (0, 1, 2):
            raise ProtocolError(f"unknown sync message type {sync_kind}")
        message = Sync(SyncKind(sync_kind), reader.var_bytes())
    elif kind == MESSAGE_AWARENESS:
        message = Awareness(reader.var_bytes())
    elif kind == MESSAGE_QUERY_AWARENESS:
        message = QueryAwareness()
    elif kind == MESSAGE_AUTH:
        # Permission messages flow server -> client only; a client's is read and ignored.
        reader.pos = len(data)
        return Auth()
    else:
        raise ProtocolError(f"unknown message type {kind}")
    reader.done()
    return message


def _var_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def _var_bytes(payload: bytes) -> bytes:
    return _var_uint(len(payload)) + payload


def encode_sync(kind: SyncKind, payload: bytes) -> bytes:
    """A sync message (step 1 with a state vector, step 2 or update with an update)."""
    return bytes((MESSAGE_SYNC, kind)) + _var_bytes(payload)


def encode_awareness(payload: bytes) -> bytes:
    return bytes((MESSAGE_AWARENESS,)) + _var_bytes(payload)


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # the JSON text as sent; "null" when the client left


def decode_awareness(payload: bytes, *, parse: bool = True) -> list[AwarenessEntry]:
    """The entries of an awareness update; with `parse`, every state's JSON must parse (without, the
    caller parses the states it keeps: a client's echoes of others' states are dropped unread)."""
    reader = _Reader(payload)
    entries = []
    for _ in range(reader.var_uint()):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        state = reader.var_string()
        if parse:
            try:
                json.loads(state)
            except ValueError:
                raise ProtocolError("awareness state is not JSON") from None
        entries.append(AwarenessEntry(client_id, clock, state))
    reader.done()
    return entries


def encode_awareness_update(entries: list[AwarenessEntry]) -> bytes:
    """An awareness update payload holding `entries`."""
    out = bytearray(_var_uint(len(entries)))
    for entry in entries:
        out += _var_uint(entry.client_id) + _var_uint(entry.clock) + _var_bytes(entry.state.encode())
    return bytes(out)
