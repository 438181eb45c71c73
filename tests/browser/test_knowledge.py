"""Knowledge assets in the browser: an owner publishes a case version whose Chinese text names the customer,
a phone and an e-mail (the preview marks them masked); another person finds it by words, subscribes, hears of
version 2 on the bell and reads the diff; a case started from it holds its text, editable. An opened pain-point
cluster links the assets close to its problem."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.editor import editor

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.clustered import ClusteredTeam
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000
# The first publish of the server loads the embedding model (the asset's vector).
MODEL_MS = 60_000
CUSTOMER = "协和医院"
FIRST = "协和医院手术室停电时，联系设备科王工 13812345678，邮件 wang.gong@xiehe.cn，先切换备用电源。"
SECOND = "恢复供电后逐台检查呼吸机。"


def _versions(page: Page) -> Locator:
    page.get_by_role("tab", name="Versions").click()
    panel = page.get_by_test_id("versions-panel")
    expect(panel).to_be_visible()
    return panel


def _name_version(panel: Locator, name: str) -> Locator:
    panel.get_by_label("Version name").fill(name)
    panel.get_by_role("button", name="Name this version").click()
    version = panel.get_by_test_id("version").filter(has=panel.page.get_by_text(name, exact=True))
    expect(version).to_have_count(1)
    return version


def _publish(page: Page, version: Locator, title: str | None, note: str) -> Locator:
    """Publishes the version through the dialog; returns the preview's text (checked before confirming)."""
    version.get_by_test_id("publish-version").click()
    dialog = page.get_by_test_id("publish-dialog")
    if title is not None:
        dialog.get_by_label("Title").fill(title)
        dialog.get_by_label("Tags (separated by commas)").fill("SOP，手术室")
        dialog.get_by_label("Who finds it").select_option("ORGANIZATION")
    dialog.get_by_label("Change note").fill(note)
    dialog.get_by_role("button", name="Preview").click()
    return dialog.get_by_test_id("asset-text")


def test_publish_find_subscribe_hear_of_version_two_and_start_a_case(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    title = f"手术室紧急故障处置SOP {suffix}"
    case_id = api.create_case(people.alice, f"手术室停电 {suffix}", CUSTOMER, {})
    owner = war_room(people.alice, case_id)
    editor(owner).click()
    owner.keyboard.type(FIRST)
    panel = _versions(owner)

    # The preview: the customer, the phone and the e-mail masked and marked; nothing published yet.
    text = _publish(owner, _name_version(panel, "第一版"), title, "")
    masks = text.get_by_test_id("masked-span")
    expect(masks.and_(owner.locator("[data-kind=customer]"))).not_to_have_count(0)
    expect(masks.and_(owner.locator("[data-kind=phone]"))).to_contain_text("138****5678")
    expect(masks.and_(owner.locator("[data-kind=email]"))).to_contain_text("@xiehe.cn")
    expect(text).not_to_contain_text("13812345678")
    expect(text).not_to_contain_text("wang.gong@")
    expect(text).not_to_contain_text(CUSTOMER)
    screenshot(owner, "knowledge-publish-preview")
    owner.get_by_test_id("publish-dialog").get_by_role("button", name="Confirm and publish").click()
    link = panel.get_by_test_id("published-asset-link")
    expect(link).to_have_text(title, timeout=MODEL_MS)
    expect(editor(owner)).to_contain_text("13812345678")  # the case itself is untouched
    asset_id = (link.get_attribute("href") or "").rsplit("/", 1)[-1]

    # Lina finds it by two words of its title, opens it, subscribes.
    lina = signed_in(people.lina)
    lina.get_by_role("link", name="Knowledge").click()
    lina.get_by_label("Search").fill("故障处置")
    lina.get_by_label("Search").press("Enter")
    card = lina.locator(f'[data-testid=asset][data-asset-id="{asset_id}"]')
    expect(card).to_contain_text(title)
    card.get_by_test_id("asset-link").click()
    expect(lina.get_by_test_id("asset-title")).to_have_text(title)
    expect(lina.get_by_test_id("asset-text")).to_contain_text("138****5678")
    expect(lina.get_by_test_id("asset-text").get_by_test_id("masked-span")).not_to_have_count(0)
    lina.get_by_role("button", name="Subscribe").click()
    expect(lina.get_by_test_id("asset-subscribe")).to_have_text("Unsubscribe")
    expect(lina.get_by_test_id("asset-subscribers")).to_have_text("1 subscriber")
    bell = lina.get_by_test_id("bell")
    expect(bell).to_have_attribute("data-live", "true")
    unread = int(bell.get_attribute("data-count") or "0")

    # Version 2: Lina's bell rings; its notification opens the asset with what changed.
    editor(owner).click()
    owner.keyboard.press("Control+End")
    owner.keyboard.type(SECOND)
    _publish(owner, _name_version(panel, "第二版"), None, "补充恢复供电后的检查")
    owner.get_by_test_id("publish-dialog").get_by_role("button", name="Confirm and publish").click()
    expect(panel.get_by_test_id("published-asset")).to_contain_text("version 2")
    expect(bell).to_have_attribute("data-count", str(unread + 1), timeout=LIVE_MS)
    bell.click()
    item = lina.locator("[data-testid=notification][data-kind=ASSET_VERSION_PUBLISHED]").filter(
        has_text=title
    )
    expect(item).to_contain_text("version 2")
    item.get_by_test_id("notification-open").click()
    diff = lina.get_by_test_id("asset-diff")
    expect(diff).to_contain_text("version 1 to version 2")
    expect(diff.locator("ins").first).to_be_visible()
    expect(diff.get_by_test_id("asset-diff-change").first).to_contain_text("呼吸机")
    expect(diff).to_contain_text("补充恢复供电后的检查")
    screenshot(lina, "knowledge-asset-diff")

    # A case of Lina's from it: its war room holds the asset's text, and she edits it.
    lina.get_by_role("button", name="Start a case from this").click()
    start = lina.get_by_test_id("start-case-dialog")
    start.get_by_label("Customer").fill("北京友谊医院")
    start.get_by_role("button", name="Start the case").click()
    expect(lina.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(lina.get_by_test_id("started-from")).to_have_text(f"Started from version 2 of {title}")
    expect(editor(lina)).to_contain_text("138****5678")
    expect(editor(lina)).to_contain_text(SECOND)
    editor(lina).click()
    lina.keyboard.press("Control+End")
    lina.keyboard.type("友谊医院已演练。")
    expect(editor(lina)).to_contain_text("友谊医院已演练。")

    # Alice's case shows what its knowledge brought her: Lina's case and subscription, on today's cell of the
    # contribution page (the tab's summary counts them in her score).
    owner.locator("#tab-contribution").click()
    owner.get_by_test_id("contribution-full-link").click()
    credit = owner.locator(
        "[data-testid=heatmap-cell]"
        '[aria-label*="1 case started from the published knowledge"]'
        '[aria-label*="1 subscriber to the published knowledge"]'
    )
    expect(credit).to_have_count(1)
    expect(credit).to_have_attribute("aria-label", re.compile(re.escape(people.alice.name)))


def test_an_opened_cluster_links_the_assets_close_to_its_problem(
    api: Api, proposals_team: ClusteredTeam, signed_in: Callable[[Person], Page]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    owner = proposals_team.owner
    case_id = api.create_case(owner, f"焊接产线 {suffix}", "Sany Heavy", {})
    snapshot = api.call(owner, "CreateSnapshot", caseId=case_id, label="处置手册")["createSnapshot"]
    title = f"焊接机器人轨迹偏移处置手册 Welding path drift playbook {suffix}"
    draft = {
        "caseId": case_id,
        "snapshotId": snapshot["id"],
        "title": title,
        "summary": "焊缝偏移时校准焊接机器人轨迹的步骤 Recalibrating the welding robot when seams drift",
        "tags": ["焊接", "welding"],
    }
    asset_id = api.call(owner, "PublishKnowledgeAsset", input=draft)["publishKnowledgeAsset"]["id"]

    rd = signed_in(proposals_team.rd)
    rd.get_by_role("link", name="Clusters").click()
    card = rd.locator(f'[data-testid=cluster-card][data-cluster-id="{proposals_team.welding["id"]}"]')
    card.locator("button.open-cluster").click()
    related = rd.get_by_test_id("cluster-assets").locator(f'[data-testid=asset][data-asset-id="{asset_id}"]')
    expect(related).to_contain_text(title)
    related.get_by_test_id("asset-link").click()
    expect(rd.get_by_test_id("asset-title")).to_have_text(title)
