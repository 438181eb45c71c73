"""The HR page: the catalogue, the rules and a person's points, the ranking and what it counts, the anomaly report
and the debt it leaves a member."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.browser.points import (
    balance,
    make_reward,
    off_loop,
    open_hr,
    open_wallet,
)

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


def _wait_for_award(api: Api, person: Person, action: str, seconds: float = 10) -> None:
    """Awards run as background jobs after the request; wait until the ledger holds one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ledger = api.call(person, "MyPoints", first=20)["me"]["pointsLedger"]["nodes"]
        if any(entry["action"] == action for entry in ledger):
            return
        time.sleep(0.2)
    pytest.fail(f"no {action} award for {person.email} within {seconds} s")


def test_hr_edits_the_catalogue_rules_and_points_and_reads_the_ranking(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Ranking source", "Acme Retail", {})
    api.call(people.alice, "CreateSnapshot", caseId=case_id, label="First draft")
    _wait_for_award(api, people.alice, "SNAPSHOT_NAMED")
    suffix = uuid.uuid4().hex[:6]
    voucher = f"Book voucher {suffix}"
    lina_before = balance(api, people.lina)

    hr = signed_in(people.hr)
    open_hr(hr)

    catalogue = hr.get_by_test_id("reward-catalogue")
    # Each field of the new reward has a visible label (not only a placeholder).
    new = catalogue.get_by_role("form", name="New reward")
    new.get_by_label("Name").fill(voucher)
    new.get_by_label("Kind").select_option("OTHER")
    new.get_by_label("Cost (points)").fill("30")
    new.get_by_label("Stock (empty: unlimited)").fill("5")
    for label in ("Name", "Kind", "Cost (points)", "Stock (empty: unlimited)", "Description (optional)"):
        expect(new.locator("label").filter(has_text=label)).to_be_visible()
    new.get_by_role("button", name="Add reward").click()
    expect(catalogue.get_by_role("status")).to_have_text(f"{voucher} is in the catalogue.")
    edit = catalogue.get_by_test_id("reward-edit").filter(has=hr.locator(f'input[value="{voucher}"]'))
    edit.get_by_label("Stock").fill("")
    edit.get_by_label("Offered").uncheck()
    edit.get_by_role("button", name="Save").click()
    expect(catalogue.get_by_role("status")).to_contain_text("withdrawn")
    rewards = api.call(people.hr, "Rewards", includeInactive=True, first=100)["rewards"]["nodes"]
    saved = next(r for r in rewards if r["name"] == voucher)
    assert (saved["stock"], saved["active"]) == (None, False)

    rule = hr.get_by_test_id("point-rule").filter(has_text="Suggestion resolved")
    expect(rule).to_contain_text("Someone else resolves a comment thread you started")
    expect(hr.get_by_test_id("point-rule").filter(has_text="Order won")).to_contain_text("Pain points tab")
    rule.get_by_label("Daily cap for Suggestion resolved").fill("12")
    rule.get_by_label("Monthly cap for Suggestion resolved").fill("90")
    rule.get_by_role("button", name="Save").click()
    expect(hr.get_by_role("status").filter(has_text="Suggestion resolved now earns")).to_contain_text(
        "at most 12 a day and 90 a month"
    )
    try:
        rules = {r["action"]: r for r in api.call(people.hr, "PointRules")["pointRules"]}
        assert (rules["COMMENT_RESOLVED"]["dailyCap"], rules["COMMENT_RESOLVED"]["monthlyCap"]) == (12, 90)
        # The rules are the team's own: R&D's team (another team) keeps the defaults.
        theirs = {r["action"]: r for r in api.call(people.rd, "PointRules")["pointRules"]}
        assert (theirs["COMMENT_RESOLVED"]["dailyCap"], theirs["COMMENT_RESOLVED"]["monthlyCap"]) == (10, 100)
    finally:  # other tests read the default rules
        api.call(
            people.hr, "UpdatePointRule", action="COMMENT_RESOLVED", input={"dailyCap": 10, "monthlyCap": 100}
        )

    adjust = hr.get_by_role("region", name="Adjust points")
    adjust.get_by_label("Search teammates").fill(people.lina.email)
    adjust.locator(f'[data-email="{people.lina.email}"]').click()
    expect(adjust.get_by_test_id("adjust-who")).to_have_text(f"{people.lina.name} has {lina_before} points.")
    adjust.get_by_label("Points to add (negative to take)").fill("7")
    adjust.get_by_label("Reason").fill("Helped with the trade fair")
    adjust.get_by_role("button", name="Adjust").click()
    expect(adjust.get_by_role("status")).to_have_text(f"{people.lina.name} now has {lina_before + 7} points.")
    assert balance(api, people.lina) == lina_before + 7

    ranking = hr.get_by_role("region", name="Contribution ranking")
    alice_row = ranking.get_by_test_id("ranking-row").filter(has_text=people.alice.name)
    expect(alice_row).to_contain_text("Version named")
    ranking.get_by_label("Period length").select_option("quarter")
    expect(ranking.get_by_test_id("ranking-period")).to_contain_text("-Q")
    expect(alice_row).to_contain_text("Version named")
    # The ranking's points are value points, not a case's activity score: said where they are shown.
    expect(ranking.get_by_test_id("ranking-scale")).to_contain_text("Value points: the points people earned")
    expect(ranking.get_by_role("columnheader", name="Value points")).to_be_visible()
    expect(ranking.locator("abbr.scale-help")).to_have_attribute(
        "title", re.compile("Not the activity score")
    )
    screenshot(hr, "hr")


def _plant_a_farming_pair(database_url: str, team: str, rd: Person, member: Person) -> list[str]:
    """Two teammates granting each other adoptions and orders: no API makes that history without the
    pain-point model. The adopted pain points' ids."""
    from server.domain import users
    from server.domain.points import awards
    from server.infra.db import Database, create_engine
    from server.infra.ids import new_id
    from server.models import UserRole

    pains = [new_id() for _ in range(6)]

    async def plant() -> None:
        db = Database(create_engine(database_url))
        try:
            async with db.transaction() as session:
                team_row = await users.get_or_create_team(session, team)
                ids = [
                    (
                        await users.create_user(
                            session,
                            email=person.email,
                            name=person.name,
                            role=role,
                            password=person.password,
                            team=team_row,
                        )
                    ).id
                    for person, role in ((rd, UserRole.RD), (member, UserRole.MEMBER))
                ]
            rd_id, member_id = ids
            async with db.transaction() as session:
                await awards.award_many(
                    session,
                    [awards.pain_point_adopted(pain, member_id, adopted_by=rd_id) for pain in pains]
                    + [awards.order_won(new_id(), new_id(), rd_id, recorded_by=member_id) for _ in range(4)],
                )
        finally:
            await db.dispose()

    off_loop(plant)
    return pains


def _void(database_url: str, user_id: str, pain_id: str) -> None:
    from server.domain.points import awards, voids
    from server.infra.db import Database, create_engine

    async def void() -> None:
        db = Database(create_engine(database_url))
        try:
            async with db.transaction() as session:
                subject = awards.pain_point_subject(pain_id)
                await voids.void(session, user_id=user_id, subject=subject, reason="抄袭的痛点 / copied")
        finally:
            await db.dispose()

    off_loop(void)


def test_hr_sees_a_pair_who_award_each_other_and_the_member_sees_the_debt(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    server_database_url: str,
    screenshot: Callable[[Page, str], Path],
) -> None:
    from tests.browser.conftest import Person

    suffix = uuid.uuid4().hex[:6]
    zhou = Person(f"zhou.jie.{suffix}@test.warroom", f"周杰 {suffix}", role="rd")
    wu = Person(f"wu.min.{suffix}@test.warroom", f"吴敏 {suffix}")
    tea = f"下午茶 {suffix}"
    tea_id = make_reward(api, people.hr, tea, "OTHER", 60, None)
    pains = _plant_a_farming_pair(server_database_url, people.hr.team, zhou, wu)
    assert balance(api, wu) == 60  # 6 adoptions of 15 points, capped at 60 a day
    assert balance(api, zhou) == 120  # 4 orders of 30 points
    api.call(wu, "RedeemReward", rewardId=tea_id)
    # One of the adopted pain points turns out to be copied: its 15 points are taken back although spent.
    _void(server_database_url, api.user_id(wu), pains[0])
    assert balance(api, wu) == -15

    page = signed_in(wu)
    open_wallet(page)
    expect(page.get_by_test_id("balance")).to_have_text("-15")
    expect(page.get_by_test_id("debt")).to_contain_text("You owe 15 points")
    adopted = page.get_by_test_id("cap").filter(has_text="Pain point adopted by R&D")
    expect(adopted).to_contain_text("60 / 60")
    expect(adopted).to_contain_text("cap reached")
    capped = (
        page.get_by_test_id("ledger").get_by_role("row").filter(has_text="Daily cap of 60 points reached.")
    )
    expect(capped).to_have_count(0)  # folded under "… entries capped today"
    folds = page.get_by_test_id("ledger").get_by_test_id("capped-fold")
    expect(folds.first).to_be_visible()
    for n in range(folds.count()):
        folds.nth(n).get_by_role("button").click()
    expect(capped).to_have_count(2)
    expect(page.get_by_test_id("ledger").get_by_role("row").filter(has_text="owed as a debt")).to_have_count(
        1
    )

    hr = signed_in(people.hr)
    open_hr(hr)
    report = hr.get_by_role("region", name="Points anomalies")
    pair = report.get_by_test_id("anomaly-pair").filter(has_text=zhou.name).filter(has_text=wu.name)
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("180")  # 60 + 120 points between them
    for colleague in (people.alice, people.lina, people.victor):
        expect(report.get_by_test_id("anomaly-pair").filter(has_text=colleague.name)).to_have_count(0)
    expect(report.get_by_test_id("anomaly-rule")).to_contain_text("more than 5 times the median")
    screenshot(hr, "hr-anomalies")


def test_a_second_reward_of_a_name_is_refused_in_chinese_saying_why(
    api: Api, people: People, new_page: Callable[..., Page]
) -> None:
    name = f"星巴克咖啡券 {uuid.uuid4().hex[:6]}"
    make_reward(api, people.hr, name, "OTHER", 50, None)
    page = new_page("zh-CN")
    sign_in(page, people.hr)
    page.goto("/#/hr")
    catalogue = page.get_by_test_id("reward-catalogue")
    new = catalogue.get_by_role("form", name="新奖励")
    new.get_by_label("名称").fill(name)
    new.get_by_label("所需积分").fill("60")
    new.get_by_role("button", name="添加奖励").click()
    expect(catalogue.get_by_role("alert")).to_have_text("团队中已有同名的奖励，请换一个名称。")


def test_the_ranking_says_what_it_counts_and_what_it_leaves_out(
    people: People, new_page: Callable[..., Page]
) -> None:
    page = new_page("zh-CN")
    sign_in(page, people.hr)
    page.goto("/#/hr")
    scale = page.get_by_test_id("ranking-scale")
    expect(scale).to_contain_text("人事调整和兑换不计入")
    expect(scale).not_to_contain_text("与个人积分账户一致")
