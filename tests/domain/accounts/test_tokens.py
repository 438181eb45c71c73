"""Which tokens are valid: the idle timeout, the cheap record of use, revoking all of a person's."""

from datetime import timedelta

from server.domain import users
from server.domain.accounts import tokens
from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models.base import utcnow
from tests.domain.accounts.helpers import age, last_used, sign_in, token_id
from tests.support.people import make_person, make_user


async def test_a_token_unused_for_the_idle_limit_is_invalid_everywhere(db: Database) -> None:
    owner = await make_user(db, "wang.fang@a.com", name="王芳")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="华东区续约", customer="上海某银行")
    token = await sign_in(db, owner.email)
    tid = await token_id(db, token)
    await age(db, tid, timedelta(hours=71))
    async with db.sessions() as session:
        assert await users.user_for_token(session, token) is not None
        assert await cases.member_by_token(session, case.id, token) is not None
    await age(db, tid, timedelta(hours=2))
    async with db.sessions() as session:
        assert await users.user_for_token(session, token) is None
        assert await cases.member_by_token(session, case.id, token) is None
        assert await tokens.still_valid(session, [tid], tokens.DEFAULT_IDLE) == {}
        # A longer limit (WARROOM_TOKEN_IDLE_HOURS) still accepts it.
        assert await users.user_for_token(session, token, timedelta(hours=100)) is not None


async def test_use_is_written_only_when_the_last_is_minutes_old(db: Database) -> None:
    await make_person(db, "li.lei@a.com", name="李雷")
    token = await sign_in(db, "li.lei@a.com")
    tid = await token_id(db, token)
    issued = await last_used(db, tid)
    async with db.sessions() as session:
        signed = await tokens.signed_in(session, token)
    assert signed is not None
    assert not signed.needs_touch
    async with db.transaction() as session:
        await tokens.touch(session, [tid])
    assert await last_used(db, tid) == issued, "a use within TOUCH_EVERY of the last writes nothing"
    await age(db, tid, timedelta(minutes=6))
    async with db.sessions() as session:
        signed = await tokens.signed_in(session, token)
    assert signed is not None
    assert signed.needs_touch
    async with db.transaction() as session:
        await tokens.touch(session, [tid])
    assert await last_used(db, tid) > utcnow() - timedelta(minutes=1)


async def test_still_valid_answers_for_many_tokens_in_one_call(db: Database) -> None:
    await make_person(db, "zhang.wei@a.com", name="张伟")
    live, revoked, idle = [await sign_in(db, "zhang.wei@a.com") for _ in range(3)]
    expired = await sign_in(db, "zhang.wei@a.com", ttl=-timedelta(hours=1))
    ids = {name: await token_id(db, t) for name, t in (("live", live), ("revoked", revoked), ("idle", idle))}
    async with db.sessions() as session:
        assert await tokens.signed_in(session, expired) is None
    await age(db, ids["idle"], timedelta(hours=73))
    async with db.transaction() as session:
        assert await tokens.revoke(session, revoked) == ids["revoked"]
        assert await tokens.revoke(session, revoked) is None
    async with db.sessions() as session:
        valid = await tokens.still_valid(session, [*ids.values(), "no-such-id"], tokens.DEFAULT_IDLE)
    assert set(valid) == {ids["live"]}


async def test_revoke_all_can_keep_the_token_in_use(db: Database) -> None:
    await make_person(db, "chen.jing@a.com", name="陈静")
    kept, *others = [await sign_in(db, "chen.jing@a.com") for _ in range(3)]
    kept_id = await token_id(db, kept)
    await make_person(db, "other@a.com")
    stranger = await sign_in(db, "other@a.com")
    async with db.sessions() as session:
        owner = await users.find_by_email(session, "chen.jing@a.com")
    assert owner is not None
    async with db.transaction() as session:
        revoked = await tokens.revoke_all(session, owner.id, keep=kept_id)
    assert len(revoked) == 2
    assert kept_id not in revoked
    async with db.sessions() as session:
        assert await users.user_for_token(session, kept) is not None
        assert await users.user_for_token(session, stranger) is not None
        for token in others:
            assert await users.user_for_token(session, token) is None
