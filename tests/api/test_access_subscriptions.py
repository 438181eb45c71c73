"""clusterEvents under visibility policies: a subscription a policy's CLUSTERS view gave ends (NOT_FOUND)
once the policy stops applying, with no event needed; one that no policy gave goes on."""

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.access import build, end
from tests.support.gqlws import GqlWs, error_codes
from tests.support.live import Live, live_server

EVENTS = "subscription { clusterEvents { kind runId } }"
# 30 s by default; shorter here to keep the test short.
CHECK_SECONDS = 1.0


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(
        sqlite_url, tmp_path, {"WARROOM_GRAPHQL_WS_RECHECK_SECONDS": str(CHECK_SECONDS)}
    ) as up:
        yield up


async def test_a_cluster_subscription_ends_with_the_policy_that_gave_it(live: Live) -> None:
    world = await build(live.db, live.gql)
    url = f"{live.server.ws_url}/graphql"
    agent = await GqlWs.signed_in(url, world.tokens["agent"])
    await agent.subscribed("a", EVENTS)
    member = await GqlWs.signed_in(url, world.tokens["member"])
    await member.subscribed("m", EVENTS)
    # Nothing ends while the policy applies (several checks pass).
    with pytest.raises(TimeoutError):
        await agent.receive(timeout=CHECK_SECONDS * 3)

    await end(live.db, world, "agent")
    ended = time.monotonic()
    message = await agent.receive(timeout=30)
    assert time.monotonic() - ended < 30
    assert message["id"] == "a"
    assert message["type"] in ("error", "next"), message
    assert error_codes(message) == ["NOT_FOUND"], message
    # The member's subscription came from no policy: it goes on, nothing to end.
    with pytest.raises(TimeoutError):
        await member.receive(timeout=CHECK_SECONDS * 3)
    await agent.close()
    await member.close()
