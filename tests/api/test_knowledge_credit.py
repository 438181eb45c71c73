"""Reuse of and subscriptions to a knowledge asset on the contribution heatmap: on the source case's heatmap
and the team's, in GraphQL and the SVG picture, credited to the asset's authors (never the reuser or
subscriber themself, once per person, only to those who had published a version by then), and cut by a
visibility policy's maxAgeDays like every other activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from server.domain.heatmaps.activity import ActivityScope, activity
from server.heatmaps import Activity
from server.infra.db import Database
from server.models import KnowledgeAssetVersion, KnowledgeReuse, User
from tests.support.crew import Crew
from tests.support.documents import write
from tests.support.graphql import GraphQL

OPERATIONS = (Path(__file__).resolve().parents[2] / "graphql" / "operations" / "heatmaps.graphql").read_text()
SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
PUBLISH = "mutation($i: PublishKnowledgeAssetInput!) { publishKnowledgeAsset(input: $i) { id version } }"
REUSE = (
    "mutation($a: ID!, $i: CreateCaseInput!) { createCaseFromKnowledgeAsset(assetId: $a, input: $i) { id } }"
)
SUBSCRIBE = "mutation($id: ID!) { subscribeToKnowledgeAsset(id: $id) { subscribed } }"
UNSUBSCRIBE = "mutation($id: ID!) { unsubscribeFromKnowledgeAsset(id: $id) { subscribed } }"
KINDS = ("ASSET_REUSES", "ASSET_SUBSCRIPTIONS")


class People(Crew):
    async def heatmap(self, who: str, **subject: str) -> dict[str, Any]:
        """Today's contribution heatmap (one day) as `who` sees it."""
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        variables = {**subject, "from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}
        response = await self.api.client.post(
            "/graphql",
            json={"query": OPERATIONS, "operationName": "ContributionHeatmap", "variables": variables},
            headers={"authorization": f"Bearer {self.tokens[who]}"},
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        heatmap: dict[str, Any] = body["data"]["contributionHeatmap"]
        return heatmap


@pytest.fixture
async def crew(api: GraphQL, app_db: Database) -> People:
    people = People(api, app_db)
    await people.of_two_teams()
    return people


def _credit(heatmap: dict[str, Any]) -> dict[str, dict[str, int]]:
    """user id -> the asset kinds' counts (only people with any)."""
    found: dict[str, dict[str, int]] = {}
    for row in heatmap["rows"]:
        counts = {
            c["kind"]: c["count"] for cell in row["cells"] for c in cell["counts"] if c["kind"] in KINDS
        }
        if counts:
            found[row["user"]["id"]] = counts
    return found


async def _publish(crew: People, who: str, case_id: str, title: str, **more: Any) -> dict[str, Any]:
    snapshot = (await crew.data(who, SNAPSHOT, {"c": case_id, "l": f"v {title}"}))["createSnapshot"]["id"]
    draft = {"caseId": case_id, "snapshotId": snapshot, "title": title, "audience": "ORGANIZATION", **more}
    published: dict[str, Any] = (await crew.data(who, PUBLISH, {"i": draft}))["publishKnowledgeAsset"]
    return published


@pytest.mark.parametrize(
    ("title", "paragraph"),
    [
        ("手术室紧急故障处置SOP", "先断电，再联系设备科。"),
        ("Operating-room fault SOP", "Cut the power, then call the ward."),
    ],
)
async def test_reuses_and_subscriptions_credit_the_asset_authors_on_the_source_case_and_team(
    crew: People, title: str, paragraph: str
) -> None:
    ids = {name: person.id for name, person in crew.people.items()}
    case_id = await crew.api.create_case(crew.tokens["owner"], title=title, customer="协和医院")
    await write(crew.db, case_id, ids["owner"], title, paragraph)
    asset = await _publish(crew, "owner", case_id, title)
    reuse = {"a": asset["id"], "i": {"title": f"{title} 2", "customer": "Other"}}

    # The author's own reuse and subscription credit nothing; another person's first reuse credits once.
    await crew.data("owner", REUSE, reuse)
    await crew.data("owner", SUBSCRIBE, {"id": asset["id"]})
    assert _credit(await crew.heatmap("owner", caseId=case_id)) == {}
    await crew.data("other", REUSE, reuse)
    await crew.data("other", REUSE, reuse)
    assert _credit(await crew.heatmap("owner", caseId=case_id)) == {ids["owner"]: {"ASSET_REUSES": 1}}

    # Mate publishes version 2: later reuses and subscriptions credit both authors, not the earlier ones.
    await crew.api.add_member(crew.tokens["owner"], case_id, ids["mate"], "OWNER")
    await _publish(crew, "mate", case_id, title, changeNote="v2")
    await crew.data("third", SUBSCRIBE, {"id": asset["id"]})
    await crew.data("third", UNSUBSCRIBE, {"id": asset["id"]})
    await crew.data("third", SUBSCRIBE, {"id": asset["id"]})
    await crew.data("mate", SUBSCRIBE, {"id": asset["id"]})
    await crew.data("third", REUSE, reuse)
    expected = {
        ids["owner"]: {"ASSET_REUSES": 2, "ASSET_SUBSCRIPTIONS": 2},
        ids["mate"]: {"ASSET_REUSES": 1, "ASSET_SUBSCRIPTIONS": 1},
    }
    case_heatmap = await crew.heatmap("mate", caseId=case_id)
    assert _credit(case_heatmap) == expected
    weights = {w["kind"]: w["weight"] for w in case_heatmap["weights"]}
    assert (weights["ASSET_REUSES"], weights["ASSET_SUBSCRIPTIONS"]) == (5.0, 1.0)
    mate_row = next(row for row in case_heatmap["rows"] if row["user"]["id"] == ids["mate"])
    assert mate_row["score"] == pytest.approx(5.0 + 1.0 + 0.5)  # and the version mate named

    # The team's heatmap sums the same credit; the reusers' team sees none of it on its own cases.
    async with crew.db.sessions() as session:
        owner = await session.get(User, ids["owner"])
        other = await session.get(User, ids["other"])
        assert owner is not None
        assert other is not None
        team_a, team_b = str(owner.team_id), str(other.team_id)
    assert _credit(await crew.heatmap("owner", teamId=team_a)) == expected
    assert _credit(await crew.heatmap("other", teamId=team_b)) == {}

    # The picture's tooltips name the same figures.
    picture = await crew.api.client.get(
        f"/cases/{case_id}/heatmap.svg", headers={"authorization": f"Bearer {crew.tokens['owner']}"}
    )
    assert picture.status_code == 200
    assert "2 个项目由所发布的知识开启，所发布的知识获 2 人订阅" in picture.text
    team_picture = await crew.api.client.get(
        f"/teams/{team_a}/heatmap.svg?lang=en", headers={"authorization": f"Bearer {crew.tokens['mate']}"}
    )
    assert "1 case started from the published knowledge, 1 subscriber to the published knowledge" in (
        team_picture.text
    )


async def test_a_policy_age_limit_cuts_the_credit_like_other_activity(crew: People) -> None:
    ids = {name: person.id for name, person in crew.people.items()}
    case_id = await crew.api.create_case(crew.tokens["owner"], title="冷链温控", customer="顺丰")
    await write(crew.db, case_id, ids["owner"], "冷链温控", "Keep it at 2–8 °C.")
    asset = await _publish(crew, "owner", case_id, "冷链温控方案")
    started = await crew.data("other", REUSE, {"a": asset["id"], "i": {"title": "冷链", "customer": "X"}})
    await crew.data("third", REUSE, {"a": asset["id"], "i": {"title": "Cold", "customer": "Y"}})
    # Other's reuse happened ten days ago (the version was published before).
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    async with crew.db.transaction() as session:
        await session.execute(
            update(KnowledgeReuse)
            .where(KnowledgeReuse.case_id == started["createCaseFromKnowledgeAsset"]["id"])
            .values(created_at=ten_days_ago)
        )
        await session.execute(
            update(KnowledgeAssetVersion)
            .where(KnowledgeAssetVersion.asset_id == asset["id"])
            .values(published_at=ten_days_ago - timedelta(days=1))
        )
    end = datetime.now(UTC) + timedelta(days=1)
    start = end - timedelta(days=30)

    def reuses(events: list[Any]) -> int:
        return sum(e.amount for e in events if e.kind == Activity.ASSET_REUSES and e.user_id == ids["owner"])

    async with crew.db.sessions() as session:
        whole = await activity(session, ActivityScope((case_id,)), start, end)
        recent = await activity(
            session, ActivityScope((case_id,), ((case_id, end - timedelta(days=6)),)), start, end
        )
    assert reuses(whole) == 2
    assert reuses(recent) == 1
