"""The reward catalogue of a team: HR keeps it, everyone on the team reads it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, NotFound, Reason
from server.domain.pagination import Page, paginate
from server.domain.points import events
from server.domain.points.access import is_hr, require_hr, require_team
from server.domain.points.changes import KEEP, Keep, clean_text
from server.infra.ids import is_id
from server.models import Reward, RewardKind, User
from server.models.base import utcnow

MAX_NAME = 200
MAX_DESCRIPTION = 2000
MAX_COST = 1_000_000
MAX_STOCK = 1_000_000


@dataclass(frozen=True)
class NewReward:
    name: str
    kind: RewardKind
    cost: int
    stock: int | None = None
    description: str = ""


@dataclass(frozen=True)
class RewardChange:
    """What to change; `stock=None` makes the stock unlimited."""

    name: str | Keep = KEEP
    kind: RewardKind | Keep = KEEP
    cost: int | Keep = KEEP
    stock: int | Keep | None = KEEP
    description: str | Keep = KEEP
    active: bool | Keep = KEEP


def _name(value: str) -> str:
    name = clean_text(value, limit=MAX_NAME + 1)
    if not name or len(name) > MAX_NAME:
        raise BadInput(f"A reward needs a name of 1 to {MAX_NAME} characters.")
    return name


def _cost(value: int) -> int:
    if not 0 < value <= MAX_COST:
        raise BadInput(f"The cost is a whole number of points from 1 to {MAX_COST}.")
    return value


def _stock(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_STOCK:
        raise BadInput(f"The stock is from 0 to {MAX_STOCK}, or empty for unlimited.")
    return value


def _description(value: str) -> str:
    if len(value) > MAX_DESCRIPTION:
        raise BadInput(f"The description is longer than {MAX_DESCRIPTION} characters.")
    return value.strip()


def _snapshot(reward: Reward) -> dict[str, object]:
    return {
        "name": reward.name,
        "kind": reward.kind.value,
        "cost": reward.cost,
        "stock": reward.stock,
        "active": reward.active,
    }


async def _refuse_duplicate_name(session: AsyncSession, team_id: str, name: str, own_id: str | None) -> None:
    query = exists().where(Reward.team_id == team_id, Reward.name == name)
    if own_id is not None:
        query = query.where(Reward.id != own_id)
    if await session.scalar(select(query)):
        raise Conflict(f"Your team already has a reward called {name!r}.", reason=Reason.DUPLICATE_NAME)


async def create_reward(session: AsyncSession, actor: User, new: NewReward) -> Reward:
    """Add a reward to the caller's team catalogue (HR or admin; audited)."""
    require_hr(actor, "manage rewards")
    team_id = require_team(actor)
    now = utcnow()
    reward = Reward(
        team_id=team_id,
        name=_name(new.name),
        kind=new.kind,
        cost=_cost(new.cost),
        stock=_stock(new.stock),
        description=_description(new.description),
        active=True,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    await _refuse_duplicate_name(session, team_id, reward.name, None)
    session.add(reward)
    await session.flush()
    events.reward_changed(session, reward)
    await audit.record(
        session, actor_id=actor.id, action="points.reward_created", subject=reward.id, data=_snapshot(reward)
    )
    return reward


async def update_reward(session: AsyncSession, actor: User, reward_id: str, change: RewardChange) -> Reward:
    """Change a reward of the caller's team (HR or admin; audited with the values before)."""
    require_hr(actor, "manage rewards")
    team_id = require_team(actor)
    reward = await _locked(session, reward_id, team_id)
    before = _snapshot(reward)
    if not isinstance(change.name, Keep):
        name = _name(change.name)
        await _refuse_duplicate_name(session, team_id, name, reward.id)
        reward.name = name
    if not isinstance(change.kind, Keep):
        reward.kind = change.kind
    if not isinstance(change.cost, Keep):
        reward.cost = _cost(change.cost)
    if not isinstance(change.stock, Keep):
        reward.stock = _stock(change.stock)
    if not isinstance(change.description, Keep):
        reward.description = _description(change.description)
    if not isinstance(change.active, Keep):
        reward.active = change.active
    reward.updated_at = utcnow()
    await session.flush()
    events.reward_changed(session, reward)
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.reward_updated",
        subject=reward.id,
        data={"before": before, "after": _snapshot(reward)},
    )
    return reward


async def _locked(session: AsyncSession, reward_id: str, team_id: str) -> Reward:
    reward = None
    if is_id(reward_id):
        reward = await session.scalar(
            select(Reward)
            .where(Reward.id == reward_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    if reward is None or reward.team_id != team_id:
        raise NotFound(f"No reward with id {reward_id} is in your team's catalogue.")
    return reward


async def lock_reward(session: AsyncSession, reward_id: str, team_id: str) -> Reward:
    """The reward, locked until the transaction ends (take it after the person's account)."""
    return await _locked(session, reward_id, team_id)


async def list_rewards(
    session: AsyncSession, viewer: User, *, include_inactive: bool, first: int, after: str | None
) -> Page[Reward]:
    """The team's catalogue, oldest first; only HR may include withdrawn rewards."""
    team_id = require_team(viewer)
    query = select(Reward).where(Reward.team_id == team_id)
    if not (include_inactive and is_hr(viewer)):
        query = query.where(Reward.active.is_(True))
    return await paginate(session, query, Reward.id, first=first, after=after, newest_first=False)


async def get_reward(session: AsyncSession, viewer: User, reward_id: str) -> Reward:
    """One reward of the viewer's team (withdrawn ones only for HR)."""
    team_id = require_team(viewer)
    reward = await session.get(Reward, reward_id) if is_id(reward_id) else None
    if reward is None or reward.team_id != team_id or not (reward.active or is_hr(viewer)):
        raise NotFound(f"No reward with id {reward_id} is in your team's catalogue.")
    return reward
