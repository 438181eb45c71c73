"""Signing in: throttled per account and per client address, checked off the event loop, audited.

The order matters. The throttle admits (and counts) the attempt before any password work, so a burst of
guesses costs a Redis round trip each once the budget is spent; the Argon2 check runs on the hashing
threads; a refusal is audited in a transaction of its own, which the error does not roll back.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from server.domain import audit
from server.domain.errors import BadInput, RateLimited, Unauthenticated
from server.domain.users import Login, find_by_email, issue_token, normalise_email
from server.infra import auth
from server.infra.config import Settings, float_setting, int_setting
from server.infra.db import Database
from server.infra.throttle import Budget, Throttle, hashed
from server.models import User

log = logging.getLogger("warroom.signin")

# Longest email and address kept in audit rows and throttle keys (RFC 5321 caps an address at 254).
_MAX_TEXT = 320
WRONG = "Wrong email or password."


@dataclass(frozen=True)
class SignInRules:
    """The attempt budgets, from WARROOM_LOGIN_* (docs/security.md, "Sign-in")."""

    account: Budget
    address: Budget

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInRules:
        env = settings.extra
        window = float_setting(env, "WARROOM_LOGIN_WINDOW_SECONDS", 900.0, minimum=1.0)
        first = float_setting(env, "WARROOM_LOGIN_BACKOFF_SECONDS", 1.0, minimum=0.01)
        lock = float_setting(env, "WARROOM_LOGIN_LOCK_SECONDS", 900.0, minimum=first)
        per_account = int_setting(env, "WARROOM_LOGIN_ACCOUNT_ATTEMPTS", 5, minimum=1)
        per_address = int_setting(env, "WARROOM_LOGIN_ADDRESS_ATTEMPTS", 50, minimum=1)
        return cls(
            account=Budget(free=per_account, window=window, first_delay=first, max_delay=lock),
            address=Budget(free=per_address, window=window, first_delay=first, max_delay=lock),
        )


class WrongCurrentPassword(BadInput):
    """A signed-in person's current password, asked for again (to change it), was wrong."""

    def __init__(self) -> None:
        super().__init__("The current password is wrong.")


class _RefusalLog:
    """One warning per address per burst of refusals (then debug lines): a flood of guesses must not
    cost a log line each, nor flood the log."""

    QUIET_SECONDS = 60.0
    MOST = 4096

    def __init__(self) -> None:
        self._since: dict[str, tuple[float, int]] = {}

    def note(self, address: str, wait: float) -> None:
        now = time.monotonic()
        last, refused = self._since.get(address, (-self.QUIET_SECONDS, 0))
        if now - last < self.QUIET_SECONDS:
            self._since[address] = (last, refused + 1)
            log.debug("sign-in throttled", extra={"address": address, "retry_after": round(wait, 1)})
            return
        if len(self._since) >= self.MOST:
            self._since.clear()
        self._since[address] = (now, 0)
        extra = {"address": address, "retry_after": round(wait, 1), "refused_since_last": refused}
        log.warning("sign-in throttled", extra=extra)


def _limited(wait: float) -> RateLimited:
    # Keyed by the email as typed: the answer is the same whether the account exists or not.
    seconds = max(1, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return RateLimited(f"Too many sign-in attempts. Try again in {seconds} {unit}.", wait)


class SignIn:
    """Exchanges an email and a password for a bearer token."""

    def __init__(self, db: Database, throttle: Throttle, rules: SignInRules, ttl: timedelta) -> None:
        self.db = db
        self.throttle = throttle
        self.rules = rules
        self.ttl = ttl
        self._refusals = _RefusalLog()

    @staticmethod
    def _keys(email: str, address: str) -> tuple[str, str, str, str]:
        email, address = normalise_email(email)[:_MAX_TEXT], address[:_MAX_TEXT]
        return email, address, hashed("login-account", email), hashed("login-address", address)

    async def refusal(self, *, email: str, address: str) -> RateLimited | None:
        """The RATE_LIMITED a sign-in would get now, or None; counts nothing. What the sign-in gate
        answers a throttled guess with before GraphQL runs it."""
        _, address, account_key, address_key = self._keys(email, address)
        wait = await self.throttle.wait([account_key, address_key])
        if wait <= 0:
            return None
        self._refusals.note(address, wait)
        return _limited(wait)

    async def __call__(self, *, email: str, password: str, address: str) -> Login:
        """A new token for the person; UNAUTHENTICATED for a wrong pair, RATE_LIMITED past the budgets."""
        email, address, account_key, address_key = self._keys(email, address)
        wait = await self.throttle.acquire(
            [(account_key, self.rules.account), (address_key, self.rules.address)]
        )
        if wait > 0:
            # Logged, not audited: a flood of refusals would grow the audit chain and queue on its lock.
            self._refusals.note(address, wait)
            raise _limited(wait)
        async with self.db.reads() as session:
            user = await find_by_email(session, email)
        matches = await auth.verify_password_async(user.password_hash if user else None, password)
        if user is None or not matches:
            reason = "unknown_account" if user is None else "wrong_password"
            await self._refused(user.id if user else "", email, address, reason)
            raise Unauthenticated(WRONG)
        if not user.active:
            await self._refused(user.id, email, address, "disabled")
            raise Unauthenticated("This account is disabled.")
        login = await self._issue(user, address)
        await self.throttle.forget(account_key)
        await self.throttle.refund(address_key, self.rules.address)
        return login

    @asynccontextmanager
    async def proving(self, *, user_id: str, email: str, address: str) -> AsyncIterator[None]:
        """Around a command that checks a signed-in person's current password (changing it): the attempt
        counts on their account's sign-in budget (RATE_LIMITED once it is spent); a WrongCurrentPassword
        raised inside is audited as a failed sign-in, a success clears the account's count."""
        email, address, account_key, _ = self._keys(email, address)
        wait = await self.throttle.acquire([(account_key, self.rules.account)])
        if wait > 0:
            self._refusals.note(address, wait)
            raise _limited(wait)
        try:
            yield
        except WrongCurrentPassword:
            # After the command's rollback, in a transaction of its own (like a failed sign-in).
            await self._refused(user_id, email, address, "wrong_current_password")
            raise
        except BaseException:
            await self.throttle.refund(account_key, self.rules.account)
            raise
        await self.throttle.forget(account_key)

    async def _issue(self, user: User, address: str) -> Login:
        async with self.db.transaction() as session:
            login = await issue_token(session, user, self.ttl)
            await audit.record(
                session,
                actor_id=user.id,
                action="user.login",
                subject=user.id,
                data={"email": user.email, "address": address},
            )
        return login

    async def _refused(self, subject: str, email: str, address: str, reason: str) -> None:
        async with self.db.transaction() as session:
            await audit.record(
                session,
                actor_id=None,
                action="user.login_failed",
                subject=subject,
                data={"email": email, "address": address, "reason": reason},
            )
