import zlib
from datetime import UTC, datetime

import pytest
from pycrdt import Doc, XmlFragment

from server.heatmaps.edits import EditLedger, LogEntry, UpdateEdits, read_edit_history
from server.yjs.update import MalformedUpdateError

from ._authors import Hub

AT = datetime(2025, 5, 5, tzinfo=UTC)


def _sums(edits: tuple[UpdateEdits, ...]) -> dict[str, tuple[int, int, int, int]]:
    sums: dict[str, tuple[int, int, int, int]] = {}
    for e in edits:
        a, b, c, d = sums.get(e.author_id, (0, 0, 0, 0))
        sums[e.author_id] = (
            a + e.chars_inserted,
            b + e.chars_deleted,
            c + e.elements_inserted,
            d + e.elements_deleted,
        )
    return sums


def test_counts_typing_and_deleting_per_update() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "paragraph", "hello")
    ann.type(0, 5, " world")
    ann.erase(0, 0, 6)

    history = read_edit_history(hub.log)

    assert [(e.author_id, e.chars_inserted, e.chars_deleted, e.elements_inserted) for e in history.edits] == [
        ("ann", 5, 0, 1),
        ("ann", 6, 0, 0),
        ("ann", 0, 6, 0),
    ]
    assert [e.at for e in history.edits] == [entry.at for entry in hub.log]
    assert history.client_authors == {1: "ann"}


def test_deleting_someone_elses_text_is_credited_to_the_deleter() -> None:
    hub = Hub()
    ann, ben = hub.author("ann", 1), hub.author("ben", 2)
    ann.add_block(0, "paragraph", "draft text")
    hub.deliver_all()
    ben.erase(0, 0, 6)

    assert _sums(read_edit_history(hub.log).edits) == {"ann": (10, 0, 1, 0), "ben": (0, 6, 0, 0)}


def test_deleting_a_block_counts_its_characters_and_the_element() -> None:
    hub = Hub()
    ann, ben = hub.author("ann", 1), hub.author("ben", 2)
    ann.add_block(0, "heading", "Title", level="1")
    ann.add_block(1, "paragraph", "body")
    hub.deliver_all()
    del ben.body.children[1]

    assert _sums(read_edit_history(hub.log).edits)["ben"] == (0, 4, 0, 1)


def test_formatting_and_attributes_count_nothing() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "heading", "Title", level="1")
    first = len(hub.log)
    ann.text(0).format(0, 3, {"bold": True})
    heading = ann.body.children[0]
    heading.attributes["level"] = "2"  # type: ignore[union-attr]
    heading.attributes["level"] = "3"  # type: ignore[union-attr]
    ann.text(0).format(0, 3, {"bold": None})

    ledger = EditLedger()
    for entry in hub.log[:first]:
        ledger.add(entry)
    assert [ledger.add(entry) for entry in hub.log[first:]] == [[], [], [], []]


def test_repeated_content_and_deletions_are_never_counted_twice() -> None:
    # A reconnecting client's sync step 2 carries the whole delete set and possibly known content.
    hub = Hub()
    ann, ben = hub.author("ann", 1), hub.author("ben", 2)
    ann.add_block(0, "paragraph", "some words here")
    ann.erase(0, 0, 5)
    hub.deliver_all()
    resent = LogEntry("ben", AT, ben.doc.get_update())

    history = read_edit_history([*hub.log, resent, resent])

    assert _sums(history.edits) == {"ann": (15, 5, 1, 0)}


def test_content_is_credited_to_the_clients_owner_even_when_relayed() -> None:
    doc: Doc[XmlFragment] = Doc(client_id=8)
    doc["body"] = body = XmlFragment()
    body.children.append("typed by ann")
    own = doc.get_update()

    history = read_edit_history([LogEntry("ann", AT, own), LogEntry("ben", AT, own)])

    assert _sums(history.edits) == {"ann": (12, 0, 0, 0)}


def test_a_baseline_checkpoint_is_credited_to_nobody() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "paragraph", "old text")
    checkpoint = LogEntry(None, AT, hub.state())
    ann.erase(0, 0, 4)
    ann.type(0, 0, "new")

    history = read_edit_history([checkpoint, *hub.log[-2:]])

    assert _sums(history.edits) == {"ann": (3, 4, 0, 0)}
    assert history.client_authors == {1: "ann"}


def test_deleting_content_the_log_never_showed_counts_as_characters() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "paragraph", "compacted away")
    ann.erase(0, 0, 10)

    assert _sums(read_edit_history(hub.log[-1:]).edits) == {"ann": (0, 10, 0, 0)}


def test_emoji_count_as_two_units_like_in_yjs() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "paragraph", "ok 👍 中文")

    assert _sums(read_edit_history(hub.log).edits) == {"ann": (8, 0, 1, 0)}


def test_malformed_entries_raise_or_are_skipped_on_request() -> None:
    hub = Hub()
    ann = hub.author("ann", 1)
    ann.add_block(0, "paragraph", "fine")
    broken = LogEntry("ann", AT, b"\x01\x05")
    log = [hub.log[0], broken, *hub.log[1:]]

    with pytest.raises(MalformedUpdateError) as caught:
        read_edit_history(log)
    assert caught.value.__notes__ == ["log entry 1 (author ann)"]

    history = read_edit_history(log, skip_malformed=True)
    assert history.malformed == (1,)
    assert _sums(history.edits) == {"ann": (4, 0, 1, 0)}


def _busy_log() -> list[LogEntry]:
    hub = Hub()
    ann, ben = hub.author("ann", 1), hub.author("ben", 2)
    ann.add_block(0, "heading", "Plan", level="2")
    ann.add_block(1, "paragraph", "ship the parts")
    hub.deliver_all()
    ben.add_block(2, "paragraph", "price them")
    ben.erase(1, 0, 5)
    ben.text(2).format(0, 5, {"bold": True})
    hub.deliver_all()
    ann.type(2, 0, "then ")
    del ann.body.children[0]
    resent = LogEntry("ben", AT, ben.doc.get_update())
    return [*hub.log, resent]


@pytest.mark.parametrize("cut", range(12))
def test_a_dumped_ledger_continues_exactly_where_it_stopped(cut: int) -> None:
    log = _busy_log()
    whole = EditLedger()
    expected = [whole.add(entry) for entry in log]

    first = EditLedger()
    before = [first.add(entry) for entry in log[:cut]]
    resumed = EditLedger.load(first.dump())
    after = [resumed.add(entry) for entry in log[cut:]]

    assert before + after == expected
    assert resumed.client_authors == whole.client_authors
    assert resumed.dump() == whole.dump()


def test_an_empty_ledger_round_trips() -> None:
    assert EditLedger.load(EditLedger().dump()).dump() == EditLedger().dump()


@pytest.mark.parametrize(
    "data",
    [b"", b"not zlib", zlib.compress(b"{"), zlib.compress(b"[]"), zlib.compress(b'{"v": 99}'), zlib.compress(b'{"v": 1}'),
     zlib.compress(b'{"v": 1, "runs": [[1, [0], [1, 2], [0]]], "deleted": [], "owners": []}')],
)  # fmt: skip
def test_loading_anything_but_a_dump_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="ledger dump"):
        EditLedger.load(data)
