"""Knowledge assets through GraphQL: the redacted publish and its preview, versions and their diff,
subscriptions and their notifications, starting a case from an asset, who sees what, and the points."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server.infra.db import Database
from tests.support.crew import Crew
from tests.support.documents import write
from tests.support.graphql import GraphQL

SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
SPANS = "{ kind start end }"
PREVIEW = (
    "query($i: KnowledgeDraftInput!) { previewKnowledgeAsset(input: $i) { title titleSpans "
    f"{SPANS} summary summarySpans {SPANS} tags text textSpans {SPANS} }} }}"
)
ASSET = (
    "id title summary tags audience version reuseCount subscriberCount subscribed "
    "published { version changeNote text maskedSpans { kind start end } publishedBy { id } }"
)
PUBLISH = f"mutation($i: PublishKnowledgeAssetInput!) {{ publishKnowledgeAsset(input: $i) {{ {ASSET} }} }}"
GET = f"query($id: ID!) {{ knowledgeAsset(id: $id) {{ {ASSET} sourceCase {{ id }} }} }}"
SEARCH = (
    "query($q: String, $t: [String!], $first: Int, $after: String) { knowledgeAssets(query: $q, tags: $t, "
    "first: $first, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } } }"
)
SUBSCRIBE = "mutation($id: ID!) { subscribeToKnowledgeAsset(id: $id) { subscribed subscriberCount } }"
UNSUBSCRIBE = "mutation($id: ID!) { unsubscribeFromKnowledgeAsset(id: $id) { subscribed subscriberCount } }"
DIFF = (
    "query($a: ID!, $f: Int!, $t: Int) { knowledgeAssetDiff(assetId: $a, fromVersion: $f, toVersion: $t) "
    "{ from { version } to { version } insertedWords deletedWords changes { kind segments { op text } } } }"
)
REUSE = (
    "mutation($a: ID!, $i: CreateCaseInput!) { createCaseFromKnowledgeAsset(assetId: $a, input: $i) "
    "{ id title customer myRole text startedFrom { version asset { id reuseCount } } } }"
)
INBOX = (
    "{ notifications(first: 10) { nodes { kind assetVersion actor { id } knowledgeAsset { id version } } } }"
)
LEDGER = "{ me { pointsLedger(first: 20) { nodes { action subject delta } } } }"

CUSTOMER = "华西医院 Medical"
WRITTEN = (
    "手术室紧急故障处置SOP",
    "华西医院 Medical 的李工，电话 13812345678，邮箱 li.gong@huaxi.cn",
    "Escalate to John at +1 415 555 0100 or john.smith@acme.com; ID 110101199003074514.",
)


@pytest.fixture
async def crew(api: GraphQL, app_db: Database) -> Crew:
    team = Crew(api, app_db)
    await team.of_two_teams()
    return team


async def _case(crew: Crew, *paragraphs: str, customer: str = CUSTOMER) -> tuple[str, str]:
    """A case of the owner's with `paragraphs` written, and a named version of it."""
    case_id = await crew.api.create_case(crew.tokens["owner"], title="OR fault", customer=customer)
    await crew.api.add_member(crew.tokens["owner"], case_id, crew.people["mate"].id, "EDITOR")
    await write(crew.db, case_id, crew.people["owner"].id, *paragraphs)
    snapshot = await crew.data("owner", SNAPSHOT, {"c": case_id, "l": "v1"})
    return case_id, snapshot["createSnapshot"]["id"]


def _draft(case_id: str, snapshot_id: str, **more: Any) -> dict[str, Any]:
    return {"caseId": case_id, "snapshotId": snapshot_id, "title": "手术室紧急故障处置SOP", **more}


async def _publish(crew: Crew, case_id: str, snapshot_id: str, **more: Any) -> dict[str, Any]:
    published: dict[str, Any] = (
        await crew.data("owner", PUBLISH, {"i": _draft(case_id, snapshot_id, **more)})
    )["publishKnowledgeAsset"]
    return published


async def test_the_published_copy_is_redacted_as_previewed_and_the_case_is_unchanged(crew: Crew) -> None:
    case_id, snapshot_id = await _case(crew, *WRITTEN)
    summary = "For 华西医院 Medical: call 13812345678 first."
    preview = (await crew.data("owner", PREVIEW, {"i": _draft(case_id, snapshot_id, summary=summary)}))[
        "previewKnowledgeAsset"
    ]
    text = preview["text"]
    for secret in ("华西医院", "13812345678", "li.gong@huaxi.cn", "john.smith@acme.com", "415 555 0100"):
        assert secret not in text
        assert secret not in preview["summary"]
    assert "110101199003074514" not in text
    assert text.startswith("手术室紧急故障处置SOP\n华*** Medical 的李工，电话 138****5678")
    kinds = [span["kind"] for span in preview["textSpans"]]
    assert kinds == ["customer", "phone", "email", "phone", "email", "id_number"]
    marked = [text[span["start"] : span["end"]] for span in preview["textSpans"]]
    assert marked[:3] == ["华*** Medical", "138****5678", "l***@huaxi.cn"]
    assert [s["kind"] for s in preview["summarySpans"]] == ["customer", "phone"]

    published = await _publish(crew, case_id, snapshot_id, summary=summary, tags=["SOP", "手术室"])
    assert published["version"] == 1
    assert published["audience"] == "TEAM"
    assert published["tags"] == ["SOP", "手术室"]
    assert published["published"]["text"] == text
    assert published["published"]["maskedSpans"] == preview["textSpans"]
    assert published["summary"] == preview["summary"]
    # The source case still reads as its people wrote it.
    assert await crew.api.case_text(crew.tokens["owner"], case_id) == "\n".join(WRITTEN)


async def test_only_an_owner_publishes_a_version_of_their_case(crew: Crew) -> None:
    case_id, snapshot_id = await _case(crew, "Checklist")
    draft = {"i": _draft(case_id, snapshot_id)}
    assert await crew.codes("mate", PUBLISH, draft) == ["FORBIDDEN"]
    assert await crew.codes("mate", PREVIEW, draft) == ["FORBIDDEN"]
    assert await crew.codes("other", PUBLISH, draft) == ["NOT_FOUND"]
    other_case, other_snapshot = await _case(crew, "Another")
    assert await crew.codes("owner", PUBLISH, {"i": _draft(case_id, other_snapshot)}) == ["NOT_FOUND"]
    assert await crew.codes(
        "owner", PUBLISH, {"i": {**_draft(other_case, other_snapshot), "title": " "}}
    ) == ["BAD_INPUT"]
    assert await crew.codes("owner", PUBLISH, {"i": _draft(case_id, snapshot_id, tags=["a|b"])}) == [
        "BAD_INPUT"
    ]


async def test_a_new_version_notifies_subscribers_and_shows_its_diff(crew: Crew) -> None:
    case_id, first = await _case(crew, "Step 1: power off", "第二步：通知设备科")
    asset = await _publish(crew, case_id, first, audience="ORGANIZATION")
    subscribed = (await crew.data("other", SUBSCRIBE, {"id": asset["id"]}))["subscribeToKnowledgeAsset"]
    assert subscribed == {"subscribed": True, "subscriberCount": 1}
    # Subscribing twice changes nothing.
    assert (await crew.data("other", SUBSCRIBE, {"id": asset["id"]}))[
        "subscribeToKnowledgeAsset"
    ] == subscribed
    await crew.data("third", SUBSCRIBE, {"id": asset["id"]})
    await crew.data("third", UNSUBSCRIBE, {"id": asset["id"]})

    await write(crew.db, case_id, crew.people["owner"].id, "第三步：复盘 and report")
    second = (await crew.data("owner", SNAPSHOT, {"c": case_id, "l": "v2"}))["createSnapshot"]["id"]
    again = await _publish(crew, case_id, second, audience="ORGANIZATION", changeNote="加了复盘")
    assert again["id"] == asset["id"]
    assert again["version"] == 2
    assert again["published"]["changeNote"] == "加了复盘"

    inbox = (await crew.data("other", INBOX))["notifications"]["nodes"]
    assert inbox == [
        {
            "kind": "ASSET_VERSION_PUBLISHED",
            "assetVersion": 2,
            "actor": {"id": crew.people["owner"].id},
            "knowledgeAsset": {"id": asset["id"], "version": 2},
        }
    ]
    assert (await crew.data("third", INBOX))["notifications"]["nodes"] == []

    diff = (await crew.data("other", DIFF, {"a": asset["id"], "f": 1}))["knowledgeAssetDiff"]
    assert diff["from"] == {"version": 1}
    assert diff["to"] == {"version": 2}
    inserted = [s["text"] for c in diff["changes"] for s in c["segments"] if s["op"] == "INSERTED"]
    assert "".join(inserted).strip() == "第三步：复盘 and report"
    assert await crew.codes("other", DIFF, {"a": asset["id"], "f": 3}) == ["NOT_FOUND"]


async def test_team_assets_stay_in_the_team_and_organization_ones_reach_everyone(crew: Crew) -> None:
    case_id, snapshot_id = await _case(crew, "内部流程")
    asset = await _publish(crew, case_id, snapshot_id)
    for query in (GET, SUBSCRIBE):
        assert await crew.codes("other", query, {"id": asset["id"]}) == ["NOT_FOUND"]
    assert (await crew.data("other", SEARCH, {"q": "故障处置"}))["knowledgeAssets"]["nodes"] == []
    mate_view = (await crew.data("mate", GET, {"id": asset["id"]}))["knowledgeAsset"]
    assert mate_view["sourceCase"] == {"id": case_id}

    opened_case, opened_snapshot = await _case(crew, "公开流程")
    shared = await _publish(crew, opened_case, opened_snapshot, audience="ORGANIZATION")
    seen = (await crew.data("other", GET, {"id": shared["id"]}))["knowledgeAsset"]
    assert seen["title"] == "手术室紧急故障处置SOP"
    # Another team's person may read the asset, not the case it came from.
    assert seen["sourceCase"] is None
    found = (await crew.data("other", SEARCH, {"q": "故障处置"}))["knowledgeAssets"]["nodes"]
    assert [node["id"] for node in found] == [shared["id"]]


async def _ledger(crew: Crew, who: str, count: int) -> list[dict[str, Any]]:
    """The person's ledger once it has `count` entries (awards run as jobs), or after 30 s."""
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        nodes: list[dict[str, Any]] = (await crew.data(who, LEDGER))["me"]["pointsLedger"]["nodes"]
        if len(nodes) >= count or asyncio.get_running_loop().time() > deadline:
            return nodes
        await asyncio.sleep(0.05)


async def test_starting_a_case_from_an_asset_copies_its_text_and_credits_the_author(crew: Crew) -> None:
    case_id, snapshot_id = await _case(crew, *WRITTEN)
    asset = await _publish(crew, case_id, snapshot_id, audience="ORGANIZATION")
    # The author's own reuse earns nothing; another person's earns once, however often they reuse.
    mine = (await crew.data("owner", REUSE, {"a": asset["id"], "i": {"title": "Again", "customer": "Own"}}))[
        "createCaseFromKnowledgeAsset"
    ]
    assert mine["text"] == asset["published"]["text"]
    started = (
        await crew.data("other", REUSE, {"a": asset["id"], "i": {"title": "新病例", "customer": "协和"}})
    )["createCaseFromKnowledgeAsset"]
    assert started["myRole"] == "OWNER"
    assert started["customer"] == "协和"
    assert started["text"] == asset["published"]["text"]
    assert started["startedFrom"]["version"] == 1
    assert started["startedFrom"]["asset"]["id"] == asset["id"]
    await crew.data("other", REUSE, {"a": asset["id"], "i": {"title": "再来", "customer": "协和"}})
    await crew.data("third", REUSE, {"a": asset["id"], "i": {"title": "Third", "customer": "X"}})
    await crew.data("other", SUBSCRIBE, {"id": asset["id"]})
    await crew.data("owner", SUBSCRIBE, {"id": asset["id"]})

    # Naming the version earned one entry (SNAPSHOT_NAMED); the asset earned the rest.
    entries = [e for e in await _ledger(crew, "owner", 4) if e["action"] != "SNAPSHOT_NAMED"]
    actions = sorted(entry["action"] for entry in entries)
    assert actions == ["ASSET_REUSED", "ASSET_REUSED", "ASSET_SUBSCRIBED"]
    assert {entry["subject"] for entry in entries} == {f"knowledge_asset:{asset['id']}"}
    assert all(entry["delta"] > 0 for entry in entries)
    counted = (await crew.data("mate", GET, {"id": asset["id"]}))["knowledgeAsset"]
    assert counted["reuseCount"] == 4
    assert counted["subscriberCount"] == 2
    # The new case is its own: editing it leaves the asset as published.
    await write(crew.db, started["id"], crew.people["other"].id, "我们的补充")
    assert (await crew.api.case_text(crew.tokens["other"], started["id"])).endswith("我们的补充")
    after = (await crew.data("other", GET, {"id": asset["id"]}))["knowledgeAsset"]["published"]["text"]
    assert after == asset["published"]["text"]
    assert await crew.codes("mate", "query($id: ID!) { case(id: $id) { id } }", {"id": started["id"]}) == [
        "NOT_FOUND"
    ]


async def test_search_by_words_and_tags_in_chinese_and_english(crew: Crew) -> None:
    titles = {
        "手术室紧急故障处置SOP": ["SOP", "医疗"],
        "Warehouse returns playbook": ["logistics"],
        "冷链运输温控方案": ["物流"],
    }
    for title, tags in titles.items():
        case_id, snapshot_id = await _case(crew, f"{title} details")
        await _publish(crew, case_id, snapshot_id, tags=tags, title=title)

    async def titles_for(**variables: Any) -> list[str]:
        nodes = (await crew.data("mate", SEARCH, variables))["knowledgeAssets"]["nodes"]
        return [node["title"] for node in nodes]

    assert await titles_for(q="故障处置") == ["手术室紧急故障处置SOP"]
    assert await titles_for(q="RETURNS play") == ["Warehouse returns playbook"]
    assert await titles_for(q="温控") == ["冷链运输温控方案"]
    assert await titles_for(t=["物流"]) == ["冷链运输温控方案"]
    assert await titles_for(t=["sop"], q="手术室") == ["手术室紧急故障处置SOP"]
    assert await titles_for(q="不存在的词") == []
    page = (await crew.data("mate", SEARCH, {"first": 2}))["knowledgeAssets"]
    assert len(page["nodes"]) == 2
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await titles_for(first=2, after=page["pageInfo"]["endCursor"])
    assert rest == ["手术室紧急故障处置SOP"]


async def test_a_case_started_from_an_asset_no_longer_in_its_audience_keeps_the_version_not_the_asset(
    crew: Crew,
) -> None:
    case_id, snapshot_id = await _case(crew, "Cold-chain playbook", "冷链温控：2–8 °C")
    asset = await _publish(crew, case_id, snapshot_id, audience="ORGANIZATION")
    started = (
        await crew.data("other", REUSE, {"a": asset["id"], "i": {"title": "冷链", "customer": "顺丰"}})
    )["createCaseFromKnowledgeAsset"]
    origin = "query($id: ID!) { case(id: $id) { startedFrom { version asset { id title } } } }"
    seen = (await crew.data("other", origin, {"id": started["id"]}))["case"]["startedFrom"]
    assert seen == {"version": 1, "asset": {"id": asset["id"], "title": asset["title"]}}
    # The owner narrows the audience to the team: the case still names the version, never the asset.
    second = (await crew.data("owner", SNAPSHOT, {"c": case_id, "l": "v2"}))["createSnapshot"]["id"]
    await _publish(crew, case_id, second, audience="TEAM", changeNote="team only")
    hidden = (await crew.data("other", origin, {"id": started["id"]}))["case"]["startedFrom"]
    assert hidden == {"version": 1, "asset": None}
    assert await crew.codes("other", GET, {"id": asset["id"]}) == ["NOT_FOUND"]
    plain = "query($id: ID!) { case(id: $id) { startedFrom { version } } }"
    assert (await crew.data("owner", plain, {"id": case_id}))["case"]["startedFrom"] is None
