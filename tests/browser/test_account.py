"""The account page: changing the password signs out the other sessions; signing out everywhere."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import pytest
from playwright.sync_api import Page, expect

from server.domain.demo.team import PASSWORD

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, Person

pytestmark = pytest.mark.browser

NEW = "新的密码 browser"


@dataclass(frozen=True)
class _DemoPerson:
    """What signing in needs of a person (conftest's Person, which is not imported at run time)."""

    email: str
    name: str
    password: str = PASSWORD


def test_change_password_then_sign_out_everywhere(signed_in: Callable[[Person], Page], api: Api) -> None:
    # A demo person no other browser test signs in as; the password is put back at the end.
    wang = cast("Person", _DemoPerson("wang@demo.warroom", "王芳 (Finance BP)"))
    here, elsewhere = signed_in(wang), signed_in(wang)
    try:
        here.get_by_test_id("whoami").click()
        expect(here.get_by_role("heading", name="Your account")).to_be_visible()
        here.get_by_label("Current password").fill("not my password")
        here.get_by_label("New password (at least 8 characters)").fill(NEW)
        here.get_by_label("New password again").fill(NEW)
        here.get_by_role("button", name="Change password").click()
        expect(here.get_by_role("alert")).to_have_text("The current password is wrong.")
        here.get_by_label("Current password").fill(PASSWORD)
        here.get_by_role("button", name="Change password").click()
        expect(here.get_by_role("status")).to_contain_text("1 other session was signed out")
        elsewhere.reload()
        expect(elsewhere.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()
        here.get_by_role("button", name="Sign out everywhere").click()
        expect(here.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()
        here.goto("/#/account")
        expect(here.get_by_role("heading", name="Sign in to Warroom")).to_be_visible()
    finally:
        with contextlib.suppress(Exception):  # the change may not have happened
            token = api.call(None, "Login", email=wang.email, password=NEW)["login"]["token"]
            api.call_with_token(token, "ChangePassword", current=NEW, new=PASSWORD)
