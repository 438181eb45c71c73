"""GraphQL documents and helpers the pain-point and cluster tests share."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update

from server.domain.painpoints import submit as painpoint_submit
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings
from server.infra.db import Database
from server.models import PainPoint, User
from tests.support.graphql import GraphQL
from tests.support.outbox import Followups

# Two obvious themes in English and Chinese: a small team's pain points that must form two clusters.
CHECKOUT = [
    "Card payment fails at checkout during the evening peak",
    "Customers see 'payment declined' at checkout although the bank approved it",
    "结账时银行卡支付失败，晚高峰尤其严重",
    "顾客结账时提示支付被拒绝，但银行那边显示已批准",
    "收银台付款一直失败，客户只好换现金",
]
WELDING = [
    "The welding robot's seam drifts about two millimetres off the programmed path",
    "Weld trajectory of robot arm 3 deviates after each tool change",
    "焊接机器人的焊缝偏离编程轨迹约两毫米",
    "三号机械臂换枪后焊接轨迹出现偏移",
    "机器人焊接路径漂移，焊缝不在工件中心",
]

LABELLED = Path(__file__).parents[1] / "data" / "painpoints_labelled.jsonl"

RESULT = (
    "__typename ... on PainPoint { id text status caseId customer product tags duplicateOf { id } } "
    "... on PainPointRejected { reasons { code message } ticket { id text status attempts } }"
)
SUBMIT = f"mutation($i: PainPointInput!) {{ submitPainPoint(input: $i) {{ {RESULT} }} }}"
SUBMIT_MANY = f"mutation($i: [PainPointInput!]!) {{ submitPainPoints(inputs: $i) {{ {RESULT} }} }}"
RESUBMIT = f"mutation($id: ID!, $t: String!) {{ resubmitTicket(id: $id, text: $t) {{ {RESULT} }} }}"
PAIN_POINT = (
    "query($id: ID!) { painPoint(id: $id) { id text status caseId cluster { id label } duplicateOf { id } } }"
)
ADOPT = "mutation($id: ID!, $n: String) { adoptPainPoint(id: $id, note: $n) { id status adoptedAt adoptionNote } }"
TICKETS = (
    "query($s: TicketStatus) { myRectificationTickets(status: $s) "
    "{ nodes { id caseId text latestText status attempts reasons { code } painPoint { id } } } }"
)
RECLUSTER = "mutation { reclusterPainPoints { jobId job { status } } }"
JOB = "query($id: ID!) { job(id: $id) { id status progress error attempts } }"
CLUSTERS = (
    "query($f: ClusterFilterInput, $first: Int!, $after: String) { painPointClusters(filter: $f, first: $first, "
    "after: $after) { nodes { id label keywords size caseCount customers trend { week count } "
    "representatives { id text } painPoints(first: 100) { id text caseId } } pageInfo { hasNextPage endCursor } "
    "run { id model method params painPointCount clusterCount } unclustered(first: 100) { id } unclusteredCount } }"
)


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str
    lang: str
    customer: str
    product: str
    created_at: datetime


def labelled_rows() -> list[Labelled]:
    """The labelled development set (tests/data/painpoints_labelled.jsonl)."""
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        rows.append(
            Labelled(
                raw["text"],
                raw["label"],
                raw["lang"],
                raw["customer"],
                raw["product"],
                datetime.fromisoformat(raw["created_at"]),
            )
        )
    return rows


async def submit(api: GraphQL, token: str, case_id: str, text: str, **fields: Any) -> dict[str, Any]:
    """One submitPainPoint result (either union member)."""
    data = await api.data(SUBMIT, {"i": {"caseId": case_id, "text": text, **fields}}, token)
    result: dict[str, Any] = data["submitPainPoint"]
    return result


async def submit_many(api: GraphQL, token: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    data = await api.data(SUBMIT_MANY, {"i": items}, token)
    results: list[dict[str, Any]] = data["submitPainPoints"]
    return results


async def seed(
    db: Database, settings: Settings, author_id: str, case_ids: list[str], rows: list[Labelled]
) -> list[str]:
    """Submit labelled pain points through the domain (round-robin over the cases), dated as in the set."""
    async with db.sessions() as session:
        author = await session.get(User, author_id)
    assert author is not None
    jobs = Followups(db, settings)
    inputs = [
        SubmissionInput(case_ids[i % len(case_ids)], row.text, customer=row.customer, product=row.product)
        for i, row in enumerate(rows)
    ]
    results = await painpoint_submit.submit(db, author, inputs, PainPointConfig.from_settings(settings))
    await jobs.drain()
    ids = []
    async with db.transaction() as session:
        for result, row in zip(results, rows, strict=True):
            assert result.pain_point is not None, result.rejections
            await session.execute(
                update(PainPoint)
                .where(PainPoint.id == result.pain_point.id)
                .values(created_at=row.created_at)
            )
            ids.append(result.pain_point.id)
    return ids


async def wait_for_job(api: GraphQL, token: str, job_id: str, timeout: float = 100) -> dict[str, Any]:
    """Poll job(id) until it finishes; returns the job."""
    async with asyncio.timeout(timeout):
        while True:
            job: dict[str, Any] = (await api.data(JOB, {"id": job_id}, token))["job"]
            if job["status"] in ("SUCCEEDED", "FAILED"):
                return job
            await asyncio.sleep(0.1)


async def recluster(api: GraphQL, token: str) -> dict[str, Any]:
    """Ask for a re-clustering and wait for it."""
    job_id = (await api.data(RECLUSTER, token=token))["reclusterPainPoints"]["jobId"]
    return await wait_for_job(api, token, job_id)


async def all_clusters(api: GraphQL, token: str, flt: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every page of painPointClusters, merged: {"nodes": [...], "run": ..., "unclusteredCount": ...}."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.data(CLUSTERS, {"f": flt, "first": 100, "after": after}, token))[
            "painPointClusters"
        ]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return {**page, "nodes": nodes}
        after = page["pageInfo"]["endCursor"]
