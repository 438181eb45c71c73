"""The materials tab in Chinese, by keyboard alone (after choosing the file): upload with its progress bar,
the masked summary, request access, the owner's authorization, legal's approval with limits, and the
download, each reached with Tab and Enter and labelled in zh-CN."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Api, People, Person
from tests.browser.pages import open_page, sign_in

CONTENT = "客户验收要求：噪音低于 60 分贝。联系人王工 13712345678，邮箱 wang.gong@example.cn。\n".encode()
NAME = "验收要求 acceptance.txt"


def _zh_room(new_page: Callable[..., Page], person: Person, case_id: str) -> Page:
    page = open_page(new_page, "zh-CN")
    sign_in(page, person)
    page.goto(f"/#/cases/{case_id}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    tab = page.get_by_role("tab", name="资料")
    tab.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("material-list")).to_be_visible()
    return page


def _press(page: Page, target: Locator) -> None:
    """Focus `target` and press Enter, as a keyboard user does after tabbing to it."""
    target.focus()
    page.keyboard.press("Enter")


def test_the_materials_flow_in_chinese_by_keyboard(
    api: Api,
    people: People,
    new_page: Callable[..., Page],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    case_id = api.create_case(
        people.alice, "验收资料", "华南电子", {people.victor: "VIEWER", people.legal: "VIEWER"}
    )
    alice = _zh_room(new_page, people.alice, case_id)
    upload = alice.get_by_test_id("material-upload")
    expect(upload).to_have_accessible_name("上传资料")
    file = tmp_path / NAME
    file.write_bytes(CONTENT)
    upload.get_by_label("文件", exact=True).set_input_files(file)  # the file picker is the system's
    note = upload.get_by_label("备注")
    note.focus()
    alice.keyboard.type("来自验收会议")
    alice.keyboard.press("Enter")  # submits the form
    expect(alice.get_by_role("progressbar", name="上传进度")).to_have_attribute("value", "100")
    expect(alice.get_by_test_id("material-progress-text")).to_have_text(f"已上传“{NAME}”。")
    row = alice.get_by_test_id("material").filter(has_text=NAME)
    summary = row.get_by_test_id("material-summary")
    expect(summary).to_contain_text("137****5678", timeout=30_000)
    expect(summary).to_contain_text("w***@example.cn")
    expect(summary.locator("mark.masked").first).to_have_attribute("title", "已脱敏的个人信息")
    screenshot(alice, "materials-zh-uploaded")

    victor = _zh_room(new_page, people.victor, case_id)
    theirs = victor.get_by_test_id("material").filter(has_text=NAME)
    _press(victor, theirs.get_by_role("button", name="申请查看原文件"))
    expect(theirs.get_by_label("为什么需要查看原文件？")).to_be_focused()
    victor.keyboard.type("核对客户原话")
    victor.keyboard.press("Enter")
    asked = theirs.get_by_test_id("material-request")
    expect(asked).to_have_attribute("data-status", "PENDING")
    expect(asked).to_contain_text("我的申请：核对客户原话")
    expect(asked).to_contain_text("待审批 · 等待客户授权和法务审批")

    alice.reload()
    alice.get_by_role("tab", name="资料").click()
    to_authorize = alice.get_by_test_id("material-request").filter(has_text="Victor Viewer")
    _press(alice, to_authorize.get_by_role("button", name="登记客户授权"))
    expect(to_authorize.get_by_label("客户如何同意的？")).to_be_focused()
    alice.keyboard.type("客户邮件 REF-88")
    alice.keyboard.press("Enter")
    expect(alice.get_by_test_id("material-request").filter(has_text="Victor Viewer")).to_contain_text(
        "等待法务审批"
    )

    legal = _zh_room(new_page, people.legal, case_id)
    to_approve = legal.get_by_test_id("material-request").filter(has_text="Victor Viewer")
    hours = to_approve.get_by_label("有效小时数")
    hours.focus()
    legal.keyboard.press("Control+A")
    legal.keyboard.type("12")
    legal.keyboard.press("Tab")
    expect(to_approve.get_by_label("下载次数")).to_be_focused()
    legal.keyboard.press("Control+A")
    legal.keyboard.type("1")
    legal.keyboard.press("Tab")
    expect(to_approve.get_by_role("button", name="法务批准")).to_be_focused()
    legal.keyboard.press("Enter")
    granted = legal.get_by_test_id("material-request").filter(has_text="Victor Viewer")
    expect(granted).to_have_attribute("data-status", "GRANTED")
    expect(granted.get_by_test_id("grant-state")).to_contain_text("剩余 1 次下载")
    screenshot(legal, "materials-zh-approved")

    victor.reload()
    victor.get_by_role("tab", name="资料").click()
    download = victor.get_by_test_id("material-download")
    expect(download).to_have_text("下载（剩余 1 次）")
    with victor.expect_download() as caught:
        _press(victor, download)
    saved = Path(caught.value.path())
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == hashlib.sha256(CONTENT).hexdigest()
    expect(victor.get_by_role("status").filter(has_text="正在下载")).to_be_visible()
    expect(victor.get_by_test_id("grant-state")).to_have_text("下载次数已用完")
    screenshot(victor, "materials-zh-downloaded")
