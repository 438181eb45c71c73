"""Authors editing one case document with real pycrdt documents, and the update log a server would keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pycrdt import Doc, TransactionEvent, XmlElement, XmlFragment, XmlText

from server.heatmaps.edits import LogEntry

START = datetime(2025, 3, 3, 9, tzinfo=UTC)


class Hub:
    """Stands in for the server: keeps every update with its author and time, delivers them on demand."""

    def __init__(self) -> None:
        self.log: list[LogEntry] = []
        self.authors: dict[str, Author] = {}
        self.server: Doc[XmlFragment] = Doc()
        self.server["body"] = XmlFragment()
        self.clock = START

    def author(self, name: str, client_id: int) -> Author:
        author = Author(self, name, client_id)
        self.authors[name] = author
        return author

    def record(self, name: str, update: bytes) -> None:
        self.clock += timedelta(minutes=1)
        self.log.append(LogEntry(name, self.clock, update))
        self.server.apply_update(update)

    def deliver_all(self) -> None:
        for author in self.authors.values():
            author.catch_up()

    def state(self) -> bytes:
        return self.server.get_update()


class Author:
    """One person's editor: a pycrdt document with its own Yjs client id."""

    def __init__(self, hub: Hub, name: str, client_id: int) -> None:
        self.hub = hub
        self.name = name
        self.doc: Doc[XmlFragment] = Doc(client_id=client_id)
        self.doc["body"] = XmlFragment()
        self._applying = False
        self.doc.observe(self._on_update)

    @property
    def body(self) -> XmlFragment:
        return self.doc["body"]

    def _on_update(self, event: TransactionEvent) -> None:
        if not self._applying:
            self.hub.record(self.name, event.update)

    def catch_up(self) -> None:
        """Receive what this author has not seen yet (like a y-websocket sync)."""
        missing = self.hub.server.get_update(self.doc.get_state())
        self._applying = True
        try:
            self.doc.apply_update(missing)
        finally:
            self._applying = False

    def add_block(self, index: int, tag: str, text: str, **attributes: str) -> XmlText:
        element = self.body.children.insert(index, XmlElement(tag, attributes, [XmlText(text)]))
        child = element.children[0]
        assert isinstance(child, XmlText)
        return child

    def text(self, block: int) -> XmlText:
        element = self.body.children[block]
        assert isinstance(element, XmlElement)
        child = element.children[0]
        assert isinstance(child, XmlText)
        return child

    def type(self, block: int, at: int, text: str) -> None:
        """Insert `text` at character `at` of a block's text."""
        target = self.text(block)
        target.insert(_byte_offset(target, at), text)

    def erase(self, block: int, at: int, length: int) -> None:
        """Delete `length` characters from character `at` of a block's text."""
        target = self.text(block)
        start = _byte_offset(target, at)
        del target[start : _byte_offset(target, at + length)]


def plain(text: XmlText) -> str:
    """The characters of an XML text without formatting."""
    return "".join(chunk for chunk, _ in text.diff() if isinstance(chunk, str))


def _byte_offset(text: XmlText, index: int) -> int:
    # pycrdt indexes text by UTF-8 bytes.
    return len(plain(text)[:index].encode())


def two_author_session(ann: str, ben: str) -> Hub:
    """Two authors over three days: headings, typing, a deletion of the other's text, a removed block."""
    hub = Hub()
    a, b = hub.author(ann, 11), hub.author(ben, 22)
    a.add_block(0, "heading", "Summary", level="2")
    a.add_block(1, "paragraph", "Spare parts are late")
    hub.deliver_all()
    hub.clock += timedelta(days=1)
    b.add_block(2, "heading", "Pricing", level="2")
    b.add_block(3, "paragraph", "Discount of ten percent")
    b.erase(1, 0, 6)
    hub.deliver_all()
    hub.clock += timedelta(days=1)
    a.type(3, 0, "At most a ")
    a.add_block(4, "paragraph", "scratch")
    del a.body.children[4]
    return hub
