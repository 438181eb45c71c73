"""The named operations of graphql/operations/painpoints.graphql, executed as the member panel and R&D send
them (the subscription runs against a real server in test_cluster_events.py)."""

from pathlib import Path
from typing import Any

import pytest

from server.infra.config import Settings
from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL, GraphQLErrorResponse
from tests.support.painpoints import labelled_rows, seed, wait_for_job
from tests.support.points import sign_in

pytestmark = pytest.mark.model

DOCUMENT = (Path(__file__).resolve().parents[2] / "graphql" / "operations" / "painpoints.graphql").read_text()


async def _run(api: GraphQL, name: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": DOCUMENT, "operationName": name, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body = response.json()
    if body.get("errors"):
        raise GraphQLErrorResponse(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


async def test_the_member_panel_and_rd_operations(api: GraphQL, app_db: Database, settings: Settings) -> None:
    owner = await sign_in(api, app_db, "owner@a.com")
    rd = await sign_in(api, app_db, "rd@a.com", UserRole.RD)
    case_id = await api.create_case(owner.token, customer="Contoso")
    themes = sorted({row.label for row in labelled_rows()})[:8]
    rows = [row for row in labelled_rows() if row.lang == "en" and row.label in themes]  # 8 clear clusters
    await seed(app_db, settings, owner.id, [case_id], rows)

    job = (await _run(api, "ReclusterPainPoints", {}, rd.token))["reclusterPainPoints"]
    assert job["job"]["status"] == "QUEUED"
    assert (await wait_for_job(api, rd.token, job["jobId"]))["status"] == "SUCCEEDED"
    assert (await _run(api, "Job", {"id": job["jobId"]}, rd.token))["job"]["name"] == "cluster_pain_points"

    one = await _run(
        api,
        "SubmitPainPoint",
        {"input": {"caseId": case_id, "text": "The mobile app crashes right after the latest update"}},
        owner.token,
    )
    assert one["submitPainPoint"]["__typename"] == "PainPoint"
    many = await _run(
        api,
        "SubmitPainPoints",
        {
            "inputs": [
                {"caseId": case_id, "text": "Ã¼berweisung"},
                {"caseId": case_id, "text": "SSO login loops"},
            ]
        },
        owner.token,
    )
    refused, accepted = many["submitPainPoints"]
    assert (refused["__typename"], accepted["__typename"]) == ("PainPointRejected", "PainPoint")
    fixed = await _run(
        api,
        "ResubmitTicket",
        {"id": refused["ticket"]["id"], "text": "Überweisung wird doppelt gebucht"},
        owner.token,
    )
    assert fixed["resubmitTicket"]["__typename"] == "PainPoint"
    tickets = (await _run(api, "MyRectificationTickets", {}, owner.token))["myRectificationTickets"]["nodes"]
    assert tickets[0]["painPoint"]["id"] == fixed["resubmitTicket"]["id"]
    listed = (await _run(api, "CasePainPoints", {"caseId": case_id, "first": 5}, owner.token))[
        "casePainPoints"
    ]
    assert len(listed["nodes"]) == 5
    assert listed["pageInfo"]["hasNextPage"]
    seen = (await _run(api, "PainPoint", {"id": one["submitPainPoint"]["id"]}, owner.token))["painPoint"]
    assert seen["cluster"] is not None

    clusters = (await _run(api, "PainPointClusters", {"first": 3, "members": 2}, rd.token))[
        "painPointClusters"
    ]
    assert len(clusters["nodes"]) == 3
    assert all(len(node["painPoints"]) == 2 for node in clusters["nodes"])
    assert clusters["run"]["painPointCount"] == len(rows)
    cluster = await _run(api, "PainPointCluster", {"id": clusters["nodes"][0]["id"], "first": 2}, rd.token)
    assert cluster["painPointCluster"]["keywordScores"]
    unclustered = await _run(api, "UnclusteredPainPoints", {}, rd.token)
    assert unclustered["painPointClusters"]["unclusteredCount"] == len(
        unclustered["painPointClusters"]["unclustered"]
    )
    runs = (await _run(api, "ClusterRuns", {}, rd.token))["clusterRuns"]["nodes"]
    assert [r["id"] for r in runs] == [clusters["run"]["id"]]
    adopted = await _run(api, "AdoptPainPoint", {"id": accepted["id"], "note": "Next sprint"}, rd.token)
    assert adopted["adoptPainPoint"]["status"] == "ADOPTED"
    withdrawn = await _run(
        api,
        "WithdrawPainPoint",
        {"id": fixed["resubmitTicket"]["id"], "reason": "Entered twice"},
        owner.token,
    )
    assert withdrawn["withdrawPainPoint"]["status"] == "REJECTED"
    assert withdrawn["withdrawPainPoint"]["withdrawalReason"] == "Entered twice"
