"""Regions: the team's list (an admin keeps it), and the regions of people and cases taken from it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import _people
from server.domain.errors import BadInput, Conflict, NotFound
from server.models import Case, Team, User

MAX_NAME = 100
MAX_REGIONS = 200


def clean_names(names: Iterable[str]) -> list[str]:
    """Region names trimmed (inner spaces collapsed), without repeats, in the order given."""
    cleaned: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            raise BadInput("A region needs a name.")
        if len(name) > MAX_NAME:
            raise BadInput(f"A region name is longer than {MAX_NAME} characters: {name[:20]}…")
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_REGIONS:
        raise BadInput(f"A team has at most {MAX_REGIONS} regions.")
    return cleaned


async def team_regions(session: AsyncSession, team_id: str | None) -> list[str]:
    """The team's regions, in the admin's order (none for a person without a team)."""
    if team_id is None:
        return []
    return list(await session.scalar(select(Team.regions).where(Team.id == team_id)) or [])


async def check_region(session: AsyncSession, team_id: str | None, region: str | None) -> str | None:
    """`region` cleaned, or None for none (an empty text too); BAD_INPUT unless it is on the team's list."""
    if region is None or not region.strip():
        return None
    (name,) = clean_names([region])
    known = await team_regions(session, team_id)
    if name not in known:
        listed = "、".join(known) if known else "none yet (an admin sets them with setTeamRegions)"
        raise BadInput(f"{name} is not one of the team's regions: {listed}.")
    return name


async def set_team_regions(session: AsyncSession, actor: User, names: Iterable[str]) -> list[str]:
    """An admin sets the team's regions; CONFLICT when a removed one is still used by a case or a person."""
    _people.require_admin(actor, "set the team's regions")
    team = await session.scalar(select(Team).where(Team.id == actor.team_id).with_for_update())
    if team is None:
        raise NotFound("You are not in a team.")
    after = clean_names(names)
    before = list(team.regions or [])
    removed = [name for name in before if name not in after]
    if removed:
        await _refuse_if_used(session, team.id, removed)
    if after == before:
        return after
    team.regions = after
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="team.regions_set",
        subject=team.id,
        data={"before": before, "after": after},
    )
    return after


async def _refuse_if_used(session: AsyncSession, team_id: str, removed: list[str]) -> None:
    cases = await session.scalar(
        select(func.count()).select_from(Case).where(Case.team_id == team_id, Case.region.in_(removed))
    )
    if cases:
        raise Conflict(
            f"{cases} case(s) are still in {'、'.join(removed)}: move them to another region first."
        )
    people = await session.scalars(select(User.regions).where(User.team_id == team_id))
    if any(set(regions or []) & set(removed) for regions in people):
        raise Conflict(f"Someone still works in {'、'.join(removed)}: change their regions first.")


async def set_user_regions(session: AsyncSession, actor: User, user_id: str, names: Iterable[str]) -> User:
    """An admin sets the regions a teammate works in (each from the team's list)."""
    _people.require_admin(actor, "set a person's regions")
    target = await _people.teammate(session, actor, user_id)
    return await set_regions(session, target, names, actor_id=actor.id)


async def set_regions(
    session: AsyncSession, target: User, names: Iterable[str], *, actor_id: str | None
) -> User:
    """Give `target` (found and locked by the caller) `names` as regions, audited with before and after."""
    after = clean_names(names)
    known = await team_regions(session, target.team_id)
    unknown = [name for name in after if name not in known]
    if unknown:
        listed = "、".join(known) if known else "none yet"
        raise BadInput(f"{'、'.join(unknown)} is not one of the team's regions: {listed}.")
    before = list(target.regions or [])
    if before == after:
        return target
    target.regions = after
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.regions_set",
        subject=target.id,
        data={"email": target.email, "before": before, "after": after},
    )
    return target
