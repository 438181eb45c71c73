"""The named operations of graphql/operations/proposals.graphql and cluster_corrections.graphql, executed as the
clusters and proposals pages send them, on a team whose Chinese and English pain points a real run clustered."""

from pathlib import Path
from typing import Any

import pytest

from server.infra.db import Database
from tests.support.graphql import GraphQL, GraphQLErrorResponse
from tests.support.painpoints import CHECKOUT
from tests.support.proposals import clustered_team

pytestmark = pytest.mark.model

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


async def _run(api: GraphQL, file: str, name: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": (OPERATIONS / file).read_text(), "operationName": name, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body = response.json()
    if body.get("errors"):
        raise GraphQLErrorResponse(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


async def test_the_clusters_and_proposals_pages_operations(api: GraphQL, app_db: Database) -> None:
    team = await clustered_team(api, app_db)
    cluster_id = team.checkout["id"]

    renamed = (
        await _run(
            api,
            "cluster_corrections.graphql",
            "RenameCluster",
            {"id": cluster_id, "label": "结账支付失败 Checkout payments", "reason": "销售这么叫"},
            team.rd.token,
        )
    )["renameCluster"]
    assert (renamed["kind"], renamed["data"]["label"], renamed["reason"]) == (
        "RENAME",
        "结账支付失败 Checkout payments",
        "销售这么叫",
    )
    assert renamed["createdBy"]["id"] == team.rd.id
    assert (renamed["undoneAt"], renamed["undoneBy"]) == (None, None)
    undone = (
        await _run(
            api, "cluster_corrections.graphql", "UndoClusterCorrection", {"id": renamed["id"]}, team.rd.token
        )
    )["undoClusterCorrection"]
    assert undone["undoneBy"]["id"] == team.rd.id
    assert undone["undoneAt"] is not None
    history = (
        await _run(
            api, "cluster_corrections.graphql", "ClusterCorrectionHistory", {"id": cluster_id}, team.rd.token
        )
    )["painPointCluster"]
    assert [(c["id"], c["createdBy"]["name"]) for c in history["corrections"]["nodes"]] == [
        (renamed["id"], renamed["createdBy"]["name"])
    ]

    adopted = (
        await _run(
            api, "proposals.graphql", "AdoptCluster", {"id": cluster_id, "note": "Q3 路线图"}, team.rd.token
        )
    )["adoptCluster"]
    assert adopted["created"] is True
    assert len(adopted["adoptedPainPoints"]) == len(CHECKOUT)
    proposal = adopted["proposal"]
    assert (proposal["clusterId"], proposal["status"], proposal["note"]) == (cluster_id, "OPEN", "Q3 路线图")
    listed = (
        await _run(api, "proposals.graphql", "RequirementProposals", {"status": "OPEN"}, team.rd.token)
    )["requirementProposals"]
    assert [p["id"] for p in listed["nodes"]] == [proposal["id"]]
    declined = (
        await _run(api, "proposals.graphql", "RequirementProposals", {"status": "DECLINED"}, team.rd.token)
    )["requirementProposals"]
    assert declined["nodes"] == []
    one = (
        await _run(api, "proposals.graphql", "RequirementProposal", {"id": proposal["id"]}, team.rd.token)
    )["requirementProposal"]
    assert {r["text"] for r in one["evidence"]["representatives"]} == set(CHECKOUT)
    assert one["evidence"]["painPointCount"] == len(CHECKOUT)

    accepted = (
        await _run(
            api,
            "proposals.graphql",
            "UpdateRequirementProposal",
            {"id": proposal["id"], "input": {"status": "ACCEPTED"}},
            team.rd.token,
        )
    )["updateRequirementProposal"]
    assert (accepted["id"], accepted["status"], accepted["title"]) == (
        proposal["id"],
        "ACCEPTED",
        proposal["title"],
    )
    listed = (
        await _run(api, "proposals.graphql", "RequirementProposals", {"status": "ACCEPTED"}, team.rd.token)
    )["requirementProposals"]
    assert [p["id"] for p in listed["nodes"]] == [proposal["id"]]

    # A welding pain point moved into the checkout cluster, then taken out of every cluster.
    choices = (await _run(api, "cluster_corrections.graphql", "ClusterChoices", {}, team.rd.token))[
        "painPointClusters"
    ]["nodes"]
    assert {c["id"] for c in choices} == {cluster_id, team.welding["id"]}
    stray = team.welding["painPoints"][0]["id"]
    moved = (
        await _run(
            api,
            "cluster_corrections.graphql",
            "MovePainPoint",
            {"id": stray, "toClusterId": cluster_id, "reason": "其实是支付问题"},
            team.rd.token,
        )
    )["movePainPoint"]
    assert (moved["kind"], moved["clusterId"], moved["painPointId"]) == ("MOVE", cluster_id, stray)
    out = (
        await _run(api, "cluster_corrections.graphql", "UnclusterPainPoint", {"id": stray}, team.rd.token)
    )["unclusterPainPoint"]
    assert (out["kind"], out["clusterId"], out["painPointId"]) == ("UNCLUSTER", cluster_id, stray)
