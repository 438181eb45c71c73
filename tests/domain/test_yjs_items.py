"""The decoder reads every kind of content pycrdt writes and knows each item's type and deletion."""

from typing import Any

import pytest
from pycrdt import Array, Doc, Map, Text, XmlElement, XmlFragment, XmlText

from server.domain.yjs_items import (
    REF_STRING,
    REF_TYPE,
    TYPE_XML_ELEMENT,
    TYPE_XML_TEXT,
    MalformedUpdate,
    YjsItems,
    decode_state_vector,
)


def _every_kind_of_content() -> Doc[Any]:
    doc: Doc[Any] = Doc(client_id=3)
    fragment = doc.get("body", type=XmlFragment)
    element = XmlElement("heading", {"level": "2"})
    fragment.children.append(element)
    text = XmlText("Situation 😀 情况")
    element.children.append(text)
    text.format(0, 4, {"bold": True})
    text.insert_embed(2, {"image": "x.png"})
    doc["notes"] = Text("plain")
    doc["list"] = Array([1, 2.5, "three", None, True, [1, [2]], {"k": {"deep": [b"bytes"]}}, 2**40, -7])
    doc["map"] = Map({"a": "b", "n": 1})
    del doc["list"][1]
    return doc


def test_every_client_clock_is_covered_by_blocks() -> None:
    doc = _every_kind_of_content()
    items = YjsItems(doc.get_update())
    for client, clock in decode_state_vector(doc.get_state()).items():
        for at in range(clock):
            assert items.block((client, at)) is not None, (client, at)
        assert items.block((client, clock)) is None
    assert items.block((99, 0)) is None


def test_items_know_their_type_and_deletion() -> None:
    doc: Doc[Any] = Doc(client_id=5)
    fragment = doc.get("body", type=XmlFragment)
    paragraph = XmlElement("paragraph")  # clock 0
    fragment.children.append(paragraph)
    text = XmlText()  # clock 1
    paragraph.children.append(text)
    text.insert(0, "hello world")  # clocks 2..12
    text.insert(5, ",")  # clock 13, between "hello" and " world"
    del text[0:1]
    items = YjsItems(doc.get_update())
    assert items.block((5, 0)).type_ref == TYPE_XML_ELEMENT  # type: ignore[union-attr]
    assert items.block((5, 1)).type_ref == TYPE_XML_TEXT  # type: ignore[union-attr]
    assert items.block((5, 1)).ref == REF_TYPE  # type: ignore[union-attr]
    assert items.block((5, 8)).ref == REF_STRING  # type: ignore[union-attr]
    assert items.parent((5, 0)) == "body"
    assert items.parent((5, 1)) == (5, 0)
    for clock in (2, 7, 12, 13):
        assert items.parent((5, clock)) == (5, 1)
    assert items.is_deleted((5, 2))
    assert not items.is_deleted((5, 3))
    assert items.parent((5, 14)) is None


def test_map_entries_are_not_in_any_sequence() -> None:
    doc: Doc[Any] = Doc(client_id=9)
    doc["map"] = Map({"a": "b"})
    items = YjsItems(doc.get_update())
    assert items.block((9, 0)) is not None
    assert items.parent((9, 0)) is None


def test_an_empty_document_and_a_deletion_only_update() -> None:
    doc: Doc[Any] = Doc()
    assert YjsItems(doc.get_update()).block((1, 0)) is None
    text = doc.get("t", type=Text)
    text += "abc"
    del text[0:1]
    only_deletions = YjsItems(doc.get_update(doc.get_state()))
    assert only_deletions.is_deleted((doc.client_id, 0))
    assert only_deletions.block((doc.client_id, 0)) is None


@pytest.mark.parametrize(
    "raw",
    [
        b"\x01",
        b"\x01\x01\x05\x00",
        b"\x01\x01\x05\x00\x1f",
        b"\x01\x01\x05\x00\x08\x01\x00\x02\x7b",
        b"\x01\x01\x05\x00\x08\x01\x00\x01\x6f",
        b"\x01" + b"\xff" * 20,
    ],
)
def test_malformed_updates_raise_one_error(raw: bytes) -> None:
    with pytest.raises(MalformedUpdate):
        YjsItems(raw)
