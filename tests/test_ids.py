import time
import uuid

from server.ids import is_id, new_id


def test_ids_are_uuid7_and_sort_by_time() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert uuid.UUID(first).version == 7
    assert first < second
    assert len({new_id() for _ in range(1000)}) == 1000


def test_is_id_rejects_anything_else() -> None:
    assert is_id(new_id())
    assert not is_id("1")
    assert not is_id("' OR 1=1 --")
    assert not is_id("")
