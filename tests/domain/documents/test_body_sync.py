"""The restore change: any body becomes the version's, touching only what differs."""

import random
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.domain.documents.body_sync import restore_update, same_body
from server.domain.documents.text import body, plain_text


def _block(doc: Doc[Any], text: str, tag: str = "paragraph", attrs: dict[str, Any] | None = None) -> XmlText:
    element = body(doc).children.append(XmlElement(tag, attrs or {}))
    return element.children.append(XmlText(text))


def _element(parent: XmlElement | XmlFragment, index: int) -> XmlElement:
    node = parent.children[index]
    assert isinstance(node, XmlElement)
    return node


def _text(element: XmlElement) -> XmlText:
    node = element.children[0]
    assert isinstance(node, XmlText)
    return node


def _document() -> Doc[Any]:
    doc: Doc[Any] = Doc()
    with doc.transaction():
        _block(doc, "Checkout failures", "heading", {"level": 1})
        _block(doc, "Customer: ACME. 客户反馈支付超时。")
        bold = _block(doc, "Root cause unknown 🤔 yet.")
        bold.format(0, 4, {"bold": {}})
        bullets = body(doc).children.append(XmlElement("bulletList"))
        for item in ("first", "second"):
            entry = bullets.children.append(XmlElement("listItem"))
            paragraph = entry.children.append(XmlElement("paragraph"))
            paragraph.children.append(XmlText(item))
    return doc


def _copy(doc: Doc[Any]) -> Doc[Any]:
    twin: Doc[Any] = Doc()
    twin.apply_update(doc.get_update())
    return twin


def test_every_kind_of_edit_is_undone_and_clients_converge() -> None:
    live = _document()
    version = _copy(live)
    client = _copy(live)
    with live.transaction():
        root = body(live)
        _element(root, 0).attributes["level"] = 2
        _text(_element(root, 1)).insert(0, "Updated: ")
        del _text(_element(root, 1))[len(b"Updated: Customer") :]
        _text(_element(root, 2)).format(0, 4, {"italic": {}})
        del root.children[2]
        _block(live, "A new paragraph 新段落")
        bullets = _element(root, 2)
        _text(_element(_element(bullets, 1), 0)).insert(0, "very ")
        del bullets.children[0]
    client.apply_update(live.get_update())
    assert not same_body(live, version)

    update = restore_update(live.get_update(), version.get_update())
    assert update is not None
    live.apply_update(update)
    client.apply_update(update)
    assert same_body(live, version)
    assert same_body(client, version)
    assert plain_text(live) == plain_text(version)
    assert restore_update(live.get_update(), version.get_update()) is None


def test_unchanged_text_keeps_its_items_so_anchors_survive() -> None:
    live = _document()
    version = _copy(live)
    kept = _text(_element(body(live), 1))
    edited = _text(_element(body(live), 2))
    with live.transaction():
        _block(live, "added after the version")
        edited.insert(0, "NOT ")
    live.apply_update(restore_update(live.get_update(), version.get_update()) or b"")
    assert same_body(live, version)
    # The same Yjs objects still hold the text: nothing was deleted and re-inserted.
    assert str(kept) == "Customer: ACME. 客户反馈支付超时。"
    assert "".join(c for c, _ in edited.diff()) == "Root cause unknown 🤔 yet."


def test_a_concurrent_edit_merges_with_the_restore() -> None:
    live = _document()
    version = _copy(live)
    _block(live, "to be undone")
    client = _copy(live)
    update = restore_update(live.get_update(), version.get_update())
    assert update is not None
    with client.transaction():
        _text(_element(body(client), 0)).insert(0, "Live: ")
    live.apply_update(client.get_update())
    live.apply_update(update)
    client.apply_update(update)
    assert same_body(live, client)
    assert plain_text(live).splitlines()[0] == "Live: Checkout failures"
    assert "to be undone" not in plain_text(live)


def _blocks_document() -> Doc[Any]:
    """A checklist (its `checked` a boolean, as the browser writes it), a table, code and a callout."""
    doc: Doc[Any] = Doc()
    with doc.transaction():
        root = body(doc)
        tasks = root.children.append(XmlElement("taskList"))
        for checked, text in ((True, "确认报价 confirm quote"), (False, "Send contract")):
            attributes: Any = {"checked": checked}  # pycrdt types attribute values as strings
            item = tasks.children.append(XmlElement("taskItem", attributes))
            item.children.append(XmlElement("paragraph")).children.append(XmlText(text))
        table = root.children.append(XmlElement("table"))
        for tag, cells in (("tableHeader", ("功能", "Status")), ("tableCell", ("单点登录", "done"))):
            row = table.children.append(XmlElement("tableRow"))
            for cell in cells:
                row.children.append(XmlElement(tag)).children.append(XmlElement("paragraph")).children.append(
                    XmlText(cell)
                )
        root.children.append(XmlElement("codeBlock", {"language": "python"})).children.append(
            XmlText("x = 1")
        )
        note = root.children.append(XmlElement("callout", {"kind": "warning"}))
        note.children.append(XmlElement("paragraph")).children.append(XmlText("注意 careful"))
        root.children.append(XmlElement("horizontalRule"))
    return doc


def test_a_restore_brings_back_checked_items_tables_code_and_callouts() -> None:
    live = _blocks_document()
    version = _copy(live)
    with live.transaction():
        root = body(live)
        first = _element(_element(root, 0), 0)
        first.attributes["checked"] = False  # a boolean, as Tiptap writes it
        del _element(root, 1).children[1]
        del root.children[2:]
    assert plain_text(live) == "[ ] 确认报价 confirm quote\n[ ] Send contract\n功能\nStatus"

    live.apply_update(restore_update(live.get_update(), version.get_update()) or b"")
    assert same_body(live, version)
    assert plain_text(live) == (
        "[x] 确认报价 confirm quote\n[ ] Send contract\n功能\nStatus\n单点登录\ndone\nx = 1\n注意 careful"
    )
    assert _element(_element(body(live), 0), 0).attributes["checked"] is True


def test_random_edit_sequences_always_restore_exactly() -> None:
    rng = random.Random(7)
    words = ["alpha", "beta", "中文", "交付", "🙂", "gamma", " ", "delta"]
    for _ in range(40):
        live = _document()
        version = _copy(live)
        for _edit in range(rng.randint(1, 12)):
            blocks = body(live).children
            roll = rng.random()
            if roll < 0.3 or len(blocks) == 0:
                _block(live, rng.choice(words), rng.choice(["paragraph", "heading"]))
            elif roll < 0.5:
                del blocks[rng.randrange(len(blocks))]
            else:
                element = _element(body(live), rng.randrange(len(blocks)))
                texts = [c for c in element.children if isinstance(c, XmlText)]
                if texts:
                    text = texts[0]
                    content = "".join(c for c, _ in text.diff() if isinstance(c, str))
                    cut = len(content[: rng.randint(0, len(content))].encode())
                    if rng.random() < 0.5:
                        text.insert(cut, rng.choice(words), {"bold": {}} if rng.random() < 0.3 else {})
                    elif content:
                        del text[: cut or len(content[:1].encode())]
        update = restore_update(live.get_update(), version.get_update())
        if update is not None:
            live.apply_update(update)
        assert same_body(live, version)
