"""The editor's blocks, edited together: two members insert a table and a checklist through the slash menu
(typed in Chinese and in English), a quote, code, a callout and a rule; each sees the other's live; undo takes
back only my own change; a named version brings every block back; the outline follows the headings; the editor
grows with its text. Screenshots: test-output/editor-blocks-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.editor import document_text, editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000
CARETS = ("Alice Chen", "李娜")  # the names of people.alice and people.lina, whose carets show


def _slash(page: Page, query: str, block: str) -> None:
    """Types `/query` where the caret is, checks the menu offers `block` first and takes it with Enter."""
    page.keyboard.type(f"/{query}")
    menu = page.get_by_test_id("slash-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("option").first).to_have_attribute("data-block", block)
    expect(menu.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(menu).to_have_count(0)


def _caret_at_end_of(target: Locator) -> None:
    """Clicks into `target` and puts the caret at its end, checking the page's caret is there."""
    target.scroll_into_view_if_needed()
    target.click()
    target.page.keyboard.press("End")
    assert target.evaluate(
        """el => { const s = getSelection();
                   return s !== null && s.isCollapsed && el.contains(s.anchorNode)
                     && s.anchorOffset === (s.anchorNode.nodeType === Node.TEXT_NODE
                       ? s.anchorNode.textContent.length : s.anchorNode.childNodes.length) }"""
    ), f"the caret is not at the end of {target}"


_AFTER = """(n) => {
    const { state } = document.querySelector("[data-testid=editor] .ProseMirror").editor;
    const $from = state.selection.$from;
    const index = $from.index(0);
    return state.selection.empty && $from.parent.type.name === "paragraph" && $from.parent.textContent === ""
        && index > 0 && state.doc.child(index - 1).textContent === `第 ${n} 段 paragraph ${n}.`;
}"""


def _new_paragraph_after(page: Page, index: int) -> None:
    """Enter at the end of the `index`th paragraph, checked in the editor's own state (a co-author's change
    arriving between the click and the browser's `selectionchange` used to put the caret back where it had
    been, and the Enter split the first heading: see the click test below)."""
    _caret_at_end_of(editor(page).locator("p").nth(index))
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(_AFTER, arg=index + 1, timeout=LIVE_MS)
    except PlaywrightTimeoutError:
        raise AssertionError(f"Enter did not make a new paragraph after paragraph {index + 1}") from None


def _text(text: str) -> re.Pattern[str]:
    """`text`, maybe with a remote caret's name label after it (a caret's label is text in the page)."""
    return re.compile(rf"^{re.escape(text)}(?:{'|'.join(CARETS)})?$")


def _checkbox(page: Page, index: int) -> Locator:
    return editor(page).locator('ul[data-type="taskList"] > li input[type="checkbox"]').nth(index)


def _version(panel: Locator, name: str) -> Locator:
    return panel.get_by_test_id("version").filter(
        has=panel.page.get_by_test_id("version-name").get_by_text(name, exact=True)
    )


def _has_every_block(page: Page) -> None:
    doc = editor(page)
    expect(doc.locator("h1")).to_have_text(_text("客户需求 Requirements"), timeout=LIVE_MS)
    expect(doc.locator("table tr")).to_have_count(3, timeout=LIVE_MS)
    expect(doc.locator("table tr").first.locator("th")).to_have_count(3)
    expect(doc.locator("table th").first).to_have_text(_text("功能"))
    expect(doc.locator("table td").first).to_have_text(_text("单点登录"))
    items = doc.locator('ul[data-type="taskList"] > li')
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-checked", "true")
    expect(items.nth(0)).to_contain_text("确认报价 confirm quote")
    expect(items.nth(1)).to_have_attribute("data-checked", "false")
    expect(doc.locator("blockquote")).to_have_text(_text("Quoted words 引文"))
    expect(doc.locator("pre code")).to_have_text(_text("print('你好')"))
    expect(doc.locator(".callout-warning")).to_have_text(_text("注意：客户数据保密"))
    expect(doc.locator("hr")).to_have_count(1)
    expect(doc.locator("p").last).to_have_text(_text("结尾 end"))


def test_two_members_build_every_block_live_undo_their_own_and_restore_a_version(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "华北 rollout 方案", "Beijing Metro", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    expect(editor(alice)).to_have_attribute("contenteditable", "true")

    # Alice: a heading from the menu in English, then a table asked for in Chinese (the English UI finds it).
    editor(alice).click()
    _slash(alice, "h1", "heading1")
    alice.keyboard.type("客户需求 Requirements")
    alice.keyboard.press("Enter")
    alice.keyboard.press("Enter")
    alice.keyboard.press("ArrowUp")
    alice.keyboard.type("/表格")
    expect(alice.get_by_test_id("slash-menu").get_by_role("option").first).to_have_text("Table")
    alice.keyboard.press("Escape")
    expect(alice.get_by_test_id("slash-menu")).to_have_count(0)
    alice.keyboard.press("Backspace")  # the menu stays closed for this `/表格`: type it again
    alice.keyboard.press("Backspace")
    alice.keyboard.press("Backspace")
    _slash(alice, "表格", "table")
    for text in ("功能", "Status", "Owner", "单点登录", "done", "王芳"):
        alice.keyboard.type(text)
        alice.keyboard.press("Tab")
    alice.keyboard.type("审计日志")
    tools = alice.get_by_role("toolbar", name="Formatting")
    tools.get_by_role("button", name="Add a column to the right").click()
    alice.keyboard.press("Tab")
    alice.keyboard.type("新列")
    expect(editor(lina).locator("table tr").first.locator("th")).to_have_count(4, timeout=LIVE_MS)
    expect(editor(lina).locator("table tr").nth(2)).to_contain_text("新列", timeout=LIVE_MS)
    tools.get_by_role("button", name="Delete this column").click()
    expect(editor(alice).locator("table tr").first.locator("th")).to_have_count(3)
    tools.get_by_role("button", name="Add a row below").click()
    expect(editor(alice).locator("table tr")).to_have_count(4)
    tools.get_by_role("button", name="Delete this row").click()  # the row of 审计日志, where the caret is
    expect(editor(alice).locator("table tr")).to_have_count(3)
    expect(editor(alice)).not_to_contain_text("审计日志")
    expect(editor(lina).locator("table td").first).to_have_text(_text("单点登录"), timeout=LIVE_MS)

    # Lina, after the table: a checklist asked for in English, a tick, a quote, code, a warning callout, a rule.
    editor(lina).locator("p").last.click()
    lina.keyboard.press("Control+End")
    _slash(lina, "checklist", "checklist")
    lina.keyboard.type("确认报价 confirm quote")
    lina.keyboard.press("Enter")
    lina.keyboard.type("Send contract")
    lina.keyboard.press("Enter")
    lina.keyboard.press("Enter")  # an empty item leaves the list
    _checkbox(lina, 0).click()
    expect(_checkbox(alice, 0)).to_be_checked(timeout=LIVE_MS)
    expect(_checkbox(alice, 1)).not_to_be_checked()
    editor(lina).locator("p").last.click()
    _slash(lina, "引用", "quote")
    lina.keyboard.type("Quoted words 引文")
    lina.keyboard.press("Enter")
    lina.keyboard.press("Enter")
    _slash(lina, "code", "code")
    lina.keyboard.type("print('你好')")
    for _ in range(3):  # two empty lines at the end of a code block, and Enter leaves it
        lina.keyboard.press("Enter")
    _slash(lina, "警告", "warning")
    lina.keyboard.type("注意：客户数据保密")
    lina.keyboard.press("Enter")
    lina.keyboard.press("Enter")
    _slash(lina, "分割线", "rule")
    lina.keyboard.type("结尾 end")
    for page in (alice, lina):
        _has_every_block(page)
    screenshot(alice, "editor-blocks-alice")

    # Undo takes back Alice's own last change, not Lina's later one; redo brings it back.
    editor(alice).locator("p").last.click()
    alice.keyboard.press("End")
    alice.keyboard.type(" Alice's note 备注")
    expect(editor(lina)).to_contain_text("Alice's note 备注", timeout=LIVE_MS)
    editor(lina).locator("h1").click()
    lina.keyboard.press("End")
    lina.keyboard.type(" v2")
    expect(editor(alice).locator("h1")).to_have_text(_text("客户需求 Requirements v2"), timeout=LIVE_MS)
    alice.get_by_role("button", name="Undo my last change (Ctrl+Z)").click()
    for page in (alice, lina):
        expect(editor(page)).not_to_contain_text("Alice's note", timeout=LIVE_MS)
        expect(editor(page).locator("h1")).to_have_text(_text("客户需求 Requirements v2"))
        expect(editor(page).locator("table tr")).to_have_count(3)
    alice.get_by_role("button", name="Redo (Ctrl+Shift+Z)").click()
    expect(editor(lina)).to_contain_text("Alice's note 备注", timeout=LIVE_MS)
    alice.get_by_role("button", name="Undo my last change (Ctrl+Z)").click()
    expect(editor(lina)).not_to_contain_text("Alice's note", timeout=LIVE_MS)
    editor(lina).locator("h1").click()
    lina.keyboard.press("End")
    for _ in range(3):
        lina.keyboard.press("Backspace")
    expect(editor(alice).locator("h1")).to_have_text(_text("客户需求 Requirements"), timeout=LIVE_MS)

    # A named version keeps every block: its text reads the ticked box, and restoring brings them all back.
    alice.get_by_role("tab", name="Versions").click()
    panel = alice.get_by_test_id("versions-panel")
    panel.get_by_label("Version name").fill("含表格 with blocks")
    panel.get_by_role("button", name="Name this version").click()
    version = _version(panel, "含表格 with blocks")
    expect(version).to_have_count(1)
    version.get_by_role("button", name="Preview").click()
    preview = version.get_by_test_id("version-text")
    expect(preview).to_contain_text("[x] 确认报价 confirm quote")
    expect(preview).to_contain_text("[ ] Send contract")
    expect(preview).to_contain_text("单点登录")
    expect(preview).to_contain_text("注意：客户数据保密")
    before = document_text(alice)

    editor(alice).click()
    alice.keyboard.press("Control+a")
    alice.keyboard.press("Delete")
    for page in (alice, lina):
        expect(editor(page).locator("table")).to_have_count(0, timeout=LIVE_MS)
        expect(editor(page).locator("li")).to_have_count(0)
    version.get_by_role("button", name="Restore").click()
    alice.get_by_test_id("restore-dialog").get_by_role("button", name="Restore").click()
    for page in (alice, lina):
        _has_every_block(page)
    assert document_text(alice) == before
    assert document_text(lina) == before
    screenshot(lina, "editor-blocks-restored")


def test_the_outline_follows_the_headings_live_and_the_editor_grows_with_its_text(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Outline 大纲", "Shanghai Port", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    outline = alice.get_by_role("navigation", name="Document outline")
    expect(outline).to_contain_text("Headings you write show here.")

    # An empty document is a short page, not a tall empty box.
    expect(editor(alice)).to_have_attribute("contenteditable", "true")
    empty_height = editor(alice).bounding_box()["height"]  # type: ignore[index]
    assert empty_height < 320, empty_height

    editor(alice).click()
    _slash(alice, "一级标题", "heading1")
    alice.keyboard.type("背景 Background")
    alice.keyboard.press("Enter")
    for n in range(30):  # inserted whole, as a paste or an input method does: typing each key is slow
        alice.keyboard.insert_text(f"第 {n + 1} 段 paragraph {n + 1}.")
        alice.keyboard.press("Enter")
    _slash(alice, "heading2", "heading2")
    alice.keyboard.type("Next steps 下一步")
    grown = editor(alice).bounding_box()["height"]  # type: ignore[index]
    assert grown > empty_height + 600, (empty_height, grown)
    # The text is not in a box of its own with a scroll bar: the page scrolls.
    box = editor(alice).evaluate("el => [el.scrollHeight, el.clientHeight]")
    assert box[0] == box[1], box

    links = outline.get_by_role("button")
    expect(links).to_have_text(["背景 Background", "Next steps 下一步"])
    # Lina adds a heading; Alice's outline follows live.
    theirs = lina.get_by_role("navigation", name="Document outline")
    # All of Alice's text is in before Lina clicks: arriving text reflows the page under her pointer.
    expect(theirs.get_by_role("button")).to_have_text(
        ["背景 Background", "Next steps 下一步"], timeout=LIVE_MS
    )
    expect(editor(lina)).to_contain_text("Next steps 下一步")
    _new_paragraph_after(lina, 10)
    _slash(lina, "h3", "heading3")
    lina.keyboard.type("风险 Risks")
    expect(links).to_have_text(["背景 Background", "风险 Risks", "Next steps 下一步"], timeout=LIVE_MS)

    alice.evaluate("window.scrollTo(0, 0)")
    heading = editor(alice).locator("h2")
    expect(heading).not_to_be_in_viewport()
    outline.get_by_role("button", name="Next steps 下一步").click()
    expect(heading).to_be_in_viewport()
    screenshot(alice, "editor-blocks-outline")

    # At 1024 px the outline sits above the document, which keeps a readable width.
    alice.set_viewport_size({"width": 1024, "height": 768})
    expect(outline).to_be_visible()
    outline_box = outline.bounding_box()
    editor_box = editor(alice).bounding_box()
    assert outline_box
    assert editor_box
    assert outline_box["y"] + outline_box["height"] <= editor_box["y"] + 1, (outline_box, editor_box)
    assert editor_box["width"] >= 480, editor_box
    screenshot(alice, "editor-blocks-1024")


_CARET_IN = """(n) => {
    const { state } = document.querySelector("[data-testid=editor] .ProseMirror").editor;
    return state.selection.empty && state.selection.$from.parent.textContent === `段落 ${n} paragraph ${n}.`;
}"""

# Alice's editor, every 20 ms: her caret moves, and every tenth time a character arrives at the end. (Faster,
# Lina's slowed page falls behind on a loaded machine and answers nothing for tens of seconds.)
_BUSY_CO_AUTHOR = """() => {
    const editor = document.querySelector("[data-testid=editor] .ProseMirror").editor;
    let tick = 0;
    setInterval(() => {
        const end = editor.state.doc.content.size - 1;
        if (tick % 10 === 9) editor.commands.insertContentAt(end, "+");
        else editor.commands.setTextSelection(tick % 2 ? end : end - 3);
        tick += 1;
    }, 20);
}"""


def test_a_click_lands_while_a_co_author_types_and_moves_her_caret(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    """Lina's caret sits in the first block; Alice's text and caret keep arriving while Lina clicks one
    paragraph after another on a slow machine (CPU slowed 4x). Each click must be where her editor's caret
    is (late is allowed: a slowed page answers late; elsewhere is not), and Enter, pressed at once after End,
    must make its new paragraph there. Before the fix, a co-author's change applied between
    the click and the browser's `selectionchange` put the caret back where it had been."""
    case_id = api.create_case(people.alice, "Caret 光标", "Shanghai Port", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)
    expect(editor(alice)).to_have_attribute("contenteditable", "true")
    editor(alice).click()
    _slash(alice, "一级标题", "heading1")
    alice.keyboard.type("背景 Background")
    for n in range(1, 13):
        alice.keyboard.press("Enter")
        alice.keyboard.insert_text(f"段落 {n} paragraph {n}.")
    alice.keyboard.press("Enter")
    paragraphs = editor(lina).locator("p")
    expect(paragraphs).to_have_count(13, timeout=LIVE_MS)
    editor(lina).locator("h1").click()
    lina.keyboard.press("Home")

    alice.evaluate(_BUSY_CO_AUTHOR)
    lina.context.new_cdp_session(lina).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    for n in (3, 9, 5, 11, 2, 7, 10, 8):
        # A slowed page under a busy co-author takes its time to answer the click.
        paragraphs.nth(n - 1).click(timeout=30_000)
        try:
            lina.wait_for_function(_CARET_IN, arg=n, timeout=15_000)
        except PlaywrightTimeoutError:
            raise AssertionError(f"Lina clicked paragraph {n}; her editor's caret stayed elsewhere") from None
    lina.keyboard.press("End")
    lina.keyboard.press("Enter")
    lina.wait_for_function(
        """() => {
            const { state } = document.querySelector("[data-testid=editor] .ProseMirror").editor;
            const $from = state.selection.$from;
            return $from.parent.type.name === "paragraph" && $from.parent.textContent === ""
                && state.doc.child($from.index(0) - 1).textContent === "段落 8 paragraph 8.";
        }"""
    )


def test_in_chinese_the_toolbar_outline_checklist_and_slash_menu_speak_chinese(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.lina, "中文界面 UI", "Shenzhen Telecom", {})
    lina = war_room(people.lina, case_id)
    # A checklist's boxes are named in the language shown, and renamed when it changes; the English word
    # still finds a block in the Chinese UI.
    editor(lina).click()
    _slash(lina, "h2", "heading2")
    lina.keyboard.type("风险 Risks")
    lina.keyboard.press("Enter")
    _slash(lina, "todo", "checklist")
    lina.keyboard.type("发合同 send contract")
    expect(editor(lina).get_by_role("checkbox", name="To do: 发合同 send contract")).to_have_count(1)
    lina.keyboard.press("Enter")
    lina.keyboard.press("Enter")
    lina.get_by_test_id("language-switch").get_by_role("button", name="中文").click()
    expect(lina.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(editor(lina).get_by_role("checkbox", name="待办：发合同 send contract")).to_have_count(1)
    tools = lina.get_by_role("toolbar", name="格式")
    for name in (
        "撤销我的上一步修改 (Ctrl+Z)",
        "重做 (Ctrl+Shift+Z)",
        "插入表格",
        "待办清单",
        "引用",
        "代码块",
        "分割线",
    ):
        expect(tools.get_by_role("button", name=name)).to_have_count(1)
    # A button's shown words and its tooltip, joined as Chinese is punctuated.
    expect(tools.get_by_role("button", name="H1，标题 1", exact=True)).to_have_count(1)
    expect(lina.get_by_role("navigation", name="文档大纲")).to_contain_text("风险 Risks")
    editor(lina).locator("p").last.click()
    lina.keyboard.press("End")
    lina.keyboard.press("Enter")
    lina.keyboard.type("/table")
    menu = lina.get_by_role("listbox", name="插入内容块")
    expect(menu.get_by_role("option").first).to_have_text("表格")
    lina.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    lina.keyboard.press("Enter")
    lina.keyboard.type("/标题")
    expect(menu.get_by_role("option")).to_have_text(["一级标题", "二级标题", "三级标题"])
    lina.keyboard.press("ArrowDown")
    expect(menu.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    expect(menu.get_by_role("option").first).to_have_attribute("aria-selected", "false")
    lina.keyboard.type("zzz")
    expect(menu).to_contain_text("没有匹配的内容块")
    screenshot(lina, "editor-blocks-zh")
    lina.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    # Chinese is written without spaces: a `/` right after 汉字 or after 。 opens the menu; one inside "a/b"
    # or a date stays text.
    lina.keyboard.press("Enter")
    lina.keyboard.type("客户要求/表格")
    expect(menu.get_by_role("option").first).to_have_text("表格")
    lina.keyboard.press("Enter")
    expect(editor(lina).locator("table")).to_have_count(1)
    expect(editor(lina).locator("p", has_text="客户要求")).to_have_count(1)
    editor(lina).locator("p", has_text="客户要求").click()
    lina.keyboard.press("End")
    lina.keyboard.type("。/引用")
    expect(menu.get_by_role("option").first).to_have_text("引用")
    lina.keyboard.press("Escape")
    lina.keyboard.type(" 见 docs/api 与 12/6")
    expect(menu).to_have_count(0)
    expect(editor(lina).locator("p", has_text="客户要求")).to_contain_text("docs/api 与 12/6")
