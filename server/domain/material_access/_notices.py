"""Who hears about a request for access: the case's owners and the team's legal people when it is made, the
requester when it is granted or rejected, the grantee when their grant is revoked. Written in the command's
transaction; the badge events ride the outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import notifications
from server.models import (
    Case,
    CaseMember,
    CaseRole,
    MaterialAccessRequest,
    MaterialGrant,
    Notification,
    NotificationKind,
    User,
    UserRole,
)


async def requested(session: AsyncSession, case: Case, request: MaterialAccessRequest) -> None:
    """Tell the owners of the case and legal of its team that someone asks to open a material."""
    owners = set(
        (
            await session.scalars(
                select(CaseMember.user_id).where(
                    CaseMember.case_id == case.id, CaseMember.role == CaseRole.OWNER
                )
            )
        ).all()
    )
    legal: set[str] = set()
    if case.team_id is not None:
        legal = set(
            (
                await session.scalars(
                    select(User.id).where(
                        User.team_id == case.team_id, User.role == UserRole.LEGAL, User.active
                    )
                )
            ).all()
        )
    members = set(
        (await session.scalars(select(CaseMember.user_id).where(CaseMember.case_id == case.id))).all()
    )
    recipients = sorted(owners | legal)
    # A notification about a case is shown only to members of it, so legal people who are not on the case
    # get theirs without the case (the request names the material).
    on_case = [user_id for user_id in recipients if user_id in members]
    off_case = [user_id for user_id in recipients if user_id not in members]
    created = await _notify(session, on_case, NotificationKind.ACCESS_REQUESTED, request, case.id)
    created += await _notify(session, off_case, NotificationKind.ACCESS_REQUESTED, request, None)
    notifications.announce(session, created)


async def decided(
    session: AsyncSession, case: Case, request: MaterialAccessRequest, actor: User, *, granted: bool
) -> None:
    """Tell the requester their request was granted or rejected."""
    kind = NotificationKind.ACCESS_GRANTED if granted else NotificationKind.ACCESS_REJECTED
    notifications.announce(
        session, await _notify(session, [request.requested_by], kind, request, case.id, actor.id)
    )


async def revoked(session: AsyncSession, case: Case, grant: MaterialGrant, actor: User) -> None:
    """Tell the grantee that their access to the material was ended (by whom: an owner or legal)."""
    request = await session.get(MaterialAccessRequest, grant.request_id)
    if request is None or grant.grantee_id == actor.id:
        return
    kind = NotificationKind.ACCESS_REVOKED
    notifications.announce(
        session, await _notify(session, [grant.grantee_id], kind, request, case.id, actor.id)
    )


async def _notify(
    session: AsyncSession,
    recipients: list[str],
    kind: NotificationKind,
    request: MaterialAccessRequest,
    case_id: str | None,
    actor_id: str | None = None,
) -> list[Notification]:
    if not recipients:
        return []
    return await notifications.notify(
        session,
        recipients,
        kind=kind,
        actor_id=actor_id or request.requested_by,
        case_id=case_id,
        access_request_id=request.id,
    )
