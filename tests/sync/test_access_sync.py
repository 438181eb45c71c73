"""The live document under visibility policies: a policy viewer reads and cannot write; no policy, no entry."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update

from server.models import VisibilityPolicy
from server.models.base import utcnow
from tests.support.access import build
from tests.support.live import Live
from tests.support.yjs_node import NodeYClient

pytestmark = pytest.mark.node


async def test_a_region_director_reads_the_live_document_as_a_viewer(live: Live) -> None:
    world = await build(live.db, live.gql)
    url = f"{live.server.ws_url}/sync"
    south = world.cases["south"]
    async with (
        await NodeYClient.start(url, south, world.tokens["owner"]) as owner,
        await NodeYClient.start(url, south, world.tokens["director"]) as director,
    ):
        await owner.insert_paragraph("华南客户：阿里零售的续约风险")
        await director.wait_text("阿里零售的续约风险")
        await director.insert_paragraph("director typing")
        await owner.insert_paragraph("owner marker")
        await director.wait_text("owner marker")
        await asyncio.sleep(0.3)
        assert "director typing" not in await owner.text()
    assert "director typing" not in await live.gql.case_text(world.tokens["owner"], south)


async def test_no_policy_no_live_document(live: Live) -> None:
    world = await build(live.db, live.gql)
    url = f"{live.server.ws_url}/sync"
    # The agent's policy opens no case (caseAccess NONE); the director's regions do not hold EMEA; team B
    # never reaches A. A refused syncTicket reaches y-websocket as 4404, as for a missing case.
    for name, key in (("agent", "south"), ("director", "emea"), ("member", "south")):
        async with await NodeYClient.start(url, world.cases[key], world.tokens[name], wait_synced=False) as c:
            assert (await c.wait_closed()).code == 4404, name
    # An auditor whose policy has expired is refused too.
    async with live.db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id == world.policies["auditor"])
            .values(valid_until=utcnow() - timedelta(seconds=1))
        )
    async with await NodeYClient.start(
        url, world.cases["none"], world.tokens["auditor"], wait_synced=False
    ) as c:
        assert (await c.wait_closed()).code == 4404
