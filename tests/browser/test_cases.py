"""The case list and a case through the pages: creating one, adding a member, search (Chinese and English),
filters, archive, and avatar initials."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def test_create_a_case_and_add_a_member(
    signed_in: Callable[[Person], Page], people: People, screenshot: Callable[[Page, str], Path]
) -> None:
    alice = signed_in(people.alice)
    alice.get_by_label("Title").fill("深圳电子 pilot")
    alice.get_by_label("Customer", exact=True).fill("Shenzhen Electronics")
    alice.get_by_role("button", name="Create case").click()
    expect(alice.get_by_role("heading", name="深圳电子 pilot")).to_be_visible()
    expect(alice.get_by_test_id("my-role")).to_have_text("OWNER")
    case_url = alice.url

    alice.get_by_role("button", name="Members").click()
    dialog = alice.get_by_role("dialog", name="Case members")
    dialog.get_by_label("Role").select_option("COMMENTER")
    dialog.get_by_label("Search people").fill("李")
    dialog.locator(f'button.user-result[data-email="{people.lina.email}"]').click()
    expect(dialog.get_by_role("status")).to_contain_text("李娜 now has the commenter role")
    expect(dialog.locator(".member", has_text=people.lina.email)).to_contain_text("COMMENTER")
    screenshot(alice, "case-members")

    lina = signed_in(people.lina)
    expect(lina.get_by_role("link", name="深圳电子 pilot")).to_be_visible()
    lina.goto(case_url)
    expect(lina.get_by_test_id("my-role")).to_have_text("COMMENTER")
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(lina.get_by_test_id("read-only")).to_be_visible()
    expect(lina.get_by_test_id("editor").locator(".ProseMirror")).to_have_attribute(
        "contenteditable", "false"
    )
    expect(lina).to_have_title("深圳电子 pilot · Warroom")
    screenshot(lina, "cases-list-commenter-room")


def _search(page: Page, text: str) -> None:
    """Search at once (Enter) and wait for the answer: a list still showing what came before could pass
    a check meant for the search, and a search landing late clears the notice of what was done after it."""
    box = page.get_by_label("Search", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".case-list")).to_have_attribute("aria-busy", "false")


def _rows(page: Page) -> Locator:
    return page.locator(".case-list .case-row")


def test_search_cases_in_chinese_and_english_with_preview_and_last_editor(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    tag = uuid.uuid4().hex[:8]
    hospital = api.create_case(people.alice, f"手术室紧急故障处置 {tag}", "协和医院", {people.lina: "VIEWER"})
    api.create_case(people.alice, f"Renewal risk {tag}", "Contoso", {})
    page = war_room(people.alice, hospital)
    editor(page).click()
    page.keyboard.type("客户要求远程诊断 vendor sign-off")
    expect(editor(page)).to_contain_text("vendor sign-off")

    page.goto("/#/cases")
    # Typing searches after a pause; Alice's list held both cases before it.
    page.get_by_label("Search", exact=True).fill(f"故障 {tag}")  # a Chinese word inside a title, no spaces
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text(f"手术室紧急故障处置 {tag}")
    _search(page, f"renewal {tag.upper()}")  # English, any case
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text(f"Renewal risk {tag}")
    # The document's text is searchable a moment after it was typed (WARROOM_SEARCH_TEXT_DELAY_SECONDS).
    _search(page, f"远程诊断 {tag}")
    expect(_rows(page)).to_have_count(1, timeout=15_000)
    row = _rows(page).first
    expect(row).to_contain_text(f"手术室紧急故障处置 {tag}")
    expect(row.get_by_test_id("case-preview")).to_have_text("客户要求远程诊断 vendor sign-off")
    expect(row.locator(".case-edited")).to_contain_text("Last edit by Alice Chen")
    screenshot(page, "cases-search")
    _search(page, f"nothing-like-this {tag}")
    expect(page.locator(".case-list .empty")).to_have_text(f"No case matches “nothing-like-this {tag}”.")

    # A member of the case finds it by its text; someone who is not never does.
    lina = signed_in(people.lina)
    _search(lina, f"远程诊断 {tag}")
    expect(_rows(lina)).to_have_count(1)
    victor = signed_in(people.victor)
    _search(victor, tag)
    expect(victor.locator(".case-list .empty")).to_be_visible()
    expect(_rows(victor)).to_have_count(0)


def test_owner_archives_and_unarchives_and_the_archived_filter_shows_it(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    tag = uuid.uuid4().hex[:8]
    api.create_case(people.alice, f"旧项目 Old deal {tag}", "深圳电子", {people.lina: "EDITOR"})
    lina = signed_in(people.lina)
    _search(lina, tag)
    expect(_rows(lina)).to_have_count(1)
    expect(_rows(lina).get_by_role("button", name="Archive")).to_have_count(0)  # owners only

    page = signed_in(people.alice)
    _search(page, tag)
    expect(_rows(page)).to_have_count(1)
    page.get_by_role("button", name=f"Archive “旧项目 Old deal {tag}”").click()
    expect(page.get_by_role("status")).to_contain_text(f"“旧项目 Old deal {tag}” is archived.")
    expect(page.locator(".case-list .empty")).to_have_text(f"No case matches “{tag}”.")

    page.get_by_label("Status").select_option("archived")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first.get_by_test_id("archived")).to_have_text("Archived")
    screenshot(page, "cases-archived")
    page.get_by_role("button", name=f"Unarchive “旧项目 Old deal {tag}”").click()
    expect(page.get_by_role("status")).to_contain_text("is back among the open cases")
    expect(_rows(page)).to_have_count(0)
    page.get_by_label("Status").select_option("open")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first.get_by_test_id("archived")).to_have_count(0)


def test_avatar_initials_of_chinese_and_english_names(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice,
        f"头像 {uuid.uuid4().hex[:8]}",
        "协和医院",
        {people.wang_fang: "EDITOR", people.ouyang: "VIEWER"},
    )
    page = war_room(people.alice, case_id)
    war_room(people.wang_fang, case_id)
    war_room(people.ouyang, case_id)
    avatars = page.get_by_test_id("presence")
    expect(avatars.locator('[data-user-name="王芳"]')).to_have_text("王芳")
    expect(avatars.locator('[data-user-name="欧阳娜娜"]')).to_have_text("娜娜")
    expect(avatars.locator('[data-user-name="Alice Chen"]')).to_have_text("AC")
    screenshot(page, "cases-avatars")
