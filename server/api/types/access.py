"""Visibility policies and regions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server import models
from server.api.types.cases import CaseRole
from server.api.types.users import User, UserRole
from server.domain.access.effective import Access, Because, Grant, Membership

PolicyScope = strawberry.enum(
    models.PolicyScope, name="PolicyScope", description="Which cases a visibility policy reaches."
)
CaseAccess = strawberry.enum(
    models.CaseAccess,
    name="CaseAccess",
    description="What a policy lets one do with a case it reaches without a membership.",
)
AccessView = strawberry.enum(
    models.AccessView, name="AccessView", description="A read a visibility policy opens."
)


@strawberry.type
class AppliesTo:
    roles: list[UserRole]  # type: ignore[valid-type]
    user_ids: list[strawberry.ID]


@strawberry.input
class AppliesToInput:
    roles: list[UserRole] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    user_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class VisibilityPolicyInput:
    name: str
    applies_to: AppliesToInput
    scope: PolicyScope  # type: ignore[valid-type]
    case_access: CaseAccess  # type: ignore[valid-type]
    views: list[AccessView]  # type: ignore[valid-type]
    max_age_days: int | None = None
    mask_customer_fields: bool = False
    valid_from: datetime | None = None
    valid_until: datetime | None = None


@strawberry.type
class VisibilityPolicy:
    id: strawberry.ID
    name: str
    applies_to: AppliesTo
    scope: PolicyScope  # type: ignore[valid-type]
    case_access: CaseAccess  # type: ignore[valid-type]
    views: list[AccessView]  # type: ignore[valid-type]
    max_age_days: int | None
    mask_customer_fields: bool
    valid_from: datetime | None
    valid_until: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, policy: models.VisibilityPolicy) -> VisibilityPolicy:
        return cls(
            id=strawberry.ID(policy.id),
            name=policy.name,
            applies_to=AppliesTo(
                roles=[models.UserRole(role) for role in policy.roles],
                user_ids=[strawberry.ID(u) for u in policy.user_ids],
            ),
            scope=policy.scope,
            case_access=policy.case_access,
            views=[models.AccessView(view) for view in policy.views],
            max_age_days=policy.max_age_days,
            mask_customer_fields=policy.mask_customer_fields,
            valid_from=policy.valid_from,
            valid_until=policy.valid_until,
            created_at=policy.created_at,
            updated_at=policy.updated_at,
        )


AppliesBecause = strawberry.enum(
    Because, name="AppliesBecause", description="Why a policy applies to a person: their role, or by name."
)


@strawberry.type(description="A policy that applies to the person now, and what it gives.")
class AccessGrant:
    policy_id: strawberry.ID
    name: str
    because: AppliesBecause  # type: ignore[valid-type]
    scope: PolicyScope  # type: ignore[valid-type]
    case_access: CaseAccess  # type: ignore[valid-type]
    views: list[AccessView]  # type: ignore[valid-type]
    max_age_days: int | None
    mask_customer_fields: bool
    valid_until: datetime | None

    @classmethod
    def of(cls, grant: Grant) -> AccessGrant:
        return cls(
            policy_id=strawberry.ID(grant.policy_id),
            name=grant.name,
            because=grant.because,
            scope=grant.scope,
            case_access=grant.case_access,
            views=[view for view in models.AccessView if view in grant.views],
            max_age_days=grant.max_age_days,
            mask_customer_fields=grant.mask_customer_fields,
            valid_until=grant.valid_until,
        )


@strawberry.type(description="A case the person is a member of, and as what.")
class AccessMembership:
    case_id: strawberry.ID
    case_title: str
    role: CaseRole  # type: ignore[valid-type]


@strawberry.type(
    description="What a person may see now, and why: their memberships, and the policies that apply to them."
)
class EffectiveAccess:
    user: User
    at: datetime
    regions: list[str]
    policies: list[AccessGrant]
    memberships: list[AccessMembership]

    @classmethod
    def of(cls, user: models.User, access: Access, memberships: list[Membership]) -> EffectiveAccess:
        return cls(
            user=User.of(user),
            at=access.at,
            regions=list(access.regions),
            policies=[AccessGrant.of(grant) for grant in access.grants],
            memberships=[
                AccessMembership(case_id=strawberry.ID(m.case_id), case_title=m.title, role=m.role)
                for m in memberships
            ],
        )
