"""The direct write's frames are exactly what websockets itself would send."""

import pytest
from websockets.frames import Frame, Opcode

from server.sync.websocket import binary_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 70_000])
def test_binary_frames_match_websockets_own(size: int) -> None:
    payload = (bytes(range(256)) * (size // 256 + 1))[:size]
    assert binary_frame(payload) == Frame(Opcode.BINARY, payload).serialize(mask=False)


def test_a_broadcast_is_framed_once_and_the_next_payload_afresh() -> None:
    first, second = b"first update", b"second one"
    framed = binary_frame(first)
    assert binary_frame(first) is framed, "the same bytes object was framed twice"
    assert binary_frame(second).endswith(second)
    assert binary_frame(bytes(first)) == framed
