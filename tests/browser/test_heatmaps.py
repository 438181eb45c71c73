"""The Contribution tab (a summary) and the full-width contribution page: who contributed when and whose text each
section holds, with data and without."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

# Edits that arrive after the first count wait for the heatmap job (WARROOM_HEATMAP_DELAY_SECONDS, 30 s);
# the tab asks again by itself meanwhile.
JOB_MS = 45_000


def _row(table: Locator, name: str) -> Locator:
    return table.locator("tbody tr").filter(has=table.page.get_by_role("rowheader", name=name))


def test_contribution_tab_shows_both_heatmaps_with_legend_and_tooltips(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Heatmap pilot", "Nordic Freight", {people.lina: "EDITOR"})
    alice = war_room(people.alice, case_id)
    lina = war_room(people.lina, case_id)

    editor(alice).click()
    alice.keyboard.type("## Customer situation")
    alice.keyboard.press("Enter")
    alice.keyboard.type("Nordic Freight loses two days per shipment at customs.")
    alice.keyboard.press("Enter")
    alice.keyboard.type("## Next steps")
    alice.keyboard.press("Enter")
    expect(editor(lina)).to_contain_text("Next steps")
    editor(lina).click()
    lina.keyboard.press("Control+End")
    lina.keyboard.type("李娜 will draft the customs pre-clearance offer by Friday.")
    expect(editor(alice)).to_contain_text("pre-clearance offer by Friday.")

    api.call(people.alice, "AddComment", input={"caseId": case_id, "body": "Who owns the customs contact?"})
    api.call(people.lina, "AddComment", input={"caseId": case_id, "body": "I do; meeting them Thursday."})
    api.call(people.lina, "AddComment", input={"caseId": case_id, "body": "Pre-clearance pricing attached."})

    # The tab sums it up in a few lines, most active first; the tables are on the full-width page.
    alice.get_by_role("tab", name="Contribution").click()
    contributors = alice.get_by_test_id("contribution-summary").get_by_test_id("contributor")
    expect(contributors).to_have_count(2)
    for person in (people.alice, people.lina):
        expect(contributors.filter(has_text=person.name)).to_contain_text("activity score")
    expect(alice.get_by_test_id("contribution-heatmap")).to_have_count(0)
    section = alice.get_by_test_id("sections-summary").get_by_test_id("section-line")
    expect(section.filter(has_text="Next steps")).to_contain_text(
        f"mostly {people.lina.name}", timeout=JOB_MS
    )
    alice.get_by_test_id("contribution-full-link").click()
    contribution = alice.get_by_test_id("contribution-heatmap")
    for person in (people.alice, people.lina):
        row = _row(contribution, person.name)
        expect(row).to_be_visible()
        # One coloured cell (today) per person; its tooltip names what they did.
        expect(row.locator("td.cell.active")).to_have_count(1)
    lina_today = _row(contribution, people.lina.name).locator("td.cell.active")
    expect(lina_today).to_have_attribute("title", re.compile(r"2 comments"))
    alice_today = _row(contribution, people.alice.name).locator("td.cell.active")
    expect(alice_today).to_have_attribute(
        "title", re.compile(r"\d+ characters written, .*1 comment \(activity score")
    )
    # The activity score is named and told apart from value points where it is shown.
    expect(contribution.get_by_role("columnheader", name="Activity score")).to_be_visible()
    expect(alice.get_by_test_id("heatmap-scale")).to_contain_text("it is not value points")
    expect(contribution.locator("thead tr.days th")).to_have_count(1 + 14 + 1)
    # The month stands above its days ("Nov" over 24 … 30, "Dec" over 1 …), the 14 days in all.
    months = contribution.locator("thead tr.months th")
    spans = months.evaluate_all("cells => cells.map(c => [c.dataset.month, c.colSpan, c.textContent])")
    first_day = contribution.locator("thead tr.days th[data-label]").first.get_attribute("data-label")
    assert first_day is not None
    assert spans[0][0] == first_day[:7]
    assert sum(span for _, span, _ in spans) == 14
    assert [name for _, _, name in spans] == [
        datetime.strptime(month, "%Y-%m").strftime("%b") for month, _, _ in spans
    ]
    expect(alice.locator(".heatmap-legend").first).to_be_visible()

    # The section heatmap comes from the refresh job after the last edit (debounced): the tab polls for it.
    sections = alice.get_by_test_id("section-heatmap")
    expect(sections.get_by_role("columnheader", name="Customer situation")).to_be_visible(timeout=JOB_MS)
    expect(sections.get_by_role("columnheader", name="Next steps")).to_be_visible(timeout=JOB_MS)
    lina_sections = _row(sections, people.lina.name)
    expect(lina_sections).to_be_visible(timeout=JOB_MS)
    expect(lina_sections.locator("td.cell.active")).to_have_count(1, timeout=JOB_MS)
    expect(lina_sections.locator("td.cell.active")).to_have_attribute(
        "title", re.compile(r"characters in “Next steps” \(\d+%\) are theirs")
    )
    alice_situation = _row(sections, people.alice.name).locator("td.cell.active").first
    expect(alice_situation).to_have_text("100%")
    screenshot(alice, "heatmaps-contribution")

    # The server's own picture, fetched with the Bearer header (an <img> could not send it).
    with alice.expect_download() as saving:
        alice.get_by_role("region", name="Whose text each section holds").get_by_role(
            "button", name="Save as SVG"
        ).click()
    picture = Path(saving.value.path()).read_text(encoding="utf-8")
    assert saving.value.suggested_filename == "sections-heatmap.svg"
    assert picture.lstrip().startswith(("<svg", "<?xml"))
    assert "Next steps" in picture
    assert "Whose text is in" in picture  # in the UI's language
    assert people.lina.name in picture

    alice.get_by_label("Period").select_option("weeks")
    expect(contribution.locator("thead th[data-label]").first).to_have_attribute(
        "data-label", re.compile(r"^\d{4}-W\d\d$")
    )
    expect(_row(contribution, people.lina.name).locator("td.cell.active")).to_have_count(1)


def test_contribution_tab_says_when_there_is_no_activity(
    api: Api, people: People, war_room: Callable[[Person, str], Page]
) -> None:
    case_id = api.create_case(people.alice, "Quiet case", "Nobody Yet Ltd", {})
    alice = war_room(people.alice, case_id)
    alice.get_by_role("tab", name="Contribution").click()
    expect(alice.get_by_test_id("heatmap-empty")).to_have_count(2)
    expect(alice.get_by_test_id("heatmap-empty").first).to_have_text("No activity yet.")
    expect(alice.get_by_test_id("contribution-heatmap")).to_have_count(0)


LONG_TITLE = "客户现状与痛点分析 Customer situation and pain points"


def _shown_whole(locator: Locator) -> bool:
    """Whether the element shows all of its text: nothing cut off, no ellipsis."""
    return bool(locator.evaluate("el => el.scrollWidth <= el.clientWidth + 1"))


def test_full_contribution_view_shows_long_names_and_section_titles_whole(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    long = people.long_name
    case_id = api.create_case(people.alice, "长名字测试 Long names", "华东物流", {long: "EDITOR"})
    alice = war_room(people.alice, case_id)
    editor(alice).click()
    alice.keyboard.type(f"## {LONG_TITLE}")
    alice.keyboard.press("Enter")
    alice.keyboard.type("客户每批货在海关多等两天。Two days lost per shipment.")
    api.call(long, "AddComment", input={"caseId": case_id, "body": "我来联系海关。I'll call customs."})

    # The side panel keeps a summary (the name whole, wrapping) and links to the full view.
    alice.get_by_role("tab", name="Contribution").click()
    line = alice.get_by_test_id("contributor").filter(has_text=long.name)
    expect(line.locator(".summary-name")).to_have_text(long.name)
    expect(line).to_have_attribute("title", re.compile(re.escape(long.name)))
    link = alice.get_by_test_id("contribution-full-link")
    link.focus()
    alice.keyboard.press("Enter")  # reachable by keyboard

    page = alice.get_by_test_id("contribution-page")
    expect(page).to_be_visible()
    expect(page.get_by_test_id("contribution-case")).to_have_text("长名字测试 Long names")
    contribution = page.get_by_test_id("contribution-heatmap")
    for person in (people.alice, long):
        name = _row(contribution, person.name).get_by_role("rowheader")
        expect(name).to_have_text(person.name)
        assert _shown_whole(name), f"{person.name} is cut in the full view"
    expect(_row(contribution, long.name).locator("td.cell.active")).to_have_count(1)

    sections = page.get_by_test_id("section-heatmap")
    title = sections.get_by_role("columnheader", name=LONG_TITLE)
    expect(title).to_be_visible(timeout=JOB_MS)
    assert _shown_whole(title)
    assert title.evaluate("el => el.getBoundingClientRect().width") < 300  # wraps rather than stretching
    name = _row(sections, people.alice.name).get_by_role("rowheader")
    assert _shown_whole(name)
    screenshot(alice, "heatmaps-contribution-full")

    page.get_by_test_id("back-to-case").click()
    expect(alice.locator("#panel-contribution")).to_be_visible()
