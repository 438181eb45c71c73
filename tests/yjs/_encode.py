"""Hand-built Yjs v1 updates, for inputs no real client would send."""

from __future__ import annotations


def uint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def string(value: str) -> bytes:
    raw = value.encode()
    return uint(len(raw)) + raw


def item_in_root(root: str, content_ref: int, content: bytes) -> bytes:
    """An item without origins: info byte, parent = a root type by name, then its content."""
    return bytes([content_ref]) + uint(1) + string(root) + content


def item_after(origin: tuple[int, int], content_ref: int, content: bytes) -> bytes:
    """An item with only a left origin."""
    return bytes([0x80 | content_ref]) + uint(origin[0]) + uint(origin[1]) + content


def update(
    clients: list[tuple[int, int, list[bytes]]], deletes: dict[int, list[tuple[int, int]]] | None = None
) -> bytes:
    """clients: [(client, first clock, [encoded structs])]; then the delete set."""
    out = bytearray(uint(len(clients)))
    for client, clock, structs in clients:
        out += uint(len(structs)) + uint(client) + uint(clock) + b"".join(structs)
    deletes = deletes or {}
    out += uint(len(deletes))
    for client, ranges in deletes.items():
        out += uint(client) + uint(len(ranges))
        for clock, length in ranges:
            out += uint(clock) + uint(length)
    return bytes(out)
