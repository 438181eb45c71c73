"""Deactivating an account ends its sessions; admins only, never themselves, never the last admin."""

import pytest

from server.domain import users
from server.domain.accounts import _people, activation
from server.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from server.infra.db import Database
from server.models import UserRole
from tests.domain.accounts.helpers import account, audit_of, revocations, sign_in, token_id
from tests.support.people import make_user


async def test_an_admin_deactivates_a_teammate_and_reactivates_them(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN, name="管理员")
    member = await make_user(db, "sun.li@a.com", name="孙丽")
    tokens = [await sign_in(db, member.email) for _ in range(2)]
    ids = {await token_id(db, token) for token in tokens}
    async with db.transaction() as session:
        await activation.deactivate_user(session, admin, member.id)
    assert not (await account(db, member.id)).active
    async with db.sessions() as session:
        for token in tokens:
            assert await users.user_for_token(session, token) is None
    assert set(await revocations(db)) == ids
    with pytest.raises(Unauthenticated, match="disabled"):
        await sign_in(db, member.email)
    assert await audit_of(db, "user.deactivated") == [
        {"actor": admin.id, "subject": member.id, "email": member.email, "revoked_tokens": 2}
    ]
    async with db.transaction() as session:
        await activation.reactivate_user(session, admin, member.id)
    fresh = await sign_in(db, member.email)
    async with db.sessions() as session:
        assert await users.user_for_token(session, fresh) is not None
        assert await users.user_for_token(session, tokens[0]) is None, "old sessions stay ended"
    assert [e["subject"] for e in await audit_of(db, "user.reactivated")] == [member.id]


async def test_only_an_admin_of_the_same_team_and_not_on_themself(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    hr = await make_user(db, "hr@a.com", role=UserRole.HR, name="人事")
    member = await make_user(db, "member@a.com")
    elsewhere = await make_user(db, "b@b.com", team="Team B")
    for actor, target, error in [
        (hr, member.id, Forbidden),
        (member, member.id, Forbidden),
        (admin, elsewhere.id, NotFound),
        (admin, "not-an-id", NotFound),
        (admin, admin.id, Conflict),
    ]:
        with pytest.raises(error):
            async with db.transaction() as session:
                await activation.deactivate_user(session, actor, target)
        if error is not Conflict:  # reactivating oneself (active) is harmless: nothing to refuse
            with pytest.raises(error):
                async with db.transaction() as session:
                    await activation.reactivate_user(session, actor, target)
    for user in (hr, member, elsewhere, admin):
        assert (await account(db, user.id)).active
    assert await audit_of(db, "user.deactivated") == []


async def test_the_last_active_admin_cannot_be_deactivated_by_an_operator(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    with pytest.raises(Conflict, match="last active admin"):
        async with db.transaction() as session:
            await activation.deactivate(session, await _people.by_email(session, admin.email), actor_id=None)
    await make_user(db, "second@a.com", role=UserRole.ADMIN)
    async with db.transaction() as session:
        await activation.deactivate(session, await _people.by_email(session, admin.email), actor_id=None)
    assert not (await account(db, admin.id)).active
