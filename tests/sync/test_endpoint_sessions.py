"""Live connections close with 4401 when their session ends: sync sockets (a real pycrdt y-websocket
client) and GraphQL WebSockets, also when the session ends through another server process."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlFragment, XmlText
from sqlalchemy import select

from server.domain import sync_tickets, users
from server.domain.accounts import tokens
from server.domain.accounts.watch import SessionWatch
from server.domain.documents import store as documents
from server.domain.documents.text import plain_text
from server.infra import auth, topics
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.pubsub import LocalPubSub
from server.models import AuthToken, UserRole
from server.sync import protocol
from server.sync.endpoint import SyncEndpoint
from server.sync.protocol import SyncKind
from tests.domain.accounts.helpers import age, token_id
from tests.support.gqlws import GqlWs
from tests.support.live import Live, Member, live_server
from tests.support.people import case_with, make_user
from tests.support.rooms import running_rooms
from tests.support.services import REDIS_URL, require_redis
from tests.support.tickets import TicketRefused
from tests.support.yjs_pycrdt import PycrdtYClient
from tests.support.ysocket import YSocket

DEACTIVATE = "mutation($u: ID!) { deactivateUser(userId: $u) { id } }"
EVERYWHERE = "mutation { signOutEverywhere }"
NOTIFICATIONS = "subscription { notificationEvents { kind unreadCount } }"
# The promise: closed within 30 s of the session ending, whichever server holds the socket.
WITHIN = 30.0


@asynccontextmanager
async def _servers(postgres_url: str, workdir: Path, redis: bool) -> AsyncIterator[tuple[Live, Live]]:
    """Two server processes on one PostgreSQL database, with Redis between them or without."""
    shared = {"WARROOM_JOBS": "inprocess"}
    if redis:
        require_redis()
        shared |= {"WARROOM_REDIS_URL": REDIS_URL, "WARROOM_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}
    async with (
        live_server(postgres_url, workdir, shared, name="one") as one,
        live_server(postgres_url, workdir, shared, name="two") as two,
    ):
        yield one, two


async def _editor_in_a_case(live: Live, email: str) -> tuple[Member, str]:
    """A person of team A who owns a case with text in it."""
    member = await live.member(email)
    case_id = await live.gql.create_case(member.token, title="华南区交付风险", customer="深圳某制造")
    return member, case_id


async def _graphql_socket(live: Live, token: str) -> GqlWs:
    socket = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", token)
    await socket.subscribed("1", NOTIFICATIONS)
    return socket


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "database-only"])
async def test_deactivation_through_another_server_closes_both_sockets(
    postgres_url: str, tmp_path: Path, redis: bool
) -> None:
    async with _servers(postgres_url, tmp_path, redis) as (one, two):
        admin = await one.member("admin@a.com", role=UserRole.ADMIN)
        member, case_id = await _editor_in_a_case(one, "chen.xi@a.com")
        editor = await PycrdtYClient.start(f"{one.server.ws_url}/sync", case_id, member.token)
        socket = await _graphql_socket(one, member.token)
        try:
            await editor.insert_paragraph("交付延期两周 before")
            await editor.wait_text("before")
            started = time.monotonic()
            await two.gql.data(DEACTIVATE, {"u": member.person.id}, admin.token)
            closed = await editor.wait_closed(WITHIN)
            code, _reason = await socket.closed(WITHIN)
            elapsed = time.monotonic() - started
        finally:
            await editor.close()
            await socket.close()
    assert closed.code == 4401, closed
    assert code == 4401
    assert elapsed < WITHIN
    if redis:
        assert elapsed < 5, "announced through Redis, the close is immediate"


async def test_a_revoked_sessions_socket_writes_nothing_more(sqlite_url: str, tmp_path: Path) -> None:
    async with live_server(sqlite_url, tmp_path) as live:
        member, case_id = await _editor_in_a_case(live, "lin.na@a.com")
        reader = await live.member("reader@a.com")
        await live.gql.add_member(member.token, case_id, reader.person.id, "VIEWER")
        watcher = await PycrdtYClient.start(f"{live.server.ws_url}/sync", case_id, reader.token)
        editor = await PycrdtYClient.start(f"{live.server.ws_url}/sync", case_id, member.token)
        try:
            await editor.insert_paragraph("写入一 first write")
            await watcher.wait_text("first write")
            spare = await live.sync_url(case_id, member.token)  # a ticket minted before the sign-out
            await live.gql.data(EVERYWHERE, token=member.token)
            assert (await editor.wait_closed(WITHIN)).code == 4401
            # The client edits on and tries to reconnect with the same token: no ticket any more...
            await editor.insert_paragraph("写入二 after sign-out")
            with pytest.raises(TicketRefused) as refused:
                await editor.connect(member.token)
            assert refused.value.code == "UNAUTHENTICATED"
            # ...and the one it kept opens nothing either.
            late = await YSocket.connect(spare, handshake=False)
            assert await late.wait_closed() == 4401
            assert late.frames == []
            await asyncio.sleep(0.5)
            assert "after sign-out" not in await watcher.text()
        finally:
            await editor.close()
            await watcher.close()
        assert "after sign-out" not in await live.gql.case_text(reader.token, case_id)
        assert "first write" in await live.gql.case_text(reader.token, case_id)


async def test_an_idle_or_expired_session_closes_its_sockets_at_the_next_check(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with live_server(sqlite_url, tmp_path, {"WARROOM_SESSION_CHECK_SECONDS": "1"}) as live:
        idle, case_id = await _editor_in_a_case(live, "guo.mei@a.com")
        editor = await PycrdtYClient.start(f"{live.server.ws_url}/sync", case_id, idle.token)
        socket = await _graphql_socket(live, idle.token)
        expiring = await live.member("tang.yu@a.com")
        expiring_socket = await _graphql_socket(live, expiring.token)
        try:
            await asyncio.sleep(1.5)
            assert not editor.closes, "a valid session stays connected across checks"
            # Nothing announces idleness or expiry: the periodic check finds them.
            await age(live.db, await token_id(live.db, idle.token), timedelta(hours=73))
            async with live.db.transaction() as session:
                row = await session.get_one(AuthToken, await token_id(live.db, expiring.token))
                row.expires_at = row.expires_at - timedelta(days=30)
            assert (await editor.wait_closed(10)).code == 4401
            assert (await socket.closed(10))[0] == 4401
            assert (await expiring_socket.closed(10))[0] == 4401
        finally:
            await editor.close()
            await socket.close()
            await expiring_socket.close()


def _paragraph(doc: Doc[Any], text: str) -> bytes:
    """A y-websocket update frame adding a paragraph to `doc`'s body."""
    before = doc.get_state()
    with doc.transaction():
        paragraph = XmlElement("paragraph")
        doc.get("body", type=XmlFragment).children.append(paragraph)
        paragraph.children.append(XmlText(text))
    return protocol.encode_sync(SyncKind.UPDATE, doc.get_update(before))


async def test_frames_arriving_after_the_session_ended_are_not_applied(db: Database) -> None:
    """In-process, to put a frame exactly between the server's decision to close and the client's answer."""
    owner = await make_user(db, "ma.li@a.com", name="马丽")
    case_id = await case_with(db, owner)
    async with db.transaction() as session:
        token = (await users.issue_token(session, owner, timedelta(hours=1))).token
        ticket = (await sync_tickets.issue(session, token, case_id, timedelta(seconds=60))).ticket
    events = EventBus(LocalPubSub())
    watch = SessionWatch(db, events, idle=tokens.DEFAULT_IDLE, every=3600)
    await watch.start()
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []
    client: Doc[Any] = Doc()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "path_params": {"case_id": case_id},
        "query_string": f"ticket={ticket}".encode(),
    }
    try:
        async with running_rooms(db) as rooms:
            endpoint = SyncEndpoint(db, rooms, watch, idle=tokens.DEFAULT_IDLE)
            inbox.put_nowait({"type": "websocket.connect"})
            serving = asyncio.create_task(endpoint(scope, inbox.get, send))  # type: ignore[arg-type]
            inbox.put_nowait({"type": "websocket.receive", "bytes": _paragraph(client, "签约前 before")})
            while (room := rooms.live(case_id)) is None or "before" not in plain_text(room.doc):
                await asyncio.sleep(0.01)
            async with db.transaction() as session:
                assert await users.logout(session, token)
            # What the dispatcher delivers after that commit: the server decides to close...
            events.publish(topics.sessions_revoked(), {"tokenIds": [await _id_of(db, token)]})
            # ...and a frame the client sent before it read the close frame arrives, then its answer.
            inbox.put_nowait({"type": "websocket.receive", "bytes": _paragraph(client, "签约后 after")})
            inbox.put_nowait({"type": "websocket.disconnect", "code": 4401})
            await asyncio.wait_for(serving, 10)
            assert "after" not in plain_text(room.doc)
            await rooms.settle(case_id)
    finally:
        await watch.stop()
    closes = [m for m in sent if m["type"] == "websocket.close"]
    assert [m["code"] for m in closes] == [4401]
    async with db.sessions() as session:
        stored = plain_text(await documents.load_doc(session, case_id))
    assert "before" in stored
    assert "after" not in stored


async def _id_of(db: Database, token: str) -> str:
    """The id of a token, revoked or not."""
    async with db.sessions() as session:
        found = await session.scalar(
            select(AuthToken.id).where(AuthToken.token_hash == auth.token_digest(token))
        )
        assert found is not None
        return found
