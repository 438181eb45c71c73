"""R&D adopting a pain point notifies its author; HR deciding a redemption notifies the person who asked.
Nobody else hears of it, and the bell's subscription delivers them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.infra.db import Database
from server.models import UserRole
from tests.support.gqlws import GqlWs
from tests.support.graphql import GraphQL
from tests.support.live import Live, live_server
from tests.support.operations import operation
from tests.support.painpoints import ADOPT, submit
from tests.support.points import ADJUST, CREATE_REWARD, REDEEM, SignedIn, give, reward, sign_in
from tests.support.proposals import ADOPT_CLUSTER, clustered_team

NOTIFICATIONS = operation("Notifications")
NOTES = operation("NotificationEvents")
APPROVE = "mutation($id: ID!) { approveRedemption(id: $id) { status } }"
REJECT = "mutation($id: ID!, $r: String!) { rejectRedemption(id: $id, reason: $r) { status } }"
TEXT = "华东仓库的冷链温度记录每天要手工导出三次, export takes 20 minutes"


async def _inbox(api: GraphQL, who: SignedIn) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await api.data(NOTIFICATIONS, {}, who.token))["notifications"]["nodes"]
    return nodes


@pytest.mark.model
async def test_adoption_by_rd_notifies_the_author_of_the_pain_point(api: GraphQL, app_db: Database) -> None:
    author = await sign_in(api, app_db, "wangfang@a.com")
    case_id = await api.create_case(author.token, title="华东冷链续约", customer="华东冷链")
    colleague = await sign_in(api, app_db, "colleague@a.com")
    await api.add_member(author.token, case_id, colleague.id, "EDITOR")
    rd = await sign_in(api, app_db, "rd@a.com", UserRole.RD)
    elsewhere = await sign_in(api, app_db, "rd@b.com", UserRole.RD, team="Team B")
    pain_point = await submit(api, author.token, case_id, TEXT)
    assert pain_point["__typename"] == "PainPoint", pain_point

    await api.data(ADOPT, {"id": pain_point["id"], "n": "Q3 路线图"}, rd.token)

    (note,) = await _inbox(api, author)
    assert (note["kind"], note["actor"]["id"], note["case"]) == (
        "PAIN_POINT_ADOPTED",
        rd.id,
        {"id": case_id, "title": "华东冷链续约"},
    )
    assert note["painPoint"] == {"id": pain_point["id"], "caseId": case_id, "text": TEXT}
    assert (note["comment"], note["redemption"], note["redemptionDecision"]) == (None, None, None)
    for nobody in (colleague, rd, elsewhere):
        assert await _inbox(api, nobody) == []


@pytest.mark.model
async def test_adopting_a_cluster_notifies_once_per_adopted_pain_point(
    api: GraphQL, app_db: Database
) -> None:
    team = await clustered_team(api, app_db)
    cluster = team.checkout
    adopted = (await api.data(ADOPT_CLUSTER, {"id": cluster["id"], "n": "Q3 路线图"}, team.rd.token))[
        "adoptCluster"
    ]
    inbox = (await api.data(NOTIFICATIONS, {"first": 50}, team.owner.token))["notifications"]["nodes"]
    assert sorted(n["painPoint"]["id"] for n in inbox) == sorted(
        p["id"] for p in adopted["adoptedPainPoints"]
    )
    assert {(n["kind"], n["actor"]["id"], n["case"]["id"]) for n in inbox} == {
        ("PAIN_POINT_ADOPTED", team.rd.id, team.case_ids[0])
    }
    assert await _inbox(api, team.rd) == []


async def _redeemed(api: GraphQL, db: Database) -> tuple[SignedIn, SignedIn, str]:
    hr = await sign_in(api, db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, db, "ana@a.com")
    await give(api, hr, ana, 500)
    course = await reward(api, hr, "数据分析课程 Data course", 300)
    redemption = (await api.data(REDEEM, {"r": course}, ana.token))["redeemReward"]["redemption"]
    return hr, ana, str(redemption["id"])


async def test_an_approval_and_a_rejection_notify_the_person_who_asked(
    api: GraphQL, app_db: Database
) -> None:
    hr, ana, redemption_id = await _redeemed(api, app_db)
    other_hr = await sign_in(api, app_db, "hr2@a.com", UserRole.HR)
    elsewhere = await sign_in(api, app_db, "hr@b.com", UserRole.HR, team="Team B")
    assert await _inbox(api, ana) == []

    await api.data(APPROVE, {"id": redemption_id}, hr.token)
    (approved,) = await _inbox(api, ana)
    assert (approved["kind"], approved["actor"]["id"], approved["case"]) == (
        "REDEMPTION_DECIDED",
        hr.id,
        None,
    )
    assert approved["redemptionDecision"] == "APPROVED"
    assert approved["redemption"]["reward"]["name"] == "数据分析课程 Data course"
    assert (approved["redemption"]["status"], approved["redemption"]["cost"]) == ("APPROVED", 300)

    # An approved redemption may still be rejected: a second notification, each with its own decision.
    await api.data(REJECT, {"id": redemption_id, "r": "预算已用完 out of budget"}, other_hr.token)
    rejected, first = await _inbox(api, ana)
    assert (rejected["kind"], rejected["actor"]["id"], rejected["redemptionDecision"]) == (
        "REDEMPTION_DECIDED",
        other_hr.id,
        "REJECTED",
    )
    assert (rejected["redemption"]["status"], rejected["redemption"]["reason"]) == (
        "REJECTED",
        "预算已用完 out of budget",
    )
    assert (first["id"], first["redemptionDecision"]) == (approved["id"], "APPROVED")
    for nobody in (hr, other_hr, elsewhere):
        assert await _inbox(api, nobody) == []


@pytest.fixture
async def live_pg(postgres_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(postgres_url, tmp_path) as running:
        yield running


@pytest.mark.postgres
async def test_the_subscription_delivers_a_decided_redemption(live_pg: Live) -> None:
    live = live_pg
    _, hr = await live.signed_in("hr@a.com", UserRole.HR)
    ana_id, ana = await live.signed_in("ana@a.com")
    await live.gql.data(ADJUST, {"u": ana_id, "d": 50, "r": "Seed"}, hr)
    made = await live.gql.data(
        CREATE_REWARD, {"i": {"name": "午餐券 Lunch", "kind": "OTHER", "cost": 20}}, hr
    )
    redeemed = await live.gql.data(REDEEM, {"r": made["createReward"]["id"]}, ana)
    redemption_id = redeemed["redeemReward"]["redemption"]["id"]
    client = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", ana)
    await client.subscribed("n", NOTES)
    assert (await client.next_data("n"))["notificationEvents"]["kind"] == "COUNT"
    await live.gql.data(REJECT, {"id": redemption_id, "r": "库存不足"}, hr)
    event = (await client.next_data("n", timeout=5))["notificationEvents"]
    assert (event["kind"], event["unreadCount"]) == ("CREATED", 1)
    note = event["notification"]
    assert (note["kind"], note["redemptionDecision"], note["redemption"]["reason"]) == (
        "REDEMPTION_DECIDED",
        "REJECTED",
        "库存不足",
    )
    await client.close()
