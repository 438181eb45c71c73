import random

from server.heatmaps._runs import ClockRuns


def test_appending_merges_equal_neighbours() -> None:
    runs = ClockRuns()
    assert runs.add(0, 5, 1) == [(0, 5)]
    assert runs.add(5, 8, 1) == [(5, 8)]
    assert runs.cover(8, 9, 2) == 1
    assert (runs.starts, runs.ends, runs.labels) == ([0, 8], [8, 9], [1, 2])


def test_only_uncovered_clocks_are_added() -> None:
    runs = ClockRuns()
    runs.add(10, 20, 1)
    runs.add(30, 40, 1)

    assert runs.add(5, 45, 2) == [(5, 10), (20, 30), (40, 45)]
    assert runs.cover(0, 50, 2) == 10
    assert runs.add(12, 18, 3) == []
    assert runs.gaps(0, 50) == []
    assert list(runs.overlaps(8, 32)) == [(2, 2), (1, 10), (2, 10), (1, 2)]
    assert (runs.label_at(10), runs.label_at(25), runs.label_at(50)) == (1, 2, None)


def test_matches_a_set_of_clocks_under_random_use() -> None:
    rnd = random.Random(1)
    runs = ClockRuns()
    model: dict[int, int] = {}
    for _ in range(2000):
        start = rnd.randrange(300)
        end = start + rnd.randrange(1, 12)
        label = rnd.randrange(3)
        fresh = [c for c in range(start, end) if c not in model]
        added = runs.add(start, end, label)
        assert [c for a, b in added for c in range(a, b)] == fresh
        model.update((c, label) for c in fresh)
    assert {c: runs.label_at(c) for c in range(320) if runs.label_at(c) is not None} == model
    for i in range(len(runs.starts) - 1):
        assert runs.starts[i] < runs.ends[i] <= runs.starts[i + 1], "sorted and disjoint"
        touching = runs.ends[i] == runs.starts[i + 1]
        assert not (touching and runs.labels[i] == runs.labels[i + 1]), "equal neighbours are merged"
