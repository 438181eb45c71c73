"""maskedDocumentEvents over graphql-transport-ws on a real server: a reader whom only masking policies let
into a case gets its redacted copy, then again as members edit it live (Chinese and English), a few edits
in one notice; members, clear readers and others are refused; the stream ends with the policy."""

import base64
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Doc
from sqlalchemy import update

from server.domain.access.documents import masked_text
from server.domain.documents.text import plain_text
from server.models import Case
from tests.support.access import World, build, end, mask
from tests.support.gqlws import GqlWs, error_codes
from tests.support.live import Live, live_pair, live_server
from tests.support.ysocket import YSocket

EVENTS = "subscription($c: ID!) { maskedDocumentEvents(caseId: $c) { caseId document } }"
NOTICE_SECONDS = 0.3
CHECK_SECONDS = 1.0


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    env = {
        "WARROOM_MASKED_COPY_SECONDS": str(NOTICE_SECONDS),
        "WARROOM_GRAPHQL_WS_RECHECK_SECONDS": str(CHECK_SECONDS),
    }
    async with live_server(sqlite_url, tmp_path, env) as running:
        yield running


async def _world(live: Live) -> World:
    world = await build(live.db, live.gql)
    await mask(live.db, world, "director")
    async with live.db.transaction() as session:
        await session.execute(
            update(Case).where(Case.id == world.cases["south"]).values(customer="深圳华星光电")
        )
    return world


async def _subscribed(live: Live, token: str, case_id: str) -> GqlWs:
    socket = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", token)
    await socket.subscribe("1", EVENTS, {"c": case_id})
    return socket


async def _text(socket: GqlWs, timeout: float = 10.0) -> str:
    """The text of the next redacted copy the subscription sends."""
    message = await socket.receive(timeout)
    assert (message.get("id"), message.get("type")) == ("1", "next"), message
    event = message["payload"]["data"]["maskedDocumentEvents"]
    doc: Doc = Doc()  # type: ignore[type-arg]
    doc.apply_update(base64.b64decode(event["document"]))
    return plain_text(doc)


async def _until(socket: GqlWs, wanted: str, timeout: float = 15.0) -> list[str]:
    """The texts received until one equals `wanted` (every copy holds the document whole)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while not seen or seen[-1] != wanted:
        seen.append(await _text(socket, max(0.1, deadline - time.monotonic())))
    return seen


async def test_the_masked_copy_follows_live_edits(live: Live) -> None:
    world = await _world(live)
    south = world.cases["south"]
    director = await _subscribed(live, world.tokens["director"], south)
    assert await _text(director) == ""  # the copy as it is when the subscription starts

    owner = await YSocket.connect(await live.sync_url(south, world.tokens["owner"]))
    owner.add_paragraph("深圳华星光电采购部要求续约，联系 13812345678")
    await _until(director, "深***光电采购部要求续约，联系 138****5678")

    # Five edits within one notice's window arrive as one or two copies, the last one whole.
    lines = [f"Call {i} with 深圳华星光电: write to li.lei{i}@example.com" for i in range(5)]
    for line in lines:
        owner.add_paragraph(line)
    written = "\n".join(["深圳华星光电采购部要求续约，联系 13812345678", *lines])
    expected = masked_text(written, "深圳华星光电")
    assert "深圳华星光电" not in expected, expected
    assert "li.lei0@" not in expected, expected
    seen = await _until(director, expected)
    assert len(seen) < len(lines), seen
    # Nothing more comes once the document is quiet.
    with pytest.raises(TimeoutError):
        await director.receive(timeout=NOTICE_SECONDS * 4)
    await owner.close()
    await director.close()


async def test_only_masked_readers_may_subscribe(live: Live) -> None:
    world = await _world(live)
    south = world.cases["south"]
    # A member, a reader of the customer as written (the auditor's policy does not mask), someone the case
    # is not opened to, and a case id that does not exist: all alike.
    for who, case_id in (("owner", south), ("auditor", south), ("member", south), ("director", "0" * 26)):
        socket = await _subscribed(live, world.tokens[who], case_id)
        message = await socket.receive(timeout=10)
        assert message["type"] == "error", (who, message)
        assert error_codes(message) == ["NOT_FOUND"], (who, message)
        await socket.close()


async def test_the_copy_stops_when_the_policy_does(live: Live) -> None:
    world = await _world(live)
    director = await _subscribed(live, world.tokens["director"], world.cases["south"])
    assert await _text(director) == ""
    await end(live.db, world, "director")
    ended = time.monotonic()
    message = await director.receive(timeout=CHECK_SECONDS * 10)
    assert time.monotonic() - ended < CHECK_SECONDS * 10
    assert message["type"] in ("error", "next"), message
    assert error_codes(message) == ["NOT_FOUND"], message
    await director.close()


async def test_edits_on_one_server_reach_a_masked_reader_on_another(
    postgres_url: str, tmp_path: Path
) -> None:
    async with live_pair(postgres_url, tmp_path, WARROOM_MASKED_COPY_SECONDS=str(NOTICE_SECONDS)) as (
        one,
        two,
    ):
        world = await _world(one)
        south = world.cases["south"]
        director = await _subscribed(two, world.tokens["director"], south)
        assert await _text(director) == ""
        owner = await YSocket.connect(await one.sync_url(south, world.tokens["owner"]))
        owner.add_paragraph("Renewal for 深圳华星光电, call 13812345678")
        await _until(director, masked_text("Renewal for 深圳华星光电, call 13812345678", "深圳华星光电"))
        await owner.close()
        await director.close()
