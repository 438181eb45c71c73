"""The heatmap job's incremental pass over a stored update log, on SQLite and PostgreSQL."""

import asyncio
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import insert, select, update

from server.domain.documents import store as documents
from server.domain.heatmaps import store as heatmap_store
from server.heatmaps import LogEntry, read_edit_history, section_heatmap
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import DocUpdate, HeatmapEditDay, HeatmapState
from tests.heatmaps._authors import Hub, two_author_session
from tests.support.doc_log import make_case, store
from tests.support.people import Person, make_person


async def _team(db: Database) -> tuple[Person, Person]:
    return await make_person(db, "ann@a.com"), await make_person(db, "ben@a.com")


def _expected_days(log: list[LogEntry]) -> dict[tuple[str, date], tuple[int, int]]:
    totals: Counter[tuple[str, date, str]] = Counter()
    for edit in read_edit_history(log).edits:
        totals[(edit.author_id, edit.at.date(), "i")] += edit.chars_inserted
        totals[(edit.author_id, edit.at.date(), "d")] += edit.chars_deleted
    keys = {(author, day) for author, day, _ in totals}
    return {(a, d): (totals[(a, d, "i")], totals[(a, d, "d")]) for a, d in keys}


async def _stored_days(db: Database, case_id: str) -> dict[tuple[str, date], tuple[int, int]]:
    async with db.sessions() as session:
        rows = await session.scalars(select(HeatmapEditDay).where(HeatmapEditDay.case_id == case_id))
        return {(r.user_id, r.day): (r.chars_inserted, r.chars_deleted) for r in rows}


async def _stored_sections(db: Database, case_id: str) -> heatmap_store.StoredSections:
    async with db.sessions() as session:
        stored = await heatmap_store.stored_sections(session, case_id)
    assert stored is not None
    return stored


async def test_the_first_run_counts_the_whole_log_and_the_surviving_text(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log)

    outcome = await heatmap_store.refresh(db, case_id)

    assert (outcome.stored, outcome.rebuilt, outcome.updates_read) == (True, True, len(hub.log))
    assert await _stored_days(db, case_id) == _expected_days(hub.log)
    sections = (await _stored_sections(db, case_id)).heatmap
    assert sections == section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)
    assert [(s.title, s.level, dict(s.chars_by_author)) for s in sections.sections] == [
        ("Summary", 2, {ann.id: len("Summary") + len("parts are late")}),
        ("Pricing", 2, {ben.id: len("Pricing") + len("Discount of ten percent"), ann.id: len("At most a ")}),
    ]


async def test_a_log_longer_than_the_in_loop_limit_is_read_on_the_pool_and_counted_alike(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log)
    assert len(hub.log) > 3
    monkeypatch.setattr(heatmap_store, "_IN_LOOP_ROWS", 3)

    outcome = await heatmap_store.refresh(db, case_id)

    assert (outcome.stored, outcome.rebuilt, outcome.updates_read) == (True, True, len(hub.log))
    assert await _stored_days(db, case_id) == _expected_days(hub.log)
    sections = (await _stored_sections(db, case_id)).heatmap
    assert sections == section_heatmap(hub.state(), read_edit_history(hub.log).client_authors)


async def test_later_runs_read_only_the_new_updates_and_agree_with_a_full_count(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    stored = 0
    assert len(hub.log) == 8
    for cut in (2, 3, 6, 8):
        await store(db, case_id, hub.log[stored:cut])
        if cut == 6:
            async with db.transaction() as session:
                assert await documents.compact(session, case_id) == 6
        outcome = await heatmap_store.refresh(db, case_id)
        assert (outcome.updates_read, outcome.rebuilt) == (cut - stored, stored == 0)
        stored = cut
        assert await _stored_days(db, case_id) == _expected_days(hub.log[:cut])

    full = read_edit_history(hub.log)
    assert (await _stored_sections(db, case_id)).heatmap == section_heatmap(hub.state(), full.client_authors)


async def test_a_run_with_nothing_new_changes_nothing(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    await store(db, case_id, two_author_session(ann.id, ben.id).log)
    first = await heatmap_store.refresh(db, case_id)
    days = await _stored_days(db, case_id)

    again = await heatmap_store.refresh(db, case_id)

    assert (again.stored, again.updates_read, again.last_update_id) == (False, 0, first.last_update_id)
    assert await _stored_days(db, case_id) == days
    async with db.sessions() as session:
        assert await session.scalar(select(HeatmapState.version).where(HeatmapState.case_id == case_id)) == 1


async def test_runs_at_the_same_time_count_every_update_once(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log[:5])
    await heatmap_store.refresh(db, case_id)
    await store(db, case_id, hub.log[5:])

    outcomes = await asyncio.gather(*(heatmap_store.refresh(db, case_id) for _ in range(4)))

    assert sum(o.updates_read for o in outcomes if o.stored) == len(hub.log) - 5
    assert await _stored_days(db, case_id) == _expected_days(hub.log)


async def test_first_runs_at_the_same_time_store_one_state(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log)

    outcomes = await asyncio.gather(*(heatmap_store.refresh(db, case_id) for _ in range(3)))

    assert [o.stored for o in outcomes].count(True) >= 1
    assert await _stored_days(db, case_id) == _expected_days(hub.log)
    async with db.sessions() as session:
        versions = (await session.scalars(select(HeatmapState.version))).all()
    assert versions == [[o.stored for o in outcomes].count(True)]


def _spaced_rows(case_id: str, hub: Hub) -> list[dict[str, object]]:
    """The hub's log as doc_updates rows with ids 1000, 1010, ...: room to commit one late, below the others."""
    return [
        {
            "id": 1000 + 10 * i,
            "case_id": case_id,
            "author_id": e.author_id,
            "data": e.data,
            "created_at": e.at,
        }
        for i, e in enumerate(hub.log)
    ]


async def test_an_update_committed_late_below_the_last_id_read_is_counted(db: Database) -> None:
    # Two servers writing one case: the row with the lower id may become visible after the higher one.
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    late = 3  # Ben's "Discount of ten percent"
    rows = _spaced_rows(case_id, hub)
    async with db.transaction() as session:
        await session.execute(insert(DocUpdate), [row for i, row in enumerate(rows) if i != late])
    await heatmap_store.refresh(db, case_id)
    assert await _stored_days(db, case_id) != _expected_days(hub.log)

    async with db.transaction() as session:
        await session.execute(insert(DocUpdate), [rows[late]])
    outcome = await heatmap_store.refresh(db, case_id)

    assert (outcome.rebuilt, outcome.updates_read) == (True, len(hub.log))
    assert await _stored_days(db, case_id) == _expected_days(hub.log)
    full = read_edit_history(hub.log)
    assert (await _stored_sections(db, case_id)).heatmap == section_heatmap(hub.state(), full.client_authors)


async def test_an_unreadable_ledger_is_rebuilt_from_the_log(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log[:6])
    await heatmap_store.refresh(db, case_id)
    async with db.transaction() as session:
        await session.execute(update(HeatmapState).values(ledger=b"written by a future version"))
    await store(db, case_id, hub.log[6:])

    outcome = await heatmap_store.refresh(db, case_id)

    assert (outcome.stored, outcome.rebuilt, outcome.updates_read) == (True, True, len(hub.log))
    assert await _stored_days(db, case_id) == _expected_days(hub.log)


async def test_a_case_without_updates_gets_empty_results_and_a_missing_case_nothing(db: Database) -> None:
    ann, _ = await _team(db)
    case_id = await make_case(db, ann)

    assert (await heatmap_store.refresh(db, case_id)).stored
    assert (await _stored_sections(db, case_id)).heatmap.sections == ()
    assert await _stored_days(db, case_id) == {}
    assert not (await heatmap_store.refresh(db, new_id())).stored


async def test_progress_counts_the_updates_held_and_read(db: Database) -> None:
    ann, ben = await _team(db)
    case_id, other = await make_case(db, ann, ben), await make_case(db, ann)
    hub = two_author_session(ann.id, ben.id)
    await store(db, case_id, hub.log[:3])
    await heatmap_store.refresh(db, case_id)
    await store(db, case_id, hub.log[3:])

    async with db.sessions() as session:
        progress = await heatmap_store.progress(session, [case_id, other])

    assert progress == {case_id: (len(hub.log), 3), other: (0, None)}


async def test_progress_shows_an_update_committed_late_below_the_last_id_read(db: Database) -> None:
    ann, ben = await _team(db)
    case_id = await make_case(db, ann, ben)
    hub = two_author_session(ann.id, ben.id)
    rows = _spaced_rows(case_id, hub)
    async with db.transaction() as session:
        await session.execute(insert(DocUpdate), rows[:2] + rows[3:])
    await heatmap_store.refresh(db, case_id)
    async with db.transaction() as session:
        await session.execute(insert(DocUpdate), [rows[2]])  # below the newest id already read

    async with db.sessions() as session:
        held, read = (await heatmap_store.progress(session, [case_id]))[case_id]

    assert (held, read) == (len(hub.log), len(hub.log) - 1), "the heatmap is stale"
