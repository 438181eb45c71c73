"""R&D's clusters page: re-cluster a team's pain points from the page, read the cards, filter, drill in, adopt.

Live: a second R&D page and a case owner's Pain points tab follow clusterEvents — new runs and grown clusters
show there without a reload.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, Route, expect

from server.domain.demo import team as demo
from tests.browser.pages import open_page, sign_in

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.clustered import ClusteredTeam
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

# The demo team is the test server's second team: its R&D person sees every case of it, and nothing
# the other browser tests record (in the other team) changes its clusters.
OWNER = "alice@demo.warroom"
EDITOR = "bob@demo.warroom"
RD = "rita@demo.warroom"
# The re-clustering job embeds and clusters in the server's process with the real model (UMAP + HDBSCAN).
JOB_MS = 180_000
MEMBERS_PAGE = 10  # an opened cluster lists its pain points ten at a time

THEMES: dict[str, tuple[str, list[str]]] = {
    "Payments": (
        "card",
        [
            "Card payment declined twice at checkout",
            "Visa card payments are declined during the evening peak",
            "Customers see 'payment declined' although their card has funds",
            "Credit card declined at checkout on the mobile app",
            "Card payment fails with an error after entering the CVV",
            "Mastercard payments rejected at checkout since Monday",
            "Checkout declines debit cards that work in other shops",
            "Payment declined message when paying by card over 500 euros",
            "Card payment at checkout times out and then shows declined",
            "Corporate credit cards are declined at checkout",
            "Second card payment attempt is declined after the first failed",
            "Customers abandon carts because card payments are declined",
        ],
    ),
    "Refunds": (
        "refund",
        [
            "Refund for a returned order has not arrived after three weeks",
            "Customer still waiting for the refund of a cancelled order",
            "Refunds take more than 14 days to reach the bank account",
            "Refund was confirmed by email but the money never arrived",
            "Partial refund for a damaged item is still missing",
            "Refund status stuck on processing for two weeks",
            "Customer asked four times where their refund is",
            "Refund went to an old card that is already closed",
            "No refund received for the duplicate charge last month",
            "Refund of the delivery fee was never paid back",
            "Refunds for gift card purchases do not arrive",
            "Customer complains refund is slower than at competitors",
        ],
    ),
    "Accounts": (
        "password",
        [
            "Password reset email never arrives",
            "Cannot log in after changing the password",
            "Two-factor login code arrives too late and expires",
            "Account locked after three wrong passwords with no way to unlock",
            "Password reset link says it has expired immediately",
            "Login page keeps asking for the password again",
            "SMS verification code for login is never received",
            "Users are logged out every few minutes and must sign in again",
            "Password reset does not work for accounts created by the sales team",
            "Cannot sign in with the new password after a reset",
            "Login fails on the mobile app but works in the browser",
            "Account login blocked after changing phone number for two-factor codes",
        ],
    ),
    "Logistics": (
        "delivery",
        [
            "Delivery arrived five days later than promised",
            "Parcel tracking has shown 'in transit' for a week",
            "Delivery driver never came during the booked time slot",
            "Late delivery of the spare parts stopped the customer's production line",
            "Tracking number does not work on the courier's website",
            "Delivery was left at the wrong address",
            "Express delivery took as long as the standard one",
            "Customer was not notified that the delivery was delayed",
            "Delivery of large orders is split into many late shipments",
            "Pallet delivery to the warehouse missed the agreed date",
            "The delivery date changes every time the customer checks tracking",
            "Deliveries to rural areas are always late",
        ],
    ),
}
# A few say something else entirely: after the run they are placed in no cluster, and R&D still sees them.
STRAYS = [
    "The printed user manual is only available in English, the customer needs Portuguese",
    "Sales rep asked for a larger font in the quarterly PDF report",
]


def _token(api: Api, email: str) -> str:
    return str(api.call(None, "Login", email=email, password=demo.PASSWORD)["login"]["token"])


def _demo_case(api: Api, token: str) -> str:
    cases = api.call_with_token(token, "Cases", first=50)["cases"]["nodes"]
    return next(str(c["id"]) for c in cases if c["title"] == demo.CASE_TITLE)


def _inputs(case_id: str) -> list[dict[str, Any]]:
    inputs = []
    for product, (tag, texts) in THEMES.items():
        for i, text in enumerate(texts):
            # Two customers, so the customer filter has something to choose between.
            customer = "Globex Foods" if i % 3 == 0 else None
            inputs.append(
                {"caseId": case_id, "text": text, "product": product, "tags": [tag], "customer": customer}
            )
    return inputs


def _sign_in(page: Page, email: str) -> None:
    page.goto("/#/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()


@pytest.mark.timeout(360)
def test_rd_reclusters_reads_filters_and_adopts_from_the_clusters_page(
    api: Api,
    people: People,
    new_page: Callable[[], Page],
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    owner = _token(api, OWNER)
    case_id = _demo_case(api, owner)
    # Pain points the session's shared fixtures recorded in the demo team before this test (none are clustered).
    waiting = api.call_with_token(_token(api, RD), "PainPointClusters")["painPointClusters"][
        "unclusteredCount"
    ]
    results = api.call_with_token(owner, "SubmitPainPoints", inputs=_inputs(case_id))["submitPainPoints"]
    assert [r["__typename"] for r in results] == ["PainPoint"] * len(results)

    # Watching live: the owner's Pain points tab, and a second R&D page filtered to one product.
    alice = new_page()
    _sign_in(alice, OWNER)
    alice.goto(f"/#/cases/{case_id}")
    alice.get_by_role("tab", name="Pain points").click()
    case_list = alice.get_by_test_id("pain-point-list")
    expect(case_list.get_by_test_id("pain-point-cluster").first).to_have_text(
        "Not in a cluster yet", timeout=20_000
    )
    watcher = new_page()
    _sign_in(watcher, RD)
    watcher.get_by_role("link", name="Clusters").click()
    expect(watcher.get_by_test_id("no-clusters")).to_have_text(
        f"No clusters yet: {waiting + len(results)} pain points wait for the first clustering. Re-cluster now to "
        "group them."
    )
    watcher_filters = watcher.get_by_role("form", name="Filter clusters")
    watcher_filters.get_by_label("Product").fill("Refunds")
    watcher_filters.get_by_role("button", name="Apply").click()

    rita = new_page()
    _sign_in(rita, RD)
    rita.get_by_role("link", name="Clusters").click()
    expect(rita.get_by_role("heading", name="Pain-point clusters")).to_be_visible()
    expect(rita.get_by_test_id("unclustered")).to_be_visible()

    rita.get_by_role("button", name="Re-cluster now").click()
    status = rita.get_by_test_id("recluster-status")
    expect(status).to_have_attribute("data-status", re.compile("QUEUED|RUNNING|SUCCEEDED"))
    expect(status).to_have_attribute("data-status", "SUCCEEDED", timeout=JOB_MS)
    expect(status).to_have_text("Re-clustered. The clusters below are the new run.")
    expect(rita.get_by_test_id("cluster-run")).to_contain_text("pain points in")

    cards = rita.get_by_test_id("cluster-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 3, f"expected the four themes to form at least 3 clusters, got {cards.count()}"
    # The refund theme's cluster: the largest card with a refund keyword (cards come largest first). In a
    # team under 120 pain points a cluster may hold 3 (docs/clustering.md), and a few of the theme's twelve
    # texts can form one of their own beside it, depending on what else the session's team holds; most of
    # the theme is in the first (checked below: at least eight).
    refunds = cards.filter(has=rita.locator(".keywords li", has_text=re.compile(r"^refund"))).first
    expect(refunds).to_be_visible()
    expect(refunds.get_by_test_id("cluster-size")).to_have_text(re.compile(r"^\d+ pain points$"))
    expect(refunds.locator(".representatives li")).to_have_count(5)
    expect(refunds.get_by_test_id("sparkline")).to_have_attribute(
        "aria-label", re.compile(r"Pain points per week: .*: \d+")
    )
    expect(refunds.locator(".sparkline-line")).to_have_count(1)

    # The run reached the pages that did not start it, without a reload: the watcher's filter still holds…
    watched = watcher.get_by_test_id("cluster-card")
    expect(watcher.get_by_test_id("clusters-live")).to_contain_text("A re-clustering finished")
    expect(
        watched.filter(has=watcher.locator(".keywords li", has_text=re.compile(r"^refund"))).first
    ).to_be_visible()
    # (each card shows only the refund texts: without the filter the card payments would be there too)
    examples = watcher.locator(".representatives li")
    expect(examples.first).to_be_visible()
    expect(examples.filter(has_not_text=re.compile("refund", re.IGNORECASE))).to_have_count(0)
    expect(watcher.get_by_test_id("no-clusters")).to_have_count(0)
    # …and the owner's list labels its pain points with their new clusters.
    listed = api.call_with_token(owner, "CasePainPoints", caseId=case_id, first=20)["casePainPoints"]["nodes"]
    placed = next(p for p in listed if p["cluster"])
    expect(
        case_list.locator(f'[data-pain-point-id="{placed["id"]}"]').get_by_test_id("pain-point-cluster")
    ).to_have_text(placed["cluster"]["label"])

    # Filters narrow every card: only logistics pain points are left.
    filters = rita.get_by_role("form", name="Filter clusters")
    filters.get_by_label("Product").fill("Logistics")
    filters.get_by_role("button", name="Apply").click()
    expect(cards.filter(has=rita.locator(".keywords li", has_text=re.compile(r"^refund")))).to_have_count(0)
    expect(cards.first.locator(".representatives")).to_contain_text(re.compile("[Dd]eliver|[Tt]racking"))
    filters.get_by_label("Min. size").fill("100")
    filters.get_by_role("button", name="Apply").click()
    expect(rita.get_by_test_id("no-clusters")).to_have_text("No cluster matches the filter.")
    filters.get_by_role("button", name="Clear").click()
    expect(refunds).to_be_visible()

    # Drill into the refunds cluster: its members come ten at a time; adopt one of them.
    size = int(refunds.get_by_test_id("cluster-size").inner_text().split()[0])
    assert size >= 8, f"the refund theme's twelve texts: only {size} in its largest cluster"
    refunds.get_by_role("button", name="Open cluster").click()
    detail = rita.get_by_test_id("cluster-detail")
    members = detail.get_by_test_id("cluster-member")
    expect(members).to_have_count(min(size, MEMBERS_PAGE))
    if size > MEMBERS_PAGE:
        detail.get_by_role("button", name="Show more").click()
        expect(members).to_have_count(min(size, 2 * MEMBERS_PAGE))
    chosen = members.filter(has_text="Refund status stuck on processing for two weeks")
    if chosen.count() == 0:  # the model may place a refund text elsewhere; adopt whichever is first then
        chosen = members.first
    text = chosen.locator(".pain-point-text").inner_text()
    pain_point_id = chosen.get_attribute("data-pain-point-id")
    chosen.get_by_role("button", name="Adopt").click()
    chosen.get_by_label("Note for the roadmap (optional)").fill("Q3 roadmap: refund tracking page")
    chosen.get_by_role("button", name="Adopt into roadmap").click()
    adopted = detail.locator(f'[data-pain-point-id="{pain_point_id}"]')
    expect(adopted.get_by_test_id("pain-point-status")).to_have_text("ADOPTED")
    expect(adopted).to_contain_text("Adopted: Q3 roadmap: refund tracking page")
    expect(adopted.get_by_role("button", name="Adopt")).to_have_count(0)
    stored = api.call_with_token(owner, "PainPoint", id=pain_point_id)["painPoint"]
    assert (stored["status"], stored["text"]) == ("ADOPTED", text)
    screenshot(rita, "cluster-adopted")

    # Another member records a refund pain point: it joins a cluster, and every page shows it live.
    watched_refunds = watched.filter(
        has=watcher.locator(".keywords li", has_text=re.compile(r"^refund"))
    ).first
    before = int(watched_refunds.get_by_test_id("cluster-size").inner_text().split()[0])
    joined = {
        "caseId": case_id,
        "text": "The customer sent the broken blender back and is still waiting for the refund",
        "product": "Refunds",
        "tags": ["refund"],
    }
    new = api.call_with_token(_token(api, EDITOR), "SubmitPainPoint", input=joined)["submitPainPoint"]
    grown = api.call_with_token(owner, "PainPoint", id=new["id"])["painPoint"]["cluster"]
    assert grown is not None, "the model placed the new refund pain point in no cluster"
    row = case_list.locator(f'[data-pain-point-id="{new["id"]}"]')
    expect(row.get_by_test_id("pain-point-cluster")).to_have_text(grown["label"])
    expect(row).not_to_contain_text("by you")
    expect(rita.get_by_test_id("clusters-live")).to_contain_text("1 new pain point joined a cluster.")
    expect(detail).to_be_visible()  # the opened cluster stays open
    expect(adopted.get_by_test_id("pain-point-status")).to_have_text("ADOPTED")
    if watched_refunds.get_attribute("data-cluster-id") == grown["id"]:
        expect(watched_refunds.get_by_test_id("cluster-size")).to_have_text(f"{before + 1} pain points")
    else:
        expect(watcher.get_by_test_id("clusters-live")).to_contain_text("1 new pain point joined a cluster.")
    screenshot(watcher, "clusters-live")

    # Pain points that fit no cluster stay visible, apart.
    strays = [{"caseId": case_id, "text": text, "product": "Docs"} for text in STRAYS]
    api.call_with_token(owner, "SubmitPainPoints", inputs=strays)
    detail.get_by_role("button", name="← All clusters").click()
    filters.get_by_role("button", name="Apply").click()
    unclustered = rita.get_by_test_id("unclustered")
    expect(unclustered.get_by_role("heading")).to_have_text(re.compile(r"Not in any cluster \([1-9]\d*\)"))
    expect(unclustered).to_contain_text(STRAYS[0])
    expect(refunds).to_have_count(1)
    screenshot(rita, "clusters")

    # A member of a case sees no Clusters link: the page is R&D's tool.
    member = signed_in(people.alice)
    expect(member.get_by_role("link", name="Cases")).to_be_visible()
    expect(member.get_by_role("link", name="Clusters")).to_have_count(0)


# Records every moment the page shows a finished re-clustering beside one still under way.
_WATCH_FINISHED_BESIDE_PROGRESS = """() => {
  window.finishedBesideProgress = [];
  const check = () => {
    const status = document.querySelector("[data-testid=recluster-status]");
    const live = document.querySelector("[data-testid=clusters-live]");
    const underWay = ["QUEUED", "RUNNING"].includes(status?.dataset.status ?? "");
    if (underWay && live && !live.hidden && live.textContent.includes("finished")) {
      window.finishedBesideProgress.push(`${status.textContent} | ${live.textContent}`);
    }
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}"""


def _recluster(page: Page) -> None:
    page.get_by_role("button", name="Re-cluster now").click()
    expect(page.get_by_test_id("recluster-status")).to_have_attribute(
        "data-status", "SUCCEEDED", timeout=JOB_MS
    )


@pytest.mark.timeout(240)
def test_a_page_without_clusters_says_why_and_counts_in_words(
    api: Api, people: People, signed_in: Callable[[Person], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    rd = people.rd  # alone in a team of their own
    page = signed_in(rd)
    page.get_by_role("link", name="Clusters").click()
    empty = page.get_by_test_id("no-clusters")
    expect(empty).to_have_text("No clusters yet: your team has recorded no pain points.")

    case_id = api.create_case(rd, "冷链验收", "Lotus Foods", {})
    api.call(rd, "SubmitPainPoint", input={"caseId": case_id, "text": "冷链车厢的温度记录缺失，门店拒绝收货"})
    page.reload()
    expect(empty).to_have_text(
        "No clusters yet: 1 pain point waits for the first clustering. Re-cluster now to group them."
    )

    page.evaluate(_WATCH_FINISHED_BESIDE_PROGRESS)
    _recluster(page)
    # One pain point forms no cluster: the page says so, and no filter is blamed.
    expect(page.get_by_test_id("cluster-run")).to_contain_text("1 pain point in 0 clusters, 1 in none")
    expect(empty).to_contain_text("The latest clustering formed no cluster")
    expect(empty).to_contain_text("1 pain point is listed below.")
    expect(empty).not_to_contain_text("filter")
    screenshot(page, "clusters-none-formed")

    filters = page.get_by_role("form", name="Filter clusters")
    filters.get_by_label("Min. size").fill("2")
    filters.get_by_role("button", name="Apply").click()
    expect(empty).to_have_text("No cluster matches the filter.")
    filters.get_by_role("button", name="Clear").click()
    expect(empty).to_contain_text("The latest clustering formed no cluster")

    # unrelated to the first (a cold-chain complaint in English would join it: two pain points can cluster)
    english = "The invoice PDF shows last year's VAT number"
    api.call(rd, "SubmitPainPoint", input={"caseId": case_id, "text": english})
    _recluster(page)
    expect(page.get_by_test_id("cluster-run")).to_contain_text("2 pain points in 0 clusters, 2 in none")
    expect(empty).to_contain_text("2 pain points are listed below.")
    assert page.evaluate("window.finishedBesideProgress") == []


def test_a_refused_re_clustering_says_when_to_try_again_and_waits_it_out(
    new_page: Callable[..., Page], people: People
) -> None:
    """RATE_LIMITED's retryAfter in words (seconds under a minute, else about so many minutes); the button
    comes back once the wait is over. The server's refusals are stood in for: its limit is off in tests."""
    page = open_page(new_page, "zh-CN")
    sign_in(page, people.rd)
    waits = iter([3, 249])

    def refuse(route: Route) -> None:
        body = route.request.post_data_json
        if not (isinstance(body, dict) and body.get("operationName") == "ReclusterPainPoints"):
            route.fallback()
            return
        error = {
            "message": "Your team's pain points were re-clustered recently.",
            "extensions": {"code": "RATE_LIMITED", "retryAfter": next(waits)},
        }
        route.fulfill(json={"data": None, "errors": [error]})

    page.route("**/graphql", refuse)
    page.goto("/#/clusters")
    button = page.get_by_role("button", name="立即重新聚类")
    status = page.get_by_test_id("recluster-status")
    button.click()
    expect(status).to_have_text("操作过于频繁，请 3 秒后再试。")
    expect(button).to_be_disabled()
    expect(button).to_be_enabled(timeout=6_000)
    expect(status).to_be_empty()

    button.click()
    expect(status).to_have_text("操作过于频繁，请约 5 分钟后再试。")
    expect(button).to_be_disabled()
    page.wait_for_timeout(4_000)  # longer than the first wait: this one is minutes
    expect(button).to_be_disabled()


def test_a_reader_who_sees_none_of_the_run_is_told_so_and_offered_no_re_clustering(
    api: Api,
    proposals_team: ClusteredTeam,
    proposals_hr: Person,
    new_page: Callable[..., Page],
    signed_in: Callable[[Person], Page],
) -> None:
    """HR of a clustered team, on none of its cases: the header gives the team's run, the body says none of it
    is open to them (not that the run formed no cluster), across the page; no re-cluster button."""
    run = api.call(proposals_team.rd, "PainPointClusters")["painPointClusters"]["run"]
    assert run["clusterCount"] > 0
    page = open_page(new_page, "zh-CN")
    sign_in(page, proposals_hr)
    page.goto("/#/clusters")
    head = page.get_by_test_id("cluster-run")
    expect(head).to_contain_text(
        f"{run['painPointCount']} 条痛点分为 {run['clusterCount']} 个聚类，{run['unclusteredCount']} 条未归类。"
    )
    expect(head).to_contain_text(re.compile(r"^团队痛点聚类（.+）："))
    expect(head).not_to_contain_text(re.compile("umap|hdbscan|bilingual", re.IGNORECASE))
    expect(head).to_have_attribute("title", f"聚类方法：{run['method']} · 向量模型：{run['model']}")
    empty = page.get_by_test_id("no-clusters")
    expect(empty).to_have_text(
        f"最近一次聚类的 {run['painPointCount']} 条痛点都未向你开放：你能查看自己参与的项目中的痛点，"
        "以及可见性策略向你开放的痛点。"
    )
    expect(page.get_by_test_id("unclustered")).to_be_hidden()
    box = empty.bounding_box()
    assert box
    assert box["width"] > 600, f"the sentence is squeezed into {box['width']} px"
    expect(page.get_by_role("button", name="立即重新聚类")).to_have_count(0)

    # A case owner (a member) reads the clusters of their cases, and is not offered the re-clustering either.
    owner = signed_in(proposals_team.owner)
    owner.goto("/#/clusters")
    expect(owner.get_by_test_id("cluster-card").first).to_be_visible()
    expect(owner.get_by_role("button", name="Re-cluster now")).to_have_count(0)
