import itertools
import time
import uuid

from server.infra.ids import is_id, new_id, spread_of


def test_ids_are_uuid7_and_sort_by_time() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert uuid.UUID(first).version == 7
    assert first < second
    assert len({new_id() for _ in range(1000)}) == 1000


def test_ids_made_in_one_millisecond_still_increase_and_keep_their_shape() -> None:
    before = time.time_ns() // 1_000_000
    made = [new_id() for _ in range(20_000)]  # thousands in each millisecond
    after = time.time_ns() // 1_000_000
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    for value in (uuid.UUID(made[0]), uuid.UUID(made[-1]), *(uuid.UUID(m) for m in made[::997])):
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert before <= value.int >> 80 <= after + 1  # the time they were made (a step may borrow 1 ms)
    # Within a millisecond the steps are random, not a counter: no two gaps alike.
    same = [uuid.UUID(m).int for m in made if uuid.UUID(m).int >> 80 == uuid.UUID(made[0]).int >> 80]
    gaps = {b - a for a, b in itertools.pairwise(same)}
    assert len(gaps) == len(same) - 1


def test_is_id_rejects_anything_else() -> None:
    assert is_id(new_id())
    assert not is_id("1")
    assert not is_id("' OR 1=1 --")
    assert not is_id("")


def test_ids_made_together_spread_over_the_whole_span() -> None:
    points = [spread_of(new_id(), 30.0) for _ in range(200)]
    assert all(0 <= point < 30.0 for point in points)
    # Ids made in the same millisecond share their first bytes; their points must not bunch up.
    assert sum(point < 15.0 for point in points) in range(70, 131)
    assert spread_of("case", 30.0) == spread_of("case", 30.0) != spread_of("case2", 30.0)
