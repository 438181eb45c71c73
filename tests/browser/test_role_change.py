"""A member whose role changes while in the war room gets the new rights without reloading the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000  # the server closes the socket (4409), the page asks for the case and resyncs


def test_an_editor_made_viewer_gets_a_read_only_editor_and_back_without_reloading(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Role change", "Acme Retail", {people.lina: "EDITOR"})
    lina_id = api.user_id(people.lina)
    lina = war_room(people.lina, case_id)
    expect(editor(lina)).to_have_attribute("contenteditable", "true")
    editor(lina).click()
    lina.keyboard.type("Written while an editor.")
    alice = war_room(people.alice, case_id)
    expect(editor(alice)).to_contain_text("Written while an editor.")
    # A marker that a reload would wipe: the page must adapt in place.
    lina.evaluate("window.__sameDocument = true")

    api.call(people.alice, "AddCaseMember", caseId=case_id, userId=lina_id, role="VIEWER")

    expect(
        lina.get_by_role("status").filter(has_text="Your role in this case changed to Viewer.")
    ).to_be_visible(timeout=LIVE_MS)
    expect(lina.get_by_test_id("my-role")).to_have_text("VIEWER")
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(editor(lina)).to_have_attribute("contenteditable", "false")
    expect(lina.get_by_test_id("read-only")).to_be_visible()
    expect(editor(lina)).to_contain_text("Written while an editor.")
    editor(lina).click()
    lina.keyboard.type("typed as a viewer")
    expect(editor(lina)).not_to_contain_text("typed as a viewer")
    assert lina.evaluate("window.__sameDocument") is True
    screenshot(lina, "role-changed-to-viewer")

    api.call(people.alice, "AddCaseMember", caseId=case_id, userId=lina_id, role="EDITOR")

    expect(
        lina.get_by_role("status").filter(has_text="Your role in this case changed to Editor.")
    ).to_be_visible(timeout=LIVE_MS)
    expect(editor(lina)).to_have_attribute("contenteditable", "true", timeout=LIVE_MS)
    expect(lina.get_by_test_id("read-only")).to_have_count(0)
    editor(lina).click()
    lina.keyboard.press("Control+End")
    lina.keyboard.type(" Editing again.")
    # The owner's browser receives it: the reopened room writes to the server, not only to this tab.
    expect(editor(alice)).to_contain_text("Editing again.", timeout=LIVE_MS)
    assert lina.evaluate("window.__sameDocument") is True
