"""Cluster corrections through the API: each mutation, who may make them, and every correction surviving the
next full re-cluster (as constraints the clustering honours), placement of pain points between runs, undo."""

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from server.domain.clusters.placement import current_run, place_into
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.vectors import Encoded
from server.infra.config import Settings
from server.infra.db import Database
from server.models import AuditEvent, Case, ClusterMembership, UserRole
from tests.support.graphql import GraphQL
from tests.support.painpoints import all_clusters, labelled_rows, recluster, seed
from tests.support.points import sign_in

pytestmark = pytest.mark.model

# Chinese and English pain points of the labelled set, enough for the density clustering (>= 30)
ROWS = [r for r in labelled_rows() if r.lang == "zh"][:40] + [r for r in labelled_rows() if r.lang == "en"][
    :40
]
FIELDS = "id kind clusterId painPointId data reason createdById undoneAt undoneById"
RENAME = f"mutation($id: ID!, $l: String!, $r: String) {{ renameCluster(id: $id, label: $l, reason: $r) {{ {FIELDS} }} }}"
MERGE = f'mutation($ids: [ID!]!) {{ mergeClusters(ids: $ids, reason: "同一个问题") {{ {FIELDS} }} }}'
SPLIT = f"mutation($id: ID!, $g: [[ID!]!]) {{ splitCluster(id: $id, groups: $g) {{ {FIELDS} }} }}"
MOVE = f"mutation($id: ID!, $to: ID!) {{ movePainPoint(id: $id, toClusterId: $to) {{ {FIELDS} }} }}"
UNCLUSTER = f"mutation($id: ID!) {{ unclusterPainPoint(id: $id) {{ {FIELDS} }} }}"
UNDO = f"mutation($id: ID!) {{ undoClusterCorrection(id: $id) {{ {FIELDS} }} }}"
LIST = f"query {{ clusterCorrections(first: 20) {{ nodes {{ {FIELDS} }} pageInfo {{ hasNextPage }} }} }}"
ONE = "query($id: ID!) { painPointCluster(id: $id) { id mergedInto label corrections { nodes { kind } } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, extra={**settings.extra, "WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS": "0"})


def _owners(view: dict[str, Any]) -> dict[str, str | None]:
    owner: dict[str, str | None] = {p["id"]: None for p in view["unclustered"]}
    for node in view["nodes"]:
        for pain_point in node["painPoints"]:
            owner[pain_point["id"]] = node["id"]
    return owner


def _members(node: dict[str, Any]) -> list[str]:
    return sorted(p["id"] for p in node["painPoints"])


async def test_corrections_hold_through_the_next_run_and_undo_frees_them(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    rd = await sign_in(api, app_db, "rd@a.com", UserRole.RD)
    owner = await sign_in(api, app_db, "owner@a.com")
    other = await sign_in(api, app_db, "rd@b.com", UserRole.RD, team="Team B")
    case = await api.create_case(owner.token, title="Case", customer="Contoso")
    await seed(app_db, settings, owner.id, [case], ROWS)
    assert (await recluster(api, rd.token))["status"] == "SUCCEEDED"
    nodes = sorted((await all_clusters(api, rd.token))["nodes"], key=lambda n: (-n["size"], n["id"]))
    assert len(nodes) >= 5
    renamed, survivor, *others = nodes
    # Named second, the larger survives (equal sizes would let the first named win).
    merged = next((n for n in others if n["size"] < survivor["size"]), None)
    assert merged is not None, [n["size"] for n in nodes]
    torn, source = [n for n in others if n is not merged][:2]
    assert all(n["size"] >= 4 for n in (renamed, survivor, torn, source)), [n["size"] for n in nodes]

    # who may correct: R&D and admins of the team; a member is FORBIDDEN, another team's R&D NOT_FOUND
    assert (await api.error(RENAME, {"id": renamed["id"], "l": "x"}, owner.token)).codes == ["FORBIDDEN"]
    assert (await api.error(RENAME, {"id": renamed["id"], "l": "x"}, other.token)).codes == ["NOT_FOUND"]
    moved, loose = _members(source)[:2]
    assert (await api.error(MOVE, {"id": moved, "to": renamed["id"]}, other.token)).codes == ["NOT_FOUND"]

    label = "退款迟迟不到账 / refunds"
    done = [
        (await api.data(RENAME, {"id": renamed["id"], "l": label, "r": "客户的说法"}, rd.token))[
            "renameCluster"
        ],
        (await api.data(MERGE, {"ids": [merged["id"], survivor["id"]]}, rd.token))["mergeClusters"],
    ]
    half = _members(torn)
    # Seen fail under heavy load (a split of fewer than two groups): say what the listing held.
    assert len(half) >= 2, (torn["size"], torn["painPoints"], [n["size"] for n in nodes])
    groups = [half[: len(half) // 2], half[len(half) // 2 :]]
    done.append((await api.data(SPLIT, {"id": torn["id"], "g": groups}, rd.token))["splitCluster"])
    done.append((await api.data(MOVE, {"id": moved, "to": renamed["id"]}, rd.token))["movePainPoint"])
    done.append((await api.data(UNCLUSTER, {"id": loose}, rd.token))["unclusterPainPoint"])
    assert [c["kind"] for c in done] == ["RENAME", "MERGE", "SPLIT", "MOVE", "UNCLUSTER"]
    assert done[0]["reason"] == "客户的说法"
    assert done[0]["createdById"] == rd.id
    assert done[1]["clusterId"] == survivor["id"]
    assert done[1]["data"]["merged"] == [merged["id"]]
    assert (await api.error(UNDO, {"id": done[0]["id"]}, other.token)).codes == ["NOT_FOUND"]

    # at once: the clusters changed, the merged id answers with its survivor
    now = await all_clusters(api, rd.token)
    owners = _owners(now)
    assert {owners[m] for m in _members(survivor) + _members(merged)} == {survivor["id"]}
    assert owners[moved] == renamed["id"]
    assert owners[loose] is None
    assert owners[groups[0][0]] != owners[groups[1][0]]
    folded = (await api.data(ONE, {"id": merged["id"]}, rd.token))["painPointCluster"]
    assert folded["mergedInto"] == survivor["id"]
    assert folded["id"] == merged["id"]
    one = (await api.data(ONE, {"id": renamed["id"]}, rd.token))["painPointCluster"]
    assert one["label"] == label
    assert {c["kind"] for c in one["corrections"]["nodes"]} == {"RENAME", "MOVE"}
    listed = (await api.data(LIST, token=rd.token))["clusterCorrections"]["nodes"]
    assert [c["id"] for c in listed] == [c["id"] for c in reversed(done)]
    assert (await api.error(LIST, token=owner.token)).codes == ["FORBIDDEN"]
    async with app_db.sessions() as session:
        actions = (
            await session.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action))
        ).all()
    assert {a: n for a, n in actions if a.startswith("cluster.")} == {
        "cluster.rename": 1,
        "cluster.merge": 1,
        "cluster.split": 1,
        "cluster.move": 1,
        "cluster.uncluster": 1,
    }

    # a full re-cluster honours every correction
    assert (await recluster(api, rd.token))["status"] == "SUCCEEDED"
    after = await all_clusters(api, rd.token)
    owners = _owners(after)
    together = {owners[m] for m in _members(survivor) + _members(merged)}
    assert together == {survivor["id"]}
    home = {owners[m] for m in _members(renamed)}
    assert len(home) == 1
    assert owners[moved] in home
    labels = {n["id"]: n["label"] for n in after["nodes"]}
    assert labels[owners[_members(renamed)[0]]] == label
    assert owners[loose] is None
    assert len({owners[m] for m in groups[0]}) == 1
    assert len({owners[m] for m in groups[1]}) == 1
    assert owners[groups[0][0]] != owners[groups[1][0]]
    assert None not in (
        owners[groups[0][0]],
        owners[groups[1][0]],
    )

    # between runs, placement honours them too: re-placed, the moved one goes where it was put (not to its
    # nearest cluster) and the unclustered one stays out
    async with app_db.transaction() as session:
        run = await current_run(session, (await _team_of(app_db, case)))
        assert run is not None
        await session.execute(
            delete(ClusterMembership).where(
                ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id.in_([moved, loose])
            )
        )
        ids, vectors = await painpoint_vectors.load(session, [moved, loose], run.model)
        view = PainPointConfig.from_settings(settings).view(run.model, vectors.shape[1])
        await place_into(session, run, ids, Encoded(run.model, vectors), view=view)
        placed = dict(
            (
                await session.execute(
                    select(ClusterMembership.pain_point_id, ClusterMembership.cluster_id).where(
                        ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id.in_(ids)
                    )
                )
            ).all()
        )
    assert placed == {moved: owners[moved], loose: None}

    # undo: the next run is free of the exclusion again
    undone = (await api.data(UNDO, {"id": done[4]["id"]}, rd.token))["undoClusterCorrection"]
    assert undone["undoneAt"] is not None
    assert undone["undoneById"] == rd.id
    assert (await recluster(api, rd.token))["status"] == "SUCCEEDED"
    latest = await all_clusters(api, rd.token)
    assert _owners(latest)[loose] is not None

    # a split without groups re-clusters only the cluster's members: the merged two come apart again
    auto = (await api.data(SPLIT, {"id": survivor["id"], "g": None}, rd.token))["splitCluster"]
    parts = auto["data"]["groups"]
    assert len(parts) >= 2
    whole = next(n for n in latest["nodes"] if n["id"] == survivor["id"])
    assert sorted(m for part in parts for m in part) == _members(whole)
    owners = _owners(await all_clusters(api, rd.token))
    assert len({owners[part[0]] for part in parts}) == len(parts)


async def _team_of(db: Database, case_id: str) -> str:
    async with db.sessions() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        assert case.team_id is not None
        return case.team_id
