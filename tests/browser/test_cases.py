"""Creating a case and adding a member with a role, through the pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import People, Person

pytestmark = pytest.mark.browser


def test_create_a_case_and_add_a_member(
    signed_in: Callable[[Person], Page], people: People, screenshot: Callable[[Page, str], Path]
) -> None:
    alice = signed_in(people.alice)
    alice.get_by_label("Title").fill("深圳电子 pilot")
    alice.get_by_label("Customer").fill("Shenzhen Electronics")
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
