"""The wallet: live as points arrive, capped entries folded a day at a time with the badge in the cap's column,
entries linked to what earned them, relative times that tick."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.browser.points import (
    LIVE_MS,
    make_reward,
    my_redemption,
    off_loop,
    open_wallet,
    redeem,
)

if TYPE_CHECKING:  # the fixtures' types; conftest is not imported at run time
    from tests.browser.conftest import Api, People, Person

pytestmark = pytest.mark.browser


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
    open_wallet(victor)
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
    tea_id = make_reward(api, people.hr, tea, "OTHER", 10, 4)
    row = victor.get_by_test_id("reward").filter(has_text=tea)
    expect(row).to_contain_text("4 left", timeout=LIVE_MS)
    api.call(people.hr, "UpdateReward", id=tea_id, input={"cost": 12})
    expect(row).to_contain_text("12", timeout=LIVE_MS)

    # The "points are held" notice goes once HR decides.
    api.call(people.hr, "AdjustPoints", userId=api.user_id(people.victor), delta=20, reason=f"Tea {suffix}")
    expect(victor.get_by_test_id("balance")).not_to_have_text("…")
    redeem(victor, tea)
    held = victor.get_by_role("status").filter(has_text=f"You asked for {tea}")
    expect(held).to_contain_text("held until HR decides")
    expect(row).to_contain_text("3 left")
    redemption = next(
        r
        for r in api.call(people.victor, "MyRedemptions", first=20)["redemptions"]["nodes"]
        if r["reward"]["name"] == tea
    )
    api.call(people.hr, "ApproveRedemption", id=redemption["id"])
    expect(my_redemption(victor, tea).get_by_test_id("redemption-status")).to_have_text(
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
    open_wallet(lina)
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

    off_loop(plant)


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
