"""Joining a mixed team's clusters across languages, on hand-made clusters and on the labelled set."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from server.clustering import ClusteringParams, Embedder, cluster, team_neighbours
from server.clustering.bridge import Bridge, join_languages
from server.clustering.models import BILINGUAL, MIXED_JOIN_LANGUAGES, view_for
from server.clustering.reduce import ReductionParams
from server.clustering.types import UNCLUSTERED
from server.clustering.views import Space, stacked
from tests.clustering.helpers import LabelledSet, unit_rows


def _bridge(first: list[bool], shared: list[list[float]], min_similarity: float = 0.6) -> Bridge:
    return Bridge(np.array(first), unit_rows(shared), min_similarity)


def test_an_english_and_a_chinese_cluster_about_one_problem_are_joined() -> None:
    # 0: English, 1: Chinese near 0 on the shared part, 2: Chinese elsewhere, -1: unclustered English
    labels = np.array([0, 0, 1, 1, 2, 2, UNCLUSTERED])
    first = [True, True, False, False, False, False, True]
    shared: list[list[float]] = [
        [1, 0, 0],
        [1, 0.2, 0],
        [1, 0.1, 0],
        [0.9, 0, 0.1],
        [0, 0, 1],
        [0, 0.1, 1],
        [1, 0, 0],
    ]
    joined = join_languages(labels, _bridge(first, shared))
    assert joined.tolist() == [0, 0, 0, 0, 2, 2, UNCLUSTERED]
    # not from a cosine above theirs
    assert join_languages(labels, _bridge(first, shared, 0.999)).tolist() == labels.tolist()


def test_each_cluster_joins_once_the_closest_first_and_mixed_ones_stay() -> None:
    # English 0; Chinese 1 (closest to 0) and 2 (close too); 3 half English, half Chinese, like 0
    labels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    first = [True, True, False, False, False, False, True, False]
    shared: list[list[float]] = [[1, 0], [1, 0], [1, 0.05], [1, 0.05], [1, 0.3], [1, 0.3], [1, 0], [1, 0]]
    assert join_languages(labels, _bridge(first, shared)).tolist() == [0, 0, 0, 0, 2, 2, 3, 3]
    # a team in one language has nothing to join
    english = [True] * 8
    assert join_languages(labels, _bridge(english, shared)).tolist() == labels.tolist()
    # the joined pair keeps the lower number, whichever language it is
    swapped = np.array([1, 1, 0, 0, 2, 2, 3, 3])
    assert join_languages(swapped, _bridge(first, shared)).tolist() == [0, 0, 0, 0, 2, 2, 3, 3]


def test_a_view_bridges_only_a_blend() -> None:
    view = stacked([("en", 2, 0.95, 0.4), ("multi", 2, 0.9, 0.3)], (0.6, 0.8), cross_language_join=0.6)
    vectors = np.hstack([unit_rows([[1, 0], [0, 1]]), unit_rows([[1, 0], [0, 1]])])
    vectors[1, :2] = 0  # a Chinese text: no English part
    bridge = view.bridge(vectors, view.mixed)
    assert bridge is not None
    assert bridge.first.tolist() == [True, False]
    np.testing.assert_allclose(bridge.shared, unit_rows([[1, 0], [0, 1]]))
    assert bridge.min_similarity == 0.6
    assert view.bridge(vectors, Space((1.0, 0.0))) is None  # an English team
    assert replace(view, cross_language_join=0.0).bridge(vectors, view.mixed) is None
    assert view_for(BILINGUAL, 896).cross_language_join == MIXED_JOIN_LANGUAGES == 0.6


def _ari(truth: list[str], labels: np.ndarray) -> float:
    singletons = labels.copy()
    noise = singletons < 0
    singletons[noise] = np.arange(noise.sum()) + labels.max() + 1
    return float(adjusted_rand_score(truth, singletons))


@pytest.mark.model
def test_a_mixed_team_keeps_english_distinctions_and_both_languages_share_clusters(
    embedder: Embedder, labelled: LabelledSet
) -> None:
    order = sorted(range(len(labelled.texts)), key=lambda i: labelled.texts[i])  # as a run reads them
    texts = [labelled.texts[i] for i in order]
    vectors = embedder.encode(texts)
    langs = np.array(labelled.langs)[order]
    truth = np.array(labelled.labels)[order]
    english, chinese = langs == "en", langs == "zh"
    same = truth[english][:, None] == truth[chinese][None, :]
    default = view_for(BILINGUAL, embedder.dimension)

    def run(neighbours: float, join: float) -> tuple[float, float]:
        """Means over three UMAP seeds of (ARI of the English texts, share of same-theme English-Chinese
        pairs clustered together)."""
        view = replace(default, first_part_neighbours=neighbours, cross_language_join=join)
        space = view.team_space(vectors)
        scores = []
        for seed in (42, 43, 44):
            params = ClusteringParams(
                reduction=ReductionParams(random_state=seed), outlier_min_similarity=view.placement(space)
            )
            labels = cluster(
                view.project(vectors, space),
                texts,
                [labelled.created_at[0]] * len(texts),
                params=params,
                knn=team_neighbours(view, vectors, space, params),
                bridge=view.bridge(vectors, space),
            ).labels
            together = (labels[english][:, None] == labels[chinese][None, :]) & (
                labels[english][:, None] >= 0
            )
            scores.append((_ari(list(truth[english]), labels[english]), (together & same).sum() / same.sum()))
        ari, crossed = np.mean(scores, axis=0)
        return float(ari), float(crossed)

    english_ari, crossed = run(default.first_part_neighbours, default.cross_language_join)
    plain_ari, plain_crossed = run(0.0, 0.0)
    _, unjoined_crossed = run(default.first_part_neighbours, 0.0)
    assert english_ari >= plain_ari + 0.05
    assert crossed >= plain_crossed
    assert crossed >= unjoined_crossed + 0.1
