"""Must-link / cannot-link / excluded constraints: the engine honours them, in the labels and in placement."""

from datetime import UTC, datetime

import numpy as np

from server.clustering import Centroids, ClusteringParams, Constraints, cluster, place
from server.clustering.constraints import apply, components
from server.clustering.types import UNCLUSTERED


def _blobs(seed: int = 0, per: int = 12) -> np.ndarray:
    """Three tight, well separated groups of unit vectors in 8 dimensions."""
    rng = np.random.default_rng(seed)
    centres = np.eye(8, dtype=np.float32)[:3]
    rows = np.vstack([c + 0.05 * rng.standard_normal((per, 8)) for c in centres]).astype(np.float32)
    return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def test_components_join_overlapping_groups_and_leave_excluded_points_alone() -> None:
    comp = components(6, [[0, 1], [1, 2], [4, 5]], excluded=[5])
    assert comp[0] == comp[1] == comp[2]
    assert comp[4] != comp[5]
    assert comp[3] not in {comp[0], comp[4]}


def test_must_link_pulls_a_component_into_the_cluster_holding_most_of_it() -> None:
    vectors = _blobs()
    labels = np.repeat([0, 1, 2], 12)
    # point 13 (group 1) is moved next to points 0..5 (group 0): it follows them
    result = apply(vectors, labels, Constraints(must_link=[[13, 0, 1, 2, 3, 4, 5]]))
    assert result[13] == 0
    assert (result[[12, *range(14, 24)]] == 1).all()


def test_must_link_of_two_clusters_makes_them_one_and_of_outliers_a_new_cluster() -> None:
    vectors = _blobs()
    labels = np.repeat([0, 1, 2], 12)
    labels[30:] = UNCLUSTERED
    merged = apply(vectors, labels, Constraints(must_link=[list(range(24)), [30, 31, 32]]))
    assert len(set(merged[:24].tolist())) == 1
    assert len(set(merged[30:33].tolist())) == 1
    assert merged[30] not in {UNCLUSTERED, merged[0]}


def test_cannot_link_splits_a_cluster_at_the_constraint_and_others_follow_the_nearer_side() -> None:
    vectors = _blobs()
    labels = np.repeat([0, 0, 1], 12)  # groups 0 and 1 found as one cluster
    result = apply(vectors, labels, Constraints(cannot_link=[(0, 12)]))
    assert result[0] != result[12]
    assert (result[:12] == result[0]).all()
    assert (result[12:24] == result[12]).all()
    assert (result[24:] == 1).all()


def test_a_split_into_groups_stays_apart_even_when_the_groups_mix_the_geometry() -> None:
    vectors = _blobs()
    labels = np.repeat([0, 0, 1], 12)
    first, second = [0, 1, 12, 13], [2, 3, 14, 15]
    result = apply(
        vectors, labels, Constraints(must_link=[first, second], cannot_link=[(first[0], second[0])])
    )
    assert len({result[i] for i in first}) == 1
    assert len({result[i] for i in second}) == 1
    assert result[first[0]] != result[second[0]]


def test_cannot_link_inside_a_must_link_group_is_dropped_and_excluded_points_are_unclustered() -> None:
    vectors = _blobs()
    labels = np.repeat([0, 1, 2], 12)
    result = apply(vectors, labels, Constraints(must_link=[[0, 1]], cannot_link=[(0, 1)], excluded=[5, 20]))
    assert result[0] == result[1] == 0
    assert result[5] == UNCLUSTERED
    assert result[20] == UNCLUSTERED


def test_the_pipeline_honours_constraints_through_clustering_and_matching() -> None:
    vectors = _blobs(per=20)
    texts = [f"text {i}" for i in range(len(vectors))]
    dates = [datetime(2026, 1, 1, tzinfo=UTC)] * len(vectors)
    ids = [f"p{i:03d}" for i in range(len(vectors))]
    free = cluster(vectors, texts, dates, ids=ids, params=ClusteringParams())
    assert len(free.clusters) == 3
    constraints = Constraints(
        must_link=[[5, *range(20, 30)], list(range(40, 60)) + list(range(30, 40))],
        cannot_link=[(0, 10)],
        excluded=[7],
    )
    held = cluster(vectors, texts, dates, ids=ids, params=ClusteringParams(), constraints=constraints)
    owner = held.cluster_of()
    assert owner[5] == owner[20]
    assert owner[30] == owner[40]
    assert owner[7] is None
    assert owner[0] != owner[10]
    assert None not in (owner[0], owner[10])


def test_placement_skips_clusters_a_point_may_not_join() -> None:
    centroids = Centroids(["a", "b"], np.eye(2, dtype=np.float32))
    vector = np.array([[0.9, 0.436]], dtype=np.float32)
    assert place(vector, centroids, min_similarity=0.3)[0].cluster_id == "a"
    assert place(vector, centroids, min_similarity=0.3, forbidden=[{"a"}])[0].cluster_id == "b"
    assert place(vector, centroids, min_similarity=0.5, forbidden=[{"a"}])[0].cluster_id is None
