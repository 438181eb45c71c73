"""Background jobs as people follow them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server import models

JobStatus = strawberry.enum(
    models.JobStatus,
    name="JobStatus",
    description="QUEUED -> RUNNING -> SUCCEEDED, or FAILED with the error.",
)


@strawberry.type(description="A background job: its status, how far it got, and why it failed.")
class Job:
    id: strawberry.ID
    name: str
    status: JobStatus  # type: ignore[valid-type]
    progress: float = strawberry.field(description="0 to 1.")
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, job: models.Job) -> Job:
        return cls(
            id=strawberry.ID(job.id),
            name=job.name,
            status=job.status,
            progress=job.progress,
            error=job.error,
            attempts=job.attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
