"""Changing a password ends the other sessions; the current one must be proven."""

import contextlib
from datetime import timedelta

import pytest

from server.domain import users
from server.domain.accounts import passwords
from server.domain.errors import BadInput, NotFound, RateLimited, Unauthenticated
from server.domain.signin import SignIn, SignInRules
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.throttle import Budget, MemoryThrottle
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


async def test_guessing_the_current_password_spends_the_account_s_sign_in_budget(db: Database) -> None:
    person = await make_person(db, "li.lei@a.com", name="李雷")
    this = await sign_in(db, person.email)
    rules = SignInRules(
        account=Budget(free=3, window=900.0, first_delay=60.0, max_delay=60.0),
        address=Budget(free=50, window=900.0, first_delay=60.0, max_delay=60.0),
    )
    signin = SignIn(db, MemoryThrottle(), rules, timedelta(hours=1))

    async def change(current: str) -> int:
        async with (
            signin.proving(user_id=person.id, email=person.email, address="10.0.0.7"),
            db.transaction() as session,
        ):
            return await passwords.change_password(
                session, person.id, token_id=await token_id(db, this), current=current, new=NEW
            )

    # a right current password with a weak new one is given back; it counts nothing
    with pytest.raises(BadInput, match="at least 8"):
        async with (
            signin.proving(user_id=person.id, email=person.email, address="10.0.0.7"),
            db.transaction() as session,
        ):
            await passwords.change_password(session, person.id, token_id="", current=PASSWORD, new="短")
    for _ in range(3):
        with pytest.raises(BadInput, match="current password is wrong"):
            await change("猜一猜 guess")
    with pytest.raises(RateLimited, match="Too many sign-in attempts") as refused:
        await change(PASSWORD)  # even the right one, once the budget is spent
    assert refused.value.retry_after == pytest.approx(60.0, abs=1.0)
    assert await audit_of(db, "user.password_changed") == []
    failed = await audit_of(db, "user.login_failed")
    assert failed == [
        {"actor": None, "subject": person.id, "email": person.email, "address": "10.0.0.7",
         "reason": "wrong_current_password"}
    ] * 3  # fmt: skip
    # the sign-in budget is the same one: the account is locked for signing in too
    with pytest.raises(RateLimited):
        await signin(email=person.email, password=PASSWORD, address="10.0.0.9")


async def test_a_changed_password_clears_the_account_s_count(db: Database) -> None:
    person = await make_person(db, "han.meimei@a.com", name="韩梅梅")
    this = await sign_in(db, person.email)
    signin = SignIn(db, MemoryThrottle(), SignInRules.from_settings(Settings()), timedelta(hours=1))
    for current in ("wrong one 1", "wrong one 2", "wrong one 3", "wrong one 4", PASSWORD):
        with contextlib.suppress(BadInput):
            async with (
                signin.proving(user_id=person.id, email=person.email, address="10.0.0.7"),
                db.transaction() as session,
            ):
                await passwords.change_password(
                    session, person.id, token_id=await token_id(db, this), current=current, new=NEW
                )
    for _ in range(4):  # the four failures were forgotten: four more before the fifth locks
        with pytest.raises(Unauthenticated):
            await signin(email=person.email, password="guess guess", address="10.0.0.7")
    await signin(email=person.email, password=NEW, address="10.0.0.7")
