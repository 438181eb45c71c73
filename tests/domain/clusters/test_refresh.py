"""Splitting a cluster by re-clustering its members alone: the same members give the same groups, in
whatever order they are named (UMAP's layout depends on the order of its input)."""

import random

import pytest

from server.clustering import shared_embedder
from server.domain.clusters import runs as cluster_runs
from server.domain.clusters.placement import SPACE_KEY
from server.domain.clusters.refresh import recluster_members
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings
from server.infra.db import Database
from server.models import ClusterRun
from tests.support.painpoints import labelled_rows, seed
from tests.support.people import case_with, make_user

pytestmark = pytest.mark.model


async def test_the_same_members_split_alike_in_any_order(db: Database, settings: Settings) -> None:
    rows = [row for row in labelled_rows() if row.lang == "zh"][:24] + [
        row for row in labelled_rows() if row.lang == "en"
    ][:24]
    author = await make_user(db, "rd@a.com")
    ids = await seed(db, settings, author.id, [await case_with(db, author)], rows)
    assert author.team_id is not None
    model = shared_embedder(PainPointConfig.from_settings(settings).model).model_name
    async with db.sessions() as session:
        inputs = await cluster_runs.load_inputs(session, author.team_id, model)
        assert sorted(inputs.ids) == sorted(ids)
        view = PainPointConfig.from_settings(settings).view(model, inputs.vectors.shape[1])
        run = ClusterRun(model=model, params={SPACE_KEY: list(view.team_space(inputs.vectors).weights)})
        orders = [
            sorted(ids),
            sorted(ids, reverse=True),
            *(random.Random(n).sample(ids, len(ids)) for n in range(4)),
        ]
        splits = [await recluster_members(session, settings, run, order) for order in orders]
    partitions = [sorted(sorted(group) for group in groups) for groups in splits]
    assert len(partitions[0]) >= 2
    assert all(partition == partitions[0] for partition in partitions), [len(p) for p in partitions]
    # groups come in one order too (the first keeps the cluster's id)
    assert all(groups == splits[0] for groups in splits)
