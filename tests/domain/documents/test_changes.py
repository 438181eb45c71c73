"""ChangeNotices: one notice per case per window, sent after the changes it covers; cases apart."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from server.domain.documents.changes import ChangeNotices, notice_delay, topic
from server.infra.config import Settings
from server.infra.events import Event, EventBus
from server.infra.pubsub import LocalPubSub

DELAY = 0.2


@contextlib.asynccontextmanager
async def _received(bus: EventBus, case_id: str) -> AsyncIterator[list[tuple[float, Event]]]:
    """The notices of a case as they arrive, with the time each came."""
    got: list[tuple[float, Event]] = []

    async def pump() -> None:
        async with bus.subscribe(topic(case_id)) as events:
            async for event in events:
                got.append((time.monotonic(), event))

    task = asyncio.create_task(pump())
    await asyncio.sleep(0.05)
    try:
        yield got
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_burst_of_changes_gives_one_notice_after_it_and_cases_are_apart() -> None:
    bus = EventBus(LocalPubSub())
    notices = ChangeNotices(bus, DELAY)
    async with _received(bus, "a") as a, _received(bus, "b") as b:
        started = time.monotonic()
        for _ in range(5):
            notices("a", "u1")
            await asyncio.sleep(0.01)
        last_change = time.monotonic()
        notices("b", None)
        await asyncio.sleep(DELAY * 3)
        assert [event for _, event in a] == [{"caseId": "a"}]
        assert [event for _, event in b] == [{"caseId": "b"}]
        assert a[0][0] - started >= DELAY
        assert a[0][0] >= last_change  # the notice covers every change of the burst

        # A change after the notice starts the next window.
        notices("a", "u2")
        await asyncio.sleep(DELAY * 3)
        assert len(a) == 2

        # Closed (the server stops): what is pending is dropped.
        notices("a", "u3")
        notices.close()
        await asyncio.sleep(DELAY * 3)
        assert len(a) == 2


def test_the_delay_defaults_to_a_second_and_reads_its_setting() -> None:
    assert notice_delay(Settings.from_env({})) == 1.0
    assert notice_delay(Settings.from_env({"WARROOM_MASKED_COPY_SECONDS": "0.25"})) == 0.25
