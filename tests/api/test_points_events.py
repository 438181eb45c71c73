"""`pointsEvents` against real server processes: one server, and two servers joined by Redis."""

from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from server.models import UserRole
from tests.support.gqlws import subscribe
from tests.support.live import Live, live_pair
from tests.support.points import ADJUST, CREATE_REWARD, REDEEM

EVENTS = (
    "subscription { pointsEvents { kind balance entry { delta action note } "
    "redemption { id status reason reward { name } } } }"
)


async def test_the_requester_sees_each_step_live(live: Live) -> None:
    _, hr = await live.signed_in("hr@a.com", UserRole.HR)
    ana_id, ana = await live.signed_in("ana@a.com")
    async with subscribe(live.server.ws_url, EVENTS, token=ana) as events:
        await live.gql.data(ADJUST, {"u": ana_id, "d": 40, "r": "Great workshop"}, hr)
        event = (await events.next())["pointsEvents"]
        assert event == {
            "kind": "ENTRY",
            "balance": 40,
            "entry": {"delta": 40, "action": "ADJUSTMENT", "note": "Great workshop"},
            "redemption": None,
        }
        reward = await live.gql.data(CREATE_REWARD, {"i": {"name": "Book", "kind": "OTHER", "cost": 25}}, hr)
        redeemed = await live.gql.data(REDEEM, {"r": reward["createReward"]["id"]}, ana)
        rid = redeemed["redeemReward"]["redemption"]["id"]
        hold = (await events.next())["pointsEvents"]
        assert (hold["kind"], hold["entry"]["delta"], hold["balance"]) == ("ENTRY", -25, 15)
        requested = (await events.next())["pointsEvents"]
        assert (requested["kind"], requested["redemption"]["status"]) == ("REDEMPTION", "REQUESTED")
        await live.gql.data(
            'mutation($id: ID!) { rejectRedemption(id: $id, reason: "Out of budget") { status } }',
            {"id": rid},
            hr,
        )
        refund = (await events.next())["pointsEvents"]
        assert (refund["entry"]["delta"], refund["balance"]) == (25, 40)
        rejected = (await events.next())["pointsEvents"]["redemption"]
        assert (rejected["id"], rejected["status"], rejected["reason"]) == (rid, "REJECTED", "Out of budget")


async def test_events_are_private_and_need_a_valid_token(live: Live) -> None:
    _, hr = await live.signed_in("hr@a.com", UserRole.HR)
    ana_id, _ = await live.signed_in("ana@a.com")
    ben_id, ben = await live.signed_in("ben@a.com")
    async with subscribe(live.server.ws_url, EVENTS, token=ben) as bens:
        await live.gql.data(ADJUST, {"u": ana_id, "d": 5, "r": "For Ana"}, hr)
        await live.gql.data(ADJUST, {"u": ben_id, "d": 7, "r": "For Ben"}, hr)
        assert (await bens.next())["pointsEvents"]["entry"]["note"] == "For Ben"
    # No token or a bad one: the socket closes with 4401 (sign in again), see tests/api/test_ws.py.
    for token in (None, "not-a-token"):
        with pytest.raises(ConnectionClosed) as closed:
            async with subscribe(live.server.ws_url, EVENTS, token=token):
                pass
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401


async def test_an_event_reaches_a_subscriber_on_another_server(postgres_url: str, tmp_path: Path) -> None:
    async with live_pair(postgres_url, tmp_path) as (one, two):
        _, hr = await one.signed_in("hr@a.com", UserRole.HR)
        ana_id, ana = await one.signed_in("ana@a.com")
        async with subscribe(two.server.ws_url, EVENTS, token=ana) as events:
            await one.gql.data(ADJUST, {"u": ana_id, "d": 12, "r": "Across servers"}, hr)
            event = (await events.next())["pointsEvents"]
        assert (event["entry"]["note"], event["balance"]) == ("Across servers", 12)


REWARD_EVENTS = "subscription { rewardEvents { rewardId reward { name cost stock active } } }"
UPDATE_REWARD = "mutation($id: ID!, $i: UpdateRewardInput!) { updateReward(id: $id, input: $i) { id } }"


async def test_the_catalogue_follows_hr_per_team(live: Live) -> None:
    hr = await live.member("hr@a.com", role=UserRole.HR)
    ana = await live.member("ana@a.com")
    other_hr = await live.member("hr@b.com", team="Team B", role=UserRole.HR)
    bob = await live.member("bob@b.com", team="Team B")
    async with (
        subscribe(live.server.ws_url, REWARD_EVENTS, token=ana.token) as anas,
        subscribe(live.server.ws_url, REWARD_EVENTS, token=bob.token) as bobs,
    ):
        created = await live.gql.data(
            CREATE_REWARD,
            {"i": {"name": "Leadership course 领导力课程", "kind": "TRAINING", "cost": 30}},
            hr.token,
        )
        reward_id = created["createReward"]["id"]
        event = (await anas.next())["rewardEvents"]
        assert event == {
            "rewardId": reward_id,
            "reward": {"name": "Leadership course 领导力课程", "cost": 30, "stock": None, "active": True},
        }
        # Another team's change reaches only that team.
        await live.gql.data(
            CREATE_REWARD, {"i": {"name": "Day off", "kind": "LEAVE", "cost": 99}}, other_hr.token
        )
        assert (await bobs.next())["rewardEvents"]["reward"]["name"] == "Day off"
        # Withdrawn: members no longer see it, so the event says it left their catalogue.
        await live.gql.data(UPDATE_REWARD, {"id": reward_id, "i": {"active": False}}, hr.token)
        assert (await anas.next())["rewardEvents"] == {"rewardId": reward_id, "reward": None}
        await live.gql.data(UPDATE_REWARD, {"id": reward_id, "i": {"active": True, "stock": 2}}, hr.token)
        assert (await anas.next())["rewardEvents"]["reward"]["stock"] == 2
        # A redemption moves the stock: everyone's catalogue shows what is left.
        await live.gql.data(ADJUST, {"u": ana.person.id, "d": 40, "r": "Seed"}, hr.token)
        await live.gql.data(REDEEM, {"r": reward_id}, ana.token)
        assert (await anas.next())["rewardEvents"]["reward"]["stock"] == 1
        with pytest.raises(TimeoutError):
            await bobs.next(timeout=1)
