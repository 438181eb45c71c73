"""What the operations of tests/test_operations.py run with: the people, cases and objects made fresh for
one operation (tests/support/operation_fixtures.py says which operation takes which)."""

import uuid
from typing import Any

from server.infra.ids import new_id
from server.models import User, UserRole
from tests.support.live import Member
from tests.support.operation_world import (
    ADJUST,
    RESOLVE_COMMENT,
    World,
    access_request,
    add_comment,
    live_grant,
    notification,
    pending_adjustment,
    pending_order,
    redemption,
    team_legal,
)
from tests.support.people import make_person

Variables = dict[str, Any]


async def fresh_login(world: World) -> Variables:
    person = await make_person(world.live.db, f"{uuid.uuid4().hex[:8]}@a.com")
    return {"email": person.email, "password": person.password}


async def fresh_token(world: World) -> str:
    return (await world.live.member()).token


async def team_admin(world: World) -> str:
    """A fresh admin of team A (the world's people), signed in."""
    return (await world.live.member(f"admin-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.ADMIN)).token


async def own_case(world: World) -> Variables:
    """A fresh case of the world's owner (archiving the world's case would change what others list)."""
    create = "mutation($i: CreateCaseInput!) { createCase(input: $i) { id } }"
    data = await world.live.gql.data(
        create, {"i": {"title": "归档 archive", "customer": "Contoso"}}, world.owner.token
    )
    return {"caseId": data["createCase"]["id"]}


async def archived_case(world: World) -> Variables:
    variables = await own_case(world)
    archive = "mutation($c: ID!) { archiveCase(caseId: $c) { id } }"
    await world.live.gql.data(archive, {"c": variables["caseId"]}, world.owner.token)
    return variables


async def authorization(world: World) -> Variables:
    return {"requestId": await access_request(world), "evidence": "客户邮件 2026-12-01 (customer's e-mail)"}


async def approval(world: World) -> Variables:
    return {"requestId": await access_request(world), "hours": 48, "downloads": 2}


async def legal_token(world: World) -> str:
    return (await team_legal(world)).token


async def rejection(world: World) -> Variables:
    return {"requestId": await access_request(world), "reason": "客户未同意 (no consent)"}


async def revocation(world: World) -> Variables:
    return {"grantId": await live_grant(world)}


async def granted_material(world: World) -> Variables:
    """The material of a live grant the editor holds (who asks for its download link)."""
    grant_id = await live_grant(world)
    mine = (await world.live.gql.data("{ myMaterialGrants { id materialId } }", token=world.editor.token))[
        "myMaterialGrants"
    ]
    return {"materialId": next(g["materialId"] for g in mine if g["id"] == grant_id)}


async def teammate(world: World) -> Variables:
    """A fresh person of team A for an admin to act on (the world's own people stay as they are)."""
    return {"userId": (await world.live.member(f"{uuid.uuid4().hex[:8]}@a.com")).person.id}


async def deactivated(world: World) -> Variables:
    variables = await teammate(world)
    async with world.live.db.transaction() as session:
        user = await session.get_one(User, variables["userId"])
        user.active = False
    return variables


async def new_role(world: World) -> Variables:
    return {**await teammate(world), "role": "RD"}


async def redeemable(world: World) -> Variables:
    await world.live.gql.data(ADJUST, {"u": world.editor.person.id, "d": 10}, world.hr.token)
    return {"rewardId": world.reward_id, "idempotencyKey": new_id()}


async def own_redemption(world: World) -> Variables:
    return {"id": await redemption(world.live, world.hr, world.editor, world.reward_id)}


async def requested(world: World, reason: str | None = None) -> Variables:
    redemption_id = await redemption(world.live, world.hr, world.editor, world.reward_id)
    return {"id": redemption_id} if reason is None else {"id": redemption_id, "reason": reason}


async def approved(world: World) -> Variables:
    return {"id": await redemption(world.live, world.hr, world.editor, world.reward_id, approved=True)}


async def pending_order_variables(world: World, reason: str | None = None) -> Variables:
    order_id = await pending_order(world.live, world.owner, world.case_id)
    return {"orderId": order_id} if reason is None else {"orderId": order_id, "reason": reason}


async def pending_adjustment_variables(world: World) -> Variables:
    """Requested by a second HR person of team A, so `world.hr` may approve it."""
    person = await make_person(world.live.db, f"hr2-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.HR)
    second = Member(person, await world.live.gql.login(person.email, person.password))
    return {"requestId": await pending_adjustment(world.live, second, world.editor)}


async def own_pending_adjustment(world: World) -> Variables:
    """Requested by `world.hr`, who may withdraw (reject) it."""
    request_id = await pending_adjustment(world.live, world.hr, world.editor)
    return {"requestId": request_id, "reason": "金额填错了"}


async def comment_id(world: World) -> Variables:
    return {"id": await add_comment(world.live, world.owner, world.case_id)}


async def thread(world: World) -> Variables:
    return {"commentId": await add_comment(world.live, world.owner, world.case_id)}


async def moved_anchor(world: World) -> Variables:
    # Any encoded positions: a comment that is not the caller's to see is refused before they are read.
    return {**await thread(world), "anchor": {"start": "AA==", "end": "AA=="}}


async def resolved(world: World) -> Variables:
    thread = await add_comment(world.live, world.owner, world.case_id)
    await world.live.gql.data(RESOLVE_COMMENT, {"c": thread}, world.owner.token)
    return {"commentId": thread}


async def reply(world: World) -> Variables:
    return {
        "commentId": await add_comment(world.live, world.owner, world.case_id),
        "body": "Yes, since Monday.",
    }


async def edit(world: World) -> Variables:
    return {
        "commentId": await add_comment(world.live, world.owner, world.case_id),
        "body": "Which gateway, exactly?",
    }


async def unread(world: World) -> Variables:
    return {"ids": [await notification(world.live, world.editor, world.owner, world.case_id)]}


SET_TEAM_REGIONS = "mutation($r: [String!]!) { setTeamRegions(regions: $r) }"
REGIONS = ["华南", "华东", "EMEA"]
CREATE_POLICY = "mutation($i: VisibilityPolicyInput!) { createVisibilityPolicy(input: $i) { id } }"


async def team_regions(world: World) -> Variables:
    """Team A's regions, set by a fresh admin (every operation that needs them sets the same list)."""
    await world.live.gql.data(SET_TEAM_REGIONS, {"r": REGIONS}, await team_admin(world))
    return {"regions": REGIONS}


async def user_regions(world: World) -> Variables:
    await team_regions(world)
    return {**await teammate(world), "regions": ["华南", "EMEA"]}


async def case_in_region(world: World) -> Variables:
    await team_regions(world)
    case = await own_case(world)
    return {"id": case["caseId"], "input": {"title": "华南续约 South renewal", "region": "华南"}}


def policy_input(user_id: str) -> Variables:
    """A regional director's policy for one person, every field given."""
    return {
        "name": "华南总监只读 Regional director",
        "appliesTo": {"roles": [], "userIds": [user_id]},
        "scope": "REGION_CASES",
        "caseAccess": "VIEWER",
        "views": ["CASES", "PAIN_POINTS", "COMMENTS"],
        "maxAgeDays": 30,
        "maskCustomerFields": True,
        "validFrom": None,
        "validUntil": "2099-01-01T00:00:00+08:00",
    }


async def new_policy(world: World) -> Variables:
    """The input of a policy for a fresh teammate (the world's own people keep the access they have)."""
    return {"input": policy_input((await teammate(world))["userId"])}


async def policy(world: World) -> Variables:
    """A fresh policy of team A and a new input for it."""
    created = await new_policy(world)
    data = await world.live.gql.data(CREATE_POLICY, {"i": created["input"]}, await team_admin(world))
    changed = {**created["input"], "name": "华南总监只读（改） Regional director, changed"}
    return {"id": data["createVisibilityPolicy"]["id"], "input": changed}
