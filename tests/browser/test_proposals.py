"""R&D shapes a cluster and adopts it: renames it (the correction history says who, what, when and why), adopts
it with a note, follows the link to its requirement proposal, downloads the Markdown and JSON exports (fetched
with the sign-in token), accepts it, finds it in the proposals list by status, and undoes the rename."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.support.painpoints import CHECKOUT

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.clustered import ClusteredTeam
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LABEL = "结账支付失败 Checkout payment failures"
WHY = "销售团队都这么叫 (what sales calls it)"
NOTE = "Q3 路线图: retry declined cards"


# Records every text the clusters page's live line shows: corrections join no new pain point to a cluster.
_WATCH_LIVE_LINE = """() => {
  window.liveNotes = [];
  new MutationObserver(() => {
    const live = document.querySelector("[data-testid=clusters-live]");
    if (live && !live.hidden) window.liveNotes.push(live.textContent);
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}"""
# Longer than a correction's event takes to reach the page (the outbox, then the page gathers 300 ms).
LIVE_SECONDS = 2


def _no_live_note(page: Page) -> None:
    page.wait_for_timeout(LIVE_SECONDS * 1000)
    assert page.evaluate("window.liveNotes") == []


def _open_cluster(page: Page, cluster_id: str) -> None:
    if page.url.endswith("#/clusters"):  # the same hash again would not leave an opened cluster
        page.get_by_role("button", name="← All clusters").click()
    else:
        page.goto("/#/clusters")
    card = page.locator(f'[data-testid=cluster-card][data-cluster-id="{cluster_id}"]')
    card.get_by_role("button", name="Open cluster").click()
    expect(page.get_by_test_id("cluster-detail")).to_have_attribute("data-cluster-id", cluster_id)


@pytest.mark.timeout(300)
def test_rd_renames_adopts_a_cluster_and_downloads_its_proposal(
    api: Api,
    people: People,
    proposals_team: ClusteredTeam,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    cluster = proposals_team.checkout
    page = signed_in(proposals_team.rd)
    _open_cluster(page, cluster["id"])
    page.evaluate(_WATCH_LIVE_LINE)
    detail = page.get_by_test_id("cluster-detail")
    expect(detail.get_by_test_id("cluster-label")).to_have_text(cluster["label"])
    history = detail.get_by_test_id("cluster-corrections")
    expect(history).to_contain_text("Nobody has corrected this cluster.")

    # Rename: the heading and the history follow at once.
    detail.get_by_role("button", name="Rename").click()
    dialog = page.get_by_test_id("rename-cluster-dialog")
    expect(dialog.get_by_label("Name")).to_have_value(cluster["label"])
    dialog.get_by_label("Name").fill(LABEL)
    dialog.get_by_label("Why (optional)").fill(WHY)
    dialog.get_by_role("button", name="Rename").click()
    expect(dialog).to_have_count(0)
    expect(detail.get_by_test_id("cluster-label")).to_have_text(LABEL)
    corrections = history.get_by_test_id("cluster-correction")
    expect(corrections).to_have_count(1)
    expect(corrections.first).to_have_attribute("data-kind", "RENAME")
    expect(corrections.first.locator("p").first).to_have_text(
        re.compile(rf"^陈晨 named it “{re.escape(LABEL)}” (now|.+ ago)$")
    )
    expect(corrections.first).to_contain_text(f"Why: {WHY}")

    # Adopt the cluster: its five pain points are adopted, the proposal is linked.
    detail.get_by_role("button", name="Adopt cluster").click()
    adopt = page.get_by_test_id("adopt-cluster-dialog")
    expect(adopt.get_by_role("heading")).to_have_text(f"Adopt “{LABEL}”")
    adopt.get_by_label("Why it is adopted (optional)").fill(NOTE)
    adopt.get_by_role("button", name="Adopt and make the proposal").click()
    outcome = detail.get_by_test_id("adopted-proposal")
    expect(outcome).to_have_text(f"Adopted {len(CHECKOUT)} pain points. Proposal: {LABEL}")
    members = detail.get_by_test_id("cluster-member")
    expect(members.get_by_test_id("pain-point-status").filter(has_text="ADOPTED")).to_have_count(
        len(CHECKOUT)
    )
    screenshot(page, "cluster-adopted-as-proposal")
    _no_live_note(page)  # no "0 new pain points joined a cluster" after a rename and an adoption

    outcome.get_by_test_id("proposal-link").click()
    proposal = page.get_by_test_id("proposal")
    expect(proposal.get_by_role("heading", level=1)).to_have_text(LABEL)
    proposal_id = proposal.get_attribute("data-proposal-id")
    assert proposal_id is not None
    assert page.url.endswith(f"#/proposals/{proposal_id}")
    expect(proposal.get_by_test_id("proposal-status")).to_have_text("Open")
    expect(proposal.get_by_test_id("problem-statement")).to_contain_text("关键词：")
    expect(proposal.get_by_test_id("proposal-counts")).to_have_text(
        f"{len(CHECKOUT)} pain points ({len(CHECKOUT)} adopted) from 1 case, by 1 author"
    )
    expect(proposal.get_by_test_id("proposal-customers")).to_have_text("Affected customer: 华润万家")
    expect(proposal.get_by_test_id("proposal-seen")).to_contain_text(
        re.compile(r"First seen .+, last seen .+")
    )
    expect(proposal.get_by_test_id("proposal-adopted")).to_contain_text("Adopted by 陈晨")
    expect(proposal).to_contain_text(f"Note: {NOTE}")
    for text in (CHECKOUT[0], CHECKOUT[2]):
        expect(proposal.locator(".representatives")).to_contain_text(text)
    expect(proposal.locator(".representatives li").first).to_contain_text(
        "华南零售 South China retail · 华润万家 · by Olivia Owner"
    )
    screenshot(page, "proposal")

    # The exports need the token: the page fetches them with it and hands the browser a file.
    with page.expect_download() as caught:
        proposal.get_by_role("button", name="Download Markdown").click()
    markdown_file = caught.value
    assert markdown_file.suggested_filename == f"proposal-{proposal_id}.md"
    markdown = Path(markdown_file.path()).read_text(encoding="utf-8")
    assert markdown.startswith(f"# {LABEL}\n")
    assert NOTE in markdown
    assert "Card payment fails at checkout during the evening peak" in markdown  # English
    assert "结账时银行卡支付失败，晚高峰尤其严重" in markdown  # Chinese
    with page.expect_download() as caught:
        proposal.get_by_role("button", name="Download JSON").click()
    exported = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert (exported["id"], exported["title"], exported["clusterId"]) == (proposal_id, LABEL, cluster["id"])
    assert {r["text"] for r in exported["evidence"]["representatives"]} == set(CHECKOUT)

    # R&D decide: the status changes on the page and in the list.
    decide = proposal.get_by_test_id("proposal-decide")
    decide.get_by_label("Set the status").select_option("ACCEPTED")
    decide.get_by_role("button", name="Save").click()
    expect(proposal.get_by_test_id("proposal-status")).to_have_text("Accepted")
    expect(proposal.get_by_test_id("proposal-counts")).to_contain_text(f"{len(CHECKOUT)} pain points")
    expect(proposal.locator(".representatives li")).to_have_count(len(CHECKOUT))

    # The list, by status.
    page.get_by_role("link", name="Proposals", exact=True).click()
    expect(page.get_by_role("heading", name="Requirement proposals")).to_be_visible()
    listed = page.locator(f'[data-testid=proposal][data-proposal-id="{proposal_id}"]')
    expect(listed.get_by_role("link", name=LABEL)).to_be_visible()
    expect(listed.get_by_test_id("download-md")).to_be_visible()
    status = page.get_by_label("Status")
    status.select_option("ACCEPTED")
    expect(listed).to_be_visible()
    expect(page.locator('[data-testid=proposal]:not([data-status="ACCEPTED"])')).to_have_count(0)
    status.select_option("OPEN")
    expect(listed).to_have_count(0)
    status.select_option("DECLINED")
    expect(page.get_by_test_id("no-proposals")).to_have_text("No proposal has this status.")
    expect(listed).to_have_count(0)
    status.select_option("")
    expect(listed).to_be_visible()
    screenshot(page, "proposals")

    # Adopting again makes no second proposal; the page says which one it has.
    _open_cluster(page, cluster["id"])
    detail.get_by_role("button", name="Adopt cluster").click()
    page.get_by_test_id("adopt-cluster-dialog").get_by_role(
        "button", name="Adopt and make the proposal"
    ).click()
    expect(detail.get_by_test_id("adopted-proposal")).to_have_text(
        f"This cluster was adopted already. Proposal: {LABEL}"
    )

    # Undo the rename: the history keeps it, marked undone by whom.
    correction = history.get_by_test_id("cluster-correction").first
    correction.get_by_role("button", name="Undo").click()
    page.get_by_test_id("undo-correction-dialog").get_by_role("button", name="Undo").click()
    expect(correction.get_by_test_id("correction-undone")).to_contain_text("Undone by 陈晨")
    expect(correction.get_by_role("button", name="Undo")).to_have_count(0)
    stored = api.call(proposals_team.rd, "ClusterCorrectionHistory", id=cluster["id"])["painPointCluster"]
    assert [(c["kind"], c["undoneBy"]["name"]) for c in stored["corrections"]["nodes"]] == [
        ("RENAME", "陈晨")
    ]
    screenshot(page, "cluster-corrections")

    # A welding pain point is moved into this cluster, then out of every cluster; the history says so.
    welding = proposals_team.welding
    _open_cluster(page, welding["id"])
    members = detail.get_by_test_id("cluster-member")
    expect(members).to_have_count(welding["size"])
    row = members.first
    moved_id = row.get_attribute("data-pain-point-id")
    row.get_by_role("button", name="Move…").click()
    move = page.get_by_test_id("move-pain-point-dialog")
    move.locator("select[name=to]").select_option(cluster["id"])
    move.get_by_label("Why (optional)").fill("其实是支付问题 (a payment problem)")
    move.get_by_role("button", name="Move", exact=True).click()
    expect(detail.locator(f'[data-pain-point-id="{moved_id}"]')).to_have_count(0)
    expect(members).to_have_count(welding["size"] - 1)

    _open_cluster(page, cluster["id"])
    moved = detail.locator(f'[data-testid=cluster-member][data-pain-point-id="{moved_id}"]')
    expect(moved).to_be_visible()
    latest = history.get_by_test_id("cluster-correction").first
    expect(latest).to_have_attribute("data-kind", "MOVE")
    expect(latest).to_contain_text("陈晨 moved a pain point into it")
    expect(latest).to_contain_text("Why: 其实是支付问题 (a payment problem)")
    moved.get_by_role("button", name="Move…").click()
    move.locator("select[name=to]").select_option("")
    move.get_by_role("button", name="Move", exact=True).click()
    expect(moved).to_have_count(0)
    expect(history.get_by_test_id("cluster-correction").first).to_have_attribute("data-kind", "UNCLUSTER")
    expect(history.get_by_test_id("cluster-correction").first).to_contain_text(
        "陈晨 took a pain point out of every cluster"
    )
    stored = api.call(proposals_team.rd, "PainPointClusters", first=20, members=20)["painPointClusters"]
    assert moved_id in {p["id"] for p in stored["unclustered"]}
    screenshot(page, "cluster-moved")
    _no_live_note(page)  # a moved pain point is no new one

    # A member of the team sees no proposals link, and the list refuses them.
    member = signed_in(proposals_team.owner)
    expect(member.get_by_role("link", name="Proposals", exact=True)).to_have_count(0)
    member.goto("/#/proposals")
    expect(member.get_by_role("alert")).to_be_visible()
    expect(member.get_by_test_id("proposal")).to_have_count(0)
