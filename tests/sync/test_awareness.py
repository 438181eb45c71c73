"""Awareness as the server enforces it (server/sync/awareness.py): own client ids only, 8 KiB states, 20
relayed messages per second, and the signed-in person's name on every state."""

import asyncio
import json
from typing import Any

import pytest

from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models import User
from server.sync import protocol
from server.sync.awareness import AwarenessFlood, AwarenessLimits, Speaker
from server.sync.protocol import AwarenessEntry
from tests.support.live import Live
from tests.support.people import make_person
from tests.support.rooms import RecordingPeer, running_rooms
from tests.support.ysocket import YSocket, synced, until


def _message(client_id: int, clock: int, state: dict[str, Any] | None) -> bytes:
    text = "null" if state is None else json.dumps(state, ensure_ascii=False)
    return protocol.encode_awareness(
        protocol.encode_awareness_update([AwarenessEntry(client_id, clock, text)])
    )


def _compact(state: dict[str, Any]) -> str:
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))


def _seen(client: YSocket, client_id: int) -> list[tuple[int, Any]]:
    """(clock, state) of every entry for `client_id` that `client` was sent, in order."""
    return [(entry.clock, json.loads(entry.state)) for entry in client.awareness_of(client_id)]


# ---- the rules, on one connection's Speaker ------------------------------------------------------------


def test_a_speaker_owns_the_first_free_client_id_it_announces() -> None:
    speaker = Speaker("u1", "王小明", AwarenessLimits(), now=0.0)
    taken = {7}
    entries = [AwarenessEntry(7, 3, "{}"), AwarenessEntry(9, 1, "null"), AwarenessEntry(8, 1, "{}")]
    assert speaker.own(entries, lambda client_id: client_id not in taken) == entries[2]
    assert speaker.client_id == 8, "a held id (7) and a removal (9) are not claimed"
    assert speaker.own([AwarenessEntry(10, 1, "{}")], lambda _id: True) is None, "one id per connection"
    assert speaker.own([AwarenessEntry(8, 2, "null")], lambda _id: False) == AwarenessEntry(8, 2, "null")


def test_a_state_is_signed_with_the_persons_name_and_capped_at_8_kib() -> None:
    speaker = Speaker("u1", "王小明", AwarenessLimits(), now=0.0)
    forged = '{"user":{"id":"boss","name":"CEO","color":"#2f5bd3"},"cursor":{"anchor":1}}'
    signed = speaker.sign(AwarenessEntry(8, 1, forged))
    assert signed is not None
    assert json.loads(signed.state) == {
        "user": {"id": "u1", "name": "王小明", "color": "#2f5bd3"},
        "cursor": {"anchor": 1},
    }
    assert "王小明" in signed.state, "written as UTF-8, not \\u escapes"
    nameless = speaker.sign(AwarenessEntry(8, 2, '{"user":"CEO"}'))
    assert nameless is not None
    assert json.loads(nameless.state) == {"user": {"id": "u1", "name": "王小明"}}
    assert speaker.sign(AwarenessEntry(8, 3, "null")) == AwarenessEntry(8, 3, "null")
    assert speaker.sign(AwarenessEntry(8, 4, '"just a string"')) is None
    padding = 8 * 1024 - len('{"pad":""}')
    assert speaker.sign(AwarenessEntry(8, 5, _compact({"pad": "x" * padding}))) is not None
    assert speaker.sign(AwarenessEntry(8, 6, _compact({"pad": "x" * (padding + 1)}))) is None
    # Bytes of UTF-8, not characters: 2728 Chinese characters fit (8192 bytes), 2729 do not.
    assert speaker.sign(AwarenessEntry(8, 7, _compact({"p": "王" * 2728}))) is not None
    assert speaker.sign(AwarenessEntry(8, 7, _compact({"p": "王" * 2729}))) is None
    with pytest.raises(protocol.ProtocolError):
        speaker.sign(AwarenessEntry(8, 8, "{not json"))


def test_the_budget_is_20_a_second_and_a_sustained_flood_ends_the_connection() -> None:
    limits = AwarenessLimits()
    speaker = Speaker("u1", "Ana", limits, now=0.0)
    assert [speaker.admit(0.0) for _ in range(21)] == [True] * 20 + [False]
    assert speaker.wait() == pytest.approx(1 / 20)
    assert speaker.admit(0.05), "one more after 50 ms"
    speaker.held = AwarenessEntry(1, 9, "{}")
    assert speaker.release(0.05) is None, "spent"
    assert speaker.release(0.1) == AwarenessEntry(1, 9, "{}")
    # A browser dragging a selection (~120 changes a second) is held back, never closed...
    now = 0.1
    for _ in range(120 * 10):
        now += 1 / 120
        speaker.admit(now)

    # ... while a thousand messages at once are a flood.
    def flood() -> None:
        for _ in range(limits.flood_burst + limits.burst + 1):
            speaker.admit(now)

    with pytest.raises(AwarenessFlood):
        flood()


async def test_changes_that_arrive_together_go_out_in_one_message(db: Database) -> None:
    """y-websocket clients renew their states together and send back every message they receive:
    a message per change made n² frames of every renewal in a room of n, and n·(n-1) echoes."""
    person = await make_person(db, "owner@a.com")
    async with db.transaction() as session:
        owner = await session.get_one(User, person.id)
        case_id = (await cases.create_case(session, owner, title="T", customer="C")).id
    async with running_rooms(db) as rooms:
        peers = [RecordingPeer(person.id, user_name=f"U{i}") for i in range(6)]
        room = None
        for peer in peers:
            room = await rooms.acquire(case_id, peer)
        assert room is not None
        for peer in peers:
            peer.frames.clear()
        for i, peer in enumerate(peers[1:], start=11):
            room.handle(
                peer, protocol.Awareness(protocol.encode_awareness_update([AwarenessEntry(i, 1, "{}")]))
            )
        await asyncio.sleep(0.05)
        carrying = [protocol.decode(f) for f in peers[0].frames]
        assert len(carrying) == 1
        assert isinstance(carrying[0], protocol.Awareness)
        entries = protocol.decode_awareness(carrying[0].payload)
        assert [(e.client_id, json.loads(e.state)["user"]["name"]) for e in entries] == [
            (11, "U1"), (12, "U2"), (13, "U3"), (14, "U4"), (15, "U5")
        ]  # fmt: skip
        # The senders get them back too, as from the reference server.
        assert all(len(peer.frames) == 1 for peer in peers[1:])
        for peer in peers:
            rooms.release(room, peer)


# ---- on a real server ------------------------------------------------------------------------------------


async def test_a_connection_sets_and_clears_only_its_own_client_id(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR")
    owner, mate, watcher = await synced(
        live, case.id, case.owner.token, case.members["mate"].token, case.owner.token
    )
    await owner.send_raw(_message(5, 1, {"user": {"name": "Owner"}}))
    await until(lambda: bool(_seen(watcher, 5)))
    # The mate tries to overwrite and then to clear the owner's presence, then announces its own.
    mate.send_together(
        _message(5, 7, {"user": {"name": "Owner"}, "cursor": "hijacked"}),
        _message(5, 8, None),
        _message(6, 1, {"user": {"name": "Mate"}}),
    )
    await until(lambda: bool(_seen(watcher, 6)))
    assert [clock for clock, _ in _seen(watcher, 5)] == [1], "nothing of the mate's reached the owner's id"
    # A connection that leaves clears its own id only.
    await mate.close()
    await until(lambda: _seen(watcher, 6)[-1][1] is None)
    assert [clock for clock, _ in _seen(watcher, 5)] == [1]
    # The owner may clear (and set again) its own.
    await owner.send_raw(_message(5, 2, None))
    await until(lambda: _seen(watcher, 5)[-1] == (2, None))
    await owner.send_raw(_message(5, 3, {"user": {"name": "Owner"}}))
    await until(lambda: _seen(watcher, 5)[-1][0] == 3)
    for client in (owner, watcher):
        await client.close()


async def test_the_name_others_see_is_the_signed_in_persons(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    wang = await live.member("wang@a.com", name="王小明")
    await live.gql.add_member(case.owner.token, case.id, wang.person.id, "EDITOR")
    forger, watcher = await synced(live, case.id, wang.token, case.owner.token)
    await forger.send_raw(
        _message(21, 1, {"user": {"id": case.owner.person.id, "name": "总经理", "color": "#e11"}})
    )
    await until(lambda: bool(_seen(watcher, 21)))
    assert _seen(watcher, 21) == [(1, {"user": {"id": wang.person.id, "name": "王小明", "color": "#e11"}})]
    for client in (forger, watcher):
        await client.close()


async def test_a_state_over_8_kib_is_dropped_and_the_connection_stays(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    talker, watcher = await synced(live, case.id, case.owner.token, case.owner.token)
    await talker.send_raw(_message(31, 1, {"user": {"name": "A"}, "notes": "长" * 4000}))  # ~12 KB
    await talker.send_raw(_message(31, 2, {"user": {"name": "A"}, "notes": "short"}))
    await until(lambda: bool(_seen(watcher, 31)))
    assert [(clock, state["notes"]) for clock, state in _seen(watcher, 31)] == [(2, "short")]
    assert talker.close_code is None
    for client in (talker, watcher):
        await client.close()


async def test_fast_states_are_held_back_and_a_flood_closes_1008(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    talker, watcher = await synced(live, case.id, case.owner.token, case.owner.token)
    talker.send_together(
        *(_message(41, clock, {"user": {"name": "A"}, "n": clock}) for clock in range(1, 101))
    )
    # 20 go out at once, and the newest of the rest once the budget allows: the last cursor place is kept.
    await until(lambda: any(clock == 100 for clock, _ in _seen(watcher, 41)))
    await asyncio.sleep(0.2)
    assert len(_seen(watcher, 41)) <= 21
    assert talker.close_code is None
    talker.send_together(*(_message(41, clock, {"n": clock}) for clock in range(101, 1301)))
    assert await talker.wait_closed() == 1008
    assert watcher.close_code is None
    await watcher.close()
