"""Two server processes on PostgreSQL + Redis share live rooms."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.models import DocUpdate
from server.sync import protocol
from tests.support.live import Live, live_pair
from tests.support.ysocket import YSocket


@pytest.fixture
async def pair(postgres_url: str, tmp_path: Path) -> AsyncIterator[tuple[Live, Live]]:
    async with live_pair(postgres_url, tmp_path) as pair:
        yield pair


async def test_updates_and_awareness_cross_servers_and_are_stored_once(pair: tuple[Live, Live]) -> None:
    one, two = pair
    case = await one.case(mate="EDITOR")
    left = await YSocket.connect(await one.sync_url(case.id, case.owner.token))
    right = await YSocket.connect(await two.sync_url(case.id, case.members["mate"].token))
    await asyncio.gather(left.synced.wait(), right.synced.wait())
    for i in range(10):
        left.add_paragraph(f"from server one {i}")
        right.add_paragraph(f"from server two {i}")
        await asyncio.sleep(0.01)
    await right.wait_text("from server one 9")
    await left.wait_text("from server two 9")
    assert sorted(left.text.splitlines()) == sorted(right.text.splitlines())
    assert left.doc.get_update() == right.doc.get_update()
    await asyncio.sleep(0.3)
    async with one.db.sessions() as session:
        stored = await session.scalar(
            select(func.count()).select_from(DocUpdate).where(DocUpdate.case_id == case.id)
        )
    assert stored == 20, "each update must be stored once, by the server that received it"

    presence = protocol.AwarenessEntry(777, 1, '{"user":{"name":"Left"}}')
    await left.send_raw(protocol.encode_awareness(protocol.encode_awareness_update([presence])))

    async def seen() -> None:
        while not any(
            e.client_id == 777 for payload in right.awareness for e in protocol.decode_awareness(payload)
        ):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(seen(), 5)
    assert "from server one 3" in await two.gql.case_text(case.owner.token, case.id)
    await left.close()
    await right.close()
