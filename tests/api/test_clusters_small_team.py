"""A small bilingual team through a live server: ten pain points on two themes, half Chinese, half English,
submitted over GraphQL, form two clusters, and each cluster holds both languages."""

import pytest

from server.models import UserRole
from tests.support.live import Live
from tests.support.painpoints import all_clusters, recluster, submit_many

pytestmark = pytest.mark.model

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


async def test_ten_pain_points_on_two_themes_in_two_languages_form_two_bilingual_clusters(live: Live) -> None:
    _, rd = await live.signed_in("rd@a.com", UserRole.RD)
    _, owner = await live.signed_in("owner@a.com")
    case_id = await live.gql.create_case(owner, title="华南零售 + 华东重工")
    texts = [text for pair in zip(CHECKOUT, WELDING, strict=True) for text in pair]  # themes interleaved
    results = await submit_many(live.gql, owner, [{"caseId": case_id, "text": t} for t in texts])
    assert [r["__typename"] for r in results] == ["PainPoint"] * len(texts), results
    assert {r["status"] for r in results} == {"SUBMITTED"}  # no theme mate taken for a duplicate

    job = await recluster(live.gql, rd)
    assert job["status"] == "SUCCEEDED", job
    clusters = await all_clusters(live.gql, rd)
    assert clusters["unclusteredCount"] == 0
    groups = sorted(sorted(p["text"] for p in node["painPoints"]) for node in clusters["nodes"])
    assert groups == sorted([sorted(CHECKOUT), sorted(WELDING)])
    for node in clusters["nodes"]:  # the Chinese and the English reports of one problem share a cluster
        assert node["size"] == 5
        assert any(p["text"].isascii() for p in node["painPoints"])
        assert any(not p["text"].isascii() for p in node["painPoints"])
