"""Automatic snapshots: activity on live rooms becomes snapshots through the same job arq runs."""

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer

from server.domain.cases import actions as cases
from server.domain.snapshots.actions import AutoPolicy
from server.domain.snapshots.scheduler import SnapshotScheduler
from server.infra.config import ConfigError, Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.pubsub import LocalPubSub
from server.models import Snapshot, SnapshotKind, User
from tests.domain.snapshots.test_actions import Editor
from tests.support.outbox import Followups
from tests.support.people import make_person
from tests.support.rooms import RecordingPeer, running_rooms


async def _automatic(db: Database, case_id: str) -> list[Snapshot]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(Snapshot)
            .options(undefer(Snapshot.text))
            .where(Snapshot.case_id == case_id, Snapshot.kind == SnapshotKind.AUTO)
            .order_by(Snapshot.id)
        )
        return list(rows.scalars())


async def _until(db: Database, case_id: str, count: int, timeout: float = 5.0) -> list[Snapshot]:
    deadline = time.monotonic() + timeout
    while len(found := await _automatic(db, case_id)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} automatic snapshots after {timeout}s, expected {count}")
        await asyncio.sleep(0.05)
    return found


async def _setup(
    db: Database, tmp_path: Path, idle: str, every: str
) -> tuple[User, str, Followups, EventBus, AutoPolicy]:
    person = await make_person(db, "owner@a.com")
    async with db.transaction() as session:
        owner = await session.get(User, person.id)
        assert owner is not None
        case_id = (await cases.create_case(session, owner, title="T", customer="C")).id
    bus = EventBus(LocalPubSub())
    # The scheduler and the job read the same knobs, as they do in a server.
    settings = Settings.from_env(
        {
            "WARROOM_DATA_DIR": str(tmp_path),
            "WARROOM_SNAPSHOT_IDLE_SECONDS": idle,
            "WARROOM_SNAPSHOT_EVERY_UPDATES": every,
        }
    )
    return owner, case_id, Followups(db, settings, bus), bus, AutoPolicy.from_settings(settings)


async def test_every_n_updates_make_a_snapshot(db: Database, tmp_path: Path) -> None:
    owner, case_id, jobs, bus, policy = await _setup(db, tmp_path, idle="0", every="8")
    scheduler = SnapshotScheduler(jobs, policy)
    assert scheduler.check_every == 2
    async with running_rooms(db) as rooms, bus.subscribe(f"case:{case_id}:snapshots") as events:
        rooms.activity_listeners.append(scheduler.on_activity)
        editor = Editor(await rooms.acquire(case_id, RecordingPeer(owner.id)), owner)
        for i in range(8):
            editor.paragraph(f"line {i}")
        (first,) = await _until(db, case_id, 1)
        assert first.position == 8
        event = await asyncio.wait_for(anext(events), 2)
        assert (event["kind"], event["snapshotId"]) == ("CREATED", first.id)
        for i in range(7):
            editor.paragraph(f"more {i}")
        await rooms.settle(case_id)
        await jobs.drain()
        assert len(await _automatic(db, case_id)) == 1, "7 updates since: not yet"
        editor.paragraph("the eighth")
        assert [s.position for s in await _until(db, case_id, 2)] == [8, 16]
        assert scheduler.pending == 0
    await jobs.close()


async def test_a_quiet_spell_or_a_shutdown_makes_a_snapshot(db: Database, tmp_path: Path) -> None:
    owner, case_id, jobs, _bus, policy = await _setup(db, tmp_path, idle="0.3", every="0")
    scheduler = SnapshotScheduler(jobs, policy)
    async with running_rooms(db) as rooms:
        rooms.activity_listeners.append(scheduler.on_activity)
        editor = Editor(await rooms.acquire(case_id, RecordingPeer(owner.id)), owner)
        for i in range(3):
            editor.paragraph(f"line {i}")
            await asyncio.sleep(0.05)
        (first,) = await _until(db, case_id, 1)
        assert first.position == 3
        assert scheduler.pending == 0
        # Edits cut short by a shutdown are kept too.
        editor.paragraph("just before shutdown")
        await rooms.settle(case_id)
        assert scheduler.pending == 1
        await scheduler.stop()
        await jobs.drain()
        second = (await _until(db, case_id, 2))[-1]
        assert second.text.endswith("just before shutdown")
    await jobs.close()


def test_bad_knobs_are_refused_with_their_name() -> None:
    with pytest.raises(ConfigError, match="WARROOM_SNAPSHOT_EVERY_UPDATES must be an integer"):
        AutoPolicy.from_env({"WARROOM_SNAPSHOT_EVERY_UPDATES": "lots"})
    with pytest.raises(ConfigError, match="WARROOM_SNAPSHOT_IDLE_SECONDS must be at least 0"):
        AutoPolicy.from_env({"WARROOM_SNAPSHOT_IDLE_SECONDS": "-1"})


async def test_zero_turns_a_trigger_off() -> None:
    policy = AutoPolicy.from_env(
        {"WARROOM_SNAPSHOT_IDLE_SECONDS": "0", "WARROOM_SNAPSHOT_EVERY_UPDATES": "0"}
    )
    assert policy == AutoPolicy(idle_seconds=0, every_updates=0)
    assert AutoPolicy.from_env({}) == AutoPolicy(idle_seconds=300, every_updates=200)
