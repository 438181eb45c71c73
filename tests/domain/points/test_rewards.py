import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import redemptions, rewards
from server.domain.points.rewards import NewReward, RewardChange
from server.infra.db import Database
from server.models import AuditEvent, OutboxMessage, RewardKind, UserRole
from tests.domain.points.helpers import credit, user


async def test_hr_keeps_the_catalogue_and_members_read_the_active_part(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    async with db.transaction() as session:
        course = await rewards.create_reward(
            session,
            hr,
            NewReward(" Rust  course ", RewardKind.TRAINING, cost=300, stock=4, description="Online"),
        )
        leave = await rewards.create_reward(
            session, hr, NewReward("Half day off", RewardKind.LEAVE, cost=200)
        )
    assert (course.name, course.stock, leave.stock, course.active) == ("Rust course", 4, None, True)
    async with db.transaction() as session:
        changed = await rewards.update_reward(
            session, hr, leave.id, RewardChange(active=False, stock=10, cost=250)
        )
    assert (changed.active, changed.stock, changed.cost) == (False, 10, 250)
    async with db.sessions() as session:
        seen = await rewards.list_rewards(session, ana, include_inactive=True, first=10, after=None)
        assert [r.name for r in seen.items] == ["Rust course"]
        everything = await rewards.list_rewards(session, hr, include_inactive=True, first=10, after=None)
        assert [r.name for r in everything.items] == ["Rust course", "Half day off"]
        with pytest.raises(NotFound):
            await rewards.get_reward(session, ana, leave.id)
        actions = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("points.reward%")))
        ).all()
        assert actions == ["points.reward_created", "points.reward_created", "points.reward_updated"]


async def test_rewards_stay_inside_their_team(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    other_hr = await user(db, "hr@b.com", role=UserRole.HR, team="Team B")
    async with db.transaction() as session:
        course = await rewards.create_reward(session, hr, NewReward("Course", RewardKind.TRAINING, cost=10))
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await rewards.update_reward(session, other_hr, course.id, RewardChange(cost=1))
    async with db.transaction() as session:
        # Team B may use the same name: names are unique per team.
        await rewards.create_reward(session, other_hr, NewReward("Course", RewardKind.TRAINING, cost=10))
    async with db.sessions() as session:
        page = await rewards.list_rewards(session, other_hr, include_inactive=False, first=10, after=None)
        assert len(page.items) == 1


@pytest.mark.parametrize(
    "new",
    [
        NewReward("", RewardKind.CASH, cost=10),
        NewReward("x" * 201, RewardKind.CASH, cost=10),
        NewReward("Cash", RewardKind.CASH, cost=0),
        NewReward("Cash", RewardKind.CASH, cost=10, stock=-1),
        NewReward("Cash", RewardKind.CASH, cost=10, description="d" * 2001),
    ],
)
async def test_bad_rewards_are_refused(db: Database, new: NewReward) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    async with db.transaction() as session:
        with pytest.raises(BadInput):
            await rewards.create_reward(session, hr, new)


async def test_only_hr_manages_rewards_and_names_are_unique(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    async with db.transaction() as session:
        with pytest.raises(Forbidden):
            await rewards.create_reward(session, ana, NewReward("Cash", RewardKind.CASH, cost=10))
    async with db.transaction() as session:
        await rewards.create_reward(session, hr, NewReward("Cash", RewardKind.CASH, cost=10))
        other = await rewards.create_reward(session, hr, NewReward("Book", RewardKind.OTHER, cost=10))
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await rewards.create_reward(session, hr, NewReward("Cash", RewardKind.CASH, cost=5))
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await rewards.update_reward(session, hr, other.id, RewardChange(name="Cash"))


async def test_each_catalogue_change_tells_the_team_with_the_change(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 50, "seed")
    async with db.transaction() as session:
        course = await rewards.create_reward(
            session, hr, NewReward("领导力课程", RewardKind.TRAINING, cost=20, stock=2)
        )
    async with db.transaction() as session:
        await rewards.update_reward(session, hr, course.id, RewardChange(cost=25))
    async with db.transaction() as session:
        await redemptions.redeem(session, ana, reward_id=course.id, idempotency_key=None)
    with pytest.raises(Conflict):  # a refused change writes nothing, so it tells nobody
        async with db.transaction() as session:
            await rewards.create_reward(session, hr, NewReward("领导力课程", RewardKind.TRAINING, cost=5))
    async with db.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.name == f"rewards:{hr.team_id}")
                .order_by(OutboxMessage.id)
            )
        ).all()
    assert [row.payload for row in rows] == [{"kind": "REWARD", "rewardId": course.id}] * 3
