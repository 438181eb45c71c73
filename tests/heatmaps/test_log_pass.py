"""The CPU part of a heatmap run, on plain rows: what the child process computes."""

import pickle

from server.heatmaps import read_edit_history, section_heatmap
from server.heatmaps.log_pass import LogRow, compute, current_document, sections_from_json, sections_to_json
from server.yjs.states import merged_state
from tests.heatmaps._authors import Hub, two_author_session


def _rows(hub: Hub) -> list[LogRow]:
    return [LogRow(1, n + 1, e.author_id, e.at, False, e.data) for n, e in enumerate(hub.log)]


def test_a_run_counts_each_authors_days_and_sections_like_the_history_does() -> None:
    hub = two_author_session("u-ann", "u-ben")
    rows = _rows(hub)

    computed = pickle.loads(pickle.dumps(compute(None, rows, rows)))  # it crosses a process boundary

    history = read_edit_history(hub.log)
    expected = section_heatmap(hub.state(), history.client_authors)
    assert sections_from_json(computed.sections) == expected
    inserted = {
        author: sum(c[0] for (a, _), c in computed.days.items() if a == author)
        for author in ("u-ann", "u-ben")
    }
    assert inserted == {
        author: sum(e.chars_inserted for e in history.edits if e.author_id == author)
        for author in ("u-ann", "u-ben")
    }
    assert computed.last_update_id == len(rows)
    assert computed.malformed == ()


def test_an_unreadable_update_is_reported_with_its_id_not_raised() -> None:
    hub = two_author_session("u-ann", "u-ben")
    rows = _rows(hub)
    broken = LogRow(1, len(rows) + 1, "u-ann", hub.clock, False, b"\x01\xff\xff")

    # Only the ledger reads it here: pycrdt would refuse it, so the document is built from the rest.
    computed = compute(None, rows, [*rows, broken])

    assert [update_id for update_id, _why in computed.malformed] == [broken.id]
    assert computed.last_update_id == broken.id


def test_the_current_document_is_the_checkpoint_plus_the_unmerged_rows() -> None:
    hub = two_author_session("u-ann", "u-ben")
    rows = _rows(hub)
    checkpoint = LogRow(0, 0, None, None, True, merged_state([r.data for r in rows[:2]]))
    merged = [r._replace(compacted=True) for r in rows[:2]]

    assert current_document([checkpoint]) is checkpoint.data
    assert current_document([checkpoint, *merged, *rows[2:]]) == merged_state([r.data for r in rows])


def test_sections_survive_their_json_form() -> None:
    hub = two_author_session("u-ann", "u-ben")
    sections = section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)

    assert sections_from_json(sections_to_json(sections)) == sections
