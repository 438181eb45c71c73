"""Adopting a cluster as a requirement proposal, editing and listing proposals, and their Markdown and JSON
exports, on SQLite and PostgreSQL with a real clustering run of Chinese and English pain points."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select

from server.infra.config import Settings
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import AuditEvent, PointAction, PointEntry, UserRole
from tests.support.audit import served_chain_intact
from tests.support.graphql import GraphQL
from tests.support.painpoints import CHECKOUT, PAIN_POINT, WELDING
from tests.support.points import sign_in
from tests.support.proposals import ADOPT_CLUSTER, PROPOSAL, PROPOSALS, UPDATE_PROPOSAL, clustered_team

pytestmark = pytest.mark.model


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def _adopted_awards(db: Database, user_id: str) -> int:
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(PointEntry)
            .where(PointEntry.user_id == user_id, PointEntry.action == PointAction.PAIN_POINT_ADOPTED)
        )
    return int(count or 0)


async def test_adopting_a_cluster_makes_one_proposal_with_its_evidence(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    team = await clustered_team(api, app_db)
    cluster = team.checkout
    note = "Q3 路线图: retry declined cards"
    adopted = (await api.data(ADOPT_CLUSTER, {"id": cluster["id"], "n": note}, team.rd.token))["adoptCluster"]

    assert adopted["created"] is True
    assert sorted(p["id"] for p in adopted["adoptedPainPoints"]) == sorted(
        p["id"] for p in cluster["painPoints"]
    )
    assert {(p["status"], p["adoptionNote"]) for p in adopted["adoptedPainPoints"]} == {("ADOPTED", note)}
    proposal = adopted["proposal"]
    assert (proposal["title"], proposal["status"], proposal["clusterId"]) == (
        cluster["label"],
        "OPEN",
        cluster["id"],
    )
    # Three of the five are Chinese: the first problem statement lists the keywords in Chinese.
    assert proposal["problemStatement"] == f"关键词：{'、'.join(cluster['keywords'][:10])}"
    assert (proposal["note"], proposal["adoptedBy"]["id"], proposal["updatedBy"]) == (note, team.rd.id, None)
    assert (proposal["markdownUrl"], proposal["jsonUrl"]) == (
        f"/proposals/{proposal['id']}.md",
        f"/proposals/{proposal['id']}.json",
    )
    evidence = proposal["evidence"]
    assert (evidence["painPointCount"], evidence["adoptedCount"], evidence["caseCount"]) == (5, 5, 1)
    assert (evidence["customers"], evidence["customerCount"], evidence["authorCount"]) == (["华润万家"], 1, 1)
    assert evidence["label"] == cluster["label"]
    assert sum(week["count"] for week in evidence["trend"]) == 5
    assert evidence["firstSeen"] <= evidence["lastSeen"]
    representatives = evidence["representatives"]
    assert {r["text"] for r in representatives} == set(CHECKOUT)
    assert {(r["caseId"], r["caseTitle"], r["customer"]) for r in representatives} == {
        (team.case_ids[0], "华南零售 South China retail", "华润万家")
    }
    assert {(r["author"]["id"], r["author"]["name"]) for r in representatives} == {(team.owner.id, "Owner")}

    # The pain points are adopted as adoptPainPoint adopts them: status, note, and their author's points.
    for pain_point in cluster["painPoints"]:
        assert (await api.data(PAIN_POINT, {"id": pain_point["id"]}, team.rd.token))["painPoint"][
            "status"
        ] == ("ADOPTED")
    async with asyncio.timeout(30):
        while await _adopted_awards(app_db, team.owner.id) < 5:
            await asyncio.sleep(0.1)

    # Adopting it again (a retry, a colleague at the same moment) returns the proposal and changes nothing.
    again = (await api.data(ADOPT_CLUSTER, {"id": cluster["id"]}, team.rd.token))["adoptCluster"]
    assert (again["created"], again["adoptedPainPoints"], again["proposal"]) == (False, [], proposal)

    title = "结账支付失败（晚高峰）<script>alert(1)</script> | Card payments fail"
    statement = "顾客在晚高峰结账时银行卡支付失败。\n- Customers retry or pay cash\n# not a heading"
    update = {"title": title, "problemStatement": statement, "status": "ACCEPTED"}
    edited = (await api.data(UPDATE_PROPOSAL, {"id": proposal["id"], "i": update}, team.rd.token))[
        "updateRequirementProposal"
    ]
    assert (edited["title"], edited["problemStatement"], edited["status"]) == (title, statement, "ACCEPTED")
    assert edited["updatedBy"]["id"] == team.rd.id
    assert edited["evidence"] == evidence  # the evidence is what the cluster held when it was adopted
    unchanged = (
        await api.data(UPDATE_PROPOSAL, {"id": proposal["id"], "i": {"status": "ACCEPTED"}}, team.rd.token)
    )["updateRequirementProposal"]
    assert unchanged["updatedAt"] == edited["updatedAt"]
    refused = await api.error(UPDATE_PROPOSAL, {"id": proposal["id"], "i": {"title": "  "}}, team.rd.token)
    assert refused.codes == ["BAD_INPUT"]

    accepted = await api.data(PROPOSALS, {"s": "ACCEPTED", "first": 10}, team.rd.token)
    assert [n["id"] for n in accepted["requirementProposals"]["nodes"]] == [proposal["id"]]
    assert (await api.data(PROPOSALS, {"s": "OPEN", "first": 10}, team.rd.token))["requirementProposals"][
        "nodes"
    ] == []

    # The exports, as a tracker's import script would fetch them.
    markdown = await api.client.get(proposal["markdownUrl"], headers=_bearer(team.rd.token))
    assert markdown.status_code == 200
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.headers["cache-control"] == "private, no-store"
    text = markdown.text
    assert text.startswith(
        "# 结账支付失败（晚高峰）&lt;script&gt;alert(1)&lt;/script&gt; \\| Card payments fail\n"
    )
    for heading in ("## 问题陈述 Problem statement", "## 证据 Evidence", "### 每周趋势 Weekly trend"):
        assert f"\n{heading}\n" in text
    assert "| 状态 Status | 已接受 ACCEPTED |" in text
    assert "- 受影响客户 Affected customers (1): 华润万家" in text
    assert "\\- Customers retry or pay cash" in text
    assert "\\# not a heading" in text
    assert "### 代表性痛点 Representative pain points" in text
    assert all(
        sample in text
        for sample in ("结账时银行卡支付失败，晚高峰尤其严重", "Card payment fails at checkout")
    )
    exported = await api.client.get(proposal["jsonUrl"], headers=_bearer(team.rd.token))
    assert exported.headers["content-type"] == "application/json; charset=utf-8"
    document = json.loads(exported.text)
    assert (document["id"], document["title"], document["status"]) == (proposal["id"], title, "ACCEPTED")
    assert document["evidence"]["representatives"][0]["text"] in CHECKOUT
    assert "结账" in exported.text  # Chinese as it is, not \\u escapes

    assert await served_chain_intact(app_db, settings)
    async with app_db.sessions() as session:
        actions = (
            await session.execute(select(AuditEvent.action, AuditEvent.data).order_by(AuditEvent.seq))
        ).all()
    adoptions = [data for action, data in actions if action == "pain_point.adopted"]
    assert len(adoptions) == 5
    assert {a["proposal_id"] for a in adoptions} == {proposal["id"]}
    assert [a for a, _ in actions if a.startswith("requirement_proposal.")] == [
        "requirement_proposal.created",
        "requirement_proposal.updated",
    ]


async def test_only_rd_and_admins_of_the_team_see_proposals_and_other_teams_get_not_found(
    api: GraphQL, app_db: Database
) -> None:
    team = await clustered_team(api, app_db)
    admin = await sign_in(api, app_db, "admin@a.com", UserRole.ADMIN)
    adopted = await api.data(ADOPT_CLUSTER, {"id": team.welding["id"], "n": "焊接质量专项"}, admin.token)
    proposal = adopted["adoptCluster"]["proposal"]
    assert {r["text"] for r in proposal["evidence"]["representatives"]} == set(WELDING)
    assert (await api.data(PROPOSAL, {"id": proposal["id"]}, team.rd.token))[
        "requirementProposal"
    ] == proposal

    foreign = await sign_in(api, app_db, "rd@b.com", UserRole.RD, team="Team B")
    member = team.owner
    missing = new_id()
    for who, code in ((foreign, "NOT_FOUND"), (member, "NOT_FOUND")):
        for some_id in (proposal["id"], missing):
            assert (await api.error(PROPOSAL, {"id": some_id}, who.token)).codes == [code]
    update = {"id": proposal["id"], "i": {"status": "DECLINED"}}
    assert (await api.error(UPDATE_PROPOSAL, update, foreign.token)).codes == ["NOT_FOUND"]
    assert (await api.error(UPDATE_PROPOSAL, update, member.token)).codes == ["FORBIDDEN"]
    # Another team's cluster id is as unknown as a made-up one.
    for some_id in (team.checkout["id"], missing):
        assert (await api.error(ADOPT_CLUSTER, {"id": some_id}, foreign.token)).codes == ["NOT_FOUND"]
    assert (await api.error(ADOPT_CLUSTER, {"id": team.checkout["id"]}, member.token)).codes == ["FORBIDDEN"]
    assert (await api.error(PROPOSALS, {"first": 10}, member.token)).codes == ["FORBIDDEN"]
    listed = await api.data(PROPOSALS, {"first": 10}, foreign.token)
    assert listed["requirementProposals"]["nodes"] == []

    for url in (proposal["markdownUrl"], proposal["jsonUrl"]):
        for who in (foreign, member):
            answer = await api.client.get(url, headers=_bearer(who.token))
            assert answer.status_code == 404
            assert "No requirement proposal" in answer.text
            assert "焊接" not in answer.text
        assert (
            await api.client.get(url.replace(proposal["id"], missing), headers=_bearer(team.rd.token))
        ).status_code == 404
        anonymous = await api.client.get(url)
        assert (anonymous.status_code, anonymous.headers["www-authenticate"]) == (401, "Bearer")
        in_query = await api.client.get(url, params={"token": team.rd.token})
        assert in_query.status_code == 401  # never a token in the URL
        assert (await api.client.get(url, headers=_bearer(admin.token))).status_code == 200

    # Two proposals, newest first, a page at a time.
    other = (await api.data(ADOPT_CLUSTER, {"id": team.checkout["id"]}, team.rd.token))["adoptCluster"][
        "proposal"
    ]
    first = (await api.data(PROPOSALS, {"first": 1}, admin.token))["requirementProposals"]
    assert ([n["id"] for n in first["nodes"]], first["pageInfo"]["hasNextPage"]) == ([other["id"]], True)
    cursor = first["pageInfo"]["endCursor"]
    rest = (await api.data(PROPOSALS, {"first": 1, "after": cursor}, admin.token))["requirementProposals"]
    assert ([n["id"] for n in rest["nodes"]], rest["pageInfo"]["hasNextPage"]) == ([proposal["id"]], False)

    # Nothing of the proposal was changed by the refused calls.
    after = (await api.data(PROPOSAL, {"id": proposal["id"]}, admin.token))["requirementProposal"]
    assert after == proposal
