"""Background jobs as people follow them: QUEUED -> RUNNING (with progress) -> SUCCEEDED or FAILED (with why).

The row's id is the queue's job id, so the arq job, its retries and the row are one thing. Writes to the row
go in their own short transactions: progress must show while the job's work is not yet committed, and a
failure must be recorded even though the work was rolled back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import NotFound
from server.infra.db import Database
from server.infra.ids import is_id
from server.models import Job, JobStatus, User
from server.models.base import utcnow

# A QUEUED or RUNNING job older than this is taken for lost (its worker died before arq noticed); matches
# the worker's job_timeout.
STALE_AFTER = timedelta(hours=1)
MAX_ERROR = 2000


async def create(
    session: AsyncSession, *, job_id: str, name: str, params: dict[str, Any], created_by: str | None
) -> Job:
    """Record a job about to be queued."""
    job = Job(
        id=job_id, name=name, params=params, status=JobStatus.QUEUED, progress=0.0, created_by=created_by
    )
    session.add(job)
    await session.flush()
    return job


async def active(session: AsyncSession, name: str, team_id: str) -> Job | None:
    """A job of `name` for `team_id` that is queued or running now (and not stale), if any."""
    rows = await session.execute(
        select(Job)
        .where(
            Job.name == name,
            Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
            Job.created_at >= utcnow() - STALE_AFTER,
        )
        .order_by(Job.created_at.desc())
    )
    return next((job for job in rows.scalars() if job.params.get("team_id") == team_id), None)


async def visible(session: AsyncSession, job_id: str, user: User) -> Job:
    """A job its creator, or anyone of the team it works for, may follow; NOT_FOUND otherwise."""
    job = await session.get(Job, job_id) if is_id(job_id) else None
    team_id = job.params.get("team_id") if job is not None else None
    if job is None or not (job.created_by == user.id or (team_id is not None and team_id == user.team_id)):
        raise NotFound(f"No job with id {job_id} is visible to you.")
    return job


async def started(db: Database, job_id: str, name: str, params: dict[str, Any]) -> Job:
    """Mark the job RUNNING (creating its row for jobs queued by a schedule) and count the attempt."""
    for _ in range(2):
        try:
            async with db.transaction() as session:
                job = await session.get(Job, job_id)
                if job is None:
                    job = Job(id=job_id, name=name, params=params, created_by=None)
                    session.add(job)
                job.status = JobStatus.RUNNING
                job.progress = 0.0
                job.error = None
                job.started_at = utcnow()
                job.finished_at = None
                job.attempts = (job.attempts or 0) + 1
            return job
        except IntegrityError:
            continue  # another attempt created the row at the same moment: update it instead
    raise RuntimeError(f"could not record the start of job {job_id}")


async def progress(db: Database, job_id: str, value: float) -> None:
    """Record how far the job is, 0..1."""
    async with db.transaction() as session:
        job = await session.get(Job, job_id)
        if job is not None and job.status is JobStatus.RUNNING:
            job.progress = max(0.0, min(1.0, value))


async def succeeded(session: AsyncSession, job_id: str) -> None:
    """Mark the job done, in the transaction that commits its work (so both land, or neither)."""
    job = await session.get(Job, job_id)
    if job is not None:
        job.status = JobStatus.SUCCEEDED
        job.progress = 1.0
        job.error = None
        job.finished_at = utcnow()


async def failed(db: Database, job_id: str, error: BaseException) -> None:
    """Record why the job failed; its work was rolled back, so what it replaces stays in place."""
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR]
    async with db.transaction() as session:
        job = await session.get(Job, job_id)
        if job is not None:
            job.status = JobStatus.FAILED
            job.error = message
            job.finished_at = utcnow()
