import itertools

from server.clustering.matching import match_clusters


def _ids() -> "itertools.count[int]":
    return itertools.count(1)


def test_unchanged_clusters_keep_their_ids() -> None:
    previous = {"refunds": {"p1", "p2", "p3"}, "crashes": {"p4", "p5"}}
    counter = _ids()
    ids = match_clusters(previous, [["p4", "p5"], ["p1", "p2", "p3"]], new_id=lambda: f"new{next(counter)}")
    assert ids == ["crashes", "refunds"]


def test_grown_cluster_keeps_its_id_and_a_new_theme_gets_a_new_one() -> None:
    previous = {"refunds": {"p1", "p2", "p3"}}
    counter = _ids()
    ids = match_clusters(
        previous, [["p1", "p2", "p3", "p6", "p7"], ["p8", "p9"]], new_id=lambda: f"new{next(counter)}"
    )
    assert ids == ["refunds", "new1"]


def test_a_split_gives_the_id_to_the_bigger_overlap_only() -> None:
    previous = {"billing": {f"p{i}" for i in range(10)}}
    counter = _ids()
    ids = match_clusters(
        previous,
        [[f"p{i}" for i in range(3)], [f"p{i}" for i in range(3, 10)]],
        new_id=lambda: f"new{next(counter)}",
    )
    assert ids == ["new1", "billing"]


def test_small_overlap_is_no_match() -> None:
    previous = {"old": {f"p{i}" for i in range(10)}}
    assert match_clusters(previous, [["p0", "x1", "x2", "x3"]], new_id=lambda: "fresh") == ["fresh"]
    assert match_clusters(previous, [["p0", "x1", "x2", "x3"]], min_jaccard=0.05, new_id=lambda: "f") == [
        "old"
    ]


def test_no_previous_run() -> None:
    ids = match_clusters({}, [["a"], ["b"]])
    assert len(set(ids)) == 2


def test_members_gone_since_the_last_run_do_not_count_against_the_match() -> None:
    # "refunds" had 10 pain points; 7 were deleted and 2 new ones joined the 3 left: 3 of 12 in common
    # overall (below the 0.3 overlap), 3 of 5 among the pain points that still exist.
    previous = {"refunds": {f"p{i}" for i in range(10)}}
    current = [["p0", "p1", "p2", "n1", "n2"]]
    present = ["p0", "p1", "p2", "n1", "n2", "n3"]
    assert match_clusters(previous, current, new_id=lambda: "fresh") == ["fresh"]
    assert match_clusters(previous, current, new_id=lambda: "fresh", present=present) == ["refunds"]
