"""A visibility policy that stops applying closes what it opened: the live document and subscriptions."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.access import build, end
from tests.support.gqlws import GqlWs
from tests.support.live import Live, live_server
from tests.support.yjs_node import NodeYClient

pytestmark = pytest.mark.node

EVENTS = "subscription($c: ID!) { commentEvents(caseId: $c) { kind comment { id body } } }"
ADD = "mutation($c: ID!, $b: String!) { addComment(input: {caseId: $c, body: $b}) { id } }"
# The defaults are 10 s (live documents) and 30 s (subscriptions); shorter here to keep the test short.
CHECK_SECONDS = 1.0


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    env = {
        "WARROOM_SESSION_CHECK_SECONDS": str(CHECK_SECONDS),
        "WARROOM_GRAPHQL_WS_RECHECK_SECONDS": str(CHECK_SECONDS),
    }
    async with live_server(database_url, tmp_path, env) as running:
        yield running


async def test_an_expiring_policy_closes_the_live_document_and_the_subscription(live: Live) -> None:
    world = await build(live.db, live.gql)
    south = world.cases["south"]
    owner = world.tokens["owner"]
    events = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", world.tokens["director"])
    await events.subscribed("c", EVENTS, {"c": south})
    async with await NodeYClient.start(f"{live.server.ws_url}/sync", south, world.tokens["director"]) as doc:
        await live.gql.data(ADD, {"c": south, "b": "华南：续约风险评估"}, owner)
        first = await events.next_data("c", timeout=10)
        assert first["commentEvents"]["comment"]["body"] == "华南：续约风险评估"

        await end(live.db, world, "director")
        expired = time.monotonic()
        closed = await doc.wait_closed(timeout=30)
        assert closed.code == 4403
        assert time.monotonic() - expired < 30

        await asyncio.sleep(CHECK_SECONDS * 1.5)
        await live.gql.data(ADD, {"c": south, "b": "after the policy ended"}, owner)
        message = await events.receive(timeout=10)
        assert message["type"] in ("error", "next"), message
        if message["type"] == "next":
            errors = message["payload"].get("errors") or []
            assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"], message
        else:
            assert [e["extensions"]["code"] for e in message["payload"]] == ["NOT_FOUND"], message
        assert "after the policy ended" not in str(message)
    await events.close()
