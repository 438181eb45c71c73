"""A team with regions, policies for the roles of issue 18, and cases in each region; a second team beside."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update

from server.domain.access import policies, regions
from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models import (
    AccessView,
    Case,
    CaseAccess,
    CaseRole,
    Comment,
    PainPoint,
    PolicyScope,
    User,
    UserRole,
    VisibilityPolicy,
)
from server.models.base import utcnow
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_user

# Region of each case of team A, and its customer: Chinese and English names alike.
CASES = {
    "south": ("华南", "阿里零售"),
    "east": ("华东", "华为终端"),
    "emea": ("EMEA", "Acme Retail"),
    "none": (None, "无区域客户"),
}


@dataclass
class World:
    people: dict[str, User]
    tokens: dict[str, str]
    cases: dict[str, str]
    policies: dict[str, str]
    foreign_case: str
    # "south/new", "south/old" (40 days), … and "foreign/new": pain point ids
    pain_points: dict[str, str] = field(default_factory=dict)


def _policy(name: str, **fields: object) -> policies.PolicyInput:
    return policies.PolicyInput(name=name, **fields)  # type: ignore[arg-type]


async def build(db: Database, api: GraphQL | None = None) -> World:
    """Team A: agent (华南, 30 days, masked), director (华南+华东, VIEWER on region cases), auditor (whole
    team read-only, for one more hour), member (memberships only), rd (team pain points); team B with a
    case in its own 华南 and a policy opening every case of B to its members."""
    names = {
        "admin": UserRole.ADMIN,
        "owner": UserRole.MEMBER,
        "agent": UserRole.MEMBER,
        "director": UserRole.MEMBER,
        "auditor": UserRole.LEGAL,
        "member": UserRole.MEMBER,
        "rd": UserRole.RD,
    }
    people = {name: await make_user(db, f"{name}@a.com", role=role) for name, role in names.items()}
    b_admin = await make_user(db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    now = utcnow()
    async with db.transaction() as session:
        admin = await session.get_one(User, people["admin"].id)
        await regions.set_team_regions(session, admin, ["华南", "华东", "EMEA"])
        for name, theirs in (("agent", ["华南"]), ("director", ["华南", "华东"]), ("member", ["华南"])):
            target = await session.get_one(User, people[name].id)
            await regions.set_regions(session, target, theirs, actor_id=admin.id)
        made = {
            "agent": await policies.create_policy(
                session,
                admin,
                _policy(
                    "华南客服：30 天、遮蔽客户",
                    user_ids=[people["agent"].id],
                    scope=PolicyScope.REGION_CASES,
                    case_access=CaseAccess.NONE,
                    views=[
                        AccessView.PAIN_POINTS,
                        AccessView.CLUSTERS,
                        AccessView.COMMENTS,
                        AccessView.RANKING,
                        AccessView.HEATMAPS,
                    ],
                    max_age_days=30,
                    mask_customer_fields=True,
                ),
            ),
            "director": await policies.create_policy(
                session,
                admin,
                _policy(
                    "Regional director, read-only",
                    user_ids=[people["director"].id],
                    scope=PolicyScope.REGION_CASES,
                    case_access=CaseAccess.VIEWER,
                    views=[
                        AccessView.CASES,
                        AccessView.HEATMAPS,
                        AccessView.COMMENTS,
                        AccessView.PAIN_POINTS,
                        AccessView.RANKING,
                    ],
                ),
            ),
            "auditor": await policies.create_policy(
                session,
                admin,
                _policy(
                    "审计两周",
                    roles=[UserRole.LEGAL],
                    scope=PolicyScope.TEAM_CASES,
                    case_access=CaseAccess.VIEWER,
                    views=[AccessView.CASES, AccessView.COMMENTS, AccessView.RANKING],
                    valid_until=now + timedelta(hours=1),
                ),
            ),
            "rd": await policies.create_policy(
                session,
                admin,
                _policy(
                    "R&D pain points",
                    roles=[UserRole.RD],
                    scope=PolicyScope.TEAM_CASES,
                    case_access=CaseAccess.NONE,
                    views=[AccessView.PAIN_POINTS, AccessView.CLUSTERS],
                ),
            ),
        }
        owner = await session.get_one(User, people["owner"].id)
        case_ids: dict[str, str] = {}
        for key, (region, customer) in CASES.items():
            case = await cases.create_case(
                session, owner, title=f"{customer} 续约", customer=customer, region=region
            )
            case_ids[key] = case.id
        # The member and the agent belong to one case each (outside their own policies' reach).
        for name, key in (("member", "emea"), ("agent", "east")):
            await cases.add_member(
                session, owner, case_id=case_ids[key], member_id=people[name].id, role=CaseRole.COMMENTER
            )
        other_admin = await session.get_one(User, b_admin.id)
        await regions.set_team_regions(session, other_admin, ["华南"])
        await policies.create_policy(
            session,
            other_admin,
            _policy(
                "B: everyone reads everything",
                roles=list(UserRole),
                scope=PolicyScope.TEAM_CASES,
                case_access=CaseAccess.VIEWER,
                views=list(AccessView),
            ),
        )
        foreign = await cases.create_case(
            session, other_admin, title="B 的案子", customer="阿里零售", region="华南"
        )
    # Signed in when `api` is given (domain tests need no tokens).
    tokens = {name: await api.login(user.email, PASSWORD) for name, user in people.items()} if api else {}
    return World(
        people=people,
        tokens=tokens,
        cases=case_ids,
        policies={name: policy.id for name, policy in made.items()},
        foreign_case=foreign.id,
    )


async def mask(db: Database, world: World, *names: str, on: bool = True) -> None:
    """Turns `maskCustomerFields` on (or off) for the named policies of `world`."""
    async with db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id.in_([world.policies[name] for name in names]))
            .values(mask_customer_fields=on)
        )


async def end(db: Database, world: World, name: str) -> None:
    """Ends the named policy of `world` now (its `validUntil` is this moment)."""
    async with db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id == world.policies[name])
            .values(valid_until=utcnow())
        )


async def add_pain_points(db: Database, world: World) -> None:
    """A pain point 5 days old and one 40 days old in each case (and one in team B's), written directly:
    what is visible does not depend on how they were recorded."""
    now = utcnow()
    async with db.transaction() as session:
        targets = [*((key, case_id) for key, case_id in world.cases.items()), ("foreign", world.foreign_case)]
        for key, case_id in targets:
            case = await session.get_one(Case, case_id)
            for age, days in (("new", 5), ("old", 40)):
                if key == "foreign" and age == "old":
                    continue
                text = f"{case.customer}：结账支付失败 ({key}/{age}) checkout fails"
                row = PainPoint(
                    case_id=case.id,
                    team_id=case.team_id,
                    author_id=case.created_by,
                    text=text,
                    normalized_text=text,
                    customer=case.customer,
                    created_at=now - timedelta(days=days),
                )
                session.add(row)
                await session.flush()
                world.pain_points[f"{key}/{age}"] = row.id


async def add_comments(db: Database, world: World) -> dict[str, str]:
    """A comment 5 days old and one 40 days old in each case of team A (and a new one in team B's), by
    the case's owner, Chinese and English: key ("south/new", …, "foreign/new") -> comment id."""
    now = utcnow()
    found: dict[str, str] = {}
    async with db.transaction() as session:
        targets = [*world.cases.items(), ("foreign", world.foreign_case)]
        for key, case_id in targets:
            case = await session.get_one(Case, case_id)
            for age, days in (("new", 5), ("old", 40)):
                if key == "foreign" and age == "old":
                    continue
                body = f"{case.customer} 反馈：发票抬头错误 ({key}/{age}) the invoice header is wrong"
                row = Comment(
                    case_id=case.id,
                    author_id=case.created_by,
                    body=body,
                    created_at=now - timedelta(days=days),
                )
                session.add(row)
                await session.flush()
                found[f"{key}/{age}"] = row.id
    return found
