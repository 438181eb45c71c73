"""R&D's tracker receives proposals by webhook: registered over GraphQL by a team admin, delivered to a real
receiver that verifies the signature, retried through two failures, logged, and redelivered; on SQLite and
PostgreSQL with a real clustering run of Chinese and English pain points."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from server.infra.config import Settings
from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import SignedIn, sign_in
from tests.support.proposals import (
    ADOPT_CLUSTER,
    CREATE_WEBHOOK,
    DELIVERIES,
    REDELIVER,
    UPDATE_PROPOSAL,
    WEBHOOKS,
    clustered_team,
)
from tests.support.receiver import Receiver, running_receiver
from tests.support.webhooks import webhook_settings

pytestmark = pytest.mark.model

UPDATE_WEBHOOK = (
    "mutation($id: ID!, $i: UpdateWebhookInput!) { updateWebhook(id: $id, input: $i) { id events } }"
)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # The receiver listens on 127.0.0.1; retries follow each other within a second.
    return webhook_settings(tmp_path, database_url, WARROOM_WEBHOOK_BACKOFF_SECONDS="0.2")


async def _register(api: GraphQL, admin: SignedIn, receiver: Receiver, events: list[str]) -> str:
    created = (
        await api.data(
            CREATE_WEBHOOK,
            {"i": {"url": receiver.url, "events": events, "description": "研发 Jira"}},
            admin.token,
        )
    )["createWebhook"]
    receiver.secret = created["secret"]
    assert created["webhook"]["events"] == events
    webhook_id: str = created["webhook"]["id"]
    return webhook_id


async def _deliveries(api: GraphQL, admin: SignedIn, webhook_id: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await api.data(DELIVERIES, {"w": webhook_id}, admin.token))[
        "webhookDeliveries"
    ]["nodes"]
    return nodes


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not await check():
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"not within {timeout} s: {what}") from None


async def test_a_proposal_reaches_the_tracker_once_through_two_failed_tries(
    api: GraphQL, app_db: Database
) -> None:
    team = await clustered_team(api, app_db)
    admin = await sign_in(api, app_db, "admin@a.com", UserRole.ADMIN)
    refused = await api.error(
        CREATE_WEBHOOK, {"i": {"url": "https://93.184.216.34/", "events": []}}, team.rd.token
    )
    assert refused.codes == ["FORBIDDEN"]

    async with running_receiver([500, 500]) as tracker, running_receiver() as points_log:
        proposals_hook = await _register(api, admin, tracker, ["PROPOSAL_CREATED"])
        adoptions_hook = await _register(api, admin, points_log, ["PAIN_POINT_ADOPTED"])
        listed = (await api.data(WEBHOOKS, token=admin.token))["webhooks"]
        assert [hook["id"] for hook in listed] == [proposals_hook, adoptions_hook]
        assert tracker.secret is not None
        assert tracker.secret not in json.dumps(listed)  # shown once, at creation

        adopted = await api.data(
            ADOPT_CLUSTER, {"id": team.checkout["id"], "n": "进入 Q3 计划"}, team.rd.token
        )
        proposal = adopted["adoptCluster"]["proposal"]

        async def delivered() -> bool:
            nodes = await _deliveries(api, admin, proposals_hook)
            return bool(nodes) and nodes[0]["status"] == "DELIVERED"

        await _until(delivered, "the proposal is delivered")
        (delivery,) = await _deliveries(api, admin, proposals_hook)
        assert (delivery["event"], delivery["attempts"], delivery["lastStatusCode"]) == (
            "PROPOSAL_CREATED",
            3,
            200,
        )
        assert [(entry["attempt"], entry["statusCode"]) for entry in delivery["log"]] == [
            (1, 500),
            (2, 500),
            (3, 200),
        ]
        assert (delivery["nextAttemptAt"], delivery["lastError"]) == (None, None)
        assert "已接收" in delivery["lastResponse"]

        # The receiver got three tries of one delivery, verified each signature, accepted one proposal.
        assert [r.status for r in tracker.requests] == [500, 500, 200]
        assert {r.headers["x-warroom-delivery"] for r in tracker.requests} == {delivery["id"]}
        assert all(r.signature_ok for r in tracker.requests)
        (payload,) = tracker.accepted.values()
        assert (payload["event"], payload["id"]) == ("PROPOSAL_CREATED", delivery["id"])
        assert tracker.requests[-1].body == delivery["body"].encode()
        # What the tracker holds is the proposal's JSON export, word for word.
        exported = await api.client.get(
            proposal["jsonUrl"], headers={"authorization": f"Bearer {team.rd.token}"}
        )
        assert payload["data"]["proposal"] == json.loads(exported.text)
        assert payload["data"]["proposal"]["evidence"]["painPointCount"] == 5

        # The adoptions went to the other endpoint, in one delivery naming the proposal.
        await points_log.wait_for(1)
        (adoptions,) = points_log.accepted.values()
        assert adoptions["event"] == "PAIN_POINT_ADOPTED"
        assert adoptions["data"]["proposalId"] == proposal["id"]
        assert sorted(p["id"] for p in adoptions["data"]["painPoints"]) == sorted(
            p["id"] for p in team.checkout["painPoints"]
        )
        assert any("结账" in p["text"] for p in adoptions["data"]["painPoints"])

        # Subscribed to updates too, the tracker hears the status change.
        await api.data(
            UPDATE_WEBHOOK,
            {"id": proposals_hook, "i": {"events": ["PROPOSAL_CREATED", "PROPOSAL_UPDATED"]}},
            admin.token,
        )
        await api.data(UPDATE_PROPOSAL, {"id": proposal["id"], "i": {"status": "DONE"}}, team.rd.token)
        await tracker.wait_for(4)
        update = tracker.requests[3].payload
        assert (update["event"], update["data"]["changed"], update["data"]["proposal"]["status"]) == (
            "PROPOSAL_UPDATED",
            ["status"],
            "DONE",
        )

        # Redelivered, it carries the same id: the tracker drops the repeat.
        again = (await api.data(REDELIVER, {"d": delivery["id"]}, admin.token))["redeliver"]
        assert (again["id"], again["status"]) == (delivery["id"], "PENDING")
        await tracker.wait_for(5)
        assert tracker.requests[4].headers["x-warroom-delivery"] == delivery["id"]
        assert len([p for p in tracker.accepted.values() if p["event"] == "PROPOSAL_CREATED"]) == 1

    foreign = await sign_in(api, app_db, "admin@b.com", UserRole.ADMIN, team="Team B")
    assert (await api.error(DELIVERIES, {"w": proposals_hook}, foreign.token)).codes == ["NOT_FOUND"]
    assert (await api.error(REDELIVER, {"d": delivery["id"]}, foreign.token)).codes == ["NOT_FOUND"]
    assert (await api.data(WEBHOOKS, token=foreign.token))["webhooks"] == []
