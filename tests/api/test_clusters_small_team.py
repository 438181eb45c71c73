"""A small bilingual team through a live server: ten pain points on two themes, half Chinese, half English,
submitted over GraphQL, form two clusters, and each cluster holds both languages."""

import pytest

from server.models import UserRole
from tests.support.live import Live
from tests.support.painpoints import CHECKOUT, WELDING, all_clusters, recluster, submit_many

pytestmark = pytest.mark.model


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
