"""A reward redeemed: HR approves and fulfils it, or rejects it with a reason and the points come back; the requester sees each step."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.points import (
    LIVE_MS,
    balance,
    make_reward,
    my_redemption,
    open_hr,
    open_wallet,
    queued_redemption,
    redeem,
)

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def test_redeem_a_reward_and_hr_approves_and_fulfils_it(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    course = f"Negotiation course {suffix}"
    sabbatical = f"Sabbatical {suffix}"
    make_reward(api, people.hr, course, "TRAINING", 100, 3)
    make_reward(api, people.hr, sabbatical, "LEAVE", 1_000_000, None)
    reason = f"Ran the customer workshop {suffix}"
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.lina), delta=120, reason=reason)
    start = balance(api, people.lina)

    lina = signed_in(people.lina)
    expect(lina.get_by_role("link", name="HR", exact=True)).to_have_count(0)  # members see no HR page
    open_wallet(lina)
    expect(lina.get_by_test_id("balance")).to_have_text(str(start))
    expect(lina.get_by_test_id("ledger").get_by_role("row").filter(has_text=reason)).to_contain_text("+120")
    row = lina.get_by_test_id("reward").filter(has_text=course)
    for cell in ("Training", "100", "3 left"):
        expect(row).to_contain_text(cell)
    expect(lina.get_by_test_id("reward").filter(has_text=sabbatical)).to_contain_text("Unlimited")

    # Cancelling the confirmation redeems nothing.
    lina.get_by_role("button", name=f"Redeem {course}").click()
    lina.get_by_role("dialog", name="Confirm").get_by_role("button", name="Cancel").click()
    expect(lina.get_by_role("dialog", name="Confirm")).to_have_count(0)
    expect(my_redemption(lina, course)).to_have_count(0)

    # Too expensive: the refusal is a sentence, not JSON, and nothing moves.
    redeem(lina, sabbatical)
    expect(lina.get_by_role("alert")).to_have_text(
        f"Not enough points: {sabbatical} costs 1000000 points and your balance is {start}."
    )
    expect(lina.get_by_test_id("balance")).to_have_text(str(start))

    redeem(lina, course)
    expect(lina.get_by_test_id("balance")).to_have_text(str(start - 100))
    expect(my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text("Pending")
    expect(row).to_contain_text("2 left")
    expect(lina.get_by_test_id("ledger").get_by_role("row").nth(1)).to_contain_text("\u2212100")
    screenshot(lina, "wallet")

    hr = signed_in(people.hr)
    open_hr(hr)
    queued = queued_redemption(hr, course)
    expect(queued).to_contain_text(people.lina.name)
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Pending")
    queued.get_by_role("button", name="Approve").click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Approved")
    # The requester's open wallet follows without a reload (pointsEvents).
    expect(my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text(
        "Approved", timeout=LIVE_MS
    )

    queued.get_by_role("button", name="Mark fulfilled").click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Fulfilled")
    expect(my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text(
        "Fulfilled", timeout=LIVE_MS
    )
    expect(lina.get_by_test_id("balance")).to_have_text(str(start - 100))
    screenshot(hr, "hr-queue")

    lina.reload()
    expect(my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text("Fulfilled")
    assert balance(api, people.lina) == start - 100


def test_hr_rejects_with_a_reason_and_the_points_come_back(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    day_off = f"Extra day off {suffix}"
    make_reward(api, people.hr, day_off, "LEAVE", 40, 1)
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.victor), delta=100, reason="Welcome bonus")
    start = balance(api, people.victor)

    victor = signed_in(people.victor)
    open_wallet(victor)
    redeem(victor, day_off)
    expect(victor.get_by_test_id("balance")).to_have_text(str(start - 40))
    expect(victor.get_by_test_id("reward").filter(has_text=day_off)).to_contain_text("Out of stock")
    redeem(victor, day_off)
    expect(victor.get_by_role("alert")).to_have_text(
        f"{day_off} is out of stock. Choose another reward or ask HR when it is back."
    )

    hr = signed_in(people.hr)
    open_hr(hr)
    queued = queued_redemption(hr, day_off)
    queued.get_by_role("button", name="Reject…").click()
    queued.get_by_label("Reason for rejecting").fill("Peak season: no leave in December")
    queued.get_by_role("button", name="Reject", exact=True).click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Rejected")

    mine = my_redemption(victor, day_off)
    expect(mine.get_by_test_id("redemption-status")).to_have_text("Rejected", timeout=LIVE_MS)
    expect(mine).to_contain_text("Peak season: no leave in December")
    expect(victor.get_by_test_id("balance")).to_have_text(str(start), timeout=LIVE_MS)
