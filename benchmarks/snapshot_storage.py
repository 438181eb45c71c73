"""Storage cost of version snapshots: a full encoded state per snapshot vs a non-GC document history.

Replays a realistic editing session (several authors typing key by key in English and Chinese,
backspacing, pasting, deleting selections, splitting paragraphs, bolding words) through pycrdt
clients, one Yjs update per keystroke as y-prosemirror sends them, takes an automatic snapshot
every 200 updates and a named one now and then, and measures three ways to keep the versions:

  A  full state per snapshot (`Y.encodeStateAsUpdate`), raw and zlib-compressed;
  B  a non-GC live document (`skip_gc`) plus a tiny `Y.Snapshot` (state vector + delete set) each;
  C  replaying the update log that Warroom keeps anyway (no extra bytes; time to rebuild instead).

Usage: python benchmarks/snapshot_storage.py [--updates 20000] [--seed 1]
"""

from __future__ import annotations

import random
import statistics
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import _args
from pycrdt import Doc, Snapshot, XmlElement, XmlFragment, XmlText

ENGLISH = [
    "The customer reports checkout failures at peak hours",
    "Payment timeouts started after the gateway upgrade",
    "Finance needs the refund volume by Friday",
    "Supply chain can ship the spare terminals next week",
    "Legal asks whether the recordings may leave the region",
]
CHINESE = [
    "客户反馈高峰期支付超时",
    "财务需要在周五前确认退款金额",
    "供应链下周可以发出备用终端",
    "研发怀疑网关升级后连接池耗尽",
    "法务询问录音能否出境",
]


def _text_of(doc: Doc[Any]) -> str:
    fragment = doc.get("body", type=XmlFragment)
    lines = []
    for block in fragment.children:
        if isinstance(block, XmlElement):
            parts = [c for c in block.children if isinstance(c, XmlText)]
            lines.append("".join("".join(ch for ch, _ in p.diff() if isinstance(ch, str)) for p in parts))
    return "\n".join(lines)


@dataclass
class Author:
    doc: Doc[Any]
    paragraph: int = 0
    offset: int = 0  # characters into the paragraph


@dataclass
class Session:
    """Authors editing one document; every change reaches the server doc and the other authors."""

    server: Doc[Any]  # the live document as the server holds it (GC on)
    history: Doc[Any]  # the same document with GC off (option B)
    authors: list[Author]
    rng: random.Random
    log: list[bytes] = field(default_factory=list)

    def body(self, doc: Doc[Any]) -> XmlFragment:
        return doc.get("body", type=XmlFragment)

    def _publish(self, source: Author, update: bytes) -> None:
        self.log.append(update)
        self.server.apply_update(update)
        self.history.apply_update(update)
        for other in self.authors:
            if other is not source:
                other.doc.apply_update(update)

    def _edit(self, author: Author, change: Any) -> None:
        before = author.doc.get_state()
        with author.doc.transaction():
            change()
        self._publish(author, author.doc.get_update(before))

    def _text(self, author: Author) -> tuple[XmlText, str] | None:
        blocks = list(self.body(author.doc).children)
        if not blocks:
            return None
        author.paragraph = min(author.paragraph, len(blocks) - 1)
        block = blocks[author.paragraph]
        assert isinstance(block, XmlElement)
        node = block.children[0]
        assert isinstance(node, XmlText)
        content = "".join(ch for ch, _ in node.diff() if isinstance(ch, str))
        author.offset = min(author.offset, len(content))
        return node, content

    def new_paragraph(self, author: Author, heading: bool = False) -> None:
        tag = "heading" if heading else "paragraph"
        attrs = {"level": 2} if heading else {}
        index = len(self.body(author.doc).children)

        def change() -> None:
            element = self.body(author.doc).children.append(XmlElement(tag, attrs))
            element.children.append(XmlText())

        self._edit(author, change)
        author.paragraph, author.offset = index, 0

    def type_text(self, author: Author, text: str) -> None:
        for char in text:
            found = self._text(author)
            if found is None:
                self.new_paragraph(author)
                found = self._text(author)
                assert found is not None
            node, content = found
            at = len(content[: author.offset].encode())
            self._edit(author, lambda node=node, at=at, char=char: node.insert(at, char, {}))
            author.offset += 1

    def backspace(self, author: Author, count: int) -> None:
        for _ in range(count):
            found = self._text(author)
            if found is None or author.offset == 0:
                return
            node, content = found
            start = len(content[: author.offset - 1].encode())
            end = len(content[: author.offset].encode())

            def change(node: XmlText = node, start: int = start, end: int = end) -> None:
                del node[start:end]

            self._edit(author, change)
            author.offset -= 1

    def paste(self, author: Author, text: str) -> None:
        found = self._text(author)
        if found is None:
            return
        node, content = found
        at = len(content[: author.offset].encode())
        self._edit(author, lambda: node.insert(at, text, {}))
        author.offset += len(text)

    def delete_selection(self, author: Author) -> None:
        found = self._text(author)
        if found is None or not found[1]:
            return
        node, content = found
        start = self.rng.randrange(len(content))
        stop = min(len(content), start + self.rng.randint(3, 40))
        a, b = len(content[:start].encode()), len(content[:stop].encode())

        def change() -> None:
            del node[a:b]

        self._edit(author, change)
        author.offset = start

    def bold_word(self, author: Author) -> None:
        found = self._text(author)
        if found is None or len(found[1]) < 4:
            return
        node, content = found
        start = self.rng.randrange(len(content) - 3)
        a, b = len(content[:start].encode()), len(content[: start + 4].encode())
        self._edit(author, lambda: node.format(a, b, {"bold": {}}))

    def delete_paragraph(self, author: Author) -> None:
        blocks = self.body(author.doc).children
        if len(blocks) > 3:
            index = self.rng.randrange(len(blocks))

            def change() -> None:
                del self.body(author.doc).children[index]

            self._edit(author, change)
            author.paragraph, author.offset = 0, 0

    def move(self, author: Author) -> None:
        blocks = len(self.body(author.doc).children)
        if blocks:
            author.paragraph = self.rng.randrange(blocks)
            found = self._text(author)
            author.offset = self.rng.randint(0, len(found[1])) if found else 0


def simulate(updates: int, seed: int) -> tuple[Session, list[tuple[str, bytes, bytes, int]]]:
    """Run the session; returns it and the snapshots (kind, full state, Y.Snapshot, log position)."""
    rng = random.Random(seed)
    server: Doc[Any] = Doc()
    history: Doc[Any] = Doc(skip_gc=True)
    authors = [Author(Doc()) for _ in range(4)]
    session = Session(server, history, authors, rng)
    snapshots: list[tuple[str, bytes, bytes, int]] = []
    next_auto = 200
    while len(session.log) < updates:
        author = rng.choice(authors)
        roll = rng.random()
        sentence = rng.choice(CHINESE) if rng.random() < 0.4 else rng.choice(ENGLISH).strip() + ". "
        if roll < 0.55:
            session.type_text(author, sentence[: rng.randint(min(5, len(sentence)), len(sentence))])
        elif roll < 0.70:
            session.backspace(author, rng.randint(1, 12))
        elif roll < 0.76:
            session.new_paragraph(author, heading=rng.random() < 0.15)
        elif roll < 0.82:
            session.move(author)
        elif roll < 0.87:
            session.delete_selection(author)
        elif roll < 0.91:
            session.paste(author, " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(1, 3))))
        elif roll < 0.95:
            session.bold_word(author)
        elif roll < 0.965:
            session.delete_paragraph(author)
        else:
            session.move(author)
        if len(session.log) >= next_auto:
            kind = "named" if rng.random() < 0.1 else "auto"
            snapshots.append(
                (kind, server.get_update(), Snapshot.from_doc(history).encode(), len(session.log))
            )
            next_auto += 200
    return session, snapshots


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = _args.parser(__doc__)
    _args.updates(parser, 20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    session, snapshots = simulate(args.updates, args.seed)
    elapsed = time.perf_counter() - started
    live_gc = session.server.get_update()
    live_history = session.history.get_update()
    text = _text_of(session.server)
    log_bytes = sum(len(u) for u in session.log)
    print(f"session: {len(session.log)} updates by 4 authors in {elapsed:.1f} s of simulation")
    print(f"final document: {len(text)} characters, {text.count(chr(10)) + 1} blocks")
    print(f"update log (kept anyway): {log_bytes / 1e6:.2f} MB")
    print(
        f"live document state: {len(live_gc) / 1e3:.1f} kB with GC, {len(live_history) / 1e3:.1f} kB without"
    )
    print(f"snapshots: {len(snapshots)} ({sum(1 for s in snapshots if s[0] == 'named')} named)")

    full = [s[1] for s in snapshots]
    t0 = time.perf_counter()
    compressed = [zlib.compress(state, 6) for state in full]
    compress_each = (time.perf_counter() - t0) / len(full)
    t0 = time.perf_counter()
    for blob in compressed:
        zlib.decompress(blob)
    decompress_each = (time.perf_counter() - t0) / len(full)
    full_total = sum(len(s) for s in full)
    zip_total = sum(len(c) for c in compressed)
    t0 = time.perf_counter()
    for state in full[:: max(1, len(full) // 10)]:
        doc: Doc[Any] = Doc()
        doc.apply_update(state)
        _text_of(doc)
    read_a = (time.perf_counter() - t0) / len(full[:: max(1, len(full) // 10)])
    print("\nA  full state per snapshot")
    ratio = full_total / zip_total
    print(f"   total {full_total / 1e6:.2f} MB raw, {zip_total / 1e6:.2f} MB zlib-6 ({ratio:.1f}x)")
    print(
        f"   per snapshot: median {statistics.median(len(s) for s in full) / 1e3:.1f} kB raw, "
        f"last {len(full[-1]) / 1e3:.1f} kB; zlib {_ms(compress_each)} to pack, "
        f"{_ms(decompress_each)} to unpack"
    )
    print(f"   read one version's text: {_ms(read_a)}")

    marks = [s[2] for s in snapshots]
    mark_total = sum(len(m) for m in marks)
    # Reading a version back needs Doc.from_snapshot on the non-GC document; count how often it works.
    broken = 0
    reads: list[float] = []
    for k in range(len(marks)):
        t0 = time.perf_counter()
        try:
            restored = Doc.from_snapshot(Snapshot.decode(marks[k]), session.history)
            ok = _text_of(restored) == _text_of_state(full[k])
        except BaseException:  # noqa: BLE001 - yrs panics surface as pyo3 PanicException (a BaseException)
            ok = False
        reads.append(time.perf_counter() - t0)
        broken += not ok
    read_b = statistics.median(reads)
    print("\nB  non-GC live document + Y.Snapshot per version")
    print(
        f"   live document grows from {len(live_gc) / 1e3:.1f} kB to {len(live_history) / 1e3:.1f} kB "
        f"(every client downloads it on every sync), snapshots {mark_total / 1e3:.1f} kB in total"
    )
    print(
        f"   extra bytes stored: {(len(live_history) - len(live_gc) + mark_total) / 1e6:.2f} MB; "
        f"read one version's text: {_ms(read_b)}"
    )
    print(f"   Doc.from_snapshot failed or read wrong text for {broken} of {len(marks)} versions")

    t0 = time.perf_counter()
    k = len(snapshots) // 2
    replay: Doc[Any] = Doc()
    with replay.transaction():
        for update in session.log[: snapshots[k][3]]:
            replay.apply_update(update)
    read_c = time.perf_counter() - t0
    assert _text_of(replay) == _text_of_state(full[k])
    print("\nC  replay the update log")
    print(f"   extra bytes: 0; rebuild the middle version ({snapshots[k][3]} updates): {_ms(read_c)}")


def _text_of_state(state: bytes) -> str:
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    return _text_of(doc)


if __name__ == "__main__":
    main()
