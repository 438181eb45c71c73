import base64
from typing import Any

import pytest
from pycrdt import Doc, Map, Text

from server.yjs.positions import (
    InvalidPosition,
    RelativePosition,
    absolute_position,
    decode,
    from_base64,
    is_known,
)
from server.yjs.store import Store

# What npm yjs 13.6 writes for Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(...)).
FROM_YJS = {
    "AJP5pYoJCgA=": RelativePosition(item=(2437512339, 10), assoc=0),
    "AJP5pYoJDkE=": RelativePosition(item=(2437512339, 14), assoc=-1),
    "ApP5pYoJAgA=": RelativePosition(type=(2437512339, 2), assoc=0),
    "ApP5pYoJA0E=": RelativePosition(type=(2437512339, 3), assoc=-1),
}


@pytest.mark.parametrize(("encoded", "expected"), FROM_YJS.items())
def test_reads_and_writes_what_yjs_writes(encoded: str, expected: RelativePosition) -> None:
    assert from_base64(encoded) == expected
    assert expected.to_base64() == encoded


def test_root_positions_and_large_associations_round_trip() -> None:
    for position in (
        RelativePosition(root="body", assoc=0),
        RelativePosition(root="正文", assoc=-1),
        RelativePosition(item=(2**53 - 1, 2**32 - 1), assoc=-70),
        RelativePosition(type=(0, 0), assoc=1000),
    ):
        assert decode(position.encode()) == position


def test_a_position_without_association_sticks_right() -> None:
    # Yjs before 13.5 wrote no association byte.
    assert decode(bytes([0, 5, 7])) == RelativePosition(item=(5, 7), assoc=0)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00",
        b"\x00\x05",
        b"\x07\x01\x02",
        b"\x00" + b"\xff" * 9 + b"\x01\x00",  # client beyond 2**53
        b"\x00\x05\xff\xff\xff\xff\x7f\x00",  # clock beyond 2**32
        b"\x01\x05bod",
        b"\x01\x02\xff\xfe\x00",
        b"\x00\x05\x07\x00\x00",
        b"\x00" * 100,
    ],
)
def test_anything_else_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidPosition):
        decode(raw)


@pytest.mark.parametrize("text", ["not base64!", "AA==\n\x00", "", "   "])
def test_bad_base64_is_refused(text: str) -> None:
    with pytest.raises(InvalidPosition):
        from_base64(text)


def test_base64_of_garbage_is_refused() -> None:
    with pytest.raises(InvalidPosition):
        from_base64(base64.b64encode(b"\x09garbage").decode())


def _store(doc: Doc[Any]) -> Store:
    return Store.of_state(doc.get_update())


def test_positions_resolve_as_yjs_resolves_them() -> None:
    doc: Doc[Any] = Doc(client_id=4)
    text = doc.get("t", type=Text)
    text += "hello 😀 world"  # clocks 0..13 (the emoji is two units)
    store = _store(doc)
    found = absolute_position(store, RelativePosition(item=(4, 9)))  # the "w"
    assert found is not None
    assert (found.branch, found.index) == (store.roots["t"], 9)
    assert absolute_position(store, RelativePosition(item=(4, 9), assoc=-1)).index == 10  # type: ignore[union-attr]
    assert absolute_position(store, RelativePosition(root="t")).index == 14  # type: ignore[union-attr]
    assert absolute_position(store, RelativePosition(root="t", assoc=-1)).index == 0  # type: ignore[union-attr]
    del text[0:2]
    store = _store(doc)
    assert absolute_position(store, RelativePosition(item=(4, 9))).index == 7  # type: ignore[union-attr]
    # A deleted item stays where it was: before what followed it.
    assert absolute_position(store, RelativePosition(item=(4, 1))).index == 0  # type: ignore[union-attr]
    assert absolute_position(store, RelativePosition(item=(4, 99))) is None
    assert absolute_position(store, RelativePosition(root="missing")) is None
    assert absolute_position(store, RelativePosition(type=(4, 3))) is None  # a character, not a type
    assert is_known(store, RelativePosition(item=(4, 13)))
    assert not is_known(store, RelativePosition(item=(4, 14)))
    assert not is_known(store, RelativePosition(type=(5, 0)))
    assert is_known(store, RelativePosition(root="anything"))


def test_map_entries_are_not_positions() -> None:
    doc: Doc[Any] = Doc(client_id=4)
    doc["m"] = Map({"a": "b"})
    assert absolute_position(_store(doc), RelativePosition(item=(4, 0))) is None
