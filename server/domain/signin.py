"""Signing in: throttled per account and per client address, checked off the event loop, audited.

The order matters. The throttle admits (and counts) the attempt before any password work, so a burst of
guesses costs a Redis round trip each once the budget is spent; the Argon2 check runs on the hashing
threads; a refusal is audited in a transaction of its own, which the error does not roll back.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from server.domain import audit
from server.domain.errors import RateLimited, Unauthenticated
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


class SignIn:
    """Exchanges an email and a password for a bearer token."""

    def __init__(self, db: Database, throttle: Throttle, rules: SignInRules, ttl: timedelta) -> None:
        self.db = db
        self.throttle = throttle
        self.rules = rules
        self.ttl = ttl

    async def __call__(self, *, email: str, password: str, address: str) -> Login:
        """A new token for the person; UNAUTHENTICATED for a wrong pair, RATE_LIMITED past the budgets."""
        email = normalise_email(email)[:_MAX_TEXT]
        address = address[:_MAX_TEXT]
        account_key, address_key = hashed("login-account", email), hashed("login-address", address)
        wait = await self.throttle.acquire(
            [(account_key, self.rules.account), (address_key, self.rules.address)]
        )
        if wait > 0:
            # Logged, not audited: a flood of refusals would grow the audit chain and queue on its lock.
            log.warning("sign-in throttled", extra={"address": address, "retry_after": round(wait, 1)})
            # Keyed by the email as typed: the answer is the same whether the account exists or not.
            seconds = max(1, math.ceil(wait))
            unit = "second" if seconds == 1 else "seconds"
            raise RateLimited(f"Too many sign-in attempts. Try again in {seconds} {unit}.", wait)
        async with self.db.reads() as session:
            user = await find_by_email(session, email)
        matches = await auth.verify_password_async(user.password_hash if user else None, password)
        if user is None or not matches:
            await self._refused(user, email, address, "unknown_account" if user is None else "wrong_password")
            raise Unauthenticated(WRONG)
        if not user.active:
            await self._refused(user, email, address, "disabled")
            raise Unauthenticated("This account is disabled.")
        login = await self._issue(user, address)
        await self.throttle.forget(account_key)
        await self.throttle.refund(address_key, self.rules.address)
        return login

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

    async def _refused(self, user: User | None, email: str, address: str, reason: str) -> None:
        async with self.db.transaction() as session:
            await audit.record(
                session,
                actor_id=None,
                action="user.login_failed",
                subject=user.id if user is not None else "",
                data={"email": email, "address": address, "reason": reason},
            )
