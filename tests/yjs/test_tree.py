import contextlib
import random
from typing import Any

import pytest
from pycrdt import Doc, Text, XmlElement, XmlFragment, XmlText, merge_updates

from server.yjs.tree import Embed, Node, TextRun, read_doc_tree
from server.yjs.update import ContentRef, MalformedUpdateError
from tests.heatmaps._authors import Author, Hub, plain

from ._encode import item_after, item_in_root, string, update


def _pycrdt_tree(node: XmlFragment | XmlElement | XmlText) -> Any:
    if isinstance(node, XmlText):
        return ("#text", plain(node))
    children = [_pycrdt_tree(child) for child in node.children]
    if isinstance(node, XmlElement):
        # pycrdt annotates XmlAttributesView.__iter__ as returning an Iterable, not an Iterator.
        return (node.tag, dict(node.attributes), children)  # type: ignore[call-overload]
    return children


def _tree(node: Node) -> Any:
    if node.type_ref == 6:
        return ("#text", node.text())
    children = [_tree(child) for child in node.children if isinstance(child, Node)]
    if node.type_ref == 3:
        return (node.name, {key: str(value) for key, value in node.attributes.items()}, children)
    return children


def _containers(author: Author) -> list[XmlFragment | XmlElement]:
    found: list[XmlFragment | XmlElement] = [author.body]
    for container in found:
        found.extend(child for child in container.children if isinstance(child, XmlElement))
    return found


def _texts(author: Author) -> list[XmlText]:
    return [c for node in _containers(author) for c in node.children if isinstance(c, XmlText)]


def _random_session(seed: int, authors: int = 5, steps: int = 400) -> Hub:
    rnd = random.Random(seed)
    hub = Hub()
    people = [hub.author(chr(ord("a") + i), rnd.randrange(1, 2**32)) for i in range(authors)]
    for _ in range(steps):
        author = rnd.choice(people)
        roll = rnd.random()
        texts = _texts(author)
        if roll < 0.06:
            author.catch_up()
        elif roll < 0.2 or not texts:
            parent = rnd.choice(_containers(author))
            tag = rnd.choice(["paragraph", "heading", "blockquote", "listItem"])
            attributes = {"level": str(rnd.randint(1, 3))} if tag == "heading" else {}
            element = XmlElement(tag, attributes, [XmlText(author.name * rnd.randint(0, 4))])
            parent.children.insert(rnd.randint(0, len(parent.children)), element)
        elif roll < 0.26:
            parents = [node for node in _containers(author) if len(node.children)]
            if parents:
                parent = rnd.choice(parents)
                del parent.children[rnd.randrange(len(parent.children))]
        elif roll < 0.3:
            headings = [
                n for n in _containers(author)[1:] if isinstance(n, XmlElement) and n.tag == "heading"
            ]
            if headings:
                rnd.choice(headings).attributes["level"] = str(rnd.randint(1, 6))
        else:
            text = rnd.choice(texts)
            size = len(plain(text))
            if roll < 0.7:
                text.insert(rnd.randint(0, size), author.name * rnd.randint(1, 6))
            elif roll < 0.78 and size:
                start = rnd.randrange(size)
                text.format(start, rnd.randint(1, size - start), {"bold": True})
            elif size:
                start = rnd.randrange(size)
                del text[start : start + rnd.randint(1, min(8, size - start))]
    hub.deliver_all()
    return hub


@pytest.mark.parametrize("seed", range(16))
def test_rebuilds_what_pycrdt_shows_after_concurrent_edits(seed: int) -> None:
    hub = _random_session(seed)

    tree = read_doc_tree(hub.state())["body"]

    assert _tree(tree) == _pycrdt_tree(hub.server["body"])


def test_a_merged_log_rebuilds_like_the_state() -> None:
    hub = _random_session(99)

    merged = merge_updates(*(entry.data for entry in hub.log))

    assert _tree(read_doc_tree(merged)["body"]) == _tree(read_doc_tree(hub.state())["body"])


def test_content_that_depends_on_a_missing_update_stays_invisible_like_in_pycrdt() -> None:
    hub = _random_session(7, steps=200)
    kept = [entry.data for i, entry in enumerate(hub.log) if i != len(hub.log) // 3]
    doc: Doc[XmlFragment] = Doc()
    doc["body"] = body = XmlFragment()
    for data in kept:
        doc.apply_update(data)

    tree = read_doc_tree(merge_updates(*kept))["body"]

    assert _tree(tree) == _pycrdt_tree(body)


def test_every_piece_keeps_the_id_that_wrote_it() -> None:
    hub = Hub()
    ann, ben = hub.author("ann", 1), hub.author("ben", 2)
    ann.add_block(0, "paragraph", "hello world")
    hub.deliver_all()
    ben.type(0, 5, ", dear")
    hub.deliver_all()
    ann.text(0).insert_embed(0, {"mention": "ben"})

    paragraph = read_doc_tree(hub.state())["body"].children[0]

    assert isinstance(paragraph, Node)
    assert (paragraph.id, paragraph.name) == ((1, 0), "paragraph")
    (text,) = paragraph.children
    assert isinstance(text, Node)
    assert text.children == [
        Embed(1, 13, ({"mention": "ben"},)),
        TextRun(1, 2, "hello", 5),
        TextRun(2, 0, ", dear", 6),
        TextRun(1, 7, " world", 6),
    ]


def test_items_waiting_on_each_other_stay_invisible() -> None:
    cycle = update(
        [
            (1, 0, [item_after((2, 0), ContentRef.STRING, string("a"))]),
            (2, 0, [item_after((1, 0), 4, string("b"))]),
        ]
    )
    visible = update([(3, 0, [item_in_root("t", ContentRef.STRING, string("ok"))])])
    doc: Doc[Text] = Doc()
    doc["t"] = text = Text()
    doc.apply_update(merge_updates(cycle, visible))

    tree = read_doc_tree(merge_updates(cycle, visible))

    assert tree["t"].text() == str(text) == "ok"


def test_a_split_inside_a_surrogate_pair_becomes_replacement_characters_as_in_yjs() -> None:
    state = update(
        [
            (5, 0, [item_in_root("t", ContentRef.STRING, string("a😀b"))]),
            (6, 0, [item_after((5, 1), 4, string("X"))]),
        ]
    )

    runs = read_doc_tree(state)["t"].children

    assert runs == [TextRun(5, 0, "a\ufffd\ufffdb", 4), TextRun(6, 0, "X", 1)]


def test_corrupted_states_either_rebuild_or_raise_malformed() -> None:
    hub = _random_session(3, authors=3, steps=120)
    state = hub.state()
    rnd = random.Random(11)
    for _ in range(300):
        corrupted = bytearray(state)
        for _ in range(rnd.randint(1, 3)):
            corrupted[rnd.randrange(len(corrupted))] = rnd.randrange(256)
        with contextlib.suppress(MalformedUpdateError):
            read_doc_tree(bytes(corrupted))
