"""The admin page of who sees what (#/admin/access): an admin keeps the team's regions and people's regions,
opens a region's cases to a director read-only with a policy, sees who has what, expires the policy; the
director sees the case read-only with the policy named as the reason, then no more. Non-admins get no page
and the API refuses them. Mistakes in a policy are named in Chinese and English. Screenshots: test-output/."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import ACCESS_ADMIN, DIRECTOR, RECHECK_SECONDS, REGION_OWNER
from tests.browser.editor import editor, select_text
from tests.browser.pages import messages, open_page, sign_in
from tests.browser.test_comments import _threads

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, Person

pytestmark = pytest.mark.browser


def _admin_page(signed_in: Callable[[Person], Page]) -> Page:
    page = signed_in(ACCESS_ADMIN)
    page.get_by_test_id("nav-admin-access").click()
    expect(page.get_by_role("heading", name="Who sees what")).to_be_visible()
    return page


def _add_region(page: Page, region: str) -> None:
    regions = page.get_by_test_id("team-regions")
    if regions.locator(f'[data-region="{region}"]').count():
        return  # an earlier test of this session added it
    page.get_by_label("New region").fill(region)
    page.get_by_role("button", name="Add region").click()
    expect(regions.locator(f'[data-region="{region}"]')).to_be_visible()


def _case_row(page: Page, title: str) -> Locator:
    return page.locator(".case-list .case-row", has_text=title)


def test_an_admin_opens_a_region_to_a_director_read_only_until_the_policy_expires(
    api: Api, signed_in: Callable[[Person], Page], screenshot: Callable[[Page, str], Path]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    admin = _admin_page(signed_in)
    _add_region(admin, "华南")
    _add_region(admin, "华东")
    # The director works in 华南 (through the people table).
    person = admin.locator(f'[data-testid=person][data-user-id="{api.user_id(DIRECTOR)}"]')
    person.get_by_test_id("edit-regions").click()
    person.get_by_test_id("regions-editor").get_by_label("华南").check()
    person.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status").filter(has_text=f"Regions of {DIRECTOR.name} saved.")).to_be_visible()
    expect(person.get_by_test_id("person-regions")).to_have_text("华南")

    south = f"华南门店升级 {suffix}"
    east = f"华东仓储 {suffix}"
    api.call(REGION_OWNER, "CreateCase", input={"title": south, "customer": "阿里零售", "region": "华南"})
    api.call(REGION_OWNER, "CreateCase", input={"title": east, "customer": "华为终端", "region": "华东"})
    director = signed_in(DIRECTOR)
    expect(director.locator(".case-list")).to_have_attribute("aria-busy", "false")
    expect(_case_row(director, south)).to_have_count(0)

    # The policy, through the form: a mistake first, named next to its field.
    admin.get_by_test_id("new-policy").click()
    form = admin.get_by_test_id("policy-form")
    name = f"华南总监只读 {suffix}"
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label(f"{DIRECTOR.name} · {DIRECTOR.email}").check()
    form.get_by_label("Case access").select_option("VIEWER")
    form.get_by_role("checkbox", name="Comments").check()
    form.get_by_test_id("save-policy").click()
    expect(form.get_by_test_id("error-views")).to_have_text(
        "“Cases” must be chosen when case access is read-only, and only then."
    )
    expect(form.get_by_role("checkbox", name="Cases", exact=True)).to_be_focused()
    screenshot(admin, "admin-access-policy-mistake")
    form.get_by_role("checkbox", name="Cases", exact=True).check()
    form.get_by_label("Cases it reaches").select_option("REGION_CASES")
    form.get_by_label("Maximum age (days)").fill("30")
    form.get_by_test_id("save-policy").click()
    expect(admin.get_by_role("status").filter(has_text=f"Policy “{name}” created.")).to_be_visible()
    policy = admin.get_by_test_id("policy").filter(has_text=name)
    expect(policy).to_have_attribute("data-state", "active")
    expect(policy).to_contain_text("Cases of their regions")
    expect(policy).to_contain_text("Open cases read-only")
    expect(policy).to_contain_text(DIRECTOR.name)

    # Who has what: the director, by name.
    admin.get_by_test_id("who-person").select_option(api.user_id(DIRECTOR))
    grant = admin.get_by_test_id("who-policy").filter(has_text=name)
    expect(grant).to_contain_text("applies to them by name")
    expect(admin.get_by_test_id("who-regions")).to_have_text("华南")
    screenshot(admin, "admin-access-policy")

    # The director sees the 华南 case (not the 华东 one), read-only, and why.
    director.reload()
    expect(_case_row(director, south)).to_have_count(1)
    expect(_case_row(director, east)).to_have_count(0)
    _case_row(director, south).locator("a.case-link").click()
    expect(director.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(director.get_by_test_id("my-role")).to_have_text("VIEWER")
    expect(director.get_by_test_id("case-region")).to_have_text("华南")
    expect(director.get_by_test_id("access-via")).to_have_text(
        f"You see this case read-only through the policy “{name}”."
    )
    expect(editor(director)).to_have_attribute("contenteditable", "false")
    case_url = director.url
    screenshot(director, "admin-access-director-room")

    # Edited: the form holds the policy as it is; a new age limit and an end (local time) are saved.
    policy.get_by_test_id("edit-policy").click()
    form = admin.get_by_test_id("policy-form")
    expect(form.get_by_label("Name", exact=True)).to_have_value(name)
    expect(form.get_by_label("Maximum age (days)")).to_have_value("30")
    expect(form.get_by_label(f"{DIRECTOR.name} · {DIRECTOR.email}")).to_be_checked()
    expect(form.get_by_label("Case access")).to_have_value("VIEWER")
    form.get_by_label("Maximum age (days)").fill("14")
    form.get_by_label("Valid until").fill("2099-01-31T18:30")
    form.get_by_test_id("save-policy").click()
    expect(admin.get_by_role("status").filter(has_text=f"Policy “{name}” saved.")).to_be_visible()
    expect(policy).to_contain_text("14 days")
    expect(policy).to_contain_text("Until Jan 31, 2099, 6:30:00 PM")
    director.reload()
    expect(director.get_by_test_id("access-via")).to_have_text(
        f"You see this case read-only through the policy “{name}”, until Jan 31, 2099, 6:30:00 PM."
    )

    # Expired now: the policy says so, and the director's next request no longer finds the case.
    policy.get_by_test_id("expire-policy").click()
    expect(policy).to_have_attribute("data-state", "expired")
    expect(policy.get_by_test_id("expire-policy")).to_have_count(0)
    expect(admin.get_by_test_id("who-policy").filter(has_text=name)).to_have_count(0)
    director.goto("/#/cases")
    expect(director.locator(".case-list")).to_have_attribute("aria-busy", "false")
    expect(_case_row(director, south)).to_have_count(0)
    director.goto(case_url)
    expect(director.get_by_role("alert")).to_contain_text("No case with id")
    screenshot(admin, "admin-access-expired")

    # Deleted: gone from the list.
    policy.get_by_test_id("delete-policy").click()
    admin.get_by_test_id("delete-policy-dialog").get_by_test_id("confirm").click()
    expect(admin.get_by_role("status").filter(has_text=f"Policy “{name}” deleted.")).to_be_visible()
    expect(admin.get_by_test_id("policy").filter(has_text=name)).to_have_count(0)


def test_an_owner_gives_a_case_a_region_and_members_see_why_they_may_open_it(
    api: Api, signed_in: Callable[[Person], Page]
) -> None:
    regions = api.call(ACCESS_ADMIN, "TeamRegions")["teamRegions"]
    missing = [region for region in ("华南", "华东", "EMEA") if region not in regions]
    if missing:
        api.call(ACCESS_ADMIN, "SetTeamRegions", regions=[*regions, *missing])
    owner = signed_in(REGION_OWNER)
    title = f"Acme renewal {uuid.uuid4().hex[:6]}"
    owner.get_by_label("Title").fill(title)
    owner.get_by_label("Customer", exact=True).fill("Acme Retail")
    owner.get_by_label("Region").select_option("EMEA")
    owner.get_by_role("button", name="Create case").click()
    expect(owner.get_by_test_id("case-region")).to_have_text("EMEA")
    expect(owner.get_by_test_id("access-via")).to_have_text("You are a member of this case: Owner.")
    owner.get_by_test_id("edit-case").click()
    dialog = owner.get_by_test_id("edit-case-dialog")
    dialog.get_by_label("Region").select_option("华东")
    dialog.get_by_test_id("confirm").click()
    expect(owner.get_by_role("status").filter(has_text="Case saved.")).to_be_visible()
    expect(owner.get_by_test_id("case-region")).to_have_text("华东")


def test_non_admins_get_no_admin_page_and_the_api_refuses_them(
    api: Api, signed_in: Callable[[Person], Page]
) -> None:
    director = signed_in(DIRECTOR)
    expect(director.get_by_test_id("nav-admin-access")).to_have_count(0)
    director.goto("/#/admin/access")
    expect(director.get_by_test_id("admins-only")).to_contain_text("Only admins manage who sees what.")
    expect(director.get_by_test_id("policies")).to_have_count(0)
    for operation, variables in (
        ("VisibilityPolicies", {}),
        ("SetTeamRegions", {"regions": ["华南"]}),
        ("SetUserRegions", {"userId": api.user_id(DIRECTOR), "regions": ["华南"]}),
        ("EffectiveAccess", {"userId": api.user_id(REGION_OWNER)}),
        ("AccessPeople", {}),
    ):
        codes = [e["extensions"]["code"] for e in api.errors(DIRECTOR, operation, **variables)]
        assert codes == ["FORBIDDEN"], (operation, codes)
    admin = signed_in(ACCESS_ADMIN)
    expect(admin.get_by_test_id("nav-admin-access")).to_be_visible()


@pytest.mark.parametrize(("language", "locale"), [("zh-CN", "zh-CN"), ("en", "en-US")])
def test_a_policy_s_mistakes_are_named_in_the_page_s_language(
    new_page: Callable[..., Page], screenshot: Callable[[Page, str], Path], language: str, locale: str
) -> None:
    said = messages(language)
    page = open_page(new_page, locale)
    sign_in(page, ACCESS_ADMIN)
    page.goto("/#/admin/access")
    page.get_by_test_id("new-policy").click()
    form = page.get_by_test_id("policy-form")
    form.locator("select[name=caseAccess]").select_option("VIEWER")
    form.locator("select[name=scope]").select_option("MEMBER_CASES")
    form.locator("input[name=maxAgeDays]").fill("0")
    form.locator("input[name=validUntil]").fill("2020-01-01T08:00")
    form.get_by_test_id("save-policy").click()
    expected = {
        "name": "admin.invalid.nameMissing",
        "appliesTo": "admin.invalid.nobody",
        "views": "admin.invalid.noView",
        "scope": "admin.invalid.viewerOverMemberCases",
        "maxAgeDays": "admin.invalid.maxAgeDays",
        "validUntil": "admin.invalid.untilPast",
    }
    for field, key in expected.items():
        expect(form.get_by_test_id(f"error-{field}")).to_have_text(said[key])
    expect(form.get_by_role("alert")).to_have_text(said["admin.invalid.summary"])
    expect(form.locator("input[name=name]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=name]")).to_be_focused()
    screenshot(page, f"admin-access-mistakes-{language}")


def test_a_masking_policy_shows_the_document_masked_and_read_only(
    api: Api, signed_in: Callable[[Person], Page], new_page: Callable[..., Page]
) -> None:
    """A director whom only masking policies let into a 华南 case reads its document with the customer's
    name and phone number masked, read-only, with both policies named (the note and the header's reasons),
    in English and Chinese; the copy follows the owner's edits, masked, until the policies end."""
    suffix = uuid.uuid4().hex[:6]
    regions = api.call(ACCESS_ADMIN, "TeamRegions")["teamRegions"]
    if "华南" not in regions:
        api.call(ACCESS_ADMIN, "SetTeamRegions", regions=[*regions, "华南"])
    director_id = api.user_id(DIRECTOR)
    api.call(ACCESS_ADMIN, "SetUserRegions", userId=director_id, regions=["华南"])
    title = f"深圳华星光电 续约 {suffix}"
    owner = signed_in(REGION_OWNER)
    owner.get_by_label("Title").fill(title)
    owner.get_by_label("Customer", exact=True).fill("深圳华星光电")
    owner.get_by_label("Region").select_option("华南")
    owner.get_by_role("button", name="Create case").click()
    expect(owner.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(editor(owner)).to_have_attribute("contenteditable", "true")
    editor(owner).click()
    owner.keyboard.type("深圳华星光电采购部要求续约，联系 13812345678")
    expect(editor(owner)).to_contain_text("13812345678")
    case_id = owner.url.split("/cases/", 1)[1].split("?", 1)[0]
    name, until = f"华南遮蔽只读 {suffix}", f"Masked audit {suffix}"
    made = [
        api.call(
            ACCESS_ADMIN,
            "CreateVisibilityPolicy",
            input={
                "name": policy_name,
                "appliesTo": {"roles": [], "userIds": [director_id]},
                "scope": "REGION_CASES",
                "caseAccess": "VIEWER",
                "views": ["CASES"],
                "maskCustomerFields": True,
                "validUntil": valid_until,
            },
        )["createVisibilityPolicy"]["id"]
        for policy_name, valid_until in ((name, None), (until, "2099-01-31T18:30:00Z"))
    ]
    try:
        director = signed_in(DIRECTOR)
        director.goto(f"/#/cases/{case_id}")
        expect(director.get_by_test_id("masked-by")).to_have_text(
            f"Customer details masked by policy “{name}, {until}”: you read a masked copy, updated as members"
            " edit it."
        )
        # The header gives every reason: both policies, the second with its end.
        reasons = director.get_by_test_id("access-reason")
        expect(reasons).to_have_count(2)
        expect(reasons.nth(0)).to_have_text(f"You see this case read-only through the policy “{name}”.")
        expect(reasons.nth(1)).to_contain_text(f"through the policy “{until}”, until Jan 31, 2099")
        expect(director.get_by_role("heading", level=1)).to_have_text(f"深***光电 续约 {suffix}")
        expect(editor(director)).to_have_text("深***光电采购部要求续约，联系 138****5678")
        expect(editor(director)).to_have_attribute("contenteditable", "false")
        expect(director.get_by_test_id("my-role")).to_have_text("VIEWER")
        # The owner comments on a passage naming the customer: the director reads the thread masked, and
        # finds its passage in the copy by the masked quote (the live document's positions name nothing there).
        select_text(owner, "深圳华星光电采购部")
        owner.get_by_test_id("comment-selection").click()
        owner.get_by_test_id("new-comment").get_by_label("Comment on the selected passage").fill(
            "深圳华星光电的报价确认了吗？ 13812345678"
        )
        owner.get_by_test_id("new-comment").get_by_role("button", name="Comment").click()
        expect(_threads(owner, "open")).to_have_count(1)
        director.reload()
        thread = _threads(director, "open")
        expect(thread).to_contain_text("深***光电的报价确认了吗？ 138****5678")
        expect(thread).not_to_contain_text("深圳华星光电")
        expect(director.locator(".comment-highlight-open")).to_have_text("深***光电采购部")
        # The owner goes on writing: the director's copy follows, masked, without a reload.
        editor(owner).click()
        owner.keyboard.press("End")
        owner.keyboard.press("Enter")
        owner.keyboard.type("王经理 13900001111 确认深圳华星光电的报价")
        expect(editor(director)).to_contain_text("139****1111 确认深***光电的报价")
        expect(editor(director)).not_to_contain_text("深圳华星光电")
        expect(editor(director)).to_have_attribute("contenteditable", "false")
        zh = open_page(new_page, "zh-CN")
        sign_in(zh, DIRECTOR)
        zh.goto(f"/#/cases/{case_id}")
        expect(zh.get_by_test_id("masked-by")).to_have_text(
            f"客户信息已按策略“{name}, {until}”遮蔽：你看到的是遮蔽后的副本，成员编辑后随之更新。"
        )
        expect(editor(zh)).to_contain_text("深***光电采购部")
        expect(editor(zh)).not_to_contain_text("深圳华星光电")
        # The policies go: the copies stop following, and say so.
        while made:
            api.call(ACCESS_ADMIN, "DeleteVisibilityPolicy", id=made.pop())
        ended = (RECHECK_SECONDS + 10) * 1000
        expect(director.get_by_text("This copy is no longer updated: reload the page")).to_be_visible(
            timeout=ended
        )
        expect(zh.get_by_text("副本已停止更新：请刷新页面查看最新内容。")).to_be_visible(timeout=ended)
    finally:
        for policy_id in made:
            api.call(ACCESS_ADMIN, "DeleteVisibilityPolicy", id=policy_id)
