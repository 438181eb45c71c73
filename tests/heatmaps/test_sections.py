import random
from collections import Counter

import pytest
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.heatmaps.edits import read_edit_history
from server.heatmaps.sections import INTRODUCTION, UNTITLED, Section, section_heatmap

from ._authors import Hub, plain


def _by_title(sections: tuple[Section, ...]) -> dict[str, dict[str, int]]:
    return {section.title: dict(section.chars_by_author) for section in sections}


def test_each_authors_surviving_text_lands_in_their_section() -> None:
    hub = Hub()
    alice, bob, carol = hub.author("alice", 11), hub.author("bob", 22), hub.author("carol", 33)
    alice.add_block(0, "heading", "Summary", level="1")
    alice.add_block(1, "paragraph", "Alpha beta gamma")
    hub.deliver_all()
    # Bob and Carol edit Alice's paragraph at the same time, neither seeing the other's change.
    bob.add_block(2, "heading", "Risks", level="2")
    bob.add_block(3, "paragraph", "Late parts")
    bob.erase(1, 6, 5)
    carol.type(1, 6, "XYZ ")
    hub.deliver_all()
    carol.type(3, 10, " and more")
    carol.add_block(4, "heading", "交付计划", level="2")
    carol.add_block(5, "paragraph", "两周内交付")
    hub.deliver_all()

    history = read_edit_history(hub.log)
    heatmap = section_heatmap(hub.state(), history.client_authors)

    assert plain(alice.text(1)) == "Alpha XYZ gamma"
    assert [s.title for s in heatmap.sections] == ["Summary", "Risks", "交付计划"]
    assert _by_title(heatmap.sections) == {
        "Summary": {"alice": len("Summary") + len("Alpha gamma"), "carol": len("XYZ ")},
        "Risks": {"bob": len("Risks") + len("Late parts"), "carol": len(" and more")},
        "交付计划": {"carol": 4 + 5},
    }
    assert [s.level for s in heatmap.sections] == [1, 2, 2]
    assert heatmap.authors == ("carol", "alice", "bob")
    assert heatmap.author_total("carol") == 4 + 9 + 9
    assert heatmap.chars("bob", 0) == 0


def test_text_before_the_first_heading_is_the_introduction() -> None:
    hub = Hub()
    dana = hub.author("dana", 5)
    dana.add_block(0, "paragraph", "Opening words")
    dana.add_block(1, "heading", "", level="2")
    dana.add_block(2, "paragraph", "body")

    heatmap = section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)

    assert [(s.index, s.title, s.level, s.heading_id) for s in heatmap.sections] == [
        (0, INTRODUCTION, None, None),
        (1, UNTITLED, 2, heatmap.sections[1].heading_id),
    ]
    assert heatmap.sections[1].heading_id is not None
    assert heatmap.sections[0].chars_by_author == {"dana": len("Opening words")}
    assert heatmap.sections[1].chars_by_author == {"dana": len("body")}


def test_no_introduction_when_the_document_starts_with_a_heading() -> None:
    hub = Hub()
    erin = hub.author("erin", 6)
    erin.add_block(0, "heading", "Only", level="1")

    heatmap = section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)

    assert [s.title for s in heatmap.sections] == ["Only"]


def test_headings_nested_in_blocks_start_sections_too() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=9)
    doc["body"] = body = XmlFragment()
    body.children.append(XmlElement("paragraph", {}, [XmlText("intro")]))
    body.children.append(
        XmlElement("blockquote", {}, [XmlElement("heading", {"level": "3"}, [XmlText("Quoted")])])
    )
    body.children.append(
        XmlElement(
            "bulletList", {}, [XmlElement("listItem", {}, [XmlElement("paragraph", {}, [XmlText("item")])])]
        )
    )

    heatmap = section_heatmap(doc.get_update(), {9: "fay"})

    assert _by_title(heatmap.sections) == {
        INTRODUCTION: {"fay": 5},
        "Quoted": {"fay": len("Quoted") + len("item")},
    }


def test_text_of_clients_missing_from_the_mapping_is_unattributed() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=77)
    doc["body"] = body = XmlFragment()
    body.children.append(XmlElement("paragraph", {}, [XmlText("template text")]))

    heatmap = section_heatmap(doc.get_update(), {})

    assert heatmap.authors == ()
    assert heatmap.sections[0].unattributed_chars == len("template text")
    assert heatmap.sections[0].total_chars == len("template text")


def test_empty_document_and_missing_root_have_no_sections() -> None:
    assert section_heatmap(Doc().get_update(), {}).sections == ()
    doc: Doc[XmlFragment] = Doc()
    doc["other"] = XmlFragment([XmlElement("paragraph", {}, [XmlText("x")])])
    assert section_heatmap(doc.get_update(), {}).sections == ()


@pytest.mark.parametrize("seed", range(12))
def test_surviving_letters_match_a_random_concurrent_session(seed: int) -> None:
    # Each author types only their own letter, so the final text itself says who wrote what.
    rnd = random.Random(seed)
    hub = Hub()
    letters = "abcde"
    authors = [hub.author(letter, rnd.randrange(1, 2**32)) for letter in letters]
    for _ in range(250):
        author = rnd.choice(authors)
        blocks = len(author.body.children)
        roll = rnd.random()
        if roll < 0.1:
            author.catch_up()
        elif roll < 0.25 or blocks == 0:
            tag = "heading" if rnd.random() < 0.3 else "paragraph"
            author.add_block(rnd.randint(0, blocks), tag, author.name * rnd.randint(0, 3), level="2")
        elif roll < 0.3:
            del author.body.children[rnd.randrange(blocks)]
        else:
            block = rnd.randrange(blocks)
            size = len(plain(author.text(block)))
            if roll < 0.75:
                author.type(block, rnd.randint(0, size), author.name * rnd.randint(1, 4))
            elif size:
                start = rnd.randrange(size)
                author.erase(block, start, rnd.randint(1, min(5, size - start)))
    hub.deliver_all()

    heatmap = section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)

    expected: list[tuple[str, dict[str, int]]] = [(INTRODUCTION, {})]
    for element in hub.server["body"].children:
        assert isinstance(element, XmlElement)
        text = element.children[0]
        assert isinstance(text, XmlText)
        if element.tag == "heading":
            expected.append((plain(text) or UNTITLED, {}))
        expected[-1][1].update(Counter(plain(text)) + Counter(expected[-1][1]))
    if not expected[0][1] and len(expected) > 1:
        del expected[0]
    assert [(s.title, dict(s.chars_by_author)) for s in heatmap.sections] == expected
