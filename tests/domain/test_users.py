from datetime import timedelta

import pytest

from server.domain import users
from server.domain.errors import BadInput, Conflict
from server.infra.db import Database
from server.models import UserRole
from tests.domain.accounts.helpers import audit_of

TTL = timedelta(hours=1)


async def _team_and_user(db: Database, email: str = "ana@example.com") -> None:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Sales")
        await users.create_user(
            session, email=email, name="Ana", role=UserRole.MEMBER, password="long enough", team=team
        )


async def test_expired_and_revoked_tokens_stop_working(db: Database) -> None:
    await _team_and_user(db)
    async with db.transaction() as session:
        ana = await users.find_by_email(session, "ana@example.com")
        assert ana is not None
        expired = await users.issue_token(session, ana, -TTL)
        live = await users.issue_token(session, ana, TTL)
    async with db.transaction() as session:
        assert await users.user_for_token(session, expired.token) is None
        assert await users.logout(session, live.token)
        assert not await users.logout(session, live.token)
    async with db.sessions() as session:
        assert await users.user_for_token(session, live.token) is None
        assert await users.user_for_token(session, "made-up") is None
    # One event for the one revocation (the second logout revoked nothing), and no token in it.
    assert await audit_of(db, "user.signed_out") == [
        {"actor": ana.id, "subject": ana.id, "revoked_tokens": 1}
    ]
    assert live.token not in str(await audit_of(db, "user.signed_out"))


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
