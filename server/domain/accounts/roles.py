"""Changing what a person may do across cases (their role)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import _people
from server.models import User, UserRole


async def set_user_role(session: AsyncSession, actor: User, user_id: str, role: UserRole) -> User:
    """An admin gives a teammate a role; the team's last active admin stays one."""
    _people.require_admin(actor, "change roles")
    return await set_role(session, await _people.teammate(session, actor, user_id), role, actor_id=actor.id)


async def set_role(session: AsyncSession, target: User, role: UserRole, *, actor_id: str | None) -> User:
    """Give `target` (found and locked by the caller) `role`, audited with the roles before and after."""
    before = target.role
    if before is role:
        return target
    if before is UserRole.ADMIN:
        await _people.keep_an_admin(session, target)
    target.role = role
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.role_changed",
        subject=target.id,
        data={"email": target.email, "before": before.value, "after": role.value},
    )
    return target
