import asyncio

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import REDEEM, SignedIn, balance, give, reward, sign_in

QUEUE = "query($s: RedemptionStatus, $m: Boolean) { redemptions(status: $s, mine: $m) { nodes { id status requester { email } } } }"
APPROVE = "mutation($id: ID!) { approveRedemption(id: $id) { status decidedBy { id } } }"
REJECT = "mutation($id: ID!, $r: String!) { rejectRedemption(id: $id, reason: $r) { status reason } }"
FULFIL = "mutation($id: ID!) { fulfilRedemption(id: $id) { status fulfilledAt } }"
STOCK = "query($id: ID!) { reward(id: $id) { stock } }"


async def test_a_redemption_from_request_to_fulfilment(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    await give(api, hr, ana, 500)
    course = await reward(api, hr, "Course", 300, stock=2)
    redeemed = (await api.data(REDEEM, {"r": course}, ana.token))["redeemReward"]
    assert redeemed["redemption"]["status"] == "REQUESTED"
    assert (redeemed["hold"]["delta"], redeemed["balance"]) == (-300, 200)
    rid = redeemed["redemption"]["id"]
    queue = (await api.data(QUEUE, {"s": "REQUESTED"}, hr.token))["redemptions"]["nodes"]
    assert queue == [{"id": rid, "status": "REQUESTED", "requester": {"email": "ana@a.com"}}]
    assert (await api.error(APPROVE, {"id": rid}, ana.token)).codes == ["FORBIDDEN"]
    assert (await api.error(FULFIL, {"id": rid}, hr.token)).codes == ["CONFLICT"]
    assert (await api.data(APPROVE, {"id": rid}, hr.token))["approveRedemption"] == {
        "status": "APPROVED",
        "decidedBy": {"id": hr.id},
    }
    assert (await api.data(FULFIL, {"id": rid}, hr.token))["fulfilRedemption"]["status"] == "FULFILLED"
    mine = (await api.data(QUEUE, {}, ana.token))["redemptions"]["nodes"]
    assert [n["status"] for n in mine] == ["FULFILLED"]
    assert await balance(api, ana) == 200
    assert (await api.data(STOCK, {"id": course}, ana.token))["reward"]["stock"] == 1


async def test_rejection_refunds_and_restocks(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    await give(api, hr, ana, 100)
    course = await reward(api, hr, "Course", 100, stock=1)
    rid = (await api.data(REDEEM, {"r": course}, ana.token))["redeemReward"]["redemption"]["id"]
    assert await balance(api, ana) == 0
    assert (await api.error(REJECT, {"id": rid, "r": " "}, hr.token)).codes == ["BAD_INPUT"]
    rejected = (await api.data(REJECT, {"id": rid, "r": "Course cancelled"}, hr.token))["rejectRedemption"]
    assert rejected == {"status": "REJECTED", "reason": "Course cancelled"}
    assert await balance(api, ana) == 100
    assert (await api.data(STOCK, {"id": course}, ana.token))["reward"]["stock"] == 1
    assert (await api.error(REJECT, {"id": rid, "r": "again"}, hr.token)).codes == ["CONFLICT"]


async def test_a_repeated_idempotency_key_redeems_once(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    await give(api, hr, ana, 100)
    course = await reward(api, hr, "Course", 30)
    first = (await api.data(REDEEM, {"r": course, "k": "tap-1"}, ana.token))["redeemReward"]
    again = (await api.data(REDEEM, {"r": course, "k": "tap-1"}, ana.token))["redeemReward"]
    assert first["redemption"]["id"] == again["redemption"]["id"]
    assert (first["hold"]["delta"], again["hold"]) == (-30, None)
    assert again["balance"] == 70


async def _race(api: GraphQL, people: list[SignedIn], reward_id: str) -> list[str]:
    async def attempt(who: SignedIn) -> str:
        body = await api.post(REDEEM, {"r": reward_id}, who.token)
        if body.get("errors"):
            error = body["errors"][0]
            assert error["message"]  # a sentence for a person, not only a code
            code: str = error["extensions"]["code"]
            return code
        return "OK"

    return list(await asyncio.gather(*(attempt(who) for who in people)))


async def test_fifty_at_once_where_the_balance_covers_ten(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    await give(api, hr, ana, 100)
    course = await reward(api, hr, "Course", 10)
    outcomes = await _race(api, [ana] * 50, course)
    assert sorted(outcomes) == ["INSUFFICIENT_POINTS"] * 40 + ["OK"] * 10
    assert await balance(api, ana) == 0


async def test_fifty_at_once_where_the_stock_covers_ten(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    people = [await sign_in(api, app_db, f"p{i}@a.com") for i in range(50)]
    for person in people:
        await give(api, hr, person, 10)
    course = await reward(api, hr, "Course", 10, stock=10)
    outcomes = await _race(api, people, course)
    assert sorted(outcomes) == ["OK"] * 10 + ["OUT_OF_STOCK"] * 40
    assert (await api.data(STOCK, {"id": course}, hr.token))["reward"]["stock"] == 0
    balances = [await balance(api, person) for person in people]
    assert sorted(balances) == [0] * 10 + [10] * 40
