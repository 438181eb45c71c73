"""The `/sync` endpoint against a real server: authentication, read-only roles, hostile input."""

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, update

from server.infra import auth
from server.models import CaseMember, SyncTicket
from server.models.base import utcnow
from server.sync import protocol
from server.sync.protocol import SyncKind
from tests.support.live import Live, live_server
from tests.support.metrics import metrics
from tests.support.tickets import TicketRefused
from tests.support.ysocket import YSocket


async def test_authentication_happens_before_any_document_byte(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR")
    base = f"{live.server.ws_url}/sync/{case.id}"
    leaving = await live.sync_url(case.id, case.members["mate"].token)
    await _drop_member(live, case.id, case.members["mate"].person.id)
    attempts = {
        "no ticket": (base, 4401),
        "forged ticket": (f"{base}?ticket=forged", 4401),
        "the bearer token instead of a ticket": (f"{base}?token={case.owner.token}", 4401),
        "member no more": (leaving, 4403),
    }
    for name, (url, code) in attempts.items():
        client = await YSocket.connect(url, handshake=False)
        assert await client.wait_closed() == code, name
        assert client.frames == [], f"{name}: the server sent document bytes"
    current = await metrics(live.server.http_url)
    assert current["warroom_rooms_open"] == 0, "a rejected connection opened a room"
    assert current["warroom_sync_connections"] == 0


async def _drop_member(live: Live, case_id: str, user_id: str) -> None:
    async with live.db.transaction() as session:
        await session.execute(
            delete(CaseMember).where(CaseMember.case_id == case_id, CaseMember.user_id == user_id)
        )


def _ticket_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["ticket"][0]


async def _refused(url: str) -> tuple[int | None, str]:
    client = await YSocket.connect(url, handshake=False)
    code = await client.wait_closed()
    assert client.frames == []
    return code, client.close_reason


async def test_a_ticket_opens_one_connection_once(live: Live) -> None:
    case = await live.case()
    url = await live.sync_url(case.id, case.owner.token)
    first = await YSocket.connect(url)
    await first.synced.wait()
    assert await _refused(url) == (4401, "unknown or used ticket")
    await first.close()
    # Two connections presenting one ticket at the same instant: exactly one gets in.
    url = await live.sync_url(case.id, case.owner.token)
    racers = await asyncio.gather(*(YSocket.connect(url) for _ in range(2)))
    await asyncio.wait([asyncio.ensure_future(r.synced.wait()) for r in racers], timeout=5)
    await asyncio.sleep(0.2)
    assert sorted(r.close_code or 0 for r in racers) == [0, 4401]
    for racer in racers:
        await racer.close()


async def test_a_ticket_is_refused_after_it_expires_or_for_another_case(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    other = await live.gql.create_case(case.owner.token)
    url = await live.sync_url(case.id, case.owner.token)
    async with live.db.transaction() as session:
        await session.execute(
            update(SyncTicket)
            .where(SyncTicket.ticket_hash == auth.token_digest(_ticket_of(url)))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await _refused(url) == (4401, "expired ticket")
    elsewhere = await live.sync_url(other, case.owner.token)
    assert await _refused(elsewhere.replace(other, case.id)) == (4401, "ticket for another case")
    # ... and is spent by trying: it no longer opens its own case either.
    assert await _refused(elsewhere) == (4401, "unknown or used ticket")


async def test_a_ticket_dies_with_the_token_that_minted_it(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    url = await live.sync_url(case.id, case.owner.token)
    await live.gql.data("mutation { logout }", token=case.owner.token)
    assert await _refused(url) == (4401, "the ticket's token is expired or revoked")
    with pytest.raises(TicketRefused, match="UNAUTHENTICATED"):
        await live.sync_url(case.id, case.owner.token)


async def test_the_access_log_shows_no_ticket(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    url = await live.sync_url(case.id, case.owner.token)
    client = await YSocket.connect(url)
    await client.synced.wait()
    await client.close()
    assert _ticket_of(url) not in live.server.logs()


@pytest.mark.parametrize("role", ["VIEWER", "COMMENTER"])
async def test_read_only_members_see_edits_but_their_updates_are_dropped(
    live_sqlite: Live, role: str
) -> None:
    live = live_sqlite
    case = await live.case(reader=role)
    writer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    reader = await YSocket.connect(await live.sync_url(case.id, case.members["reader"].token))
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
    later = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
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
    bystander = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    elsewhere = await YSocket.connect(await live.sync_url(other_case.id, other_case.owner.token))
    attacker = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await attacker.synced.wait()
    await attacker.send_raw(frame)
    assert await attacker.wait_closed() == code
    bystander.add_paragraph("still alive")
    second = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
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
        big = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        await big.synced.wait()
        await big.send_raw(protocol.encode_sync(SyncKind.UPDATE, b"\x00" * 70_000))
        assert await big.wait_closed() == 1009
        fine = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        fine.add_paragraph("server still serves")
        assert "server still serves" in await fine.wait_text("server still serves")
        await fine.close()


async def test_a_role_change_makes_that_members_connections_resync(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR")
    mate = case.members["mate"]
    owner = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    editor = await YSocket.connect(await live.sync_url(case.id, mate.token))
    editor.add_paragraph("allowed while editor")
    await owner.wait_text("allowed while editor")
    await live.gql.add_member(case.owner.token, case.id, mate.person.id, "VIEWER")
    assert await editor.wait_closed() == 4409
    assert owner.close_code is None, "only the member whose role changed is disconnected"
    viewer = await YSocket.connect(await live.sync_url(case.id, mate.token))
    viewer.add_paragraph("typed as a viewer")
    owner.add_paragraph("owner marker")
    await viewer.wait_text("owner marker")
    await asyncio.sleep(0.3)
    assert "typed as a viewer" not in await live.gql.case_text(case.owner.token, case.id)
    await live.gql.add_member(case.owner.token, case.id, mate.person.id, "EDITOR")
    assert await viewer.wait_closed() == 4409
    editor_again = await YSocket.connect(await live.sync_url(case.id, mate.token))
    editor_again.add_paragraph("editor again")
    await owner.wait_text("editor again")
    for client in (owner, editor_again):
        await client.close()
