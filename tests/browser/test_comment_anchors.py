"""Where a commented passage went, kept: a passage keeps its thread when its paragraph's split is undone or
redone and when the first attempts to save where it went fail; a thread link followed inside the open case
opens the thread in the same room."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.editor import editor
from tests.browser.test_comments import _threads
from tests.browser.test_margin_comments import LIVE_MS, _caret_before, _comment

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def _two_passages(api: Api, people: People, war_room: Callable[[Person, str], Page]) -> tuple[Page, Page]:
    """Alice's and Lina's war rooms of a new case whose second paragraph holds two commented passages, one
    English, one Chinese."""
    case_id = api.create_case(
        people.alice, "Harvest delivery", "Golden Fields Co-op", {people.lina: "EDITOR"}
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("第一段有两句话。")
    alice.keyboard.press("Enter")
    alice.keyboard.type("The warehouse is in Harbin. 仓库在哈尔滨的北边。")
    expect(editor(lina)).to_contain_text("北边", timeout=LIVE_MS)
    _comment(alice, "warehouse", "Which one?")
    _comment(alice, "仓库在哈尔滨", "哪个仓库？")
    return alice, lina


def _both_lit(page: Page) -> None:
    for passage in ("warehouse", "仓库在哈尔滨"):
        expect(page.locator(".comment-highlight-open").filter(has_text=passage)).to_have_count(
            1, timeout=LIVE_MS
        )
    expect(_threads(page, "orphaned")).to_have_count(0)
    expect(page.get_by_test_id("margin-card")).to_have_count(2)


def _lit_for_both_and_after_a_reload(lina: Page, alice: Page) -> None:
    """Both passages lit in both rooms, and the server holds them where they are now: a fresh page finds
    them lit."""
    for page in (lina, alice):
        _both_lit(page)
    alice.reload()
    expect(alice.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    _both_lit(alice)


def test_undoing_and_redoing_a_split_keeps_the_passages_threads(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    alice, lina = _two_passages(api, people, war_room)
    paragraphs = editor(alice).locator("p")
    _both_lit(lina)

    # Lina splits the passages' paragraph before each of them, then undoes both splits, then redoes them: Yjs
    # writes the text anew each time, and her browser anchors the threads again where their passages went.
    for before in ("仓库在哈尔滨", "warehouse"):
        _caret_before(lina, before)
        lina.keyboard.press("Enter")
    expect(paragraphs).to_have_count(4, timeout=LIVE_MS)
    for page in (lina, alice):
        _both_lit(page)
    lina.keyboard.press("Control+z")  # both splits: edits close in time are one step to undo
    expect(paragraphs).to_have_count(2, timeout=LIVE_MS)
    expect(paragraphs.nth(1)).to_contain_text("The warehouse is in Harbin. 仓库在哈尔滨的北边。")
    for page in (lina, alice):
        _both_lit(page)
    lina.keyboard.press("Control+Shift+z")
    expect(paragraphs).to_have_count(4, timeout=LIVE_MS)
    _lit_for_both_and_after_a_reload(lina, alice)


def test_a_moved_passage_reaches_the_others_when_the_first_attempts_to_save_it_fail(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    alice, lina = _two_passages(api, people, war_room)
    _both_lit(lina)
    failed: list[str] = []

    def fail_twice(route: Route) -> None:
        if "MoveCommentAnchor" in (route.request.post_data or "") and len(failed) < 2:
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    lina.route("**/graphql", fail_twice)
    _caret_before(lina, "warehouse")
    lina.keyboard.press("Enter")
    expect(editor(alice).locator("p")).to_have_count(3, timeout=LIVE_MS)
    # Lina's browser says it is trying again, and tries until the server has the move, also after she switches
    # the language meanwhile (which builds the comments tab again).
    expect(lina.get_by_test_id("anchor-retrying")).to_be_visible()
    lina.locator('[data-testid=language-switch] button[data-lang="zh-CN"]').click()
    expect(lina.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(lina.get_by_test_id("anchor-retrying")).to_be_hidden(timeout=LIVE_MS * 2)
    assert len(failed) == 2
    _lit_for_both_and_after_a_reload(lina, alice)


def test_a_thread_link_into_the_open_case_opens_the_thread_in_the_same_room(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    alice, lina = _two_passages(api, people, war_room)
    _both_lit(lina)
    case_id = alice.url.split("#/cases/", 1)[1].split("?", 1)[0]
    ids = {
        text: _threads(alice, "open").filter(has_text=text).get_attribute("data-thread-id")
        for text in ("Which one?", "哪个仓库？")
    }
    lina.get_by_role("tab", name="Versions").click()
    # The room Lina has open: its editor element and its live socket must stay.
    lina.evaluate("document.querySelector('[data-testid=editor] .ProseMirror').__kept = true")
    sockets: list[str] = []
    lina.on("websocket", lambda socket: sockets.append(socket.url))

    for text in ("哪个仓库？", "Which one?"):
        lina.evaluate("(hash) => { location.hash = hash; }", f"#/cases/{case_id}?thread={ids[text]}")
        expect(lina.get_by_role("tab", name="Comments")).to_have_attribute("aria-selected", "true")
        expect(_threads(lina, "open").filter(has_text=text)).to_have_class(re.compile(r"\bthread-active\b"))
        expect(lina.locator(".comment-highlight-active")).to_have_count(1)
    expect(lina.locator(".comment-highlight-active")).to_contain_text("warehouse")
    lina.evaluate("(hash) => { location.hash = hash; }", f"#/cases/{case_id}?tab=versions")
    expect(lina.get_by_role("tab", name="Versions")).to_have_attribute("aria-selected", "true")

    assert lina.evaluate("document.querySelector('[data-testid=editor] .ProseMirror').__kept") is True
    assert sockets == []
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
