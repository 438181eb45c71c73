"""Commented passages in the war room: every open thread's passage stays lit for every member without a
click, resolving one unlights it on both sides, and the Comment button leaves with the focus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.editor import editor
from tests.browser.test_comments import _select_word, _threads

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000


def _select_text(page: Page, text: str) -> None:
    """Selects `text` in the document as a drag would (a double-click cuts Chinese into words)."""
    editor(page).click()
    found = editor(page).evaluate(
        """(el, text) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(text);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + text.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return true;
            }
            return false;
        }""",
        text,
    )
    assert found, f"{text!r} is not in the document"


def _comment(page: Page, word: str, text: str) -> None:
    _select_text(page, word)
    page.get_by_test_id("comment-selection").click()
    page.get_by_test_id("new-comment").get_by_label("Comment on the selected passage").fill(text)
    page.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
    expect(_threads(page, "open").filter(has_text=text)).to_have_count(1)


def test_open_threads_stay_lit_for_everyone_and_resolving_unlights_them(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice, "Harvest delivery", "Golden Fields Co-op", {people.lina: "EDITOR"}
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("开头。")
    alice.keyboard.press("Enter")
    alice.keyboard.type("交货必须在收获季节之前完成。")
    alice.keyboard.press("Enter")
    alice.keyboard.type("The warehouse is in Harbin.")
    expect(editor(lina)).to_contain_text("Harbin.", timeout=LIVE_MS)

    _comment(alice, "warehouse", "Which one?")
    _comment(alice, "收获季节", "日期确认了吗？")

    for page in (alice, lina):
        lit = page.locator(".comment-highlight-open")
        expect(lit.filter(has_text="warehouse")).to_have_count(1, timeout=LIVE_MS)
        expect(lit.filter(has_text="收获季节")).to_have_count(1, timeout=LIVE_MS)
    screenshot(lina, "margin-comments-lit")

    # Another member types above: the passages stay lit where they moved to.
    _select_text(lina, "开头。")
    lina.keyboard.press("End")
    lina.keyboard.type("补充一句很长的说明。")
    expect(editor(alice)).to_contain_text("补充一句很长的说明。", timeout=LIVE_MS)
    expect(alice.locator(".comment-highlight-open").filter(has_text="warehouse")).to_have_count(1)

    # Clicking a lit passage opens its thread.
    lina.locator(".comment-highlight-open").filter(has_text="warehouse").click()
    expect(_threads(lina, "open").filter(has_text="Which one?")).to_have_class("thread thread-active")

    # Resolving unlights the passage for both; the other stays lit.
    _threads(alice, "open").filter(has_text="Which one?").get_by_test_id("resolve").click()
    for page in (alice, lina):
        lit = page.locator(".comment-highlight-open")
        expect(lit.filter(has_text="warehouse")).to_have_count(0, timeout=LIVE_MS)
        expect(lit.filter(has_text="收获季节")).to_have_count(1)


def test_the_comment_button_leaves_with_the_focus_and_the_tab(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    case_id = api.create_case(people.alice, "Harvest delivery", "Golden Fields Co-op", {})
    alice = war_room(people.alice, case_id)
    editor(alice).click()
    alice.keyboard.type("Delivery must arrive before the harvest season.")
    button = alice.get_by_test_id("comment-selection")

    _select_word(alice, "harvest")
    expect(button).to_be_visible()
    alice.get_by_test_id("comment-case").focus()
    expect(button).to_be_hidden()

    _select_word(alice, "season")
    expect(button).to_be_visible()
    alice.get_by_role("tab", name="Versions").click()
    expect(button).to_be_hidden()

    _select_word(alice, "Delivery")
    expect(button).to_be_visible()
    alice.evaluate(
        "() => { Object.defineProperty(document, 'hidden', { value: true, configurable: true });"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )
    expect(button).to_be_hidden()
