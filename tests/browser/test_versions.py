"""Versions in the war room: name the current version, edit, compare, restore it after confirming, and
both members' editors read the restored text; the other member's timeline follows live."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import document_text, editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000

ORIGINAL = "Offer: 100 units at 12 EUR, delivery in March."
EDIT = " Revised: 80 units, delivery in May."


def _open_versions(page: Page) -> Locator:
    page.get_by_role("tab", name="Versions").click()
    panel = page.get_by_test_id("versions-panel")
    expect(panel).to_be_visible()
    return panel


def _version(panel: Locator, name: str) -> Locator:
    return panel.get_by_test_id("version").filter(
        has=panel.page.get_by_test_id("version-name").get_by_text(name, exact=True)
    )


def test_name_edit_and_restore_a_version_and_both_browsers_read_it(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice, "Spring offer", "Nordic Retail", {people.lina: "EDITOR", people.victor: "VIEWER"}
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type(ORIGINAL)
    expect(editor(lina)).to_contain_text(ORIGINAL, timeout=LIVE_MS)

    mine = _open_versions(alice)
    theirs = _open_versions(lina)
    mine.get_by_label("Version name").fill("Sent to buyer")
    mine.get_by_role("button", name="Name this version").click()
    expect(_version(mine, "Sent to buyer")).to_have_count(1)
    expect(_version(mine, "Sent to buyer")).to_have_attribute("data-kind", "NAMED")
    expect(_version(theirs, "Sent to buyer")).to_have_count(1, timeout=LIVE_MS)

    editor(alice).click()
    alice.keyboard.press("Control+End")
    alice.keyboard.type(EDIT)
    for page in (alice, lina):
        expect(editor(page)).to_contain_text(ORIGINAL + EDIT, timeout=LIVE_MS)

    # The old text, and what changed since, coloured and credited to Alice.
    version = _version(theirs, "Sent to buyer")
    version.get_by_role("button", name="Preview").click()
    expect(version.get_by_test_id("version-text")).to_have_text(ORIGINAL)
    # The panel says what changed in brief; the changes themselves are read full width.
    version.get_by_role("button", name="Compare with now").click()
    brief = version.get_by_test_id("diff-brief")
    expect(brief.get_by_test_id("diff-summary")).to_contain_text(people.alice.name)
    expect(brief.get_by_test_id("diff-count")).to_have_text("1 change in all")
    expect(brief.locator("ins, del")).to_have_count(0)
    screenshot(lina, "versions-panel")
    brief.get_by_test_id("brief-open-compare").click()
    diff = lina.get_by_test_id("compare-page").get_by_test_id("diff")
    expect(diff.locator("ins.diff-inserted")).to_contain_text("Revised")
    expect(diff.locator("ins.diff-inserted").first).to_have_attribute(
        "title", f"Added by {people.alice.name}"
    )
    lina.get_by_test_id("back-to-case").click()
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    theirs = lina.get_by_test_id("versions-panel")

    # Restoring asks first; cancelling changes nothing.
    version = _version(mine, "Sent to buyer")
    version.get_by_role("button", name="Restore").click()
    dialog = alice.get_by_test_id("restore-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("The current text is kept as a version first")
    screenshot(alice, "versions-restore-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(editor(alice)).to_contain_text(ORIGINAL + EDIT)

    version.get_by_role("button", name="Restore").click()
    alice.get_by_test_id("restore-dialog").get_by_role("button", name="Restore").click()
    for page in (alice, lina):
        expect(editor(page)).not_to_contain_text("Revised", timeout=LIVE_MS)
        assert document_text(page) == ORIGINAL
    kept = "Before restoring “Sent to buyer”"
    expect(_version(mine, kept)).to_have_attribute("data-kind", "BEFORE_RESTORE")
    expect(_version(theirs, kept)).to_have_count(1, timeout=LIVE_MS)
    expect(theirs.get_by_role("status")).to_have_text(f"{people.alice.name} restored “Sent to buyer”.")
    screenshot(alice, "versions-restored")

    # A viewer looks and compares, but has nothing to name or restore with.
    victor = war_room(people.victor, case_id)
    panel = _open_versions(victor)
    expect(_version(panel, "Sent to buyer")).to_have_count(1)
    expect(panel.get_by_label("Version name")).to_have_count(0)
    expect(panel.get_by_role("button", name="Restore")).to_have_count(0)


# Three paragraphs: Alice changes the first (English), Lina the last (Chinese); the middle one stays, so
# the comparison holds two separate changes.
HEADING = "报价 Offer"
FIRST = "Offer: 100 units at 12 EUR."
MIDDLE = "Delivery in March to Gothenburg."
LAST = "联系人：王经理。"
ALICE_EDIT = " Revised to 80 units."
LINA_EDIT = "改为李娜负责报价。"


def _full_width(page: Page, selector: str) -> bool:
    """Whether every element matched shows its whole text (nothing cut off or hidden by an ellipsis)."""
    return bool(
        page.locator(selector).evaluate_all(
            "els => els.length > 0 && els.every((el) => el.scrollWidth <= el.clientWidth + 1)"
        )
    )


def test_compare_two_versions_full_width_by_author_and_walk_the_changes(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Gothenburg offer", "Västkust Logistik", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type(f"## {HEADING}")
    for text in (FIRST, MIDDLE, LAST):
        alice.keyboard.press("Enter")
        alice.keyboard.type(text)
    expect(editor(lina)).to_contain_text(LAST, timeout=LIVE_MS)
    before = api.call(people.alice, "CreateSnapshot", caseId=case_id, label="First offer 首版报价")[
        "createSnapshot"
    ]

    editor(alice).locator("p").first.click()
    alice.keyboard.press("End")
    alice.keyboard.type(ALICE_EDIT)
    editor(lina).locator("p").last.click()
    lina.keyboard.press("End")
    lina.keyboard.type(LINA_EDIT)
    for page in (alice, lina):
        expect(editor(page)).to_contain_text(FIRST + ALICE_EDIT, timeout=LIVE_MS)
        expect(editor(page)).to_contain_text(LAST + LINA_EDIT, timeout=LIVE_MS)
    after = api.call(people.lina, "CreateSnapshot", caseId=case_id, label="Revised offer 修订版")[
        "createSnapshot"
    ]

    # From the versions tab to the full-width view (the version against now), then against the later version.
    panel = _open_versions(alice)
    first = _version(panel, "First offer 首版报价")
    # Its preview keeps the heading a heading.
    first.get_by_role("button", name="Preview").click()
    heading = first.get_by_test_id("version-text").get_by_role("heading", name=HEADING)
    expect(heading).to_be_visible()
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    assert heading.evaluate(size) > first.get_by_test_id("version-text").locator("p").first.evaluate(size)
    expect(first.get_by_test_id("version-text").locator("p")).to_have_text([FIRST, MIDDLE, LAST])
    first.get_by_role("link", name="Full view").click()
    view = alice.get_by_test_id("compare-page")
    expect(view).to_be_visible()
    expect(alice.get_by_test_id("compare-to")).to_have_value("live")
    expect(view.get_by_test_id("diff-change")).to_have_count(2)
    alice.get_by_test_id("compare-to").select_option(after["id"])
    expect(alice).to_have_url(re.compile(rf"compare\?from={before['id']}&to={after['id']}$"))
    changes = alice.get_by_test_id("compare-page").get_by_test_id("diff-change")
    expect(changes).to_have_count(2)
    expect(changes.first.locator("ins")).to_contain_text("Revised")
    expect(changes.last.locator("ins")).to_contain_text("李娜负责报价")

    # Each author's insertions in their own colour, the legend naming them in full.
    alice_id, lina_id = api.user_id(people.alice), api.user_id(people.lina)
    mine = changes.first.locator(f'ins[data-author-id="{alice_id}"]').first
    theirs = changes.last.locator(f'ins[data-author-id="{lina_id}"]').first
    expect(mine).to_have_attribute("title", f"Added by {people.alice.name}")
    expect(theirs).to_have_attribute("title", f"Added by {people.lina.name}")
    colour = "el => getComputedStyle(el).borderBottomColor"
    assert mine.evaluate(colour) != theirs.evaluate(colour)
    legend = alice.get_by_test_id("diff-authors")
    expect(legend.locator("li")).to_have_count(2)
    for person, person_id in ((people.alice, alice_id), (people.lina, lina_id)):
        expect(legend.locator(f'li[data-author-id="{person_id}"]')).to_have_text(person.name)
    assert _full_width(alice, "[data-testid=diff-authors] li")
    assert legend.locator(f'li[data-author-id="{alice_id}"] .diff-author').evaluate(
        "el => getComputedStyle(el).backgroundColor"
    ) == mine.evaluate(colour)
    assert _full_width(alice, "[data-testid=compare-from], [data-testid=compare-to]")

    # Walk the changes: the keys n and p, the buttons; the position is said.
    position = alice.get_by_test_id("change-position")
    expect(position).to_have_text("2 changes in all")
    alice.get_by_role("heading", name="Compare versions").click()  # out of the select: keys are shortcuts
    alice.keyboard.press("n")
    expect(changes.first).to_be_focused()
    expect(position).to_have_text("Change 1 of 2")
    alice.keyboard.press("j")
    expect(changes.last).to_be_focused()
    expect(changes.last).to_have_class(re.compile(r"\bcurrent\b"))
    expect(alice.get_by_test_id("next-change")).to_be_disabled()
    alice.get_by_test_id("previous-change").click()
    expect(position).to_have_text("Change 1 of 2")
    expect(changes.first).to_be_focused()
    alice.keyboard.press("p")  # already at the first: stays
    expect(position).to_have_text("Change 1 of 2")
    screenshot(alice, "versions-compare-full")

    alice.get_by_test_id("back-to-case").click()
    expect(alice.get_by_test_id("versions-panel")).to_be_visible()
