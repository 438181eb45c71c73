"""Clusters through the API: a re-clustering job on a labelled subset, who sees what, stable ids, placement,
filters, and a failed job that leaves the previous clusters in place."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sklearn.metrics import adjusted_rand_score

from server.app import create_app
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.painpoints import (
    CLUSTERS,
    JOB,
    PAIN_POINT,
    RECLUSTER,
    all_clusters,
    labelled_rows,
    recluster,
    seed,
    submit,
)
from tests.support.points import SignedIn, sign_in

pytestmark = pytest.mark.model

ENGLISH = [row for row in labelled_rows() if row.lang == "en"]
# The job path clusters the same vectors as tests/clustering (ARI 0.60-0.72 on the English texts there, floor
# 0.50), read in id order, which differs from run to run within a millisecond: measured 0.69-0.75 here.
ENGLISH_ARI_FLOOR = 0.50
CLUSTER = (
    "query($id: ID!, $first: Int!, $after: ID) { painPointCluster(id: $id) { id label size "
    "painPoints(first: $first, after: $after) { id } } }"
)
RECLUSTER_TEAM = "mutation($t: ID!) { reclusterPainPoints(scope: {teamId: $t}) { jobId } }"


@dataclass
class Team:
    rd: SignedIn
    owner: SignedIn
    mate: SignedIn
    cases: list[str]
    ids: list[str]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """These tests re-cluster one team several times in a row: no minimum interval."""
    return replace(settings, extra={**settings.extra, "WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS": "0"})


async def _team(api: GraphQL, db: Database, settings: Settings) -> Team:
    rd = await sign_in(api, db, "rd@a.com", UserRole.RD)
    owner = await sign_in(api, db, "owner@a.com")
    mate = await sign_in(api, db, "mate@a.com")
    cases = [await api.create_case(owner.token, title=f"Case {i}", customer="Contoso") for i in range(2)]
    await api.add_member(owner.token, cases[1], mate.id, "EDITOR")
    ids = await seed(db, settings, owner.id, cases, ENGLISH)
    return Team(rd, owner, mate, cases, ids)


def _labels(view: dict[str, object], ids: list[str]) -> list[str]:
    owner = {}
    for node in view["nodes"]:  # type: ignore[attr-defined]
        for pain_point in node["painPoints"]:
            owner[pain_point["id"]] = node["id"]
    return [owner.get(pain_point_id, f"alone:{pain_point_id}") for pain_point_id in ids]


async def test_a_recluster_job_clusters_the_team_and_each_viewer_sees_their_part(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    team = await _team(api, app_db, settings)
    requested = (await api.data(RECLUSTER, token=team.rd.token))["reclusterPainPoints"]
    assert requested["job"]["status"] == "QUEUED"
    again = (await api.data(RECLUSTER, token=team.mate.token))["reclusterPainPoints"]
    assert again["jobId"] == requested["jobId"]  # one at a time per team: the running one is shared
    seen: list[str] = []
    while not seen or seen[-1] not in ("SUCCEEDED", "FAILED"):
        job = (await api.data(JOB, {"id": requested["jobId"]}, team.rd.token))["job"]
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
    assert seen[-1] == "SUCCEEDED", job
    assert set(seen) <= {"QUEUED", "RUNNING", "SUCCEEDED"}
    assert (job["progress"], job["error"], job["attempts"]) == (1.0, None, 1)

    rd_view = await all_clusters(api, team.rd.token)
    run = rd_view["run"]
    assert (run["painPointCount"], run["method"], run["model"]) == (
        len(ENGLISH),
        "umap+hdbscan",
        "bilingual-v1",
    )
    assert run["params"]["reduction"]["method"] == "umap"
    assert sum(n["size"] for n in rd_view["nodes"]) + rd_view["unclusteredCount"] == len(ENGLISH)
    ari = adjusted_rand_score([row.label for row in ENGLISH], _labels(rd_view, team.ids))
    assert ari >= ENGLISH_ARI_FLOOR, ari
    biggest = rd_view["nodes"][0]
    assert len(biggest["keywords"]) > 0
    assert biggest["label"]
    assert 3 <= len(biggest["representatives"]) <= 5
    assert sum(week["count"] for week in biggest["trend"]) == biggest["size"]
    assert biggest["customers"]
    assert biggest["caseCount"] >= 1

    # A member sees only the pain points of their own case, with words computed from those alone.
    mine = set(team.ids[1::2])
    mate_view = await all_clusters(api, team.mate.token)
    assert sum(n["size"] for n in mate_view["nodes"]) + mate_view["unclusteredCount"] == len(mine)
    for node in mate_view["nodes"]:
        assert {p["caseId"] for p in node["painPoints"]} == {team.cases[1]}
        assert {p["id"] for p in node["representatives"]} <= mine
        texts = " ".join(p["text"] for p in node["painPoints"]).lower()
        assert all(keyword.split()[0] in texts for keyword in node["keywords"]), (node["keywords"], texts)
    assert {n["id"] for n in mate_view["nodes"]} <= {n["id"] for n in rd_view["nodes"]}
    one = (await api.data(CLUSTER, {"id": biggest["id"], "first": 3}, team.rd.token))["painPointCluster"]
    assert (one["size"], one["label"]) == (biggest["size"], biggest["label"])
    newer = [p["id"] for p in one["painPoints"]]
    older = await api.data(CLUSTER, {"id": biggest["id"], "first": 100, "after": newer[-1]}, team.rd.token)
    paged = newer + [p["id"] for p in older["painPointCluster"]["painPoints"]]
    assert paged == [p["id"] for p in biggest["painPoints"]]
    not_mine = [n["id"] for n in rd_view["nodes"] if n["id"] not in {m["id"] for m in mate_view["nodes"]}]
    for cluster_id in [*not_mine[:1], new_id(), "nope"]:
        assert (await api.error(CLUSTER, {"id": cluster_id, "first": 1}, team.mate.token)).codes == [
            "NOT_FOUND"
        ]
    owner_view = await all_clusters(api, team.owner.token)
    assert sum(n["size"] for n in owner_view["nodes"]) == sum(n["size"] for n in rd_view["nodes"])

    # Another team sees nothing of it; its ids answer NOT_FOUND.
    outsider = await sign_in(api, app_db, "rd@b.com", UserRole.RD, team="Team B")
    theirs = await all_clusters(api, outsider.token)
    assert (theirs["nodes"], theirs["run"], theirs["unclusteredCount"]) == ([], None, 0)
    assert (await api.data("{ clusterRuns { nodes { id } } }", token=outsider.token))["clusterRuns"][
        "nodes"
    ] == []
    for query, variables in [
        (JOB, {"id": requested["jobId"]}),
        (JOB, {"id": new_id()}),
        (CLUSTERS, {"f": {"runId": run["id"]}, "first": 5}),
        (CLUSTERS, {"f": {"runId": new_id()}, "first": 5}),
        (PAIN_POINT, {"id": team.ids[0]}),
        (CLUSTER, {"id": biggest["id"], "first": 1}),
    ]:
        assert (await api.error(query, variables, outsider.token)).codes == ["NOT_FOUND"], query
    other_team = await api.error(RECLUSTER_TEAM, {"t": new_id()}, team.rd.token)
    assert other_team.codes == ["NOT_FOUND"]


async def test_filters_narrow_sizes_trends_and_lists(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    team = await _team(api, app_db, settings)
    assert (await recluster(api, team.rd.token))["status"] == "SUCCEEDED"
    everything = await all_clusters(api, team.rd.token)
    product = ENGLISH[0].product
    by_product = await all_clusters(api, team.rd.token, {"product": product.upper()})
    wanted = {i for i, row in zip(team.ids, ENGLISH, strict=True) if row.product == product}
    listed = {p["id"] for n in by_product["nodes"] for p in n["painPoints"]} | {
        p["id"] for p in by_product["unclustered"]
    }
    assert listed == wanted
    since = "2025-08-01T00:00:00+00:00"
    recent = await all_clusters(api, team.rd.token, {"since": since, "minSize": 3})
    assert all(n["size"] >= 3 for n in recent["nodes"])
    assert all(week["week"] >= "2025-07-28" for n in recent["nodes"] for week in n["trend"])
    assert sum(n["size"] for n in recent["nodes"]) < sum(n["size"] for n in everything["nodes"])
    first_page = (await api.data(CLUSTERS, {"first": 2}, team.rd.token))["painPointClusters"]
    second_page = (
        await api.data(CLUSTERS, {"first": 2, "after": first_page["pageInfo"]["endCursor"]}, team.rd.token)
    )["painPointClusters"]
    assert [n["id"] for n in first_page["nodes"] + second_page["nodes"]] == [
        n["id"] for n in everything["nodes"][:4]
    ]
    assert (await api.error(CLUSTERS, {"first": 2, "after": "bogus"}, team.rd.token)).codes == ["BAD_INPUT"]


async def test_ids_stay_stable_across_runs_and_new_pain_points_join_within_the_request(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    team = await _team(api, app_db, settings)
    await recluster(api, team.rd.token)
    first = await all_clusters(api, team.rd.token)
    await recluster(api, team.rd.token)
    second = await all_clusters(api, team.rd.token)
    assert second["run"]["id"] != first["run"]["id"]
    assert [(n["id"], n["size"]) for n in second["nodes"]] == [(n["id"], n["size"]) for n in first["nodes"]]

    refund = next(n for n in first["nodes"] if "refund" in n["keywords"])
    placed = await submit(
        api,
        team.owner.token,
        team.cases[0],
        "Customer says the refund for their returned order is still missing",
    )
    seen = (await api.data(PAIN_POINT, {"id": placed["id"]}, team.rd.token))["painPoint"]
    assert seen["cluster"]["id"] == refund["id"]
    grown = await all_clusters(api, team.rd.token)
    assert {n["id"]: n["size"] for n in grown["nodes"]}[refund["id"]] == refund["size"] + 1
    far = await submit(
        api, team.owner.token, team.cases[0], "The office coffee machine makes a strange noise"
    )
    assert (await api.data(PAIN_POINT, {"id": far["id"]}, team.rd.token))["painPoint"]["cluster"] is None
    assert far["id"] in {p["id"] for p in grown["unclustered"]} | {
        p["id"] for p in (await all_clusters(api, team.rd.token))["unclustered"]
    }

    await recluster(api, team.rd.token)
    third = await all_clusters(api, team.rd.token)
    # With two more pain points the refund theme may split, but it keeps its id, and the new one stays in a
    # refund cluster. (UMAP is deterministic for one input order, but the seed's ids are uuid7s made within
    # the same millisecond, so the order, and with it the layout, differs from one test run to the next.)
    by_id = {n["id"]: n for n in third["nodes"]}
    assert refund["id"] in by_id
    now = (await api.data(PAIN_POINT, {"id": placed["id"]}, team.rd.token))["painPoint"]["cluster"]["id"]
    assert "refund" in by_id[now]["keywords"]
    kept = {n["id"] for n in third["nodes"]} & {n["id"] for n in first["nodes"]}
    assert len(kept) >= 0.8 * len(first["nodes"])
    runs = (await api.data("{ clusterRuns { nodes { id clusterCount } } }", token=team.mate.token))[
        "clusterRuns"
    ]
    assert [r["id"] for r in runs["nodes"]] == [third["run"]["id"], second["run"]["id"], first["run"]["id"]]
    older = await all_clusters(api, team.rd.token, {"runId": first["run"]["id"]})
    assert [(n["id"], n["size"]) for n in older["nodes"]] == [(n["id"], n["size"]) for n in first["nodes"]]


@pytest.fixture
async def broken_api(tmp_path: Path, database_url: str) -> AsyncIterator[GraphQL]:
    """The same database served with an embedding model that is not on this machine."""
    settings = Settings.from_env(
        {
            "WARROOM_DATA_DIR": str(tmp_path),
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_JOBS": "inprocess",
            "WARROOM_EMBEDDING_MODEL": str(tmp_path / "no-such-model"),
            "WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS": "0",
        }
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield GraphQL(client)


async def test_a_failed_job_records_why_and_leaves_the_previous_clusters(
    api: GraphQL, broken_api: GraphQL, app_db: Database, settings: Settings
) -> None:
    team = await _team(api, app_db, settings)
    await recluster(api, team.rd.token)
    before = await all_clusters(api, team.rd.token)
    # The model is gone: a submission is still kept (placement and duplicates wait for the model) ...
    kept = await submit(
        broken_api, team.owner.token, team.cases[0], "Scanner app freezes when syncing orders"
    )
    assert (kept["__typename"], kept["status"]) == ("PainPoint", "SUBMITTED")
    # ... and a re-clustering, which must embed under the new model first, fails and says why.
    job = await recluster(broken_api, team.rd.token)
    assert job["status"] == "FAILED"
    assert "ModelUnavailableError" in job["error"]
    assert "no-such-model" in job["error"]
    after = await all_clusters(broken_api, team.rd.token)
    assert after["run"]["id"] == before["run"]["id"]
    assert [(n["id"], n["size"]) for n in after["nodes"]] == [(n["id"], n["size"]) for n in before["nodes"]]
    assert kept["id"] in {p["id"] for p in after["unclustered"]}
    # Back on the working model, the next run catches up on the missing vector.
    assert (await recluster(api, team.rd.token))["status"] == "SUCCEEDED"
    assert (await all_clusters(api, team.rd.token))["run"]["painPointCount"] == len(ENGLISH) + 1
