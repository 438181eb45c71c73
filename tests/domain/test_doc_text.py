from typing import Any

from pycrdt import Doc, XmlElement, XmlText

from server.domain.doc_text import body, plain_text


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
