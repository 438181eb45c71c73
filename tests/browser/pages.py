"""Every page of the war room as the people who see it, with the data that fills it: the walk that the
language test (test_i18n.py) and the accessibility test (test_accessibility.py) both take."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from server.domain.demo import team as demo

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.clustered import ClusteredTeam
    from tests.browser.conftest import Api, People, Person

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "frontend" / "src" / "i18n" / "locales"
# What is done with a page once it shows what it should (its name: "warroom-versions").
Look = Callable[[Page, str], None]
# Sends, reads and the rendering that follows them: a page is checked once none is under way.
_COUNT_REQUESTS = """
(() => {
  let pending = 0;
  const settle = () => setTimeout(() => { pending--; }, 0);
  const fetch = window.fetch.bind(window);
  window.fetch = (...args) => { pending++; return fetch(...args).finally(settle); };
  const json = Response.prototype.json;
  Response.prototype.json = function () { pending++; return json.call(this).finally(settle); };
  window.__pendingRequests = () => pending;
})();
"""


def settle(page: Page) -> None:
    """Waits until no request (nor the rendering that follows it) is under way: open_page counts them."""
    page.wait_for_function("() => window.__pendingRequests && window.__pendingRequests() === 0")


def _leaves(tree: dict[str, object], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", str(value)


@cache
def messages(language: str) -> dict[str, str]:
    return dict(_leaves(json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8"))))


def demo_person(people: People, email: str) -> Person:
    """A person of the demo team the server seeds: bilingual data, finance and HR among them."""
    found = next(p for p in demo.PEOPLE if p.email == email)
    return replace(
        people.alice,
        email=found.email,
        name=found.name,
        password=demo.PASSWORD,
        role=found.role.value,
        team=demo.TEAM,
    )


@dataclass(frozen=True)
class World:
    """What the pages show: a case with comments, versions and pain points; points, a reward, approvals."""

    owner: Person
    hr: Person
    finance: Person
    rd: Person
    case_id: str
    thread_id: str
    legal: Person
    admin: Person
    # Sam opens the case read-only through a visibility policy (its region is one of his).
    sam: Person
    sam_id: str
    # A knowledge asset published from the case in two versions (the library, its page, the diff).
    asset_id: str


def make_world(api: Api, people: People) -> World:
    alice, bob, sam, hana, zhou, rita, ada = (
        demo_person(people, f"{name}@demo.warroom")
        for name in ("alice", "bob", "sam", "hana", "zhou", "rita", "admin")
    )
    suffix = uuid.uuid4().hex[:6]
    case_id = api.create_case(alice, f"华东物流续约 {suffix}", "华东物流", {bob: "EDITOR"})
    thread = api.call(alice, "AddComment", input={"caseId": case_id, "body": "报价里的运费谁来确认？"})[
        "addComment"
    ]
    api.call(bob, "ReplyToComment", commentId=thread["id"], body="我来，周四前给答复。")
    done = api.call(bob, "AddComment", input={"caseId": case_id, "body": "合同模板已更新。"})["addComment"]
    api.call(alice, "ResolveComment", commentId=done["id"])
    snapshot = api.call(alice, "CreateSnapshot", caseId=case_id, label="发给客户的版本")["createSnapshot"]
    material = api.upload_material(alice, case_id, "运费报价.txt", "运费报价：联系人 13812345678\n".encode())
    api.call(bob, "RequestMaterialAccess", materialId=material, reason="核对报价原文")
    for text in ("退款一直没到账，客户等了两周", "[图片]"):  # one accepted, one refused (a ticket to correct)
        pain_point = {
            "caseId": case_id,
            "text": text,
            "customer": "华东物流",
            "product": "支付",
            "tags": ["退款"],
        }
        api.call(alice, "SubmitPainPoint", input=pain_point)
    api.call(
        alice, "RecordOrderWon", caseId=case_id, amount="120000", painPointIds=[], reference=f"SO-{suffix}"
    )
    api.call(hana, "AdjustPoints", userId=api.user_id(alice), delta=300, reason="季度优秀贡献")
    # Large: it waits for another HR person's approval.
    api.call(hana, "AdjustPoints", userId=api.user_id(sam), delta=2000, reason="年度供应链奖")
    reward = api.call(
        hana,
        "CreateReward",
        input={"name": f"领导力课程 {suffix}", "kind": "TRAINING", "cost": 100, "stock": 5},
    )
    api.call(alice, "RedeemReward", rewardId=reward["createReward"]["id"])
    sam_id = _open_to_sam(api, ada, alice, sam, case_id)
    asset_id = _publish(api, alice, bob, case_id, snapshot["id"], suffix)
    return World(alice, hana, zhou, rita, case_id, thread["id"], people.legal, ada, sam, sam_id, asset_id)


def _publish(api: Api, owner: Person, reader: Person, case_id: str, snapshot_id: str, suffix: str) -> str:
    """The case's named version published twice (version 2 with a change note); Bob subscribes."""
    draft = {
        "caseId": case_id,
        "snapshotId": snapshot_id,
        "title": f"物流续约处置手册 {suffix}",
        "summary": "续约报价与运费确认的步骤",
        "tags": ["续约", "SOP"],
    }
    asset = api.call(owner, "PublishKnowledgeAsset", input=draft)["publishKnowledgeAsset"]
    api.call(reader, "SubscribeToKnowledgeAsset", id=asset["id"])
    api.call(owner, "PublishKnowledgeAsset", input={**draft, "changeNote": "补充运费确认人"})
    return str(asset["id"])


def _open_to_sam(api: Api, admin: Person, owner: Person, sam: Person, case_id: str) -> str:
    """The demo team's regions; the case in 华东, and a policy opening 华东's cases to Sam read-only."""
    regions = api.call(admin, "TeamRegions")["teamRegions"]
    missing = [region for region in ("华东", "华南", "EMEA") if region not in regions]
    if missing:
        api.call(admin, "SetTeamRegions", regions=[*regions, *missing])
    sam_id = api.user_id(sam)
    api.call(admin, "SetUserRegions", userId=sam_id, regions=["华东"])
    api.call(owner, "UpdateCase", id=case_id, input={"region": "华东"})
    policy = {
        "name": "华东只读（演示） East, read-only",
        "appliesTo": {"userIds": [sam_id]},
        "scope": "REGION_CASES",
        "caseAccess": "VIEWER",
        "views": ["CASES", "COMMENTS"],
        "maxAgeDays": 90,
        "maskCustomerFields": True,
        "validUntil": "2099-01-01T00:00:00+08:00",
    }
    api.call(admin, "CreateVisibilityPolicy", input=policy)
    return sam_id


@dataclass(frozen=True)
class Shaped:
    """A cluster R&D renamed and adopted: its correction history and its requirement proposal."""

    rd: Person
    cluster_id: str
    proposal_id: str


def make_shaped(api: Api, proposals_team: ClusteredTeam) -> Shaped:
    rd, cluster = proposals_team.rd, proposals_team.welding
    api.call(rd, "RenameCluster", id=cluster["id"], label="焊接轨迹偏移", reason="产线这么叫")
    adopted = api.call(rd, "AdoptCluster", id=cluster["id"], note="明年焊接产线改造")["adoptCluster"]
    return Shaped(rd, cluster["id"], adopted["proposal"]["id"])


def open_page(new_page: Callable[..., Page], locale: str) -> Page:
    page = new_page(locale)
    page.add_init_script(_COUNT_REQUESTS)
    return page


def sign_in(page: Page, person: Person) -> None:
    """Through the form, found by its fields' names (its labels are in the browser's language)."""
    page.goto("/#/signin")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(person.password)
    page.locator("form.signin-form button[type=submit]").click()
    expect(page.get_by_test_id("whoami")).to_have_text(person.name)


def room(page: Page, world: World) -> None:
    page.goto(f"/#/cases/{world.case_id}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")


def tab(page: Page, name: str) -> None:
    page.locator(f"#tab-{name}").click()
    expect(page.locator(f"#panel-{name}")).to_be_visible()


def war_room_pages(page: Page, world: World, look: Look) -> None:
    """The war room with each of its side panel's tabs and dialogs open."""
    room(page, world)
    expect(page.get_by_test_id("threads-open").get_by_test_id("comment-thread")).to_have_count(1)
    page.locator("details.thread-group summary").click()  # the resolved thread
    look(page, "warroom-comments")
    page.get_by_test_id("members-button").click()
    expect(page.locator("dialog.members-dialog")).to_be_visible()
    look(page, "warroom-members")
    page.keyboard.press("Escape")
    tab(page, "versions")
    version = page.get_by_test_id("version").filter(has_text="发给客户的版本")
    version.locator(".version-actions button").nth(1).click()  # what changed since, in brief
    expect(version.get_by_test_id("diff-brief")).to_be_visible()
    look(page, "warroom-versions")
    version.locator(".version-actions button").nth(2).click()  # restore: the confirmation
    expect(page.get_by_test_id("restore-dialog")).to_be_visible()
    look(page, "warroom-restore")
    page.keyboard.press("Escape")
    version.get_by_test_id("publish-version").click()  # publish as knowledge: the form, then the preview
    expect(page.get_by_test_id("publish-dialog")).to_be_visible()
    look(page, "warroom-publish")
    page.get_by_test_id("publish-preview").click()
    expect(page.get_by_test_id("preview-mask-count")).to_be_visible()
    look(page, "warroom-publish-preview")
    page.keyboard.press("Escape")
    tab(page, "pain-points")
    expect(page.get_by_test_id("pain-point")).to_have_count(1)
    expect(page.get_by_test_id("ticket")).to_have_count(1)
    look(page, "warroom-painpoints")
    tab(page, "contribution")
    expect(page.get_by_test_id("contribution-summary")).to_be_visible()
    look(page, "warroom-contribution")
    tab(page, "materials")
    expect(page.get_by_test_id("material-summary")).to_contain_text("138****5678")
    expect(page.get_by_test_id("material-request")).to_have_count(1)
    look(page, "warroom-materials")
    full_width_pages(page, world, look)


def full_width_pages(page: Page, world: World, look: Look) -> None:
    """The contribution page and the comparison of the named version with now (with a change in it)."""
    tab(page, "contribution")
    page.get_by_test_id("contribution-full-link").click()
    expect(page.get_by_test_id("contribution-page").get_by_test_id("contribution-heatmap")).to_be_visible()
    look(page, "contribution-full")
    page.get_by_test_id("back-to-case").click()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    marker = uuid.uuid4().hex[:6]
    page.get_by_test_id("editor").locator(".ProseMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(f"运费由 Bob 周四前确认（{marker}）。")
    tab(page, "versions")
    version = page.get_by_test_id("version").filter(has_text="发给客户的版本")
    version.get_by_test_id("open-compare").click()
    expect(page.get_by_test_id("diff-change").last).to_contain_text(f"（{marker}）")
    page.get_by_test_id("next-change").click()
    look(page, "compare")


def knowledge_pages(page: Page, world: World, look: Look) -> None:
    """The knowledge library, an asset with the diff of its two versions, and starting a case from it."""
    page.goto("/#/knowledge")
    expect(page.locator(f'[data-testid=asset][data-asset-id="{world.asset_id}"]')).to_have_count(1)
    look(page, "knowledge")
    page.goto(f"/#/knowledge/{world.asset_id}?from=1&to=2")
    expect(page.get_by_test_id("asset-diff")).to_be_visible()
    expect(page.get_by_test_id("asset-version-row")).to_have_count(2)
    look(page, "knowledge-asset")
    page.get_by_test_id("asset-start-case").click()
    expect(page.get_by_test_id("start-case-dialog")).to_be_visible()
    look(page, "knowledge-start-case")
    page.keyboard.press("Escape")


def proposal_pages(page: Page, shaped: Shaped, look: Look) -> None:
    """A cluster with its correction history and the adopt dialog, the proposals list and one proposal."""
    page.goto("/#/clusters")
    card = page.locator(f'[data-testid=cluster-card][data-cluster-id="{shaped.cluster_id}"]')
    card.locator("button.open-cluster").click()
    expect(page.get_by_test_id("cluster-correction")).not_to_have_count(0)
    expect(page.get_by_test_id("cluster-member")).not_to_have_count(0)
    look(page, "cluster-corrections")
    page.get_by_test_id("adopt-cluster").click()
    expect(page.get_by_test_id("adopt-cluster-dialog")).to_be_visible()
    look(page, "cluster-adopt")
    page.keyboard.press("Escape")
    page.get_by_test_id("move-pain-point").first.click()
    expect(page.get_by_test_id("move-pain-point-dialog")).to_be_visible()
    look(page, "cluster-move")
    page.keyboard.press("Escape")
    page.goto("/#/proposals")
    expect(page.get_by_test_id("proposal")).not_to_have_count(0)
    look(page, "proposals")
    page.goto(f"/#/proposals/{shaped.proposal_id}")
    expect(page.get_by_test_id("proposal").locator(".representatives li")).not_to_have_count(0)
    look(page, "proposal")


def every_page(
    new_page: Callable[..., Page],
    world: World,
    shaped: Shaped,
    language: str,
    locale: str,
    look: Look,
) -> None:
    """Every page, as each person who sees it, in the browser language `locale`, handed to `look` once shown."""
    anonymous = open_page(new_page, locale)
    anonymous.goto("/#/signin")
    expect(anonymous.locator("button.demo-login").first).to_be_visible()
    look(anonymous, "signin")
    anonymous.locator("input[name=email]").fill(world.owner.email)
    anonymous.locator("input[name=password]").fill("not the password")
    anonymous.locator("form.signin-form button[type=submit]").click()
    # The server's UNAUTHENTICATED, said by the sign-in form in the page's language (English: the server's words).
    wrong = messages(language)["errors.signin.UNAUTHENTICATED"].replace(
        "{{server}}", "Wrong email or password."
    )
    expect(anonymous.get_by_role("alert")).to_have_text(wrong)
    look(anonymous, "signin-refused")

    owner = open_page(new_page, locale)
    sign_in(owner, world.owner)
    expect(owner.locator("a.case-link").first).to_be_visible()
    look(owner, "cases")
    war_room_pages(owner, world, look)
    owner.goto("/#/wallet")
    expect(owner.get_by_test_id("redemption")).not_to_have_count(0)
    look(owner, "wallet")
    owner.get_by_test_id("reward").first.locator("button").click()  # redeem: the confirmation
    expect(owner.get_by_role("dialog")).to_be_visible()
    look(owner, "wallet-redeem")
    owner.keyboard.press("Escape")
    owner.goto("/#/inbox")  # Bob's reply in Alice's thread, his request to open a material of her case
    expect(owner.get_by_test_id("notification").filter(has_text="我来，周四前给答复。")).to_have_count(1)
    expect(owner.get_by_test_id("notification").filter(has_text="运费报价.txt")).to_have_count(1)
    look(owner, "inbox")
    owner.goto("/#/account")
    look(owner, "account")
    knowledge_pages(owner, world, look)
    owner.goto("/#/nowhere")
    look(owner, "not-found")

    rd = open_page(new_page, locale)
    sign_in(rd, world.rd)
    rd.goto("/#/clusters")
    expect(rd.get_by_test_id("cluster-run")).not_to_be_empty()
    look(rd, "clusters")

    chen = open_page(new_page, locale)
    sign_in(chen, shaped.rd)
    proposal_pages(chen, shaped, look)

    hr = open_page(new_page, locale)
    sign_in(hr, world.hr)
    hr.goto("/#/hr")
    expect(hr.get_by_test_id("pending-adjustment")).not_to_have_count(0)
    expect(hr.get_by_test_id("redemption")).not_to_have_count(0)
    expect(hr.get_by_test_id("point-rule")).not_to_have_count(0)
    look(hr, "hr")

    finance = open_page(new_page, locale)
    sign_in(finance, world.finance)
    finance.goto("/#/hr")
    expect(finance.get_by_test_id("pending-order")).not_to_have_count(0)
    look(finance, "approvals")

    legal = open_page(new_page, locale)
    sign_in(legal, world.legal)
    legal.goto("/#/access-requests")
    expect(legal.get_by_test_id("access-requests").locator("li")).not_to_have_count(0)
    look(legal, "access-requests")

    admin = open_page(new_page, locale)
    sign_in(admin, world.admin)
    admin_pages(admin, world, look)
    sam = open_page(new_page, locale)
    sign_in(sam, world.sam)
    # Sam's policy masks the customer: the war room shows the redacted copy, read-only, with no live socket.
    sam.goto(f"/#/cases/{world.case_id}")
    expect(sam.get_by_test_id("masked-by")).to_be_visible()
    expect(sam.get_by_test_id("access-via")).to_have_attribute("data-policy-id", re.compile(r"."))
    look(sam, "warroom-through-policy")


def admin_pages(page: Page, world: World, look: Look) -> None:
    """Who sees what: regions, people, policies and who has what; a policy's form with its mistakes named;
    the question before deleting one."""
    page.goto("/#/admin/access")
    expect(page.get_by_test_id("policy")).not_to_have_count(0)
    expect(page.get_by_test_id("person")).not_to_have_count(0)
    page.get_by_test_id("who-person").select_option(world.sam_id)
    expect(page.get_by_test_id("who-policy")).not_to_have_count(0)
    look(page, "admin-access")
    page.get_by_test_id("new-policy").click()
    page.get_by_test_id("save-policy").click()
    expect(page.get_by_test_id("error-name")).to_be_visible()
    look(page, "admin-access-form")
    page.get_by_test_id("policy").first.get_by_test_id("delete-policy").click()
    expect(page.get_by_test_id("delete-policy-dialog")).to_be_visible()
    look(page, "admin-access-delete")
    page.keyboard.press("Escape")
