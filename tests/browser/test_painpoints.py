"""Recording pain points in the war room: a garbled text is refused with its reason, corrected, listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

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
