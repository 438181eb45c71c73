"""Role changes: admins only, audited with before and after, never leaving a team without an admin."""

import asyncio

import pytest

from server.domain.accounts import roles
from server.domain.errors import Conflict, DomainError, Forbidden, NotFound
from server.infra.db import Database, create_engine
from server.models import UserRole
from tests.domain.accounts.helpers import account, audit_of
from tests.support.people import make_user


async def test_an_admin_changes_a_role_audited_with_before_and_after(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN, name="管理员")
    member = await make_user(db, "zhou.jie@a.com", name="周杰")
    async with db.transaction() as session:
        changed = await roles.set_user_role(session, admin, member.id, UserRole.HR)
    assert changed.role is UserRole.HR
    assert (await account(db, member.id)).role is UserRole.HR
    async with db.transaction() as session:
        await roles.set_user_role(session, admin, member.id, UserRole.HR)  # the same role: nothing to record
    assert await audit_of(db, "user.role_changed") == [
        {"actor": admin.id, "subject": member.id, "email": member.email, "before": "member", "after": "hr"}
    ]


async def test_non_admins_are_forbidden_and_other_teams_are_not_found(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    member = await make_user(db, "member@a.com")
    hr = await make_user(db, "hr@a.com", role=UserRole.HR)
    elsewhere = await make_user(db, "b@b.com", team="Team B")
    for actor, target, error in [
        (hr, member.id, Forbidden),
        (member, member.id, Forbidden),
        (member, admin.id, Forbidden),
        (admin, elsewhere.id, NotFound),
    ]:
        with pytest.raises(error):
            async with db.transaction() as session:
                await roles.set_user_role(session, actor, target, UserRole.ADMIN)
    assert await audit_of(db, "user.role_changed") == []


async def test_the_last_active_admin_stays_an_admin(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        async with db.transaction() as session:
            await roles.set_user_role(session, admin, admin.id, UserRole.MEMBER)
    # An admin of another team does not count.
    await make_user(db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await roles.set_user_role(session, admin, admin.id, UserRole.MEMBER)
    second = await make_user(db, "second@a.com", role=UserRole.ADMIN)
    async with db.transaction() as session:
        await roles.set_user_role(session, admin, admin.id, UserRole.MEMBER)
    assert (await account(db, admin.id)).role is UserRole.MEMBER
    assert (await account(db, second.id)).role is UserRole.ADMIN


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(postgres_url: str) -> None:
    db = Database(create_engine(postgres_url))
    try:
        one = await make_user(db, "one@a.com", role=UserRole.ADMIN, name="一号")
        two = await make_user(db, "two@a.com", role=UserRole.ADMIN, name="二号")

        async def demote(actor_id: str, target_id: str) -> DomainError | None:
            try:
                async with db.transaction() as session:
                    actor = await account(db, actor_id)
                    await roles.set_user_role(session, actor, target_id, UserRole.MEMBER)
            except DomainError as error:
                return error
            return None

        results = await asyncio.gather(demote(one.id, two.id), demote(two.id, one.id))
        # One wins; the other is refused: CONFLICT when it read its actor before the winner committed
        # (demoting would leave no admin), FORBIDDEN when it read it after (its actor is no admin any more).
        refused = [r for r in results if r is not None]
        assert len(refused) == 1
        assert isinstance(refused[0], Conflict | Forbidden)
        admins = [
            u for u in (await account(db, one.id), await account(db, two.id)) if u.role is UserRole.ADMIN
        ]
        assert len(admins) == 1
    finally:
        await db.dispose()
