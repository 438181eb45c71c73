"""Approvals on the HR page: finance approves an order won, a second HR person a large adjustment."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import demo_person

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def _balance(api: Api, person: Person) -> int:
    return int(api.call(person, "MyPoints", first=1)["me"]["pointsBalance"])


def test_finance_approves_an_order_and_a_second_hr_person_a_large_adjustment(
    api: Api, people: People, signed_in: Callable[[Person], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    alice, bob, zhou, hana, admin = (
        demo_person(people, f"{name}@demo.warroom") for name in ("alice", "bob", "zhou", "hana", "admin")
    )
    suffix = uuid.uuid4().hex[:6]
    case_id = api.create_case(alice, f"华润续约 {suffix}", "华润万家", {})
    approved, rejected = f"SO-{suffix}-1", f"SO-{suffix}-2"
    for reference in (approved, rejected):
        api.call(
            alice, "RecordOrderWon", caseId=case_id, amount="88000", painPointIds=[], reference=reference
        )
    reason = f"年度最佳 {suffix}"
    request = api.call(hana, "AdjustPoints", userId=api.user_id(bob), delta=2000, reason=reason)
    assert request["adjustPoints"]["entry"] is None
    bob_before = _balance(api, bob)

    # Finance: an Approvals page with the orders, no HR tools.
    finance = signed_in(zhou)
    expect(finance.get_by_role("link", name="HR", exact=True)).to_have_count(0)
    finance.get_by_role("link", name="Approvals", exact=True).click()
    expect(finance.get_by_role("heading", name="Approvals", exact=True).first).to_be_visible()
    expect(finance.get_by_test_id("pending-adjustment")).to_have_count(0)
    order = finance.get_by_test_id("pending-order").filter(has_text=approved)
    expect(order).to_contain_text(alice.name)
    expect(order).to_contain_text(f"Order {approved} · CN¥88,000.00")  # the amount with its currency
    order.get_by_role("button", name="Approve").click()
    expect(finance.get_by_role("status")).to_contain_text(f"Order {approved} approved")
    expect(order).to_have_count(0)
    other = finance.get_by_test_id("pending-order").filter(has_text=rejected)
    other.get_by_role("button", name="Reject…").click()
    other.get_by_label("Reason for rejecting the order").fill("订单号在系统里查不到")
    other.get_by_role("button", name="Reject", exact=True).click()
    expect(finance.get_by_role("status")).to_contain_text(f"Order {rejected} rejected")
    pending = {n["reference"] for n in api.call(zhou, "PendingOrders", first=100)["pendingOrders"]["nodes"]}
    assert not {approved, rejected} & pending

    # The HR person who asked for the adjustment is offered no Approve button: the row says why, and she
    # may still withdraw it.
    requester = signed_in(hana)
    requester.get_by_role("link", name="HR", exact=True).click()
    mine = requester.get_by_test_id("pending-adjustment").filter(has_text=reason)
    expect(mine.get_by_test_id("not-yours")).to_have_text(
        "You asked for this adjustment, so another HR person approves it; you may still reject (withdraw) it."
    )
    expect(mine.get_by_role("button", name="Approve")).to_have_count(0)
    expect(mine.get_by_role("button", name="Reject…")).to_be_visible()
    assert _balance(api, bob) == bob_before

    second = signed_in(admin)
    second.get_by_role("link", name="HR", exact=True).click()
    theirs = second.get_by_test_id("pending-adjustment").filter(has_text=reason)
    expect(theirs).to_contain_text(f"+2000 points for {bob.name}")
    screenshot(second, "hr-approvals")
    theirs.get_by_role("button", name="Approve").click()
    expect(second.get_by_role("status")).to_contain_text("approved")
    assert _balance(api, bob) == bob_before + 2000


def test_a_case_owner_records_an_order_won_and_its_pain_point_author_earns(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    title = f"华润续约 {suffix}"
    case_id = api.create_case(people.alice, title, "华润万家", {people.lina: "COMMENTER"})
    # Long, as pain points are: its checkbox label in the order form wraps within the side panel.
    text = (
        "门店收银高峰期卡顿，会员扫码支付经常超时，排队的顾客直接放弃购物；客户要求在春节促销前优化收银系统，"
        f"并提供每家门店的故障统计 (POS checkout freezes at peak hours, shoppers abandon their carts) {suffix}"
    )
    submitted = api.call(people.lina, "SubmitPainPoint", input={"caseId": case_id, "text": text, "tags": []})
    assert submitted["submitPainPoint"]["__typename"] == "PainPoint"
    pain_id = submitted["submitPainPoint"]["id"]
    reference = f"SO-{suffix}"

    # Only owners get the form; a commenter reads where orders are recorded in the wallet instead.
    commenter = war_room(people.lina, case_id)
    commenter.get_by_role("tab", name="Pain points").click()
    expect(commenter.get_by_test_id("pain-point-form")).to_be_visible()
    expect(commenter.get_by_test_id("order-won")).to_have_count(0)

    owner = war_room(people.alice, case_id)
    owner.get_by_role("tab", name="Pain points").click()
    order = owner.get_by_test_id("order-won")
    order.get_by_text("Record an order won").click()
    expect(order).to_contain_text("Once HR or finance approves the order")
    choice = order.locator("label.order-pain-point")
    expect(choice).to_have_count(1)
    assert owner.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the order form widens the page"
    panel = owner.locator("#panel-pain-points").bounding_box()
    label = choice.bounding_box()
    assert panel
    assert label
    assert label["x"] + label["width"] <= panel["x"] + panel["width"]
    assert label["height"] > 40, "the pain point's label does not wrap"
    order.get_by_label("Order number").fill(reference)
    # An amount the form cannot read is said in the page, not in a browser tooltip.
    order.get_by_label("Amount (CNY)").fill("88,000.5.0")
    order.get_by_role("button", name="Record order").click()
    expect(order.get_by_role("alert")).to_contain_text("Enter the amount in yuan as a number greater than 0")
    expect(order.get_by_label("Amount (CNY)")).to_have_attribute("aria-invalid", "true")
    # Digit groups are fine, as amounts are usually written.
    order.get_by_label("Amount (CNY)").fill("1,280,000.50")
    order.get_by_role("button", name="Record order").click()
    expect(order.get_by_role("alert")).to_have_text("Tick at least one pain point that helped win the order.")
    order.get_by_label(text).check()
    order.get_by_role("button", name="Record order").click()
    expect(order.get_by_role("status")).to_have_text(
        f"Order {reference} is recorded with 1 pain point. It waits for HR or finance to approve it; "
        "then its author earns points."
    )
    screenshot(owner, "order-won")
    pending = {
        n["reference"]: n for n in api.call(people.hr, "PendingOrders", first=100)["pendingOrders"]["nodes"]
    }
    assert pending[reference]["painPointIds"] == [pain_id]
    assert pending[reference]["amount"] == "1280000.50"

    api.call(people.hr, "ApproveOrder", orderId=pending[reference]["id"])
    wallet = signed_in(people.lina)
    wallet.get_by_role("link", name="Wallet", exact=True).click()
    won = wallet.get_by_test_id("ledger").get_by_role("row").filter(has_text="Order won")
    expect(won.first).to_contain_text("+30", timeout=15_000)
    expect(won.first.get_by_role("link", name=f"Pain point in “{title}”")).to_have_attribute(
        "href", f"#/cases/{case_id}?tab=pain-points&painPoint={pain_id}"
    )
