"""Signing in (with the demo accounts listed), a wrong password as a sentence, signing out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def test_demo_accounts_are_listed_and_fill_the_form(
    new_page: Callable[[], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    page = new_page()
    page.goto("/#/signin")
    demo = page.get_by_role("region", name="Demo accounts").locator("button.demo-login").first
    expect(demo).to_be_visible()
    email = demo.get_attribute("data-email")
    screenshot(page, "signin-demo-accounts")
    demo.click()
    expect(page.get_by_label("Email")).to_have_value(email or "")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()


def test_a_wrong_password_is_explained_in_a_sentence(new_page: Callable[[], Page], people: People) -> None:
    page = new_page()
    page.goto("/#/signin")
    page.get_by_label("Email").fill(people.alice.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    text = alert.inner_text()
    assert text.strip()
    assert "{" not in text, "an error must read as a sentence, not as JSON"


def test_sign_out_returns_to_sign_in_and_guards_pages(
    signed_in: Callable[[Person], Page], people: People
) -> None:
    page = signed_in(people.alice)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()
    page.goto("/#/cases")
    expect(page.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()


def test_a_revoked_session_leads_back_to_sign_in(
    signed_in: Callable[[Person], Page], people: People, api: Api
) -> None:
    page = signed_in(people.alice)
    token = page.evaluate("localStorage.getItem('warroom.token')")
    api.call_with_token(token, "Logout")
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()
    assert "next=" in page.url
