import contextlib
import random
from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, XmlElement, XmlFragment, XmlText, get_state

from server.yjs.update import (
    ContentRef,
    FormatContent,
    MalformedUpdateError,
    TypeContent,
    TypeRef,
    decode_update,
    utf16_length,
)

from ._encode import item_after, item_in_root, string, uint, update


def _updates_of(doc: Doc[XmlFragment]) -> list[bytes]:
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    return updates


def test_reads_the_structs_of_a_rich_text_edit() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=7)
    updates = _updates_of(doc)
    doc["body"] = body = XmlFragment()
    body.children.append(XmlElement("heading", {"level": "2"}, [XmlText("Risks")]))

    decoded = decode_update(updates[-1])

    assert [(s.client, s.clock, s.length, s.ref) for s in decoded.structs] == [
        (7, 0, 1, ContentRef.TYPE),
        (7, 1, 1, ContentRef.ANY),
        (7, 2, 1, ContentRef.TYPE),
        (7, 3, 5, ContentRef.STRING),
    ]
    heading, level, text, chars = decoded.structs
    assert heading.parent == "body"
    assert heading.content == TypeContent(TypeRef.XML_ELEMENT, "heading")
    assert (level.parent, level.parent_sub, level.content) == ((7, 0), "level", ("2",))
    assert text.content == TypeContent(TypeRef.XML_TEXT)
    assert (chars.parent, chars.content) == ((7, 2), "Risks")
    assert decoded.delete_set == {}


def test_reads_origins_formats_and_the_delete_set() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=3)
    doc["body"] = body = XmlFragment()
    text = body.children.append(XmlText("hello world"))
    updates = _updates_of(doc)
    text.insert(5, ",")
    text.format(0, 5, {"bold": True})
    del text[6:12]

    typed, formatted, deleted = (decode_update(u) for u in updates)

    (comma,) = typed.structs
    assert (comma.clock, comma.origin, comma.right_origin, comma.parent, comma.content) == (
        12, (3, 5), (3, 6), None, ",",
    )  # fmt: skip
    assert [s.content for s in formatted.structs] == [
        FormatContent("bold", "true"),
        FormatContent("bold", "null"),
    ]
    assert deleted.structs == []
    assert deleted.delete_set == {3: [(6, 6)]}


def test_clocks_count_utf16_units_like_yjs() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=1)
    doc["body"] = body = XmlFragment()
    body.children.append(XmlText("中文 😀 é"))
    state = doc.get_update()

    decoded = decode_update(state)

    assert decoded.structs[-1].length == 7
    assert decoded.structs[-1].content == "中文 😀 é"
    # The state vector pycrdt derives agrees: one type item plus seven units.
    assert get_state(state) == uint(1) + uint(1) + uint(8)
    assert utf16_length("😀😀a".encode()) == 5
    assert utf16_length(b"plain") == 5


def test_reads_every_kind_of_value() -> None:
    doc: Doc[Map[Any]] = Doc(client_id=4)
    doc["m"] = values = Map[Any]()
    nested = {"n": None, "t": True, "f": False, "i": -42, "x": 1.5, "big": 2**40, "s": "ü", "l": [1, "a"]}
    values["v"] = nested
    values["a"] = Array([1, 2])
    values["text"] = Text("t")

    structs = decode_update(doc.get_update()).structs

    by_key = {s.parent_sub: s for s in structs if s.parent_sub is not None}
    assert by_key["v"].content == (nested,)
    assert by_key["a"].content == TypeContent(TypeRef.ARRAY)
    assert by_key["text"].content == TypeContent(TypeRef.TEXT)
    assert [s.content for s in structs if s.ref == ContentRef.ANY and s.parent_sub is None] == [(1.0, 2.0)]


def test_reads_gc_skip_and_deleted_content() -> None:
    gc = bytes([0]) + uint(4)
    skip = bytes([10]) + uint(3)
    deleted = item_in_root("t", ContentRef.DELETED, uint(2))

    structs = decode_update(update([(9, 0, [gc, skip, deleted])])).structs

    assert [(s.clock, s.length, s.ref) for s in structs] == [(0, 4, 0), (4, 3, 10), (7, 2, 1)]


GOOD = update(
    [(5, 0, [item_in_root("t", ContentRef.STRING, string("hi")), item_after((5, 1), 4, string("!"))])]
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "unexpected end of data"),
        (GOOD[:-3], "unexpected end of data"),
        (GOOD + b"\x00", "trailing bytes"),
        (update([(5, 0, [item_in_root("t", 11, b"")])]), "unknown content type 11"),
        (update([(5, 0, [item_in_root("t", ContentRef.STRING, uint(2) + b"\xff\xfe")])]), "not valid UTF-8"),
        (update([(5, 0, [item_in_root("t", ContentRef.STRING, string(""))])]), "empty item"),
        (
            update([(5, 0, [item_in_root("t", ContentRef.ANY, uint(1) + bytes([99]))])]),
            "unknown value tag 99",
        ),
        (update([(5, 0, [item_in_root("t", ContentRef.TYPE, uint(7))])]), "unsupported shared type 7"),
        (update([(5, 0, []), (5, 3, [])]), "client 5 appears twice"),
        (b"\x01" + b"\xff" * 12, "too long"),
        (
            update([(5, 0, [item_in_root("t", ContentRef.ANY, uint(1) + b"\x75\x01" * 100 + b"\x7e")])]),
            "too deeply",
        ),
    ],
)
def test_malformed_updates_raise_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedUpdateError, match="malformed Yjs update") as caught:
        decode_update(data)
    assert reason in caught.value.reason


def test_every_truncation_and_random_corruption_is_refused_cleanly() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=123456789)
    doc["body"] = body = XmlFragment()
    body.children.append(XmlElement("heading", {"level": "1"}, [XmlText("标题 and text")]))
    state = doc.get_update()
    for size in range(len(state)):
        with pytest.raises(MalformedUpdateError):
            decode_update(state[:size])
    rnd = random.Random(5)
    for _ in range(2000):
        corrupted = bytearray(state)
        for _ in range(rnd.randint(1, 4)):
            corrupted[rnd.randrange(len(corrupted))] = rnd.randrange(256)
        with contextlib.suppress(MalformedUpdateError):
            decode_update(bytes(corrupted))
