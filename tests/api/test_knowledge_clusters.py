"""From a pain-point cluster to the playbooks for its problem: `PainPointCluster.relatedKnowledgeAssets`
ranks the assets in the reader's audience by meaning (the real embedding model)."""

from __future__ import annotations

import pytest

from server.infra.db import Database
from tests.support.documents import write
from tests.support.graphql import GraphQL
from tests.support.proposals import clustered_team

SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
PUBLISH = "mutation($i: PublishKnowledgeAssetInput!) { publishKnowledgeAsset(input: $i) { id } }"
RELATED = (
    "query($f: ClusterFilterInput) { painPointClusters(filter: $f, first: 10) { nodes { id "
    "relatedKnowledgeAssets(first: 3) { score asset { title } } } } }"
)
PLAYBOOKS = {
    "收银台支付失败处置手册": "晚高峰银行卡支付失败、提示支付被拒绝时：先检查收单网关，再联系银行核对授权。",
    "Welding robot path calibration": "When a robot's weld seam drifts off the programmed path, recalibrate "
    "the tool centre point after every torch change.",
    "展会参展筹备指南": "参展前两个月确定展位设计并安排运输。",
}


# A clustering run and three publishes with the real model: minutes on a loaded two-core machine.
@pytest.mark.timeout(600)
async def test_each_cluster_lists_the_playbooks_for_its_problem_first(api: GraphQL, app_db: Database) -> None:
    team = await clustered_team(api, app_db)
    other_case = await api.create_case(team.owner.token, title="展会", customer="会展中心")
    for (title, text), case_id in zip(PLAYBOOKS.items(), [*team.case_ids, other_case], strict=True):
        await write(app_db, case_id, team.owner.id, title, text, replace=True)
        snapshot = (await api.data(SNAPSHOT, {"c": case_id, "l": title}, team.owner.token))["createSnapshot"]
        draft = {"caseId": case_id, "snapshotId": snapshot["id"], "title": title}
        await api.data(PUBLISH, {"i": draft}, team.owner.token)
    nodes = (await api.data(RELATED, {"f": None}, team.rd.token))["painPointClusters"]["nodes"]
    related = {node["id"]: [m["asset"]["title"] for m in node["relatedKnowledgeAssets"]] for node in nodes}
    assert related[team.welding["id"]][0] == "Welding robot path calibration"
    assert related[team.checkout["id"]][0] == "收银台支付失败处置手册"
