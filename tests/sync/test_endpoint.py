"""The `/sync` endpoint against a real server: authentication, read-only roles, hostile input."""

import asyncio
from pathlib import Path

import pytest

from server.infra.ids import new_id
from server.sync import protocol
from server.sync.protocol import SyncKind
from tests.support.live import Live, live_server
from tests.support.metrics import metrics
from tests.support.ysocket import YSocket


async def test_authentication_happens_before_any_document_byte(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    outsider = await live.member()
    attempts = {
        "no token": (f"{live.server.ws_url}/sync/{case.id}", 4401),
        "bad token": (live.sync_url(case.id, "forged"), 4401),
        "not a member": (live.sync_url(case.id, outsider.token), 4403),
        "unknown case": (live.sync_url(new_id(), case.owner.token), 4404),
        "malformed case id": (live.sync_url("not-a-case", case.owner.token), 4404),
    }
    for name, (url, code) in attempts.items():
        client = await YSocket.connect(url, handshake=False)
        assert await client.wait_closed() == code, name
        assert client.frames == [], f"{name}: the server sent document bytes"
    await live.gql.data("mutation { logout }", token=case.owner.token)
    revoked = await YSocket.connect(live.sync_url(case.id, case.owner.token), handshake=False)
    assert await revoked.wait_closed() == 4401
    current = await metrics(live.server.http_url)
    assert current["warroom_rooms_open"] == 0, "a rejected connection opened a room"
    assert current["warroom_sync_connections"] == 0


@pytest.mark.parametrize("role", ["VIEWER", "COMMENTER"])
async def test_read_only_members_see_edits_but_their_updates_are_dropped(
    live_sqlite: Live, role: str
) -> None:
    live = live_sqlite
    case = await live.case(reader=role)
    writer = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    reader = await YSocket.connect(live.sync_url(case.id, case.members["reader"].token))
    writer.add_paragraph("written by the owner")
    await reader.wait_text("written by the owner")
    reader.add_paragraph("sneaky edit")
    # A step 2 carrying the edit, as a reconnecting client would send it, is dropped too.
    await reader.send_raw(protocol.encode_sync(SyncKind.STEP2, reader.doc.get_update()))
    writer.add_paragraph("second owner line")
    await reader.wait_text("second owner line")
    await asyncio.sleep(0.3)
    assert "sneaky" not in writer.text
    assert "sneaky" not in await live.gql.case_text(case.owner.token, case.id)
    later = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    await later.synced.wait()
    assert "sneaky" not in later.text
    for client in (writer, reader, later):
        await client.close()


HOSTILE: dict[str, tuple[bytes | str, int]] = {
    "garbage": (b"\xde\xad\xbe\xef" * 8, 1002),
    "truncated varint": (b"\x00\x02\xff", 1002),
    "empty frame": (b"", 1002),
    "update pycrdt refuses": (protocol.encode_sync(SyncKind.UPDATE, b"\x01\x05garbage"), 1007),
    "text frame": ("hello", 1003),
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_bad_input_closes_only_that_socket(live_sqlite: Live, name: str) -> None:
    live = live_sqlite
    case = await live.case()
    other_case = await live.case()
    frame, code = HOSTILE[name]
    bystander = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    elsewhere = await YSocket.connect(live.sync_url(other_case.id, other_case.owner.token))
    attacker = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    await attacker.synced.wait()
    await attacker.send_raw(frame)
    assert await attacker.wait_closed() == code
    bystander.add_paragraph("still alive")
    second = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    await second.wait_text("still alive")
    elsewhere.add_paragraph("other room fine")
    await elsewhere.wait_text("other room fine")
    assert "other room fine" in await live.gql.case_text(other_case.owner.token, other_case.id)
    assert "sync closed" in live.server.logs()
    for client in (bystander, elsewhere, second):
        await client.close()


async def test_frames_over_the_limit_get_1009(sqlite_url: str, tmp_path: Path) -> None:
    async with live_server(sqlite_url, tmp_path, env={"WARROOM_MAX_FRAME_BYTES": "65536"}) as live:
        case = await live.case()
        big = await YSocket.connect(live.sync_url(case.id, case.owner.token))
        await big.synced.wait()
        await big.send_raw(protocol.encode_sync(SyncKind.UPDATE, b"\x00" * 70_000))
        assert await big.wait_closed() == 1009
        fine = await YSocket.connect(live.sync_url(case.id, case.owner.token))
        fine.add_paragraph("server still serves")
        assert "server still serves" in await fine.wait_text("server still serves")
        await fine.close()


async def test_a_role_change_makes_that_members_connections_resync(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR")
    mate = case.members["mate"]
    owner = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    editor = await YSocket.connect(live.sync_url(case.id, mate.token))
    editor.add_paragraph("allowed while editor")
    await owner.wait_text("allowed while editor")
    await live.gql.add_member(case.owner.token, case.id, mate.person.id, "VIEWER")
    assert await editor.wait_closed() == 4409
    assert owner.close_code is None, "only the member whose role changed is disconnected"
    viewer = await YSocket.connect(live.sync_url(case.id, mate.token))
    viewer.add_paragraph("typed as a viewer")
    owner.add_paragraph("owner marker")
    await viewer.wait_text("owner marker")
    await asyncio.sleep(0.3)
    assert "typed as a viewer" not in await live.gql.case_text(case.owner.token, case.id)
    await live.gql.add_member(case.owner.token, case.id, mate.person.id, "EDITOR")
    assert await viewer.wait_closed() == 4409
    editor_again = await YSocket.connect(live.sync_url(case.id, mate.token))
    editor_again.add_paragraph("editor again")
    await owner.wait_text("editor again")
    for client in (owner, editor_again):
        await client.close()
