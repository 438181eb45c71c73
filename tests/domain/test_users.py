from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain import users
from server.domain.errors import BadInput, Conflict, Unauthenticated
from server.infra.db import Database
from server.models import AuthToken, UserRole

TTL = timedelta(hours=1)


async def _team_and_user(db: Database, email: str = "ana@example.com") -> None:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Sales")
        await users.create_user(
            session, email=email, name="Ana", role=UserRole.MEMBER, password="long enough", team=team
        )


async def test_login_issues_a_token_stored_only_as_a_hash(db: Database) -> None:
    await _team_and_user(db)
    async with db.transaction() as session:
        result = await users.login(session, email=" ANA@example.com ", password="long enough", ttl=TTL)
    async with db.sessions() as session:
        stored = (await session.execute(select(AuthToken.token_hash))).scalars().all()
        assert result.token not in stored
        assert len(stored) == 1
        user = await users.user_for_token(session, result.token)
    assert user is not None
    assert user.email == "ana@example.com"


async def test_wrong_password_and_unknown_email_get_the_same_answer(db: Database) -> None:
    await _team_and_user(db)
    for email, password in (("ana@example.com", "wrong password"), ("nobody@example.com", "long enough")):
        async with db.transaction() as session:
            with pytest.raises(Unauthenticated, match="Wrong email or password"):
                await users.login(session, email=email, password=password, ttl=TTL)


async def test_expired_and_revoked_tokens_stop_working(db: Database) -> None:
    await _team_and_user(db)
    async with db.transaction() as session:
        expired = await users.login(session, email="ana@example.com", password="long enough", ttl=-TTL)
        live = await users.login(session, email="ana@example.com", password="long enough", ttl=TTL)
    async with db.transaction() as session:
        assert await users.user_for_token(session, expired.token) is None
        assert await users.logout(session, live.token)
        assert not await users.logout(session, live.token)
    async with db.sessions() as session:
        assert await users.user_for_token(session, live.token) is None
        assert await users.user_for_token(session, "made-up") is None


async def test_duplicate_email_weak_password_and_bad_email_are_refused(db: Database) -> None:
    await _team_and_user(db)
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Sales")
        with pytest.raises(Conflict, match="already exists"):
            await users.create_user(
                session,
                email="Ana@Example.com",
                name="A",
                role=UserRole.HR,
                password="long enough",
                team=team,
            )
        with pytest.raises(BadInput, match="at least 8"):
            await users.create_user(
                session, email="b@example.com", name="B", role=UserRole.HR, password="short", team=team
            )
        with pytest.raises(BadInput, match="not an email"):
            await users.create_user(
                session, email="not-an-email", name="C", role=UserRole.HR, password="long enough", team=team
            )
