"""Versions in the war room: name the current version, edit, compare, restore it after confirming, and
both members' editors read the restored text; the other member's timeline follows live."""

from __future__ import annotations

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
    version.get_by_role("button", name="Compare with now").click()
    diff = version.get_by_test_id("diff")
    expect(diff.locator("ins.diff-inserted")).to_contain_text("Revised")
    expect(diff.locator("ins.diff-inserted").first).to_have_attribute(
        "title", f"Added by {people.alice.name}"
    )
    expect(diff.get_by_test_id("diff-summary")).to_contain_text(people.alice.name)
    screenshot(lina, "versions-panel")

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
