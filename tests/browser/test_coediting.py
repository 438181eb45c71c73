"""Two members write into the same case live; a viewer reads it but cannot change it."""

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

LIVE_MS = 2_000  # each browser must see the other's text and caret within 2 s


def _caret_of(page: Page, name: str) -> Locator:
    return page.locator(f'.collaboration-carets__caret[data-user-name="{name}"]')


def test_two_members_see_each_others_text_and_caret_and_a_viewer_reads_only(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice,
        "华东物流 renewal",
        "East China Logistics",
        {people.lina: "EDITOR", people.victor: "VIEWER"},
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)

    expect(editor(alice)).to_have_attribute("contenteditable", "true")
    expect(editor(lina)).to_have_attribute("contenteditable", "true")

    editor(alice).click()
    alice.keyboard.type("Customer wants delivery in two weeks.")
    expect(editor(lina)).to_contain_text("Customer wants delivery in two weeks.", timeout=LIVE_MS)
    expect(_caret_of(lina, people.alice.name)).to_be_visible(timeout=LIVE_MS)

    editor(lina).click()
    lina.keyboard.press("Control+End")
    lina.keyboard.press("Enter")
    lina.keyboard.type("客户希望下周先交付样品。")
    expect(editor(alice)).to_contain_text("客户希望下周先交付样品。", timeout=LIVE_MS)
    expect(_caret_of(alice, people.lina.name)).to_be_visible(timeout=LIVE_MS)

    for page in (alice, lina):
        presence = page.get_by_test_id("presence")
        expect(presence.locator(f'[data-user-name="{people.alice.name}"]')).to_be_visible()
        expect(presence.locator(f'[data-user-name="{people.lina.name}"]')).to_be_visible()
    screenshot(alice, "coediting-alice")
    screenshot(lina, "coediting-lina")

    victor = war_room(people.victor, case_id)
    expect(editor(victor)).to_contain_text("客户希望下周先交付样品。")
    expect(editor(victor)).to_have_attribute("contenteditable", "false")
    expect(victor.get_by_test_id("read-only")).to_be_visible()
    expect(victor.get_by_role("toolbar", name="Formatting")).to_be_hidden()
    before = document_text(victor)
    editor(victor).click()
    victor.keyboard.type("viewer was here")
    expect(editor(victor)).not_to_contain_text("viewer was here")
    assert document_text(victor) == before
    expect(editor(alice)).not_to_contain_text("viewer was here")
    screenshot(victor, "coediting-viewer")


def test_edits_made_offline_merge_when_the_connection_returns(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Offline merge", "Acme", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("Shared line.")
    expect(editor(lina)).to_contain_text("Shared line.", timeout=LIVE_MS)

    lina.context.set_offline(True)
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "offline")
    editor(lina).click()
    lina.keyboard.press("Control+End")
    lina.keyboard.press("Enter")
    lina.keyboard.type("Written offline by Lina.")
    alice.keyboard.press("Enter")
    alice.keyboard.type("Alice wrote meanwhile.")
    expect(editor(lina)).not_to_contain_text("Alice wrote meanwhile.")
    screenshot(lina, "offline-editor")

    lina.context.set_offline(False)
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    for page in (alice, lina):
        expect(editor(page)).to_contain_text("Written offline by Lina.", timeout=LIVE_MS)
        expect(editor(page)).to_contain_text("Alice wrote meanwhile.", timeout=LIVE_MS)
    assert document_text(alice) == document_text(lina)
