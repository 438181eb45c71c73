"""Read on a tablet (768 by 1024, upright) beyond the war room: the case list, the inbox, the full-width comparison
of two versions and the pain points of a case show their Chinese and English content, in both languages, and
none of them reaches past the screen's right edge (nothing to scroll sideways)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.editor import editor
from tests.browser.pages import open_page, settle, sign_in
from tests.browser.test_accessibility import _OVERFLOWING

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

TABLET: ViewportSize = {"width": 768, "height": 1024}
LIVE_MS = 5_000


def _fits(page: Page, name: str, screenshot: Callable[[Page, str], Path]) -> None:
    settle(page)
    assert page.evaluate(_OVERFLOWING) == [], f"{name} is wider than a tablet"
    screenshot(page, name)


@pytest.mark.timeout(300)
def test_a_tablet_reads_the_case_list_inbox_comparison_and_pain_points(
    api: Api,
    people: People,
    new_page: Callable[..., Page],
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    title = f"平板阅读 Tablet reading {suffix}"
    case_id = api.create_case(people.alice, title, "华东物流 East China Logistics", {people.lina: "EDITOR"})
    # A version, then more text: the comparison has a change to show.
    room = war_room(people.alice, case_id)
    editor(room).click()
    room.keyboard.type("客户希望三月交货。The customer wants delivery in March.")
    api.call(people.alice, "CreateSnapshot", caseId=case_id, label=f"初稿 First draft {suffix}")
    room.keyboard.press("Enter")
    room.keyboard.type("交货改到五月。Delivery moves to May.")
    expect(room.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    room.close()
    thread = api.call(people.alice, "AddComment", input={"caseId": case_id, "body": "谁确认运费？"})
    api.call(
        people.lina, "ReplyToComment", commentId=thread["addComment"]["id"], body=f"I will, 周四前 {suffix}"
    )
    for text in (
        "退款一直没到账，客户等了两周。",
        "The invoice portal logs customers out every ten minutes.",
    ):
        pain_point = {
            "caseId": case_id,
            "text": text,
            "customer": "华东物流",
            "product": "支付",
            "tags": ["退款"],
        }
        api.call(people.alice, "SubmitPainPoint", input=pain_point)

    for language, locale in (("zh-CN", "zh-CN"), ("en", "en-US")):
        page = open_page(new_page, locale)
        page.set_viewport_size(TABLET)
        sign_in(page, people.alice)

        expect(page.locator(f'a.case-link[data-case-id="{case_id}"]')).to_contain_text(title)
        _fits(page, f"tablet-cases-{language}", screenshot)

        page.goto("/#/inbox")
        expect(page.get_by_test_id("notification").filter(has_text=f"周四前 {suffix}")).to_have_count(1)
        _fits(page, f"tablet-inbox-{language}", screenshot)

        page.goto(f"/#/cases/{case_id}?tab=versions")
        version = page.get_by_test_id("version").filter(has_text=f"First draft {suffix}")
        version.get_by_test_id("open-compare").click()
        expect(page.get_by_test_id("diff-change").last).to_contain_text("Delivery moves to May.")
        _fits(page, f"tablet-compare-{language}", screenshot)

        page.goto(f"/#/cases/{case_id}?tab=pain-points")
        points = page.get_by_test_id("pain-point")
        expect(points.filter(has_text="退款一直没到账")).to_have_count(1)
        expect(points.filter(has_text="invoice portal")).to_have_count(1)
        _fits(page, f"tablet-painpoints-{language}", screenshot)
        page.close()
