"""The wallet and the HR page: points arrive, a reward is redeemed, HR decides, the requester sees each step."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import sign_in

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser

LIVE_MS = 5_000  # a pointsEvents message reaches the other browser


def _balance(api: Api, person: Person) -> int:
    return int(api.call(person, "MyPoints", first=1)["me"]["pointsBalance"])


def _reward(api: Api, hr: Person, name: str, kind: str, cost: int, stock: int | None) -> str:
    data = api.call(hr, "CreateReward", input={"name": name, "kind": kind, "cost": cost, "stock": stock})
    return str(data["createReward"]["id"])


def _open_wallet(page: Page) -> None:
    page.get_by_role("link", name="Wallet", exact=True).click()
    expect(page.get_by_role("heading", name="My wallet")).to_be_visible()


def _open_hr(page: Page) -> None:
    page.get_by_role("link", name="HR", exact=True).click()
    expect(page.get_by_role("heading", name="HR", exact=True)).to_be_visible()


def _my_redemption(page: Page, reward: str) -> Locator:
    return page.get_by_test_id("redemption").filter(has_text=reward)


def _queued(page: Page, reward: str) -> Locator:
    return page.get_by_test_id("redemption-queue").get_by_test_id("redemption").filter(has_text=reward)


def _redeem(page: Page, reward: str) -> None:
    page.get_by_role("button", name=f"Redeem {reward}").click()
    page.get_by_role("dialog", name="Confirm").get_by_role("button", name="Redeem").click()


def test_redeem_a_reward_and_hr_approves_and_fulfils_it(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    course = f"Negotiation course {suffix}"
    sabbatical = f"Sabbatical {suffix}"
    _reward(api, people.hr, course, "TRAINING", 100, 3)
    _reward(api, people.hr, sabbatical, "LEAVE", 1_000_000, None)
    reason = f"Ran the customer workshop {suffix}"
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.lina), delta=120, reason=reason)
    start = _balance(api, people.lina)

    lina = signed_in(people.lina)
    expect(lina.get_by_role("link", name="HR", exact=True)).to_have_count(0)  # members see no HR page
    _open_wallet(lina)
    expect(lina.get_by_test_id("balance")).to_have_text(str(start))
    expect(lina.get_by_test_id("ledger").get_by_role("row").filter(has_text=reason)).to_contain_text("+120")
    row = lina.get_by_test_id("reward").filter(has_text=course)
    for cell in ("Training", "100", "3 left"):
        expect(row).to_contain_text(cell)
    expect(lina.get_by_test_id("reward").filter(has_text=sabbatical)).to_contain_text("Unlimited")

    # Cancelling the confirmation redeems nothing.
    lina.get_by_role("button", name=f"Redeem {course}").click()
    lina.get_by_role("dialog", name="Confirm").get_by_role("button", name="Cancel").click()
    expect(lina.get_by_role("dialog", name="Confirm")).to_have_count(0)
    expect(_my_redemption(lina, course)).to_have_count(0)

    # Too expensive: the refusal is a sentence, not JSON, and nothing moves.
    _redeem(lina, sabbatical)
    expect(lina.get_by_role("alert")).to_have_text(
        f"Not enough points: {sabbatical} costs 1000000 points and your balance is {start}."
    )
    expect(lina.get_by_test_id("balance")).to_have_text(str(start))

    _redeem(lina, course)
    expect(lina.get_by_test_id("balance")).to_have_text(str(start - 100))
    expect(_my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text("Pending")
    expect(row).to_contain_text("2 left")
    expect(lina.get_by_test_id("ledger").get_by_role("row").nth(1)).to_contain_text("\u2212100")
    screenshot(lina, "wallet")

    hr = signed_in(people.hr)
    _open_hr(hr)
    queued = _queued(hr, course)
    expect(queued).to_contain_text(people.lina.name)
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Pending")
    queued.get_by_role("button", name="Approve").click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Approved")
    # The requester's open wallet follows without a reload (pointsEvents).
    expect(_my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text(
        "Approved", timeout=LIVE_MS
    )

    queued.get_by_role("button", name="Mark fulfilled").click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Fulfilled")
    expect(_my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text(
        "Fulfilled", timeout=LIVE_MS
    )
    expect(lina.get_by_test_id("balance")).to_have_text(str(start - 100))
    screenshot(hr, "hr-queue")

    lina.reload()
    expect(_my_redemption(lina, course).get_by_test_id("redemption-status")).to_have_text("Fulfilled")
    assert _balance(api, people.lina) == start - 100


def test_hr_rejects_with_a_reason_and_the_points_come_back(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    day_off = f"Extra day off {suffix}"
    _reward(api, people.hr, day_off, "LEAVE", 40, 1)
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.victor), delta=100, reason="Welcome bonus")
    start = _balance(api, people.victor)

    victor = signed_in(people.victor)
    _open_wallet(victor)
    _redeem(victor, day_off)
    expect(victor.get_by_test_id("balance")).to_have_text(str(start - 40))
    expect(victor.get_by_test_id("reward").filter(has_text=day_off)).to_contain_text("Out of stock")
    _redeem(victor, day_off)
    expect(victor.get_by_role("alert")).to_have_text(
        f"{day_off} is out of stock. Choose another reward or ask HR when it is back."
    )

    hr = signed_in(people.hr)
    _open_hr(hr)
    queued = _queued(hr, day_off)
    queued.get_by_role("button", name="Reject…").click()
    queued.get_by_label("Reason for rejecting").fill("Peak season: no leave in December")
    queued.get_by_role("button", name="Reject", exact=True).click()
    expect(queued.get_by_test_id("redemption-status")).to_have_text("Rejected")

    mine = _my_redemption(victor, day_off)
    expect(mine.get_by_test_id("redemption-status")).to_have_text("Rejected", timeout=LIVE_MS)
    expect(mine).to_contain_text("Peak season: no leave in December")
    expect(victor.get_by_test_id("balance")).to_have_text(str(start), timeout=LIVE_MS)


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
    lina_before = _balance(api, people.lina)

    hr = signed_in(people.hr)
    _open_hr(hr)

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
    assert _balance(api, people.lina) == lina_before + 7

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


def _off_loop(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Playwright's sync API runs an event loop in this thread: domain calls get a thread of their own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work()).result()


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

    _off_loop(plant)
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

    _off_loop(void)


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
    tea_id = _reward(api, people.hr, tea, "OTHER", 60, None)
    pains = _plant_a_farming_pair(server_database_url, people.hr.team, zhou, wu)
    assert _balance(api, wu) == 60  # 6 adoptions of 15 points, capped at 60 a day
    assert _balance(api, zhou) == 120  # 4 orders of 30 points
    api.call(wu, "RedeemReward", rewardId=tea_id)
    # One of the adopted pain points turns out to be copied: its 15 points are taken back although spent.
    _void(server_database_url, api.user_id(wu), pains[0])
    assert _balance(api, wu) == -15

    page = signed_in(wu)
    _open_wallet(page)
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
    _open_hr(hr)
    report = hr.get_by_role("region", name="Points anomalies")
    pair = report.get_by_test_id("anomaly-pair").filter(has_text=zhou.name).filter(has_text=wu.name)
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("180")  # 60 + 120 points between them
    for colleague in (people.alice, people.lina, people.victor):
        expect(report.get_by_test_id("anomaly-pair").filter(has_text=colleague.name)).to_have_count(0)
    expect(report.get_by_test_id("anomaly-rule")).to_contain_text("more than 5 times the median")
    screenshot(hr, "hr-anomalies")


def _ledger_nodes(api: Api, person: Person) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = api.call(person, "MyPoints", first=50)["me"]["pointsLedger"]["nodes"]
    return nodes


def test_the_wallet_stays_live_folds_capped_entries_and_links_them(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    suffix = uuid.uuid4().hex[:6]
    title = f"版本命名 {suffix}"
    case_id = api.create_case(people.victor, title, "Acme Retail", {})
    # Five named versions: the daily cap (3 points, 1 each) leaves the last ones at 0 points.
    snapshots = {
        f"snapshot:{api.call(people.victor, 'CreateSnapshot', caseId=case_id, label=f'v{n}')['createSnapshot']['id']}"
        for n in range(5)
    }
    deadline = time.monotonic() + 15
    while not snapshots <= {e["subject"] for e in _ledger_nodes(api, people.victor)}:
        assert time.monotonic() < deadline, "the five SNAPSHOT_NAMED awards were not written"
        time.sleep(0.2)
    nodes = _ledger_nodes(api, people.victor)
    capped = 0
    for entry in nodes:  # the newest run of 0-point entries is folded into one row
        if entry["delta"] != 0 or entry["reversesId"]:
            break
        capped += 1
    assert capped >= 2

    victor = signed_in(people.victor)
    _open_wallet(victor)
    ledger = victor.get_by_test_id("ledger")
    fold = ledger.get_by_test_id("capped-fold")
    expect(fold).to_have_count(1)
    expect(fold).to_contain_text(f"{capped} entries capped today (no points)")
    expect(fold).to_contain_text("Version named")
    cap_rows = ledger.get_by_role("row").filter(has_text="Daily cap of 3 points reached.")
    expect(cap_rows).to_have_count(0)  # folded: hidden rows have no role
    toggle = fold.get_by_role("button")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(cap_rows).to_have_count(capped)
    expect(fold.get_by_role("button")).to_have_attribute("aria-expanded", "true")
    fold.get_by_role("button").click()
    expect(cap_rows).to_have_count(0)

    # A subject links to where it happened.
    link = ledger.get_by_role("link", name=f"Version in “{title}”").first
    expect(link).to_have_attribute("href", f"#/cases/{case_id}")

    # How points are earned, rule by rule, and where.
    earning = victor.get_by_test_id("earning")
    expect(earning.get_by_test_id("earning-rule")).to_have_count(7)
    expect(earning.get_by_test_id("earning-rule").filter(has_text="Order won")).to_contain_text(
        "records an order won in the case's Pain points tab"
    )
    expect(earning.get_by_test_id("earning-rule").filter(has_text="Suggestion resolved")).to_contain_text(
        "resolves a comment thread you started"
    )

    # The catalogue follows HR without a reload (rewardEvents).
    tea = f"Tea set 茶具 {suffix}"
    tea_id = _reward(api, people.hr, tea, "OTHER", 10, 4)
    row = victor.get_by_test_id("reward").filter(has_text=tea)
    expect(row).to_contain_text("4 left", timeout=LIVE_MS)
    api.call(people.hr, "UpdateReward", id=tea_id, input={"cost": 12})
    expect(row).to_contain_text("12", timeout=LIVE_MS)

    # The "points are held" notice goes once HR decides.
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.victor), delta=20, reason=f"Tea {suffix}")
    expect(victor.get_by_test_id("balance")).not_to_have_text("…")
    _redeem(victor, tea)
    held = victor.get_by_role("status").filter(has_text=f"You asked for {tea}")
    expect(held).to_contain_text("held until HR decides")
    expect(row).to_contain_text("3 left")
    redemption = next(
        r
        for r in api.call(people.victor, "MyRedemptions", first=20)["redemptions"]["nodes"]
        if r["reward"]["name"] == tea
    )
    api.call(people.hr, "ApproveRedemption", id=redemption["id"])
    expect(_my_redemption(victor, tea).get_by_test_id("redemption-status")).to_have_text(
        "Approved", timeout=LIVE_MS
    )
    expect(held).to_have_count(0)

    api.call(people.hr, "UpdateReward", id=tea_id, input={"active": False})
    expect(row).to_have_count(0, timeout=LIVE_MS)
    screenshot(victor, "wallet-folded")

    # The same wallet in Chinese.
    victor.locator("[data-testid=language-switch] [data-lang=zh-CN]").click()
    expect(victor.get_by_role("heading", name="我的积分")).to_be_visible()
    fold = victor.get_by_test_id("capped-fold")
    expect(fold).to_contain_text(f"今日有 {capped} 条记录因达到上限未得分")
    expect(fold).to_contain_text("命名版本")
    expect(
        victor.get_by_test_id("ledger").get_by_role("link", name=f"「{title}」中的版本").first
    ).to_be_visible()
    expect(victor.get_by_test_id("earning").get_by_role("heading")).to_have_text("如何获得积分")
    expect(victor.get_by_test_id("earning-rule").filter(has_text="赢单")).to_contain_text("登记赢单")
    screenshot(victor, "wallet-folded-zh")
    victor.locator("[data-testid=language-switch] [data-lang=en]").click()
    expect(victor.get_by_role("heading", name="My wallet")).to_be_visible()


def test_relative_times_tick_while_the_page_stays_open(
    api: Api, people: People, signed_in: Callable[[Person], Page]
) -> None:
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.lina), delta=1, reason="Clock check")
    lina = signed_in(people.lina)
    lina.clock.install()
    lina.reload()
    _open_wallet(lina)
    newest = lina.get_by_test_id("ledger").locator("tbody time").first
    expect(newest).to_have_text(re.compile(r"^(now|\d+ seconds? ago)$"))
    lina.clock.fast_forward("10:00")
    expect(newest).to_have_text(re.compile(r"1[01] minutes ago"))


def _plant_capped_between(database_url: str, person: Person) -> None:
    """`person` (new, Default team) names five versions today, a thread of theirs is resolved between the
    fourth and the fifth: two capped entries of one day with an entry that earned between them."""
    from server.domain import users
    from server.domain.points import awards
    from server.infra.db import Database, create_engine
    from server.infra.ids import new_id
    from server.models import UserRole

    async def plant() -> None:
        db = Database(create_engine(database_url))
        try:
            async with db.transaction() as session:
                team = await users.get_or_create_team(session, "Default")
                user = await users.create_user(
                    session,
                    email=person.email,
                    name=person.name,
                    role=UserRole.MEMBER,
                    password=person.password,
                    team=team,
                )
                resolver = await users.create_user(
                    session,
                    email=f"resolver.{person.email}",
                    name="Resolver",
                    role=UserRole.MEMBER,
                    password=person.password,
                    team=team,
                )
            # One transaction each: the entries follow one another in time, as when people act.
            for request in [
                *(awards.snapshot_named(new_id(), user.id) for _ in range(4)),
                awards.comment_resolved(new_id(), user.id, resolved_by=resolver.id),
                awards.snapshot_named(new_id(), user.id),
            ]:
                async with db.transaction() as session:
                    await awards.award_many(session, [request])
        finally:
            await db.dispose()

    _off_loop(plant)


def test_one_fold_a_day_and_the_badge_in_the_column_of_the_cap_reached(
    people: People, server_database_url: str, new_page: Callable[..., Page]
) -> None:
    suffix = uuid.uuid4().hex[:6]
    person = replace(people.alice, email=f"capped.{suffix}@test.warroom", name=f"封顶 {suffix}")
    _plant_capped_between(server_database_url, person)

    page = new_page("zh-CN")
    sign_in(page, person)
    page.goto("/#/wallet")
    ledger = page.get_by_test_id("ledger")
    # The day's two capped entries in one fold, though an award that earned lies between them.
    fold = ledger.get_by_test_id("capped-fold")
    expect(fold).to_have_count(1)
    expect(fold).to_contain_text("今日有 2 条记录因达到上限未得分")
    expect(ledger.get_by_role("row").filter(has_text="建议被解决")).to_have_count(1)
    fold.get_by_role("button").click()
    expect(ledger.get_by_role("row").filter(has_text="已达每日上限 3 积分。")).to_have_count(2)

    # Versions: 3 / 3 today, 3 / 30 this month: the badge is in today's column, the month has none.
    versions = page.get_by_test_id("cap").filter(has_text="命名版本")
    expect(versions.locator("[data-cap=daily]")).to_have_text("3 / 3已达每日上限")
    expect(versions.locator("[data-cap=daily] [data-testid=cap-reached]")).to_be_visible()
    expect(versions.locator("[data-cap=monthly]")).to_have_text("3 / 30")
    expect(page.get_by_test_id("caps").get_by_test_id("cap-reached")).to_have_count(1)


def test_a_second_reward_of_a_name_is_refused_in_chinese_saying_why(
    api: Api, people: People, new_page: Callable[..., Page]
) -> None:
    name = f"星巴克咖啡券 {uuid.uuid4().hex[:6]}"
    _reward(api, people.hr, name, "OTHER", 50, None)
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
