import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.domain.demo import painpoints as demo_painpoints
from server.domain.demo import team as demo
from server.domain.demo.content import CASES, PAIN_POINTS, THEMES
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings
from server.infra.db import Database
from server.models import (
    Case,
    ClusterMembership,
    ClusterRun,
    DocText,
    Job,
    JobStatus,
    PainPoint,
    PainPointStatus,
    PointAction,
    PointEntry,
    User,
)
from server.models.base import utcnow
from tests.support.outbox import Followups

CHINESE = re.compile(r"[\u4e00-\u9fff]")


async def test_seed_is_idempotent(db: Database) -> None:
    for _ in range(2):
        async with db.transaction() as session:
            await demo.seed(session)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == len(demo.PEOPLE)
        assert await session.scalar(select(func.count()).select_from(Case)) == len(CASES)
        # Each demo case's opening text is searchable and previewed in the case list from the start.
        stored = dict((await session.execute(select(Case.title, DocText.text).join(DocText))).all())
    assert stored == {case.title: "\n".join(text for _tag, text in case.opening) for case in CASES}


def test_the_demo_pain_points_are_chinese_first_and_every_theme_speaks_both_languages() -> None:
    assert 36 <= len(PAIN_POINTS) <= 48
    chinese = [p for p in PAIN_POINTS if CHINESE.search(p.text)]
    assert len(chinese) >= 0.6 * len(PAIN_POINTS)
    assert 4 <= len(THEMES) <= 6
    for theme, members in THEMES.items():
        assert len(members) >= 8, theme  # a cluster needs at least five
        assert any(CHINESE.search(p.text) for p in members), theme
        assert any(not CHINESE.search(p.text) for p in members), theme
    assert {p.case for p in PAIN_POINTS} == {c.key for c in CASES}
    assert max(p.days_ago for p in PAIN_POINTS) >= 35  # six weeks of trend


async def _seed(db: Database, settings: Settings) -> demo_painpoints.Seeded:
    async with db.transaction() as session:
        await demo.seed(session)
    jobs = Followups(db, settings)
    try:
        return await demo_painpoints.seed(db, jobs, PainPointConfig.from_settings(settings))
    finally:
        await jobs.close()


@pytest.mark.model  # submits through the configured embedding model and clusters for real
@pytest.mark.timeout(600)
async def test_demo_pain_points_are_submitted_awarded_and_clustered_once(
    db: Database, settings: Settings
) -> None:
    first = await _seed(db, settings)
    assert first.submitted == len(PAIN_POINTS)
    assert first.cluster_job_id is not None

    async with db.sessions() as session:
        stored = list((await session.scalars(select(PainPoint))).all())
        job = await session.get(Job, first.cluster_job_id)
        runs = list((await session.scalars(select(ClusterRun))).all())
        entries = list(
            (
                await session.scalars(
                    select(PointEntry).where(PointEntry.action == PointAction.PAIN_POINT_ACCEPTED)
                )
            ).all()
        )
        awarded = len(entries)
    # Every demo text passes the gate and none repeats another of its case.
    assert sorted(p.text for p in stored) == sorted(p.text for p in PAIN_POINTS)
    assert {p.status for p in stored} == {PainPointStatus.SUBMITTED}
    now = utcnow()
    ages = [now - p.created_at.replace(tzinfo=now.tzinfo) for p in stored]
    assert max(ages) > timedelta(days=35)
    assert min(ages) < timedelta(days=1)
    # Awarded as a real submission is, once per pain point, on the day it was recorded: no award was cut
    # by a daily cap, and the demo people start with today's caps as they would in use.
    assert awarded == len(PAIN_POINTS)
    recorded = {f"pain_point:{p.id}": p.created_at for p in stored}
    assert {(e.delta, e.note) for e in entries} == {(5, None)}
    assert {e.subject: e.created_at for e in entries} == recorded
    assert job is not None
    assert job.status is JobStatus.SUCCEEDED
    assert len(runs) == 1
    assert runs[0].job_id == first.cluster_job_id
    assert runs[0].point_count == len(PAIN_POINTS)
    again = await _seed(db, settings)
    assert (again.submitted, again.cluster_job_id) == (0, None)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PainPoint)) == len(PAIN_POINTS)
        assert await session.scalar(select(func.count()).select_from(ClusterRun)) == 1
        assert await session.scalar(select(func.count()).select_from(PointEntry)) == awarded
    # R&D sees the themes, each bringing its Chinese and English pain points together
    assert runs[0].cluster_count >= 3, f"the demo formed {runs[0].cluster_count} clusters, not the 4 themes"
    async with db.sessions() as session:
        rows = await session.execute(
            select(PainPoint.text, ClusterMembership.cluster_id).join(
                ClusterMembership, ClusterMembership.pain_point_id == PainPoint.id
            )
        )
        cluster_of: dict[str, str | None] = dict(rows.all())
    for theme, members in THEMES.items():
        clusters = Counter(cluster_of[p.text] for p in members)
        (largest, size), *_ = clusters.most_common(1)
        assert largest is not None, (theme, clusters)
        assert size >= 0.75 * len(members), (theme, clusters)
        together = [p.text for p in members if cluster_of[p.text] == largest]
        assert any(CHINESE.search(t) for t in together), (theme, together)
        assert any(not CHINESE.search(t) for t in together), (theme, together)
