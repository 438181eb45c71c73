"""Pages and steps of the points features that the wallet, redemption and HR tests share."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, Person


LIVE_MS = 5_000  # a pointsEvents message reaches the other browser


def balance(api: Api, person: Person) -> int:
    return int(api.call(person, "MyPoints", first=1)["me"]["pointsBalance"])


def make_reward(api: Api, hr: Person, name: str, kind: str, cost: int, stock: int | None) -> str:
    data = api.call(hr, "CreateReward", input={"name": name, "kind": kind, "cost": cost, "stock": stock})
    return str(data["createReward"]["id"])


def open_wallet(page: Page) -> None:
    page.get_by_role("link", name="Wallet", exact=True).click()
    expect(page.get_by_role("heading", name="My wallet")).to_be_visible()


def open_hr(page: Page) -> None:
    page.get_by_role("link", name="HR", exact=True).click()
    expect(page.get_by_role("heading", name="HR", exact=True)).to_be_visible()


def my_redemption(page: Page, reward: str) -> Locator:
    return page.get_by_test_id("redemption").filter(has_text=reward)


def queued_redemption(page: Page, reward: str) -> Locator:
    return page.get_by_test_id("redemption-queue").get_by_test_id("redemption").filter(has_text=reward)


def redeem(page: Page, reward: str) -> None:
    page.get_by_role("button", name=f"Redeem {reward}").click()
    page.get_by_role("dialog", name="Confirm").get_by_role("button", name="Redeem").click()


def off_loop(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Playwright's sync API runs an event loop in this thread: domain calls get a thread of their own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work()).result()
