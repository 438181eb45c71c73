"""Signing out everywhere."""

from server.domain import users
from server.domain.accounts import sessions
from server.infra.db import Database
from server.models import User
from tests.domain.accounts.helpers import audit_of, revocations, sign_in, token_id
from tests.support.people import make_person


async def test_every_session_ends_this_one_included(db: Database) -> None:
    person = await make_person(db, "liu.yang@a.com", name="刘洋")
    mine = [await sign_in(db, person.email) for _ in range(3)]
    await make_person(db, "someone@a.com")
    theirs = await sign_in(db, "someone@a.com")
    ids = {await token_id(db, token) for token in mine}
    async with db.transaction() as session:
        user = await session.get_one(User, person.id)
        assert await sessions.sign_out_everywhere(session, user, actor_id=person.id) == 3
    async with db.sessions() as session:
        for token in mine:
            assert await users.user_for_token(session, token) is None
        assert await users.user_for_token(session, theirs) is not None
    assert set(await revocations(db)) == ids
    assert await audit_of(db, "user.signed_out_everywhere") == [
        {"actor": person.id, "subject": person.id, "revoked_tokens": 3}
    ]
