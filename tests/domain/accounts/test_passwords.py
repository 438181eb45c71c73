"""Changing a password ends the other sessions; the current one must be proven."""

import pytest

from server.domain import users
from server.domain.accounts import passwords
from server.domain.errors import BadInput, NotFound
from server.infra.db import Database
from tests.domain.accounts.helpers import audit_of, revocations, sign_in, token_id
from tests.support.people import PASSWORD, make_person

NEW = "长城长城 great wall"


async def test_change_keeps_this_session_and_ends_the_others(db: Database) -> None:
    person = await make_person(db, "wang.fang@a.com", name="王芳")
    this, other, third = [await sign_in(db, person.email) for _ in range(3)]
    this_id = await token_id(db, this)
    others = {await token_id(db, other), await token_id(db, third)}
    async with db.transaction() as session:
        ended = await passwords.change_password(
            session, person.id, token_id=this_id, current=PASSWORD, new=NEW
        )
    assert ended == 2
    async with db.sessions() as session:
        assert await users.user_for_token(session, this) is not None
        assert await users.user_for_token(session, other) is None
        assert await users.user_for_token(session, third) is None
    assert set(await revocations(db)) == others, "the other servers hear which sessions ended"
    assert await audit_of(db, "user.password_changed") == [
        {"actor": person.id, "subject": person.id, "by": "self", "revoked_tokens": 2}
    ]
    await sign_in(db, person.email, NEW)
    with pytest.raises(Exception, match="Wrong email or password"):
        await sign_in(db, person.email, PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("wrong password", NEW, "current password is wrong"),
        (PASSWORD, "短密码", "at least 8 characters"),
        (PASSWORD, PASSWORD, "must differ"),
    ],
)
async def test_a_wrong_current_or_a_weak_new_password_changes_nothing(
    db: Database, current: str, new: str, message: str
) -> None:
    person = await make_person(db, "li.lei@a.com", name="李雷")
    this, other = await sign_in(db, person.email), await sign_in(db, person.email)
    with pytest.raises(BadInput, match=message):
        async with db.transaction() as session:
            await passwords.change_password(
                session, person.id, token_id=await token_id(db, this), current=current, new=new
            )
    async with db.sessions() as session:
        assert await users.user_for_token(session, other) is not None
    assert await audit_of(db, "user.password_changed") == []
    await sign_in(db, person.email, PASSWORD)


async def test_an_operator_sets_a_password_and_every_session_ends(db: Database) -> None:
    person = await make_person(db, "zhao.min@a.com", name="赵敏")
    token = await sign_in(db, person.email)
    async with db.transaction() as session:
        await passwords.set_password(session, "Zhao.Min@a.com", NEW)
    async with db.sessions() as session:
        assert await users.user_for_token(session, token) is None
    await sign_in(db, person.email, NEW)
    assert await audit_of(db, "user.password_changed") == [
        {"actor": None, "subject": person.id, "by": "operator", "revoked_tokens": 1}
    ]
    with pytest.raises(NotFound):
        async with db.transaction() as session:
            await passwords.set_password(session, "nobody@a.com", NEW)
    with pytest.raises(BadInput):
        async with db.transaction() as session:
            await passwords.set_password(session, person.email, "short")
