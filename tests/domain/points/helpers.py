"""People and points for the points tests, made through the domain."""

from __future__ import annotations

from server.domain.points import ledger
from server.infra.db import Database
from server.models import PointAction
from tests.support.people import make_user

# A person, as the ORM row the domain functions take.
user = make_user


async def credit(db: Database, user_id: str, points: int, key: str) -> None:
    """Give someone points directly (what a series of awards would do)."""
    async with db.transaction() as session:
        account = await ledger.lock_account(session, user_id)
        await ledger.append(
            session, account, delta=points, action=PointAction.ADJUSTMENT, subject=f"user:{user_id}", key=key
        )


async def balance(db: Database, user_id: str) -> int:
    async with db.sessions() as session:
        return await ledger.balance_of(session, user_id)
