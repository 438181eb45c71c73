"""Every named operation of graphql/operations/knowledge.graphql, as the war room would run it, and the
same NOT_FOUND for another team's TEAM asset as for an id that names nothing."""

from __future__ import annotations

from typing import Any

from server.infra.db import Database
from server.infra.ids import new_id
from tests.support.documents import write
from tests.support.graphql import GraphQL
from tests.support.operations import operation
from tests.support.people import make_person

SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"


async def test_the_knowledge_operations_run_and_hide_what_is_not_yours(
    api: GraphQL, app_db: Database
) -> None:
    owner = await make_person(app_db, "owner@example.com", team="Team A")
    mate = await make_person(app_db, "mate@example.com", team="Team A")
    outsider = await make_person(app_db, "outsider@example.com", team="Team B")
    token = await api.login(owner.email, owner.password)
    mate_token = await api.login(mate.email, mate.password)
    outsider_token = await api.login(outsider.email, outsider.password)

    async def run(name: str, variables: dict[str, Any], who: str = token) -> dict[str, Any]:
        return await api.data(operation(name), variables, who)

    case_id = await api.create_case(token, title="OR fault", customer="ACME Hospital")
    await write(app_db, case_id, owner.id, "Cold-chain SOP 冷链温控", "ACME Hospital desk: 13812345678")
    first = (await api.data(SNAPSHOT, {"c": case_id, "l": "v1"}, token))["createSnapshot"]["id"]
    draft = {"caseId": case_id, "snapshotId": first, "title": "Cold-chain SOP 冷链温控", "tags": ["SOP"]}
    preview = (await run("PreviewKnowledgeAsset", {"input": draft}))["previewKnowledgeAsset"]
    assert [span["kind"] for span in preview["textSpans"]] == ["customer", "phone"]
    asset = (await run("PublishKnowledgeAsset", {"input": {**draft, "audience": "TEAM"}}))[
        "publishKnowledgeAsset"
    ]
    assert asset["version"] == 1
    await write(app_db, case_id, owner.id, "Step 2")
    second = (await api.data(SNAPSHOT, {"c": case_id, "l": "v2"}, token))["createSnapshot"]["id"]
    again = {**draft, "snapshotId": second, "changeNote": "step 2"}
    assert (await run("PublishKnowledgeAsset", {"input": again}))["publishKnowledgeAsset"]["version"] == 2

    listed = (await run("KnowledgeAssets", {"query": "冷链", "tags": ["sop"]}, mate_token))["knowledgeAssets"]
    assert [node["id"] for node in listed["nodes"]] == [asset["id"]]
    similar = await run("SimilarKnowledgeAssets", {"text": "温控 cold chain"}, mate_token)
    assert [m["asset"]["id"] for m in similar["similarKnowledgeAssets"]] == [asset["id"]]
    read = (await run("KnowledgeAsset", {"id": asset["id"], "version": 1}, mate_token))["knowledgeAsset"]
    assert [v["version"] for v in read["versions"]] == [2, 1]
    assert read["published"]["version"] == 1
    assert read["sourceCase"] is None  # the mate is not on the case
    diff = await run("KnowledgeAssetDiff", {"assetId": asset["id"], "fromVersion": 1}, mate_token)
    assert diff["knowledgeAssetDiff"]["to"] == {"version": 2, "changeNote": "step 2"}
    subscribed = await run("SubscribeToKnowledgeAsset", {"id": asset["id"]}, mate_token)
    assert subscribed["subscribeToKnowledgeAsset"]["subscribed"] is True
    left = await run("UnsubscribeFromKnowledgeAsset", {"id": asset["id"]}, mate_token)
    assert left["unsubscribeFromKnowledgeAsset"]["subscribed"] is False
    made = await run(
        "CreateCaseFromKnowledgeAsset",
        {"assetId": asset["id"], "input": {"title": "Again", "customer": "Other"}},
        mate_token,
    )
    assert made["createCaseFromKnowledgeAsset"]["startedFrom"]["version"] == 2

    asks = {
        "KnowledgeAsset": {"id": asset["id"]},
        "KnowledgeAssetDiff": {"assetId": asset["id"], "fromVersion": 1},
        "SubscribeToKnowledgeAsset": {"id": asset["id"]},
        "UnsubscribeFromKnowledgeAsset": {"id": asset["id"]},
        "CreateCaseFromKnowledgeAsset": {"assetId": asset["id"], "input": {"title": "T", "customer": "C"}},
        "PreviewKnowledgeAsset": {"input": draft},
        "PublishKnowledgeAsset": {"input": draft},
    }
    for name, variables in asks.items():
        foreign = await api.error(operation(name), variables, outsider_token)
        missing = {key: new_id() if key in ("id", "assetId") else value for key, value in variables.items()}
        if "input" in variables and "caseId" in variables["input"]:
            missing["input"] = {**variables["input"], "caseId": new_id()}
        nothing = await api.error(operation(name), missing, token)
        assert foreign.codes == nothing.codes == ["NOT_FOUND"], name
    assert (await api.data(operation("KnowledgeAssets"), {}, outsider_token))["knowledgeAssets"][
        "nodes"
    ] == []
