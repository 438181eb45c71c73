"""Commented passages in the war room: every open thread's passage stays lit for every member without a
click, resolving one unlights it on both sides, and the Comment button leaves with the focus; the margin
beside the text holds a card per open thread, level with its passage through others' edits and scrolling,
and markers where the screen is narrow; a passage keeps its thread when another member splits or joins its
paragraph (undo and redo, retried saves and thread links: test_comment_anchors.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.editor import editor, select_text
from tests.browser.test_comments import _select_word, _threads

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000


def _caret_before(page: Page, text: str) -> None:
    """Puts the caret just before `text`, and waits until the editor has taken it (keys pressed before
    that would act on the previous selection)."""
    select_text(page, text)
    editor(page).evaluate("() => window.getSelection().collapseToStart()")
    page.wait_for_function(
        """(text) => {
            const { state } = document.querySelector("[data-testid=editor] .ProseMirror").editor;
            const { empty, from } = state.selection;
            return empty && state.doc.textBetween(from, from + text.length) === text;
        }""",
        arg=text,
    )


def _comment(page: Page, word: str, text: str) -> None:
    select_text(page, word)
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
    select_text(lina, "开头。")
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


# How far (px) a card may sit from the line of its passage.
ALIGN_PX = 3

_OFFSETS = """() => {
    const offsets = {};
    for (const item of document.querySelectorAll(".comment-margin .margin-item:not([hidden])")) {
        const lit = document.querySelector(`.comment-highlight-open[data-thread-id="${item.dataset.threadId}"]`);
        const name = item.querySelector(".margin-card-body").textContent;
        offsets[name] = lit ? item.getBoundingClientRect().top - lit.getBoundingClientRect().top : null;
    }
    return offsets;
}"""


def _offsets(page: Page) -> dict[str, float | None]:
    """How far each card (by its text) sits below the first line of its lit passage."""
    return dict(page.evaluate(_OFFSETS))


def _expect_aligned(page: Page, *cards: str) -> None:
    """Waits until the cards are level with their passages (they move on the next frame after an edit)."""
    check = f"""() => {{
        const offsets = ({_OFFSETS})();
        const names = {list(cards)!r};
        return names.every((name) => offsets[name] !== undefined && offsets[name] !== null
            && Math.abs(offsets[name]) <= {ALIGN_PX});
    }}"""
    try:
        page.wait_for_function(check, timeout=LIVE_MS)
    except PlaywrightTimeout:  # say where the cards are rather than only that time ran out
        pytest.fail(f"cards not level with their passages: {_offsets(page)}")


def _card(page: Page, text: str) -> Locator:
    return page.get_by_test_id("comment-margin").locator(".margin-item").filter(has_text=text)


def _expect_apart(page: Page, upper: str, lower: str) -> None:
    """Waits until the card holding `lower` sits wholly below the one holding `upper` (cards glide)."""
    check = """([upper, lower]) => {
        const card = (text) => [...document.querySelectorAll(".comment-margin .margin-item")]
            .find((item) => item.textContent.includes(text)).getBoundingClientRect();
        return card(lower).top >= card(upper).bottom;
    }"""
    try:
        page.wait_for_function(check, arg=[upper, lower], timeout=LIVE_MS)
    except PlaywrightTimeout:
        pytest.fail(f"cards overlap: {_box(_card(page, upper))} and {_box(_card(page, lower))}")


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return {key: float(box[key]) for key in ("x", "y", "width", "height")}


def test_cards_sit_beside_their_passages_through_edits_above_and_scrolling(
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
    alice.keyboard.type("交货必须在收获季节之前完成，否则合作社要另找买家。")
    for line in ("运输由合作社安排。", "Payment on delivery.", "包装按出口标准。"):
        alice.keyboard.press("Enter")
        alice.keyboard.type(line)
    alice.keyboard.press("Enter")
    alice.keyboard.type("The warehouse is in Harbin.")
    expect(editor(lina)).to_contain_text("Harbin.", timeout=LIVE_MS)

    _comment(alice, "收获季节", "日期确认了吗？")
    _comment(alice, "warehouse", "Which one?")
    # On the same line as the one before: its card goes below that one, not over it.
    _comment(alice, "Harbin", "Harbin has two; the one by the river station.")

    cards = ("日期确认了吗？", "Which one?")
    for page in (alice, lina):
        expect(page.get_by_test_id("margin-card")).to_have_count(3, timeout=LIVE_MS)
        expect(page.get_by_test_id("margin-marker")).to_have_count(3)
        expect(page.get_by_test_id("margin-marker").first).to_be_hidden()
        _expect_aligned(page, *cards)
        _expect_apart(page, "Which one?", "river station")
    screenshot(lina, "margin-comments-cards")

    # The other member writes paragraphs above: the cards move down with their passages.
    editor(lina).click()
    lina.keyboard.press("Control+Home")
    for n in range(12):
        lina.keyboard.type(f"第 {n + 1} 段：新增的背景说明。Background added above.")
        lina.keyboard.press("Enter")
    expect(editor(alice)).to_contain_text("第 12 段", timeout=LIVE_MS)
    # Her selection moved with the edits, but her focus is elsewhere: no Comment button comes back.
    expect(alice.get_by_test_id("comment-selection")).to_be_hidden()
    before = _box(_card(alice, "Which one?"))["y"]
    _expect_aligned(alice, *cards)
    assert _box(_card(alice, "Which one?"))["y"] > before - 1
    _expect_aligned(lina, *cards)

    # Scrolling carries the cards along with the text.
    alice.mouse.wheel(0, 400)
    alice.wait_for_function("() => window.scrollY > 100")
    _expect_aligned(alice, *cards)

    # A card opens its thread in full beside the passage, which is emphasised; Escape closes it.
    _card(alice, "Which one?").get_by_test_id("margin-card").click()
    full = alice.get_by_test_id("margin-thread")
    expect(full).to_be_visible()
    expect(full).to_be_focused()
    expect(alice.locator(".comment-highlight-active")).to_have_text("warehouse")
    _expect_aligned(alice, "Which one?")
    _expect_apart(alice, "Which one?", "river station")
    full.get_by_role("button", name="Reply").click()
    full.get_by_test_id("reply-composer").locator("textarea").fill("北边那个。")
    screenshot(alice, "margin-comments-open")
    full.get_by_test_id("reply-composer").get_by_role("button", name="Reply").click()
    expect(_card(lina, "Which one?")).to_contain_text("1 reply", timeout=LIVE_MS)
    # Escape closes a reply box first, then the thread.
    full.get_by_role("button", name="Reply").click()
    alice.keyboard.press("Escape")
    expect(full.get_by_test_id("reply-composer")).to_have_count(0)
    expect(full).to_be_visible()
    alice.keyboard.press("Escape")
    expect(full).to_have_count(0)
    expect(_card(alice, "Which one?").get_by_test_id("margin-card")).to_be_focused()

    # Resolved threads leave the margin, for both.
    _threads(lina, "open").filter(has_text="日期确认了吗？").get_by_test_id("resolve").click()
    for page in (alice, lina):
        expect(page.get_by_test_id("margin-card")).to_have_count(2, timeout=LIVE_MS)
        expect(_card(page, "日期确认了吗？")).to_have_count(0)


def test_narrow_screens_show_markers_that_open_their_thread(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice, "Harvest delivery", "Golden Fields Co-op", {people.victor: "VIEWER"}
    )
    alice = war_room(people.alice, case_id)
    alice.set_viewport_size({"width": 1024, "height": 768})
    editor(alice).click()
    alice.keyboard.type("交货必须在收获季节之前完成。")
    alice.keyboard.press("Enter")
    alice.keyboard.type("The warehouse is in Harbin, next to the river station.")
    _comment(alice, "收获季节", "日期确认了吗？")
    _comment(alice, "warehouse", "Which one?")

    markers = alice.get_by_test_id("margin-marker")
    expect(markers).to_have_count(2)
    expect(markers.first).to_be_visible()
    expect(alice.get_by_test_id("margin-card").first).to_be_hidden()
    _expect_aligned(alice, "日期确认了吗？", "Which one?")
    assert alice.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    text = _box(editor(alice))
    for marker in markers.all():
        assert _box(marker)["x"] >= text["x"] + text["width"] - 1  # beside the text, not over it
    expect(markers.filter(has_text="1").first).to_have_attribute(
        "aria-label", "1 comment by Alice Chen: 日期确认了吗？"
    )
    screenshot(alice, "margin-comments-markers-1024")

    # A marker opens its thread from the keyboard; Escape closes it again.
    markers.nth(1).focus()
    alice.keyboard.press("Enter")
    full = alice.get_by_test_id("margin-thread")
    expect(full).to_contain_text("Which one?")
    expect(full).to_be_visible()
    alice.keyboard.press("Escape")
    expect(full).to_have_count(0)
    expect(markers.nth(1)).to_be_focused()

    # A viewer on a tablet reads the threads from the markers.
    victor = war_room(people.victor, case_id)
    victor.set_viewport_size({"width": 768, "height": 1024})
    markers = victor.get_by_test_id("margin-marker")
    expect(markers).to_have_count(2)
    _expect_aligned(victor, "日期确认了吗？", "Which one?")
    assert victor.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    markers.first.click()
    full = victor.get_by_test_id("margin-thread")
    expect(full).to_contain_text("日期确认了吗？")
    expect(full.get_by_role("button", name="Reply")).to_have_count(0)
    screenshot(victor, "margin-comments-tablet")


def test_passages_keep_their_threads_when_another_member_splits_or_joins_their_paragraphs(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    case_id = api.create_case(
        people.alice, "Harvest delivery", "Golden Fields Co-op", {people.lina: "EDITOR"}
    )
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    editor(alice).click()
    alice.keyboard.type("第一段有两句话。第二句在这里。")
    alice.keyboard.press("Enter")
    alice.keyboard.type("The warehouse is in Harbin. 仓库在哈尔滨的北边。")
    expect(editor(lina)).to_contain_text("北边", timeout=LIVE_MS)
    _comment(alice, "warehouse", "Which one?")
    _comment(alice, "仓库在哈尔滨", "哪个仓库？")

    def lit(page: Page) -> None:
        for passage in ("warehouse", "仓库在哈尔滨"):
            expect(page.locator(".comment-highlight-open").filter(has_text=passage)).to_have_count(
                1, timeout=LIVE_MS
            )
        expect(_threads(page, "orphaned")).to_have_count(0)
        expect(page.get_by_test_id("margin-card")).to_have_count(2)
        _expect_aligned(page, "Which one?")  # the other, a line below, is pushed under it

    lit(lina)
    # Enter in a paragraph above, then in the passages' own paragraph before each of them: the text after
    # the caret becomes a new paragraph, which Yjs holds as new text.
    for before in ("第二句", "仓库在哈尔滨", "warehouse"):
        _caret_before(lina, before)
        lina.keyboard.press("Enter")
        expect(editor(alice).locator("p")).to_have_count(
            {"第二句": 3, "仓库在哈尔滨": 4, "warehouse": 5}[before], timeout=LIVE_MS
        )
        for page in (lina, alice):
            lit(page)
    paragraphs = editor(alice).locator("p")
    expect(paragraphs.nth(2)).to_have_text("The")
    expect(paragraphs.nth(3)).to_contain_text("warehouse is in Harbin.")
    expect(paragraphs.nth(4)).to_have_text("仓库在哈尔滨的北边。")

    # Joining it back (Backspace at its start) and making it a heading write it anew as well.
    _caret_before(lina, "仓库在哈尔滨")
    lina.keyboard.press("Backspace")
    expect(paragraphs).to_have_count(4, timeout=LIVE_MS)
    lit(alice)
    lina.keyboard.press("Control+Alt+2")  # the caret is still in it
    expect(editor(alice).locator("h2")).to_contain_text("仓库在哈尔滨", timeout=LIVE_MS)
    for page in (lina, alice):
        lit(page)

    # The server holds the passages where they went: a fresh page finds them lit.
    alice.reload()
    expect(alice.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    lit(alice)
