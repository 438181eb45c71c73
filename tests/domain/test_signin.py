"""Signing in: tokens, the same answer for a wrong password and an unknown email, throttling, audit."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain import users
from server.domain.errors import RateLimited, Unauthenticated
from server.domain.signin import SignIn, SignInRules
from server.infra.db import Database
from server.infra.throttle import Budget, MemoryThrottle
from server.models import AuditEvent, AuthToken, UserRole

TTL = timedelta(hours=1)
PASSWORD = "long enough"
RULES = SignInRules(
    account=Budget(free=3, window=900.0, first_delay=1.0, max_delay=60.0),
    address=Budget(free=8, window=900.0, first_delay=1.0, max_delay=60.0),
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def _user(db: Database, email: str, name: str = "Ana") -> None:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Sales")
        await users.create_user(
            session, email=email, name=name, role=UserRole.MEMBER, password=PASSWORD, team=team
        )


async def _audit(db: Database) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.seq))).scalars())


def _sign_in(db: Database, clock: Clock | None = None) -> SignIn:
    return SignIn(db, MemoryThrottle(clock or Clock()), RULES, TTL)


async def test_a_token_stored_only_as_a_hash_and_an_audited_sign_in(db: Database) -> None:
    await _user(db, "ana@example.com")
    result = await _sign_in(db)(email=" ANA@example.com ", password=PASSWORD, address="10.0.0.7")
    async with db.sessions() as session:
        stored = (await session.execute(select(AuthToken.token_hash))).scalars().all()
        assert result.token not in stored
        assert len(stored) == 1
        user = await users.user_for_token(session, result.token)
    assert user is not None
    assert user.email == "ana@example.com"
    last = (await _audit(db))[-1]
    assert (last.action, last.subject, last.actor_id) == ("user.login", user.id, user.id)
    assert last.data == {"email": "ana@example.com", "address": "10.0.0.7"}


async def test_wrong_password_and_unknown_email_get_the_same_answer_and_are_audited(db: Database) -> None:
    await _user(db, "wang@example.cn", name="王芳")
    sign_in = _sign_in(db)
    for email, password in (("wang@example.cn", "wrong password 密码"), ("nobody@example.com", PASSWORD)):
        with pytest.raises(Unauthenticated, match="Wrong email or password"):
            await sign_in(email=email, password=password, address="10.0.0.7")
    failed = [e for e in await _audit(db) if e.action == "user.login_failed"]
    assert [e.data for e in failed] == [
        {"email": "wang@example.cn", "address": "10.0.0.7", "reason": "wrong_password"},
        {"email": "nobody@example.com", "address": "10.0.0.7", "reason": "unknown_account"},
    ]
    assert all(e.actor_id is None for e in failed)
    assert not any("密码" in str(e.data) or PASSWORD in str(e.data) for e in await _audit(db))


async def test_an_account_locks_after_its_free_attempts_and_backs_off(db: Database) -> None:
    await _user(db, "ana@example.com")
    clock = Clock()
    sign_in = _sign_in(db, clock)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="ana@example.com", password="guess guess", address="10.0.0.7")
    audited = len(await _audit(db))
    with pytest.raises(RateLimited) as refused:
        await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.8")  # even the right one
    assert refused.value.retry_after == pytest.approx(1.0)
    assert refused.value.code == "RATE_LIMITED"
    assert len(await _audit(db)) == audited  # refused before any password work: nothing audited
    clock.now += 1.0
    with pytest.raises(Unauthenticated):
        await sign_in(email="ana@example.com", password="guess guess", address="10.0.0.7")
    with pytest.raises(RateLimited) as refused:
        await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.7")
    assert refused.value.retry_after == pytest.approx(2.0)
    clock.now += 2.0
    await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.7")
    # a success starts the account afresh
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="ana@example.com", password="guess guess", address="10.0.0.7")


async def test_an_unknown_account_is_throttled_like_a_real_one(db: Database) -> None:
    sign_in = _sign_in(db)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="nobody@example.com", password="guess guess", address="10.0.0.7")
    with pytest.raises(RateLimited, match="Too many sign-in attempts"):
        await sign_in(email="nobody@example.com", password="guess guess", address="10.0.0.7")


async def test_one_account_s_failures_do_not_lock_another(db: Database) -> None:
    await _user(db, "ana@example.com")
    await _user(db, "王芳@example.cn", name="王芳")
    sign_in = _sign_in(db)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="ana@example.com", password="guess guess", address="10.0.0.7")
    with pytest.raises(RateLimited):
        await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.7")
    login = await sign_in(email="王芳@example.cn", password=PASSWORD, address="10.0.0.7")
    assert login.user.name == "王芳"


async def test_an_address_has_a_budget_across_accounts(db: Database) -> None:
    sign_in = _sign_in(db)
    for n in range(8):
        with pytest.raises(Unauthenticated):
            await sign_in(email=f"user{n}@example.com", password="guess guess", address="10.0.0.7")
    with pytest.raises(RateLimited):
        await sign_in(email="fresh@example.com", password="guess guess", address="10.0.0.7")
    with pytest.raises(Unauthenticated):
        await sign_in(email="fresh@example.com", password="guess guess", address="10.0.0.9")


async def test_refusal_says_what_a_sign_in_would_get_and_counts_nothing(db: Database) -> None:
    await _user(db, "ana@example.com")
    clock = Clock()
    sign_in = _sign_in(db, clock)
    for _ in range(10):
        assert await sign_in.refusal(email="ana@example.com", address="10.0.0.7") is None
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="ana@example.com", password="guess guess", address="10.0.0.7")
    early = await sign_in.refusal(email=" ANA@example.com", address="10.0.0.8")  # as normalised
    assert early is not None
    with pytest.raises(RateLimited) as refused:
        await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.8")
    assert (early.message, early.retry_after) == (refused.value.message, refused.value.retry_after)
    assert await sign_in.refusal(email="nobody@example.com", address="10.0.0.7") is None
    clock.now += 1.0
    assert await sign_in.refusal(email="ana@example.com", address="10.0.0.7") is None
    await sign_in(email="ana@example.com", password=PASSWORD, address="10.0.0.7")


async def test_refusal_covers_the_address_budget(db: Database) -> None:
    sign_in = _sign_in(db)
    for n in range(8):
        with pytest.raises(Unauthenticated):
            await sign_in(email=f"user{n}@example.com", password="guess guess", address="10.0.0.7")
    refused = await sign_in.refusal(email="王芳@example.cn", address="10.0.0.7")
    assert refused is not None
    assert refused.retry_after == pytest.approx(1.0, abs=0.1)
    assert await sign_in.refusal(email="王芳@example.cn", address="10.0.0.9") is None


async def test_a_burst_of_refusals_is_logged_once_per_address(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in = _sign_in(db)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await sign_in(email="nobody@example.com", password="guess guess", address="10.0.0.7")
    caplog.set_level(logging.WARNING, logger="warroom.signin")
    for _ in range(20):
        with pytest.raises(RateLimited):
            await sign_in(email="nobody@example.com", password="guess guess", address="10.0.0.7")
        assert await sign_in.refusal(email="nobody@example.com", address="10.0.0.7") is not None
    assert await sign_in.refusal(email="nobody@example.com", address="10.0.0.8") is not None
    warned = [(r.getMessage(), r.__dict__["address"]) for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [("sign-in throttled", "10.0.0.7"), ("sign-in throttled", "10.0.0.8")]
