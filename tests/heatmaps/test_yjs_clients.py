"""Heatmaps from updates made by real npm yjs 13 clients, shaped like y-prosemirror's (Tiptap)."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.heatmaps.edits import UpdateEdits, read_edit_history
from server.heatmaps.sections import INTRODUCTION, section_heatmap
from server.yjs.tree import Node, read_doc_tree

from . import _yjs
from ._authors import plain

pytestmark = pytest.mark.node


@pytest.fixture(scope="module", autouse=True)
def _npm_clients() -> None:
    _yjs.install()


def _totals(edits: tuple[UpdateEdits, ...]) -> dict[str, tuple[int, int, int, int]]:
    totals: dict[str, list[int]] = {}
    for e in edits:
        t = totals.setdefault(e.author_id, [0, 0, 0, 0])
        for i, n in enumerate((e.chars_inserted, e.chars_deleted, e.elements_inserted, e.elements_deleted)):
            t[i] += n
    return {author: (t[0], t[1], t[2], t[3]) for author, t in totals.items()}


def _blocks(tree: Node) -> list[dict[str, Any]]:
    return [
        {"tag": block.name, "level": block.attributes.get("level"), "text": block.text()}
        for block in tree.children
        if isinstance(block, Node)
    ]


def _pycrdt_blocks(state: bytes) -> Iterator[tuple[str | None, str]]:
    doc: Doc[XmlFragment] = Doc()
    doc["body"] = body = XmlFragment()
    doc.apply_update(state)
    for element in body.children:
        assert isinstance(element, XmlElement)
        text = element.children[0]
        assert isinstance(text, XmlText)
        yield element.tag, plain(text)


def test_scripted_session_with_concurrent_delete_and_insert() -> None:
    session = _yjs.run("scenario")

    history = read_edit_history(session.log)
    heatmap = section_heatmap(session.state, history.client_authors)

    assert history.client_authors == {101: "alice", 202: "bob", 303: "carol"}
    assert [(s.title, s.level, dict(s.chars_by_author)) for s in heatmap.sections] == [
        # " 👍" is three UTF-16 units: the space and the two halves of the emoji.
        ("Summary", 2, {"alice": len("Summary") + len("Alpha gamma") + 3, "carol": len("XYZ ")}),
        ("Risks", 2, {"bob": len("Risks") + len("Late parts"), "carol": len(" and more")}),
        ("交付计划", 2, {"carol": 4 + 5}),
    ]
    assert _totals(history.edits) == {
        # The emoji is two UTF-16 units; "tmp" and its paragraph were added and then removed by Alice.
        "alice": (7 + 16 + 3 + 3, 3, 3, 1),
        "bob": (5 + 10, len("beta "), 2, 0),
        "carol": (4 + 9 + 4 + 5, 0, 2, 0),
    }
    assert _blocks(read_doc_tree(session.state)["body"]) == session.blocks


def test_the_log_replayed_in_pycrdt_gives_the_same_document() -> None:
    session = _yjs.run("scenario")
    doc: Doc[XmlFragment] = Doc()
    doc["body"] = XmlFragment()
    for entry in session.log:
        doc.apply_update(entry.data)

    assert list(_pycrdt_blocks(doc.get_update())) == [(b["tag"], b["text"]) for b in session.blocks]
    assert section_heatmap(
        doc.get_update(), read_edit_history(session.log).client_authors
    ) == section_heatmap(session.state, read_edit_history(session.log).client_authors)


@pytest.mark.parametrize("seed", range(8))
def test_random_concurrent_yjs_session(seed: int) -> None:
    # Each yjs client types only its own letter: the final text says who wrote what.
    session = _yjs.run("fuzz", str(seed))

    history = read_edit_history(session.log)
    heatmap = section_heatmap(session.state, history.client_authors)

    assert _blocks(read_doc_tree(session.state)["body"]) == session.blocks
    expected: list[tuple[str, Counter[str]]] = [(INTRODUCTION, Counter())]
    for block in session.blocks:
        if block["tag"] == "heading":
            expected.append((block["text"] or "(untitled)", Counter()))
        expected[-1][1].update(block["text"])
    if not expected[0][1] and len(expected) > 1:
        del expected[0]
    assert [(s.title, dict(s.chars_by_author)) for s in heatmap.sections] == [
        (title, dict(counts)) for title, counts in expected
    ]
    # Nobody can keep more than they typed minus what was deleted of theirs.
    totals = _totals(history.edits)
    typed = {author: inserted for author, (inserted, _, _, _) in totals.items()}
    for author in typed:
        assert heatmap.author_total(author) <= typed[author]
    assert sum(d for _, d, _, _ in totals.values()) <= sum(typed.values()) - sum(
        s.total_chars for s in heatmap.sections
    )
