import pytest

from server.sync import protocol
from server.sync.protocol import AwarenessEntry, ProtocolError, SyncKind


def test_sync_messages_round_trip() -> None:
    for kind in SyncKind:
        payload = bytes(range(200))
        message = protocol.decode(protocol.encode_sync(kind, payload))
        assert message == protocol.Sync(kind, payload)


def test_awareness_round_trip() -> None:
    entries = [AwarenessEntry(1, 3, '{"user":{"name":"王芳"}}'), AwarenessEntry(2**40, 0, "null")]
    payload = protocol.encode_awareness_update(entries)
    assert protocol.decode(protocol.encode_awareness(payload)) == protocol.Awareness(payload)
    assert protocol.decode_awareness(payload) == entries


def test_query_awareness_and_auth_are_understood() -> None:
    assert protocol.decode(b"\x03") == protocol.QueryAwareness()
    assert protocol.decode(b"\x02\x00\x05hello") == protocol.Auth()


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"", "empty frame"),
        (b"\x80", "truncated varint"),
        (b"\x00\x02\xff\xff", "truncated varint"),
        (b"\x00\x02\x05abc", "truncated payload"),
        (b"\x00\x07\x00", "unknown sync message type"),
        (b"\x09", "unknown message type"),
        (b"\x00\x02\x01a trailing", "trailing bytes"),
        (b"\x00" + b"\xff" * 12, "varint too long"),
    ],
)
def test_malformed_frames_raise(frame: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError, match=reason):
        protocol.decode(frame)


def test_awareness_state_must_be_json() -> None:
    bad = protocol.encode_awareness_update([AwarenessEntry(1, 1, "{not json")])
    with pytest.raises(ProtocolError, match="not JSON"):
        protocol.decode_awareness(bad)
