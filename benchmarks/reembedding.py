"""Re-embedding after a model change: texts/s of `embed_missing` over pain points stored without vectors,
on a scratch SQLite database. Run by `benchmarks/clustering.py` (its `embedding` part)."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from server.clustering import shared_embedder

DAY = datetime(2025, 6, 2, tzinfo=UTC)


async def bench_reembedding(texts: list[str], per_case: int = 50) -> dict[str, float]:
    """texts/s of `embed_missing` over pain points stored without vectors (scratch SQLite, cases of 50)."""
    from _painpoints_server import PASSWORD, Scratch
    from sqlalchemy import func, insert, select

    from server.domain import users
    from server.domain.cases import actions as cases
    from server.domain.painpoints.config import PainPointConfig
    from server.domain.painpoints.embedding import embed_missing
    from server.infra.db import Database, create_engine
    from server.infra.ids import new_id
    from server.models import PainPoint, PainPointEmbedding, PainPointStatus, UserRole

    with tempfile.TemporaryDirectory() as tmp:
        async with Scratch("sqlite", Path(tmp)) as url:
            db = Database(create_engine(url))
            async with db.transaction() as session:
                team = await users.get_or_create_team(session, "Bench")
                owner = await users.create_user(
                    session,
                    email="o@bench.test",
                    name="O",
                    role=UserRole.MEMBER,
                    password=PASSWORD,
                    team=team,
                )
                case_ids = [
                    (await cases.create_case(session, owner, title=f"Case {k}", customer="ACME")).id
                    for k in range(0, len(texts), per_case)
                ]
            async with db.transaction() as session:
                await session.execute(
                    insert(PainPoint),
                    [
                        {
                            "id": new_id(),
                            "case_id": case_ids[i // per_case],
                            "team_id": team.id,
                            "author_id": owner.id,
                            "text": text,
                            "normalized_text": text,
                            "customer": "ACME",
                            "product": None,
                            "tags": [],
                            "status": PainPointStatus.SUBMITTED,
                            "created_at": DAY + timedelta(minutes=i),
                        }
                        for i, text in enumerate(texts)
                    ],
                )
            embedder = shared_embedder()
            embedder.encode(["warm-up"])
            start = time.perf_counter()
            report = await embed_missing(db, team.id, embedder, PainPointConfig())
            seconds = time.perf_counter() - start
            async with db.sessions() as session:
                stored = await session.scalar(select(func.count()).select_from(PainPointEmbedding))
                duplicates = await session.scalar(
                    select(func.count()).where(PainPoint.status == PainPointStatus.DUPLICATE)
                )
            await db.dispose()
    assert report.embedded == stored == len(texts), (report.embedded, stored)
    return {"per_s": len(texts) / seconds, "seconds": seconds, "duplicates": int(duplicates or 0)}
