"""Recording pain points in the war room: a garbled text is refused with its reason, corrected, listed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Route, expect

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

# The first accepted pain point loads the embedding model in the server (a few seconds on 2 cores).
MODEL_MS = 60_000
LIVE_MS = 5_000  # another member's pain point reaches an open list
# UTF-8 read as Latin-1 twice over: what a pasted export from an old CRM looks like.
MOJIBAKE = "é”Ÿæ–¤æ‹· Ã©Ã©Ã© card payment declined at checkout"
REPLACEMENT_CHARS = "Refund for order 1182 \ufffd\ufffd\ufffd not received"


def test_a_garbled_pain_point_is_refused_with_its_reason_corrected_and_listed(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice,
        "Acme checkout pilot",
        "Acme Retail",
        {people.lina: "COMMENTER", people.victor: "VIEWER"},
    )
    alice = war_room(people.alice, case_id)
    alice.get_by_role("tab", name="Pain points").click()
    form = alice.get_by_test_id("pain-point-form")
    expect(form.get_by_label("Customer")).to_have_value("Acme Retail")
    expect(alice.get_by_test_id("pain-point-list")).to_contain_text("No pain points recorded")

    form.get_by_label("Pain point").fill(MOJIBAKE)
    form.get_by_role("button", name="Submit pain point").click()
    refusal = alice.get_by_test_id("rejection")
    expect(refusal).to_contain_text("garbled by an encoding error")
    expect(refusal.locator('li[data-code="MOJIBAKE"]')).to_be_visible()
    tickets = alice.get_by_test_id("open-tickets")
    expect(tickets.get_by_test_id("ticket")).to_have_count(1)
    expect(tickets).to_contain_text(MOJIBAKE)
    screenshot(alice, "painpoints-refused")

    # The form now corrects the ticket: fix the text and resubmit.
    expect(form.get_by_label("Pain point")).to_have_value(MOJIBAKE)
    form.get_by_label("Pain point").fill("Card payment declined twice at checkout")
    form.get_by_role("button", name="Resubmit").click()
    expect(form.get_by_role("status")).to_have_text(
        "Corrected and recorded. It is in the list below.", timeout=MODEL_MS
    )
    expect(tickets).to_be_hidden()
    row = alice.get_by_test_id("pain-point").filter(has_text="Card payment declined twice at checkout")
    expect(row.get_by_test_id("pain-point-status")).to_have_text("SUBMITTED")
    expect(row).to_contain_text("by you")

    # U+FFFD: refused as well; start over instead, then correct it later from the tickets list.
    form.get_by_label("Pain point").fill(REPLACEMENT_CHARS)
    form.get_by_role("button", name="Submit pain point").click()
    expect(refusal.locator('li[data-code="MOJIBAKE"]')).to_contain_text(
        "Copy it again from the original source"
    )
    form.get_by_role("button", name="Record a new one instead").click()
    expect(refusal).to_be_hidden()

    form.get_by_label("Pain point").fill("退款一直没到账，客户等了两周")
    form.get_by_label("Product").fill("Payments")
    form.get_by_label("Tags (comma-separated)").fill("refund, 退款")
    form.get_by_role("button", name="Submit pain point").click()
    expect(form.get_by_role("status")).to_have_text("Recorded. It is in the list below.")
    good = alice.get_by_test_id("pain-point").filter(has_text="退款一直没到账，客户等了两周")
    expect(good.get_by_test_id("pain-point-status")).to_have_text("SUBMITTED")
    expect(good).to_contain_text("Acme Retail · Payments · #refund · #退款")
    expect(good.get_by_test_id("pain-point-cluster")).to_be_visible()

    waiting = tickets.get_by_test_id("ticket").filter(has_text="Refund for order 1182")
    waiting.get_by_role("button", name="Correct").click()
    expect(form.get_by_role("heading", name="Correct and resubmit")).to_be_visible()
    form.get_by_label("Pain point").fill("Refund for order 1182 not received after two weeks")
    form.get_by_role("button", name="Resubmit").click()
    expect(form.get_by_role("status")).to_contain_text("Corrected and recorded")
    expect(alice.get_by_test_id("pain-point")).to_have_count(3)
    expect(tickets).to_be_hidden()
    screenshot(alice, "painpoints-listed")

    # Its author takes one back, with a reason: it stays listed, withdrawn.
    taken_back = alice.get_by_test_id("pain-point").filter(has_text="Refund for order 1182")
    taken_back.get_by_role("button", name="Withdraw").click()
    taken_back.get_by_label("Why is it withdrawn?").fill("Recorded in the wrong case")
    taken_back.get_by_role("button", name="Withdraw pain point").click()
    taken_back = alice.get_by_test_id("pain-point").filter(has_text="Refund for order 1182")
    expect(taken_back.get_by_test_id("pain-point-status")).to_have_text("REJECTED")
    expect(taken_back).to_contain_text("Withdrawn: Recorded in the wrong case")
    expect(taken_back.get_by_role("button", name="Withdraw")).to_have_count(0)

    # A commenter may record pain points too and sees the others' (not "by you").
    lina = war_room(people.lina, case_id)
    lina.get_by_role("tab", name="Pain points").click()
    expect(lina.get_by_test_id("pain-point")).to_have_count(3)
    expect(lina.get_by_test_id("pain-point").first).not_to_contain_text("by you")
    expect(lina.get_by_test_id("pain-point-form")).to_be_visible()
    expect(lina.get_by_role("button", name="Withdraw")).to_have_count(0)  # neither author nor owner

    # A viewer reads the list but gets no form (the server would refuse with FORBIDDEN).
    victor = war_room(people.victor, case_id)
    victor.get_by_role("tab", name="Pain points").click()
    expect(victor.get_by_test_id("pain-point")).to_have_count(3)
    expect(victor.get_by_test_id("pain-point-form")).to_have_count(0)
    expect(
        victor.get_by_text("Viewers can read the pain points of this case but not record them.")
    ).to_be_visible()

    # What anyone records or withdraws reaches the others' open lists at once (painPointEvents).
    lina_form = lina.get_by_test_id("pain-point-form")
    lina_form.get_by_label("Pain point").fill("Chargebacks are not reported to finance")
    lina_form.get_by_role("button", name="Submit pain point").click()
    expect(lina_form.get_by_role("status")).to_have_text("Recorded. It is in the list below.")
    for page in (alice, victor):
        expect(page.get_by_test_id("pain-point")).to_have_count(4, timeout=LIVE_MS)
    theirs = alice.get_by_test_id("pain-point").filter(has_text="Chargebacks are not reported")
    theirs.get_by_role("button", name="Withdraw").click()  # the owner may withdraw anyone's
    theirs.get_by_label("Why is it withdrawn?").fill("Belongs to the finance case")
    theirs.get_by_role("button", name="Withdraw pain point").click()
    mine = lina.get_by_test_id("pain-point").filter(has_text="Chargebacks are not reported")
    expect(mine.get_by_test_id("pain-point-status")).to_have_text("REJECTED", timeout=LIVE_MS)


def _hold_submissions(page: Page) -> list[Route]:
    """Holds each SubmitPainPoint request until the test lets it go (the server still answers it)."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        body = route.request.post_data_json
        if isinstance(body, dict) and body.get("operationName") == "SubmitPainPoint":
            held.append(route)
        else:
            route.fallback()

    page.route("**/graphql", hold)
    return held


def _release(page: Page, held: list[Route]) -> None:
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "no submission was sent"
        page.wait_for_timeout(50)
    held.pop().continue_()


def test_the_form_says_it_is_preparing_and_keeps_what_was_typed_meanwhile(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    title = f"Billing pilot {uuid.uuid4().hex[:6]}"
    case_id = api.create_case(people.alice, title, "Acme Retail", {people.lina: "COMMENTER"})
    lina = war_room(people.lina, case_id)
    lina.get_by_role("tab", name="Pain points").click()
    form = lina.get_by_test_id("pain-point-form")
    held = _hold_submissions(lina)

    sent = "Invoices cannot be split across cost centres"
    form.get_by_label("Pain point").fill(sent)
    form.get_by_label("Product").fill("Billing")
    form.get_by_role("button", name="Submit pain point").click()
    preparing = form.get_by_test_id("preparing")
    expect(preparing).to_be_visible()
    expect(preparing).to_contain_text("Preparing…")
    expect(preparing.locator(".spinner")).to_be_visible()
    expect(form.get_by_role("button", name="Submit pain point")).to_be_disabled()
    screenshot(lina, "painpoints-preparing")
    # Typed while the submission is on its way: none of it may be lost when the form resets.
    form.get_by_label("Pain point").fill(f"{sent}，两家子公司都受影响")
    form.get_by_label("Tags (comma-separated)").fill("billing, 发票")
    _release(lina, held)
    expect(form.get_by_role("status").filter(has_text="Recorded.")).to_have_text(
        "Recorded. It is in the list below.", timeout=MODEL_MS
    )
    expect(preparing).to_be_hidden()
    expect(form.get_by_label("Pain point")).to_have_value(f"{sent}，两家子公司都受影响")
    expect(form.get_by_label("Tags (comma-separated)")).to_have_value("billing, 发票")
    expect(form.get_by_label("Product")).to_have_value("")  # untouched since it was sent
    expect(lina.get_by_test_id("pain-point").filter(has_text=sent)).to_have_count(1)
    form.get_by_label("Pain point").fill("")
    form.get_by_label("Tags (comma-separated)").fill("")

    # A refused text, then a brand-new one in the same form: a new pain point, not attempt 2.
    form.get_by_label("Pain point").fill(MOJIBAKE)
    form.get_by_label("Product").fill("Payments")
    form.get_by_role("button", name="Submit pain point").click()
    _release(lina, held)
    expect(lina.get_by_test_id("rejection")).to_contain_text("garbled by an encoding error")
    mode = form.get_by_test_id("form-mode")
    expect(mode).to_have_text("This corrects the refused text (attempt 2).")
    expect(form.get_by_label("Product")).to_be_enabled()
    expect(form.get_by_label("Product")).to_have_value("Payments")
    fresh = "发票抬头无法修改，财务只能手工处理"
    form.get_by_label("Pain point").fill(fresh)
    expect(mode).to_have_text(
        "This is a new pain point: the refused text stays under “Your texts to correct”."
    )
    expect(form.get_by_role("heading", name="Record a pain point")).to_be_visible()
    form.get_by_label("Product").fill("Billing")
    form.get_by_role("button", name="Submit pain point").click()
    _release(lina, held)
    expect(form.get_by_role("status").filter(has_text="Recorded.")).to_have_text(
        "Recorded. It is in the list below."
    )
    expect(lina.get_by_test_id("pain-point").filter(has_text=fresh)).to_contain_text("Billing")
    tickets = lina.get_by_test_id("open-tickets").get_by_test_id("ticket")
    expect(tickets).to_have_count(1)
    expect(tickets).to_contain_text(MOJIBAKE)
    expect(tickets).not_to_contain_text("2 attempts")
    open_tickets = api.call(people.lina, "MyRectificationTickets", status="OPEN", first=50)
    mine = [t for t in open_tickets["myRectificationTickets"]["nodes"] if t["caseId"] == case_id]
    assert [(t["attempts"], t["latestText"] or t["text"]) for t in mine] == [(1, MOJIBAKE)]

    # In Chinese: the same preparing state.
    lina.locator("[data-testid=language-switch] [data-lang=zh-CN]").click()
    form = lina.get_by_test_id("pain-point-form")
    form.get_by_label("痛点描述").fill("客户希望结账时支持微信支付")
    form.get_by_role("button", name="提交痛点").click()
    expect(form.get_by_test_id("preparing")).to_contain_text("正在准备…")
    _release(lina, held)
    expect(form.get_by_role("status").filter(has_text="已记录")).to_have_text("已记录。可在下方列表中查看。")
    lina.unroute("**/graphql")

    # The wallet's ledger links the pain point that earned points: the war room opens it.
    lina.goto("/#/wallet")
    link = lina.get_by_test_id("ledger").get_by_role("link", name=f"「{title}」中的痛点").first
    expect(link).to_be_visible(timeout=LIVE_MS)
    link.click()
    expect(lina.get_by_role("tab", name="痛点")).to_have_attribute("aria-selected", "true")
    expect(lina.locator(".pain-point.linked")).to_have_count(1)
    lina.locator("[data-testid=language-switch] [data-lang=en]").click()


def test_a_pain_point_past_the_daily_cap_says_it_earns_nothing_today(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    owner = people.ouyang
    suffix = uuid.uuid4().hex[:6]
    case_id = api.create_case(owner, f"封顶 {suffix}", "华润万家", {})
    # The team's daily cap at one award (5 points), so that a first pain point today fills it.
    api.call(
        people.hr, "UpdatePointRule", action="PAIN_POINT_ACCEPTED", input={"dailyCap": 5, "monthlyCap": 500}
    )
    try:
        first = api.call(
            owner,
            "SubmitPainPoint",
            input={"caseId": case_id, "text": f"门店收银高峰期卡顿，客户要求优化 {suffix}", "tags": []},
        )["submitPainPoint"]
        assert first["__typename"] == "PainPoint"
        subject = f"pain_point:{first['id']}"
        deadline = time.monotonic() + 15
        while subject not in {
            e["subject"] for e in api.call(owner, "MyPoints", first=20)["me"]["pointsLedger"]["nodes"]
        }:
            assert time.monotonic() < deadline, "the first pain point's award was not written"
            time.sleep(0.2)

        page = war_room(owner, case_id)
        page.get_by_role("tab", name="Pain points").click()
        form = page.get_by_test_id("pain-point-form")
        form.get_by_label("Pain point").fill(f"Invoices cannot be exported to the customer's ERP {suffix}")
        form.get_by_role("button", name="Submit pain point").click()
        expect(form.get_by_role("status")).to_have_text(
            "Recorded. It earns no points today: you reached the daily cap of 5 points for accepted pain "
            "points. It is in the list below.",
            timeout=MODEL_MS,
        )
    finally:  # other tests read the default rules
        api.call(
            people.hr,
            "UpdatePointRule",
            action="PAIN_POINT_ACCEPTED",
            input={"dailyCap": 50, "monthlyCap": 500},
        )
