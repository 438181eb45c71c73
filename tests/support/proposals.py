"""A team whose pain points form clusters (two themes, each in Chinese and English), and the GraphQL
documents the proposal and webhook tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.painpoints import CHECKOUT, WELDING, all_clusters, recluster, submit_many
from tests.support.points import SignedIn, sign_in

PROPOSAL_FIELDS = (
    "id title problemStatement status clusterId note createdAt updatedAt markdownUrl jsonUrl "
    "adoptedBy { id name } updatedBy { id name } "
    "evidence { runId label keywords painPointCount adoptedCount caseCount customerCount authorCount customers "
    "firstSeen lastSeen trend { week count } "
    "representatives { id text caseId caseTitle customer product author { id name } createdAt } }"
)
ADOPT_CLUSTER = (
    "mutation($id: ID!, $n: String) { adoptCluster(id: $id, note: $n) { created "
    f"adoptedPainPoints {{ id status adoptionNote }} proposal {{ {PROPOSAL_FIELDS} }} }} }}"
)
PROPOSAL = f"query($id: ID!) {{ requirementProposal(id: $id) {{ {PROPOSAL_FIELDS} }} }}"
PROPOSALS = (
    "query($s: ProposalStatus, $first: Int!, $after: String) { requirementProposals(status: $s, first: $first, "
    "after: $after) { nodes { id title status } pageInfo { hasNextPage endCursor } } }"
)
UPDATE_PROPOSAL = (
    "mutation($id: ID!, $i: UpdateRequirementProposalInput!) { updateRequirementProposal(id: $id, input: $i) "
    f"{{ {PROPOSAL_FIELDS} }} }}"
)
CREATE_WEBHOOK = "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url events description } } }"
WEBHOOKS = "{ webhooks { id url events description } }"
DELIVERIES = (
    "query($w: ID!) { webhookDeliveries(webhookId: $w, first: 50) { nodes { id event status attempts "
    "lastStatusCode lastError lastResponse nextAttemptAt deliveredAt body log { attempt statusCode error } } } }"
)
REDELIVER = "mutation($d: ID!) { redeliver(deliveryId: $d) { id status } }"


@dataclass(frozen=True)
class ClusteredTeam:
    """Team A: an owner who submitted the pain points of two cases, an R&D person, the two clusters."""

    owner: SignedIn
    rd: SignedIn
    case_ids: list[str]
    checkout: dict[str, Any]  # the cluster node (id, label, painPoints ...)
    welding: dict[str, Any]


async def clustered_team(api: GraphQL, db: Database) -> ClusteredTeam:
    """Ten pain points on two themes over two cases, half Chinese, clustered by a real run."""
    owner = await sign_in(api, db, "owner@a.com")
    rd = await sign_in(api, db, "rd@a.com", UserRole.RD)
    retail = await api.create_case(owner.token, title="华南零售 South China retail", customer="华润万家")
    factory = await api.create_case(owner.token, title="East China heavy industry", customer="Sany Heavy")
    items = [{"caseId": retail, "text": text} for text in CHECKOUT] + [
        {"caseId": factory, "text": text} for text in WELDING
    ]
    results = await submit_many(api, owner.token, items)
    assert {r["status"] for r in results} == {"SUBMITTED"}, results
    job = await recluster(api, rd.token)
    assert job["status"] == "SUCCEEDED", job
    nodes = (await all_clusters(api, rd.token))["nodes"]
    by_theme = {}
    for node in nodes:
        texts = {p["text"] for p in node["painPoints"]}
        by_theme["checkout" if texts <= set(CHECKOUT) else "welding" if texts <= set(WELDING) else "?"] = node
    assert set(by_theme) == {"checkout", "welding"}, nodes
    return ClusteredTeam(owner, rd, [retail, factory], by_theme["checkout"], by_theme["welding"])
