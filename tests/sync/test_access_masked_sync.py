"""The live document holds the customer's name as written: a reader whom only masking policies let in is
refused it (close code 4451, naming the policy) before any document byte, and reads the redacted copy
(`Case.maskedDocument`) instead; a policy that does not mask still opens it read-only."""

from sqlalchemy import update

from server.models import VisibilityPolicy
from tests.support.access import build
from tests.support.live import Live
from tests.support.ysocket import YSocket


async def test_a_masked_reader_is_refused_the_live_document(live_sqlite: Live) -> None:
    live = live_sqlite
    world = await build(live.db, live.gql)
    south, director = world.cases["south"], world.tokens["director"]

    opened = await YSocket.connect(await live.sync_url(south, director))
    await opened.synced.wait()
    await opened.close()

    async with live.db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id == world.policies["director"])
            .values(mask_customer_fields=True)
        )
    client = await YSocket.connect(await live.sync_url(south, director), handshake=False)
    assert await client.wait_closed() == 4451
    assert client.close_reason.startswith("customer details masked by policy Regional director, read-only")
    assert client.frames == [], "the server sent document bytes"
    # The owner, a member, still opens it.
    mine = await YSocket.connect(await live.sync_url(south, world.tokens["owner"]))
    await mine.synced.wait()
    await mine.close()
