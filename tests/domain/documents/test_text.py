from typing import Any

from pycrdt import Doc, XmlElement, XmlText

from server.domain.documents.text import HeadingLine, body, heading_lines, plain_text, text_layout


def test_blocks_become_lines_and_marks_disappear() -> None:
    doc: Doc[Any] = Doc()
    fragment = body(doc)
    heading = XmlElement("heading", {"level": "1"})
    fragment.children.append(heading)
    heading.children.append(XmlText("Situation"))
    paragraph = XmlElement("paragraph")
    fragment.children.append(paragraph)
    text = XmlText("card payment ")
    paragraph.children.append(text)
    text.insert(len("card payment "), "declined", {"bold": True})
    items = XmlElement("bulletList")
    fragment.children.append(items)
    for word in ("退款", "delivery"):
        item = XmlElement("listItem")
        items.children.append(item)
        inner = XmlElement("paragraph")
        item.children.append(inner)
        inner.children.append(XmlText(word))
    assert plain_text(doc) == "Situation\ncard payment declined\n退款\ndelivery"


def test_empty_document_has_empty_text() -> None:
    assert plain_text(Doc()) == ""


def test_the_layout_places_every_text_and_element_in_the_plain_text() -> None:
    doc: Doc[Any] = Doc()
    fragment = body(doc)
    paragraph = XmlElement("paragraph")
    fragment.children.append(paragraph)
    first = XmlText("before")
    paragraph.children.append(first)
    paragraph.children.append(XmlElement("hardBreak"))
    second = XmlText("after 😀")
    paragraph.children.append(second)
    fragment.children.append(XmlElement("paragraph"))  # empty: no line at all
    items = XmlElement("bulletList")
    fragment.children.append(items)
    for word in ("退款", "delivery"):
        item = XmlElement("listItem")
        items.children.append(item)
        inner = XmlElement("paragraph")
        item.children.append(inner)
        inner.children.append(XmlText(word))
    layout = text_layout(doc)
    assert layout.text == plain_text(doc) == "before\nafter 😀\n退款\ndelivery"
    for span in layout.texts.values():
        content = "".join(chunk for chunk in span.chunks if chunk is not None)
        assert layout.text[span.start : span.start + len(content)] == content
    assert set(layout.texts) == {(0, 0), (0, 2), (2, 0, 0, 0), (2, 1, 0, 0)}
    assert layout.blocks[(0, 1)].at(0) == len("before")  # the hard break
    # The empty paragraph has no line; it sits where the next line starts.
    assert layout.blocks[()].child_starts == (0, len("before\nafter 😀\n"), len("before\nafter 😀\n"))
    assert layout.blocks[(2,)].at(1) == len("before\nafter 😀\n退款\n")
    assert layout.blocks[(2,)].at(2) == layout.blocks[(2,)].end == len(layout.text)


def test_inline_elements_inside_a_line_are_joined_by_spaces() -> None:
    doc: Doc[Any] = Doc()
    paragraph = XmlElement("paragraph")
    body(doc).children.append(paragraph)
    paragraph.children.append(XmlText("see "))
    mention = XmlElement("mention")
    paragraph.children.append(mention)
    for word in ("Alice", "Chen"):
        part = XmlElement("span")
        mention.children.append(part)
        part.children.append(XmlText(word))
    paragraph.children.append(XmlText(" now"))
    layout = text_layout(doc)
    assert layout.text == "see Alice Chen now"
    assert layout.texts[(0, 1, 1, 0)].start == len("see Alice ")


def test_heading_lines_name_the_lines_that_are_headings_with_their_level() -> None:
    doc: Doc[Any] = Doc()
    fragment = body(doc)

    def block(tag: str, attrs: dict[str, Any] | None, *children: XmlText | XmlElement) -> None:
        element = XmlElement(tag, attrs)
        fragment.children.append(element)
        for child in children:
            element.children.append(child)

    block("heading", {"level": 1}, XmlText("客户现状 Situation"))
    # A hard break makes two lines of one paragraph: the headings after it are counted past both.
    block("paragraph", None, XmlText("运费 freight"), XmlElement("hardBreak"), XmlText("second line"))
    block("heading", {"level": "2"}, XmlText("Next steps 下一步"))
    block("paragraph", None, XmlText("Call customs."))
    block("heading", {"level": 3.0}, XmlText("细节"))
    block("heading", None, XmlText("No level"))
    assert plain_text(doc).split("\n")[3] == "Next steps 下一步"
    assert heading_lines(doc) == [
        HeadingLine(0, 1),
        HeadingLine(3, 2),
        HeadingLine(5, 3),
        HeadingLine(6, 1),
    ]
    assert heading_lines(Doc()) == []
