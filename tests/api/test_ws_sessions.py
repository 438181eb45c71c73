"""A GraphQL WebSocket closes with 4401 as soon as its own session ends, and only then."""

import asyncio

from tests.support.gqlws import GqlWs
from tests.support.live import Live

NOTIFICATIONS = "subscription { notificationEvents { kind unreadCount } }"


async def _socket(live: Live, token: str) -> GqlWs:
    socket = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", token)
    await socket.subscribed("1", NOTIFICATIONS)
    return socket


async def test_logout_closes_that_sessions_socket_and_no_other(live: Live) -> None:
    member = await live.member("qian.yu@a.com")
    other_token = await live.gql.login(member.person.email, member.person.password)
    mine, other = await _socket(live, member.token), await _socket(live, other_token)
    try:
        assert await live.gql.data("mutation { logout }", token=member.token) == {"logout": True}
        code, reason = await mine.closed(5)
        assert code == 4401
        assert "session ended" in reason
        with_other = asyncio.ensure_future(other.closed(1.5))
        await asyncio.wait([with_other])
        assert isinstance(with_other.exception(), TimeoutError), "another session's socket stays open"
        await live.gql.data("mutation { signOutEverywhere }", token=other_token)
        assert (await other.closed(5))[0] == 4401
    finally:
        await mine.close()
        await other.close()
