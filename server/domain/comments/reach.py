"""Comments a visibility policy's COMMENTS view opens outside the cases one may open: those of its scope's
cases (REGION_CASES: the person's regions; TEAM_CASES: the team) younger than its maxAgeDays, read-only.
Never another team's; anything else answers NOT_FOUND like a missing comment. And which comments a reader
sees masked: those only masking policies show them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access.effective import Access, access_of
from server.domain.cases import actions as cases
from server.domain.comments import actions as comments
from server.domain.errors import NotFound
from server.domain.pagination import Page, paginate
from server.infra.ids import is_id
from server.models import AccessView, Case, CaseMember, CaseRole, Comment, PolicyScope, User


@dataclass(frozen=True)
class Reached:
    """A page of comments with the reader's role on those of their cases they may open (a membership or
    a policy's VIEWER); a case missing from `roles` is one whose comments alone a policy opens."""

    page: Page[Comment]
    roles: dict[str, CaseRole]


def reached(access: Access) -> ColumnElement[bool]:
    """A condition on `Comment` true for the comments `access`'s COMMENTS views open (scope and age)."""
    if access.team_id is None:
        return false()
    conditions: list[ColumnElement[bool]] = []
    for grant in access.grants:
        if AccessView.COMMENTS not in grant.views:
            continue
        if grant.scope is PolicyScope.TEAM_CASES:
            cases = select(Case.id).where(Case.team_id == access.team_id)
        elif grant.scope is PolicyScope.REGION_CASES and access.regions:
            cases = select(Case.id).where(Case.team_id == access.team_id, Case.region.in_(access.regions))
        else:
            continue  # MEMBER_CASES: one's own cases, whose comments one reads already
        condition: ColumnElement[bool] = Comment.case_id.in_(cases)
        if grant.max_age_days is not None:
            since = access.at - timedelta(days=grant.max_age_days)
            condition = and_(condition, Comment.created_at >= since)
        conditions.append(condition)
    return or_(*conditions) if conditions else false()


async def reached_comment(session: AsyncSession, comment_id: str, user: User) -> Comment | None:
    """The comment if a COMMENTS view of `user`'s policies opens it now, else None."""
    if not is_id(comment_id):
        return None
    access = await access_of(session, user)
    query = select(Comment).where(Comment.id == comment_id, reached(access))
    return (await session.execute(query)).scalar_one_or_none()


async def readable(session: AsyncSession, comment_id: str, user: User) -> tuple[Comment, CaseRole | None]:
    """A comment on a case `user` may open (with their role there), or one a COMMENTS view opens (no
    role: read-only, the case itself stays closed); NOT_FOUND otherwise."""
    try:
        comment, member = await comments.visible(session, comment_id, user)
    except NotFound:
        reached_one = await reached_comment(session, comment_id, user)
        if reached_one is None:
            raise
        return reached_one, None
    return comment, member.role


async def reached_comments(session: AsyncSession, user: User, *, first: int, after: str | None) -> Reached:
    """The live comments (threads and replies) `user`'s COMMENTS views open, newest first."""
    access = await access_of(session, user)
    query = select(Comment).where(reached(access), Comment.deleted_at.is_(None))
    page: Page[Comment] = await paginate(session, query, Comment.id, first=first, after=after)
    case_ids = {comment.case_id for comment in page.items}
    roles = await cases.roles(session, user, case_ids)
    for case in (await cases.by_ids(session, case_ids - roles.keys())).values():
        if access.opens(case) is not None:
            roles[case.id] = CaseRole.VIEWER
    return Reached(page, roles)


class Written(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def case_id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


async def masked_customers(session: AsyncSession, user: User, comments: Sequence[Written]) -> dict[str, str]:
    """The comments `user` reads with their case's customer and personal data masked, each with that
    customer: those of cases they are no member of whose every path to them (a policy opening the case, a
    COMMENTS view reaching the comment) masks customers. Anyone else reads comments as written."""
    case_ids = {comment.case_id for comment in comments}
    if not case_ids:
        return {}
    mine = await session.scalars(
        select(CaseMember.case_id).where(CaseMember.user_id == user.id, CaseMember.case_id.in_(case_ids))
    )
    others = case_ids - set(mine.all())
    if not others:
        return {}
    access = await access_of(session, user)
    if not any(grant.mask_customer_fields for grant in access.grants):
        return {}
    found = await cases.by_ids(session, others)
    masked: dict[str, str] = {}
    for comment in comments:
        case = found.get(comment.case_id)
        if case is None:
            continue
        paths = (*access.opening(case), *access.reaching(case, AccessView.COMMENTS, comment.created_at))
        if paths and all(grant.mask_customer_fields for grant in paths):
            masked[comment.id] = case.customer
    return masked
