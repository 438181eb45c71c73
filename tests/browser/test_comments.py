"""Comments in the war room: a word selected and commented on in one browser shows up live in another,
with replies, a mention, and resolving seen on both sides; a commenter comments from a read-only editor;
a viewer reads only."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000  # a comment, reply or resolution must reach the other browser within a few seconds


def _select_word(page: Page, word: str) -> None:
    """Double-clicks `word` in the document, as a person selects a word."""
    box = editor(page).evaluate(
        """(el, word) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const rect = range.getBoundingClientRect();
                return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
            }
            return null;
        }""",
        word,
    )
    assert box is not None, f"{word!r} is not in the document"
    page.mouse.dblclick(box["x"], box["y"])


def _threads(page: Page, group: str) -> Locator:
    return page.get_by_test_id(f"threads-{group}").get_by_test_id("comment-thread")


def test_a_comment_on_a_word_reaches_the_other_member_live_and_both_see_it_resolved(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice,
        "Harvest delivery",
        "Golden Fields Co-op",
        {people.lina: "COMMENTER", people.victor: "VIEWER"},
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("Delivery must arrive before the harvest season.")
    expect(editor(lina)).to_contain_text("before the harvest season.", timeout=LIVE_MS)

    # Alice selects a word, comments on it and mentions Lina through the autocomplete.
    _select_word(alice, "harvest")
    alice.get_by_test_id("comment-selection").click()
    expect(alice.get_by_test_id("pending-quote")).to_have_text("harvest")
    expect(alice.locator(".comment-highlight-pending")).to_have_text("harvest")
    box = alice.get_by_test_id("new-comment").get_by_label("Comment on the selected passage")
    box.type("Can we commit to this date? @李")
    option = alice.get_by_role("option", name=people.lina.name)
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value(f"Can we commit to this date? @{people.lina.name} ")
    alice.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()

    mine = _threads(alice, "open").filter(has_text="Can we commit")
    expect(mine).to_have_count(1)
    expect(mine.get_by_test_id("thread-quote")).to_have_text("harvest")
    expect(mine.locator(".mention")).to_have_text(f"@{people.lina.name}")
    # Relative time, the exact time on hover.
    expect(mine.locator("time").first).to_have_text(re.compile(r"now|second"))
    expect(mine.locator("time").first).to_have_attribute("title", re.compile(r"\d{4}.*\d:\d\d"))

    # Lina sees the thread without reloading, and clicking it lights up the word in her editor.
    theirs = _threads(lina, "open").filter(has_text="Can we commit")
    expect(theirs).to_have_count(1, timeout=LIVE_MS)
    expect(theirs.locator(".mention")).to_have_text(f"@{people.lina.name}")
    theirs.get_by_test_id("thread-quote").click()
    expect(lina.locator(".comment-highlight-active")).to_have_text("harvest")
    expect(theirs).to_have_class("thread thread-active")

    # Lina (a commenter, her editor read-only) replies; Alice sees the reply live.
    theirs.get_by_role("button", name="Reply").click()
    theirs.get_by_label("Reply").fill("Yes, the co-op confirmed the week.")
    theirs.get_by_role("button", name="Reply").last.click()
    expect(mine.locator(".comment-reply")).to_contain_text(
        "Yes, the co-op confirmed the week.", timeout=LIVE_MS
    )

    # Lina comments on a passage of her own from the read-only editor.
    expect(editor(lina)).to_have_attribute("contenteditable", "false")
    _select_word(lina, "Delivery")
    lina.get_by_test_id("comment-selection").click()
    lina.get_by_test_id("new-comment").get_by_label("Comment on the selected passage").fill(
        "Which warehouse?"
    )
    lina.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
    expect(_threads(alice, "open").filter(has_text="Which warehouse?")).to_have_count(1, timeout=LIVE_MS)
    expect(
        _threads(alice, "open").filter(has_text="Which warehouse?").get_by_test_id("thread-quote")
    ).to_have_text("Delivery")
    screenshot(lina, "comments-panel")

    # Lina resolves Alice's thread: both see it resolved, by her.
    theirs.get_by_test_id("resolve").click()
    for page in (alice, lina):
        resolved = _threads(page, "resolved").filter(has_text="Can we commit")
        expect(resolved).to_have_count(1, timeout=LIVE_MS)
        expect(resolved).to_have_attribute("data-state", "resolved")
        expect(_threads(page, "open").filter(has_text="Can we commit")).to_have_count(0)
    alice.get_by_text("Resolved (1)").click()
    expect(_threads(alice, "resolved").get_by_test_id("resolved-by")).to_contain_text(
        f"Resolved by {people.lina.name}"
    )
    screenshot(alice, "comments-resolved")

    # A viewer reads the threads but gets nothing to write with.
    victor = war_room(people.victor, case_id)
    expect(_threads(victor, "open").filter(has_text="Which warehouse?")).to_have_count(1)
    expect(victor.get_by_test_id("comment-case")).to_have_count(0)
    expect(victor.get_by_role("button", name="Reply")).to_have_count(0)
    expect(victor.get_by_test_id("resolve")).to_have_count(0)
    _select_word(victor, "harvest")
    expect(victor.get_by_test_id("comment-selection")).to_have_count(0)


def test_a_case_level_comment_is_edited_and_deleted_and_the_other_member_follows(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
) -> None:
    case_id = api.create_case(people.alice, "Case-level comments", "Acme", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)

    alice.get_by_test_id("comment-case").click()
    alice.get_by_label("Comment on the whole case").fill("Who owns the pricing question?")
    alice.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
    theirs = _threads(lina, "open").filter(has_text="pricing question")
    expect(theirs).to_have_count(1, timeout=LIVE_MS)
    expect(theirs).to_contain_text("About the whole case")
    expect(theirs.get_by_role("button", name="Edit")).to_have_count(0)  # not hers

    # While editing, the body is a text box (which has_text does not read): hold the thread by its id.
    thread_id = _threads(alice, "open").filter(has_text="pricing question").get_attribute("data-thread-id")
    mine = alice.locator(f'[data-testid="comment-thread"][data-thread-id="{thread_id}"]')
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Edit your comment").fill("Who owns the pricing question? Finance, I think.")
    mine.get_by_role("button", name="Save").click()
    expect(theirs.get_by_test_id("comment-body")).to_have_text(
        "Who owns the pricing question? Finance, I think.", timeout=LIVE_MS
    )
    expect(theirs.locator(".comment-edited")).to_be_visible()

    mine.get_by_role("button", name="Delete").click()
    dialog = alice.get_by_role("dialog", name="Delete this comment?")
    dialog.get_by_role("button", name="Delete").click()
    expect(_threads(alice, "open")).to_have_count(0)
    expect(_threads(lina, "open")).to_have_count(0, timeout=LIVE_MS)

    # Leaving the war room lets go of the editor, its highlight plugin and the subscription cleanly
    # (a script error in any page fails the test).
    alice.get_by_role("link", name="Cases").click()
    expect(alice.get_by_role("heading", name="My cases")).to_be_visible()


def test_a_thread_whose_passage_is_deleted_moves_apart(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Orphaned comments", "Acme", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("Keep this line.")
    alice.keyboard.press("Enter")
    alice.keyboard.type("Drop the rush fee.")
    expect(editor(lina)).to_contain_text("Drop the rush fee.", timeout=LIVE_MS)

    _select_word(alice, "rush")
    # The keyboard's way to comment, once the editor has taken in the selection (its button shows).
    expect(alice.get_by_test_id("comment-selection")).to_be_visible()
    alice.keyboard.press("Control+Alt+KeyM")
    alice.get_by_label("Comment on the selected passage").fill("Finance disagrees.")
    alice.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
    expect(_threads(lina, "open").filter(has_text="Finance disagrees.")).to_have_count(1, timeout=LIVE_MS)

    # Lina deletes the sentence the thread is about.
    # (A triple click selects the paragraph wherever the caret was; her own editor shows it gone first.)
    editor(lina).locator("p", has_text="Drop the rush fee.").click(click_count=3)
    lina.keyboard.press("Backspace")
    expect(editor(lina)).not_to_contain_text("rush")
    expect(editor(alice)).not_to_contain_text("rush", timeout=LIVE_MS)
    for page in (alice, lina):
        orphaned = _threads(page, "orphaned").filter(has_text="Finance disagrees.")
        expect(orphaned).to_have_count(1, timeout=LIVE_MS)
        expect(orphaned.get_by_test_id("thread-quote")).to_contain_text("Its passage was deleted")
        expect(_threads(page, "open")).to_have_count(0)
    screenshot(lina, "comments-orphaned")

    # Opened afresh, the server says the same.
    again = war_room(people.alice, case_id)
    expect(_threads(again, "orphaned").filter(has_text="Finance disagrees.")).to_have_count(1)


def test_comment_times_tick_while_the_war_room_stays_open_in_either_language(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    # The app keeps every relative time of the document fresh; the comments tab has no timer of its own.
    case_id = api.create_case(people.alice, "Ticking comment times", "Acme", {people.lina: "EDITOR"})
    api.call(
        people.alice, "AddComment", input={"caseId": case_id, "body": "运费谁来承担? Who pays the freight?"}
    )
    lina = war_room(people.lina, case_id)
    lina.clock.install()
    lina.reload()
    thread = _threads(lina, "open").filter(has_text="Who pays the freight?")
    posted = thread.locator("time").first
    expect(posted).to_have_text(re.compile(r"^(now|\d+ seconds? ago)$"))
    lina.clock.fast_forward("10:00")
    expect(posted).to_have_text(re.compile(r"^1[01] minutes ago$"))

    lina.locator("[data-testid=language-switch] [data-lang=zh-CN]").click()
    expect(posted).to_have_text(re.compile(r"^1[01]\s?分钟前$"))
    lina.clock.fast_forward("10:00")
    expect(posted).to_have_text(re.compile(r"^2[01]\s?分钟前$"))
