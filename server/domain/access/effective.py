"""A person's effective access now: their memberships and the team policies that apply to them at this
moment (a policy whose validUntil has passed applies no more, with nothing to run)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts import _people
from server.domain.errors import NotFound
from server.infra.ids import is_id
from server.models import (
    AccessView,
    Case,
    CaseAccess,
    CaseMember,
    CaseRole,
    PolicyScope,
    User,
    UserRole,
    VisibilityPolicy,
)
from server.models.base import utcnow


class Because(enum.StrEnum):
    """Why a policy applies to a person."""

    ROLE = "role"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class Grant:
    """A policy that applies to a person now, and why it does."""

    policy_id: str
    name: str
    because: Because
    scope: PolicyScope
    case_access: CaseAccess
    views: frozenset[AccessView]
    max_age_days: int | None
    mask_customer_fields: bool
    valid_until: datetime | None

    @classmethod
    def of(cls, policy: VisibilityPolicy, because: Because) -> Grant:
        return cls(
            policy_id=policy.id,
            name=policy.name,
            because=because,
            scope=policy.scope,
            case_access=policy.case_access,
            views=frozenset(AccessView(view) for view in policy.views),
            max_age_days=policy.max_age_days,
            mask_customer_fields=policy.mask_customer_fields,
            valid_until=policy.valid_until,
        )


@dataclass(frozen=True, slots=True)
class Membership:
    case_id: str
    title: str
    role: CaseRole


@dataclass(frozen=True, slots=True)
class Access:
    """What a person may see beyond their memberships, at `at`; nothing here reaches another team."""

    user_id: str
    team_id: str | None
    role: UserRole
    regions: tuple[str, ...]
    grants: tuple[Grant, ...]
    at: datetime

    def _covers(self, grant: Grant, case: Case) -> bool:
        """Whether `case` lies in `grant`'s scope beyond one's own cases (the team's, or one's regions')."""
        if self.team_id is None or case.team_id != self.team_id:
            return False
        return grant.scope is PolicyScope.TEAM_CASES or (
            grant.scope is PolicyScope.REGION_CASES and case.region in self.regions
        )

    def _opening(self, case: Case) -> list[Grant]:
        return [
            grant
            for grant in self.grants
            if grant.case_access is CaseAccess.VIEWER
            and AccessView.CASES in grant.views
            and self._covers(grant, case)
        ]

    def opening(self, case: Case) -> tuple[Grant, ...]:
        """Every policy that lets this person open `case` read-only, oldest first."""
        return tuple(self._opening(case))

    def opens(self, case: Case) -> Grant | None:
        """The policy that lets this person open `case` read-only without a membership, or None."""
        opening = self._opening(case)
        return opening[0] if opening else None

    def masks(self, case: Case) -> bool:
        """Whether `case`, opened by policies only (the caller knows there is no membership), shows its
        customer masked: every policy that opens it says maskCustomerFields."""
        opening = self._opening(case)
        return bool(opening) and all(grant.mask_customer_fields for grant in opening)

    def reaching(self, case: Case, view: AccessView, created_at: datetime) -> tuple[Grant, ...]:
        """The policies whose `view` reaches a record of `case` made at `created_at` (scope and age),
        without opening the case; MEMBER_CASES reaches only one's own cases, which one reads anyway."""
        return tuple(
            grant
            for grant in self.grants
            if view in grant.views
            and self._covers(grant, case)
            and (grant.max_age_days is None or created_at >= self.at - timedelta(days=grant.max_age_days))
        )

    def masked_by(self, case: Case) -> tuple[Grant, ...]:
        """The policies that open `case` with its customer masked, when every policy opening it masks (the
        caller knows there is no membership); empty when the person sees the customer as written."""
        opening = self._opening(case)
        return tuple(opening) if opening and all(g.mask_customer_fields for g in opening) else ()

    @property
    def masks_any(self) -> bool:
        """Some policy opens cases with their customer masked."""
        return any(
            g.case_access is CaseAccess.VIEWER and AccessView.CASES in g.views and g.mask_customer_fields
            for g in self.grants
        )

    @property
    def viewer_everywhere(self) -> bool:
        """A policy opens every case of the team read-only."""
        return any(
            g.case_access is CaseAccess.VIEWER
            and AccessView.CASES in g.views
            and g.scope is PolicyScope.TEAM_CASES
            for g in self.grants
        )

    @property
    def viewer_regions(self) -> tuple[str, ...]:
        """The person's regions whose cases a policy opens read-only."""
        opened = any(
            g.case_access is CaseAccess.VIEWER
            and AccessView.CASES in g.views
            and g.scope is PolicyScope.REGION_CASES
            for g in self.grants
        )
        return self.regions if opened else ()

    @property
    def ends_at(self) -> datetime | None:
        """When the first applying policy with an end stops applying (when a live reader rechecks)."""
        ends = [g.valid_until for g in self.grants if g.valid_until is not None]
        return min(ends) if ends else None


def applies(policy: VisibilityPolicy, user: User, at: datetime) -> Because | None:
    """Why `policy` applies to `user` at `at`, or None when it does not."""
    if policy.team_id != user.team_id or not user.active:
        return None
    if policy.valid_from is not None and at < policy.valid_from:
        return None
    if policy.valid_until is not None and at >= policy.valid_until:
        return None
    if user.id in policy.user_ids:
        return Because.PERSON
    if user.role.value in policy.roles:
        return Because.ROLE
    return None


async def access_of(session: AsyncSession, user: User, at: datetime | None = None) -> Access:
    """`user`'s policies at `at` (now by default)."""
    moment = at or utcnow()
    grants: list[Grant] = []
    if user.team_id is not None:
        policies = await session.scalars(
            select(VisibilityPolicy)
            .where(VisibilityPolicy.team_id == user.team_id)
            .order_by(VisibilityPolicy.created_at, VisibilityPolicy.id)
        )
        for policy in policies:
            because = applies(policy, user, moment)
            if because is not None:
                grants.append(Grant.of(policy, because))
    return Access(
        user_id=user.id,
        team_id=user.team_id,
        role=user.role,
        regions=tuple(user.regions or ()),
        grants=tuple(grants),
        at=moment,
    )


async def memberships(session: AsyncSession, user_id: str) -> list[Membership]:
    """The cases a person is a member of, with their role, newest first."""
    rows = await session.execute(
        select(Case.id, Case.title, CaseMember.role)
        .join(CaseMember, CaseMember.case_id == Case.id)
        .where(CaseMember.user_id == user_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
    )
    return [Membership(case_id, title, role) for case_id, title, role in rows.all()]


async def effective_access(session: AsyncSession, actor: User, user_id: str) -> tuple[User, Access]:
    """An admin asks what a teammate may see now; NOT_FOUND for anyone outside the admin's team."""
    _people.require_admin(actor, "read a teammate's access")
    target = await session.get(User, user_id) if is_id(user_id) else None
    if target is None or target.team_id != actor.team_id:
        raise NotFound(f"No user with id {user_id} is visible to you.")
    return target, await access_of(session, target)


def opened_by(access: Access, view: AccessView) -> frozenset[str]:
    """The ids of the policies that give `access`'s person `view` now."""
    return frozenset(g.policy_id for g in access.grants if view in g.views)


async def require_still(
    session: AsyncSession, user: User, view: AccessView, policy_ids: frozenset[str]
) -> None:
    """NOT_FOUND once one of the policies that gave `user` `view` (when they started following something
    live) no longer applies: what it opened is closed, like a case one was removed from."""
    if not policy_ids <= opened_by(await access_of(session, user), view):
        raise NotFound("A visibility policy that let you follow this no longer applies to you.")
