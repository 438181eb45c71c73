"""People signed in through the API, and GraphQL documents the points tests share."""

from __future__ import annotations

from dataclasses import dataclass

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.people import Person, make_person

ADJUST = (
    "mutation($u: ID!, $d: Int!, $r: String!, $k: String) "
    "{ adjustPoints(userId: $u, delta: $d, reason: $r, idempotencyKey: $k) "
    "{ entry { id delta balanceAfter note actor { id } } request { id status delta } } }"
)
CREATE_REWARD = (
    "mutation($i: CreateRewardInput!) { createReward(input: $i) { id name kind cost stock active } }"
)
REDEEM = (
    "mutation($r: ID!, $k: String) { redeemReward(rewardId: $r, idempotencyKey: $k) "
    "{ redemption { id status cost reward { id } requester { id } } hold { delta } balance } }"
)
BALANCE = "{ me { pointsBalance } }"


@dataclass(frozen=True)
class SignedIn:
    person: Person
    token: str

    @property
    def id(self) -> str:
        return self.person.id


async def sign_in(
    api: GraphQL, db: Database, email: str, role: UserRole = UserRole.MEMBER, team: str = "Team A"
) -> SignedIn:
    person = await make_person(db, email, role=role, team=team)
    return SignedIn(person, await api.login(person.email, person.password))


async def give(api: GraphQL, hr: SignedIn, to: SignedIn, points: int) -> None:
    await api.data(ADJUST, {"u": to.id, "d": points, "r": "Seed"}, hr.token)


async def reward(api: GraphQL, hr: SignedIn, name: str, cost: int, stock: int | None = None) -> str:
    data = await api.data(
        CREATE_REWARD, {"i": {"name": name, "kind": "TRAINING", "cost": cost, "stock": stock}}, hr.token
    )
    reward_id: str = data["createReward"]["id"]
    return reward_id


async def balance(api: GraphQL, who: SignedIn) -> int:
    value: int = (await api.data(BALANCE, token=who.token))["me"]["pointsBalance"]
    return value
