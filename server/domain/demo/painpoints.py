"""The demo team's pain points, submitted as their authors would, and the team's first clustering run.

Each pain point goes through `painpoint_submit.submit`, the path of submitPainPoints: the gate, vectors,
duplicates, and the acceptance award (through the outbox, once per pain point by its key). They are
submitted oldest first, dated on their day of the last six weeks, so that the clusters' weekly trends span
them as they would in use, and their awards are dated and capped on those days: the people start with
today's caps untouched, as in use. Seeding again submits only what is missing, and asks for a run only
while the team has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import select

from server.domain.clusters import runs as cluster_runs
from server.domain.clusters.placement import current_run
from server.domain.demo import team as demo
from server.domain.demo.content import CASES, PAIN_POINTS, DemoPainPoint
from server.domain.painpoints import submit as painpoint_submit
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.infra.db import Database
from server.infra.job_queues import JobQueue
from server.models import Case, PainPoint, Team, User
from server.models.base import utcnow

# The person who asks for the first run: the team's R&D engineer, as on the clusters page.
_RD = "rita@demo.warroom"


@dataclass(frozen=True)
class Seeded:
    """What one seeding did: pain points submitted now, and the clustering job it queued (None: none)."""

    team_id: str
    submitted: int
    cluster_job_id: str | None


async def seed(db: Database, jobs: JobQueue, config: PainPointConfig) -> Seeded:
    """Submit the demo pain points that are missing and ask for a clustering run if the team has none.

    The demo team and its cases must exist (`demo.seed`). The awards and the run are queued on `jobs`;
    they are done once the queue has run them (`InProcessJobs.drain`).
    """
    async with db.sessions() as session:
        team = (await session.execute(select(Team).where(Team.name == demo.TEAM))).scalar_one()
        people = {
            user.email: user
            for user in (await session.scalars(select(User).where(User.team_id == team.id))).all()
        }
        cases = await session.execute(select(Case.title, Case.id).where(Case.team_id == team.id))
        case_ids: dict[str, str] = dict(cases.all())
        rows = await session.execute(
            select(PainPoint.case_id, PainPoint.text).where(PainPoint.team_id == team.id)
        )
        present = {(case_id, text) for case_id, text in rows.all()}
    case_of = {demo_case.key: case_ids[demo_case.title] for demo_case in CASES}
    missing = [p for p in PAIN_POINTS if (case_of[p.case], p.text) not in present]
    now = utcnow()
    for (days_ago, author), items in groupby(
        sorted(missing, key=lambda p: (-p.days_ago, p.author)), key=lambda p: (p.days_ago, p.author)
    ):
        await _submit(db, config, people[author], case_of, list(items), now - timedelta(days=days_ago))
    return Seeded(team.id, len(missing), await _first_run(db, jobs, people[_RD], team.id))


async def _submit(
    db: Database,
    config: PainPointConfig,
    author: User,
    case_of: dict[str, str],
    items: list[DemoPainPoint],
    recorded_at: datetime,
) -> None:
    inputs = [SubmissionInput(case_of[p.case], p.text, product=p.product) for p in items]
    results = await painpoint_submit.submit(db, author, inputs, config, recorded_at=recorded_at)
    for item, result in zip(items, results, strict=True):
        if result.pain_point is None:
            raise ValueError(f"the gate refused a demo pain point: {item.text!r} {result.rejections}")


async def _first_run(db: Database, jobs: JobQueue, rd: User, team_id: str) -> str | None:
    """Queue the team's first clustering run, as R&D's "Re-cluster now" does; None when it has one."""
    async with db.transaction() as session:
        if await current_run(session, team_id) is not None:
            return None
        job, created = await cluster_runs.request(session, rd, team_id)
    if not created:
        # An earlier seeding left it unfinished: queued again (one run is stored per job id).
        await jobs.enqueue(cluster_runs.JOB_NAME, job_id=job.id, team_id=team_id)
    return job.id
