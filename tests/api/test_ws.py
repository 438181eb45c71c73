"""graphql-transport-ws on a real server: authentication in connection_init, the protocol's close codes,
limits, and the hardened surface (depth, aliases, introspection, masked errors) over the socket."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.gqlws import GqlWs
from tests.support.live import Live, live_server

ME = "subscription { notificationEvents { kind unreadCount } }"
ENV = {
    "WARROOM_GRAPHQL_WS_INIT_TIMEOUT": "0.5",
    "WARROOM_GRAPHQL_MAX_SUBSCRIPTIONS": "3",
}


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    """The transport does not depend on the database: SQLite only."""
    async with live_server(sqlite_url, tmp_path, ENV) as running:
        yield running


def _url(live: Live) -> str:
    return f"{live.server.ws_url}/graphql"


async def test_the_legacy_graphql_ws_subprotocol_is_refused(live: Live) -> None:
    client = await GqlWs.connect(_url(live), subprotocols=["graphql-ws"])
    assert (await client.closed())[0] == 4406


@pytest.mark.parametrize(
    "payload",
    [{"token": "not-a-token"}, {}, {"token": ""}, {"token": 42}, {"Authorization": "Bearer nope"}],
)
async def test_a_bad_token_closes_with_4401(live: Live, payload: dict[str, object]) -> None:
    client = await GqlWs.connect(_url(live))
    await client.send({"type": "connection_init", "payload": payload})
    code, reason = await client.closed()
    assert code == 4401
    assert "sign in again" in reason


async def test_a_revoked_token_closes_with_4401(live: Live) -> None:
    member = await live.member()
    await live.gql.data("mutation { logout }", token=member.token)
    client = await GqlWs.connect(_url(live))
    await client.send({"type": "connection_init", "payload": {"token": member.token}})
    assert (await client.closed())[0] == 4401


async def test_a_good_token_in_either_form_is_acknowledged(live: Live) -> None:
    member = await live.member()
    for payload in ({"token": member.token}, {"Authorization": f"Bearer {member.token}"}):
        client = await GqlWs.connect(_url(live))
        await client.send({"type": "connection_init", "payload": payload})
        assert (await client.receive())["type"] == "connection_ack"
        await client.send({"type": "ping"})
        assert (await client.receive())["type"] == "pong"
        await client.close()


async def test_protocol_close_codes(live: Live) -> None:
    member = await live.member()
    # 4401: subscribing before connection_ack.
    client = await GqlWs.connect(_url(live))
    await client.subscribe("1", ME)
    assert (await client.closed())[0] == 4401
    # 4408: no connection_init in time.
    client = await GqlWs.connect(_url(live))
    code, reason = await client.closed(timeout=5)
    assert code == 4408, reason
    # 4429: a second connection_init.
    client = await GqlWs.signed_in(_url(live), member.token)
    await client.send({"type": "connection_init", "payload": {"token": member.token}})
    assert (await client.closed())[0] == 4429
    # 4409: a subscription id already in use.
    client = await GqlWs.signed_in(_url(live), member.token)
    await client.subscribe("same", ME)
    await client.subscribe("same", ME)
    assert (await client.closed())[0] == 4409
    # 4400: anything that is not a protocol message.
    for message in ("not json", {"type": "nonsense"}, {"type": "connection_init", "payload": "text"}):
        client = await GqlWs.connect(_url(live))
        await client.send(message)
        assert (await client.closed())[0] == 4400, message
    # 1009: a message over 1 MiB is refused before it is parsed.
    client = await GqlWs.signed_in(_url(live), member.token)
    await client.send(
        {"id": "big", "type": "subscribe", "payload": {"query": "{ me { id } }", "pad": "x" * 1_100_000}}
    )
    assert (await client.closed())[0] == 1009


async def test_subscriptions_per_connection_are_capped(live: Live) -> None:
    member = await live.member()
    client = await GqlWs.signed_in(_url(live), member.token)
    for i in range(3):
        await client.subscribe(str(i), ME)
        # Each starts with the unread count, once the server listens.
        assert await client.next_data(str(i)) == {"notificationEvents": {"kind": "COUNT", "unreadCount": 0}}
    await client.subscribe("3", ME)
    message = await client.receive()
    assert message["type"] == "error"
    assert message["id"] == "3"
    assert message["payload"][0]["message"] == "Subscription limit reached"
    # Completing one frees a place.
    await client.send({"id": "0", "type": "complete"})
    await client.subscribe("4", ME)
    assert (await client.next_data("4"))["notificationEvents"]["kind"] == "COUNT"
    await client.send({"type": "ping"})
    assert (await client.receive())["type"] == "pong"


async def test_hostile_operations_over_the_socket_are_refused(live: Live) -> None:
    member = await live.member()
    client = await GqlWs.signed_in(_url(live), member.token)
    deep = 'subscription { commentEvents(caseId: "x") { comment { replies { replies { replies { replies { replies { replies { replies { replies { replies { id } } } } } } } } } } } }'
    aliases = "subscription { " + " ".join(f"a{i}: notificationEvents {{ kind }}" for i in range(40)) + " }"
    introspection = "query { __schema { types { name } } }"
    misspelt = "subscription { notificationEvents { kindd } }"
    for index, (query, says) in enumerate(
        (
            (deep, "maximum operation depth"),
            (aliases, "aliases"),
            (introspection, "introspection"),
            (misspelt, "kindd"),
        )
    ):
        await client.subscribe(f"h{index}", query)
        message = await client.receive()
        assert message["type"] == "error", message
        assert says in message["payload"][0]["message"]
        assert all(e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" for e in message["payload"])
        assert "Did you mean" not in str(message)
    # Queries and mutations over the socket run as the connection's user.
    await client.subscribe("me", "query { me { id } }")
    assert (await client.next_data("me")) == {"me": {"id": member.person.id}}
