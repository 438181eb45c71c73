from sqlalchemy import func, select

from server.db import Database
from server.domain import demo
from server.models import Case, User


async def test_seed_is_idempotent(db: Database) -> None:
    for _ in range(2):
        async with db.transaction() as session:
            await demo.seed(session)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == len(demo.PEOPLE)
        assert await session.scalar(select(func.count()).select_from(Case)) == 1
