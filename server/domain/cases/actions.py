"""Cases and their members; every read and write checks membership."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, users
from server.domain.access import cases as access_cases
from server.domain.access import effective, regions
from server.domain.accounts import tokens
from server.domain.accounts.tokens import SignedIn
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.infra.ids import is_id
from server.models import AuthToken, Case, CaseMember, CaseRole, User
from server.models.base import utcnow

MAX_TITLE = 300


def _not_found(case_id: str) -> NotFound:
    # The same answer for a missing case and for one the caller may not see: ids leak nothing.
    return NotFound(f"No case with id {case_id} is visible to you.")


async def membership(session: AsyncSession, case_id: str, user_id: str) -> CaseMember | None:
    """The caller's membership of a case, or None."""
    if not is_id(case_id):
        return None
    return await session.get(CaseMember, (case_id, user_id))


# Built once: every case view and most commands start with one of these.
_MEMBERSHIP = (
    select(Case, CaseMember)
    .join(CaseMember, CaseMember.case_id == Case.id)
    .where(Case.id == bindparam("case_id"), CaseMember.user_id == bindparam("user_id"))
)
_MEMBERSHIP_BY_TOKEN = users.with_token_owner(
    select(User, Case, CaseMember, AuthToken.id, AuthToken.last_used_at)
    .select_from(User)
    .join(CaseMember, CaseMember.user_id == User.id)
    .join(Case, Case.id == CaseMember.case_id)
    .where(CaseMember.case_id == bindparam("case_id"))
)


async def require_member(session: AsyncSession, case_id: str, user: User) -> tuple[Case, CaseMember]:
    """The case and the caller's membership (a VIEWER one, not stored, when a visibility policy opens the
    case to them); NOT_FOUND when the case is missing or neither gives access."""
    if not is_id(case_id):
        raise _not_found(case_id)
    # One round trip: every case view starts here.
    row = (await session.execute(_MEMBERSHIP, {"case_id": case_id, "user_id": user.id})).first()
    if row is not None:
        return row[0], row[1]
    opened = await access_cases.viewer_grant(session, case_id, user)
    if opened is None:
        raise _not_found(case_id)
    return opened[0], policy_viewer(opened[0], user)


def policy_viewer(case: Case, user: User) -> CaseMember:
    """The read-only membership a policy gives: never added to a session, so never stored."""
    return CaseMember(case_id=case.id, user_id=user.id, role=CaseRole.VIEWER, added_at=case.created_at)


async def case_role(session: AsyncSession, case_id: str, user: User) -> CaseMember | None:
    """`user`'s membership of a case, or the read-only one a policy gives; None when they have neither."""
    member = await membership(session, case_id, user.id)
    if member is not None:
        return member
    opened = await access_cases.viewer_grant(session, case_id, user)
    return None if opened is None else policy_viewer(opened[0], user)


async def member_by_token(
    session: AsyncSession, case_id: str, token: str, idle: timedelta = tokens.DEFAULT_IDLE
) -> tuple[SignedIn, Case, CaseMember] | None:
    """The user of `token` (with the token's id) with the case and their membership, in one round trip (a
    case view's first question); None when the token is not valid or the case is missing or not theirs,
    which the caller tells apart with `users.user_for_token` and `require_member`."""
    if not is_id(case_id):
        return None
    params = {"case_id": case_id, **users.token_params(token, idle)}
    row = (await session.execute(_MEMBERSHIP_BY_TOKEN, params)).first()
    return None if row is None else (SignedIn(row[0], row[3], row[4]), row[1], row[2])


async def require_role(
    session: AsyncSession, case_id: str, user: User, *allowed: CaseRole
) -> tuple[Case, CaseMember]:
    """Like `require_member`, and FORBIDDEN unless the caller holds one of `allowed`."""
    case, member = await require_member(session, case_id, user)
    if member.role not in allowed:
        names = " or ".join(role.value for role in allowed)
        raise Forbidden(f"Only a case {names} can do this; you are a {member.role.value}.")
    return case, member


def _clean(value: str, field: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise BadInput(f"The case needs a {field}.")
    if len(value) > MAX_TITLE:
        raise BadInput(f"The {field} is longer than {MAX_TITLE} characters.")
    return value


async def create_case(
    session: AsyncSession, user: User, *, title: str, customer: str, region: str | None = None
) -> Case:
    """Open a case in the caller's team (in `region`, one of the team's); the caller becomes its owner."""
    case = Case(
        title=_clean(title, "title"),
        customer=_clean(customer, "customer"),
        region=await regions.check_region(session, user.team_id, region),
        team_id=user.team_id,
        created_by=user.id,
    )
    session.add(case)
    await session.flush()
    session.add(CaseMember(case_id=case.id, user_id=user.id, role=CaseRole.OWNER, added_by=user.id))
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="case.created",
        subject=case.id,
        data={"title": case.title, "region": case.region},
    )
    return case


class _Keep(enum.Enum):
    KEEP = 0


KEEP = _Keep.KEEP
"""`update_case(region=KEEP)`: leave the region as it is (None clears it)."""


async def update_case(
    session: AsyncSession,
    user: User,
    case_id: str,
    *,
    title: str | None = None,
    customer: str | None = None,
    region: str | _Keep | None = KEEP,
) -> Case:
    """An owner renames a case, changes its customer or moves it to another region (None or "": none);
    left-out fields stay. Audited with the fields before and after."""
    case, _ = await require_role(session, case_id, user, CaseRole.OWNER)
    before = {"title": case.title, "customer": case.customer, "region": case.region}
    if title is not None:
        case.title = _clean(title, "title")
    if customer is not None:
        case.customer = _clean(customer, "customer")
    if not isinstance(region, _Keep):
        case.region = await regions.check_region(session, case.team_id, region)
    after = {"title": case.title, "customer": case.customer, "region": case.region}
    if after != before:
        await session.flush()
        await audit.record(
            session,
            actor_id=user.id,
            action="case.updated",
            subject=case.id,
            data={"before": before, "after": after},
        )
    return case


async def add_member(
    session: AsyncSession, user: User, *, case_id: str, member_id: str, role: CaseRole
) -> CaseMember:
    """Add a teammate to a case with `role`, or change their role (owners only)."""
    case, _ = await require_role(session, case_id, user, CaseRole.OWNER)
    target = await session.get(User, member_id) if is_id(member_id) else None
    if target is None or target.team_id != case.team_id or not target.active:
        raise NotFound(f"No user with id {member_id} is in this case's team.")
    existing = await session.get(CaseMember, (case.id, target.id))
    previous = existing.role.value if existing else None
    if existing is not None:
        if existing.role is CaseRole.OWNER and role is not CaseRole.OWNER:
            await _keep_an_owner(session, case.id, target.id)
        existing.role = role
        member = existing
    else:
        member = CaseMember(case_id=case.id, user_id=target.id, role=role, added_by=user.id)
        session.add(member)
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="case.member_set",
        subject=case.id,
        data={
            "user_id": target.id,
            "role": role.value,
            "previous": previous,
            "before": previous,
            "after": role.value,
        },
    )
    return member


async def set_archived(session: AsyncSession, user: User, case_id: str, *, archived: bool) -> Case:
    """Archive a case (it leaves the case list unless asked for) or bring it back (owners only).

    CONFLICT when it already is in that state; the conditional update settles two owners at once.
    """
    case, _ = await require_role(session, case_id, user, CaseRole.OWNER)
    now = utcnow()
    result = await session.execute(
        update(Case)
        .where(Case.id == case.id, Case.archived_at.is_(None) if archived else Case.archived_at.is_not(None))
        .values(archived_at=now if archived else None, archived_by=user.id if archived else None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult has rowcount
        state = "archived" if archived else "not archived"
        raise Conflict(f"The case “{case.title}” is {state} already.")
    await session.refresh(case)
    await audit.record(
        session,
        actor_id=user.id,
        action="case.archived" if archived else "case.unarchived",
        subject=case.id,
        data={"title": case.title},
    )
    return case


async def _keep_an_owner(session: AsyncSession, case_id: str, leaving_owner: str) -> None:
    owners = await session.execute(
        select(CaseMember.user_id).where(CaseMember.case_id == case_id, CaseMember.role == CaseRole.OWNER)
    )
    if [uid for uid in owners.scalars() if uid != leaving_owner] == []:
        raise BadInput("A case must keep at least one owner; make someone else owner first.")


async def members(session: AsyncSession, case_id: str) -> list[tuple[CaseMember, User]]:
    """Everyone on a case with their role, owners first."""
    query = (
        select(CaseMember, User)
        .join(User, User.id == CaseMember.user_id)
        .where(CaseMember.case_id == case_id)
        .order_by(CaseMember.added_at)
    )
    return [(member, user) for member, user in (await session.execute(query)).all()]


async def my_cases(session: AsyncSession, user: User, *, first: int, after: str | None) -> Page[Case]:
    """The cases the caller belongs to, and those a visibility policy opens to them, newest first."""
    access = await effective.access_of(session, user)
    if not (access.viewer_everywhere or access.viewer_regions):
        # No policy opens a case: the membership join alone, as fast as before policies existed.
        query = (
            select(Case).join(CaseMember, CaseMember.case_id == Case.id).where(CaseMember.user_id == user.id)
        )
    else:
        mine = select(CaseMember.case_id).where(CaseMember.user_id == user.id)
        query = select(Case).where(or_(Case.id.in_(mine), access_cases.opened_cases(access)))
    return await paginate(session, query, Case.id, first=first, after=after)


async def roles(session: AsyncSession, user: User, case_ids: Iterable[str]) -> dict[str, CaseRole]:
    """The caller's role on each of `case_ids` they are a member of."""
    wanted = list(set(case_ids))
    if not wanted:
        return {}
    rows = await session.execute(
        select(CaseMember.case_id, CaseMember.role).where(
            CaseMember.user_id == user.id, CaseMember.case_id.in_(wanted)
        )
    )
    return dict(rows.all())


async def by_ids(session: AsyncSession, case_ids: Iterable[str]) -> dict[str, Case]:
    """Cases by id (no membership check: pass ids the caller may see)."""
    wanted = list(set(case_ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Case).where(Case.id.in_(wanted)))
    return {case.id: case for case in rows.scalars()}
