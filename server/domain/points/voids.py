"""Voiding a subject: what a rejected or deleted pain point earned is reversed, and later awards refused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, job_names, outbox
from server.domain.points import events, ledger
from server.domain.points.ledger import Entry
from server.models import PointEntry, PointVoid
from server.models.base import utcnow

VOID_JOB = job_names.VOID_POINTS
MAX_REASON = 500


@dataclass(frozen=True)
class VoidOutcome:
    newly_voided: bool
    reversals: list[Entry]


async def void(
    session: AsyncSession, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> VoidOutcome:
    """Reverse every award `subject` earned `user_id` and refuse later ones (rejected/deleted pain point).

    Points already spent are still taken back: the balance goes below zero as a debt, which later awards
    repay and which blocks redemptions until then (the reversal's note says how much is owed).
    """
    reason = " ".join(reason.split())[:MAX_REASON] or "Voided."
    account = await ledger.lock_account(session, user_id)
    insert = ledger.dialect_insert(session)
    inserted = await session.execute(
        insert(PointVoid)
        .values(subject=subject, user_id=user_id, reason=reason, actor_id=actor_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[PointVoid.subject])
        .returning(PointVoid.subject)
    )
    newly_voided = inserted.first() is not None
    reversal = PointEntry.__table__.alias("reversal")
    originals = await session.scalars(
        select(PointEntry)
        .where(
            PointEntry.user_id == user_id,
            PointEntry.subject == subject,
            PointEntry.reverses_id.is_(None),
            PointEntry.delta > 0,
            ~exists().where(reversal.c.reverses_id == PointEntry.id),
        )
        .order_by(PointEntry.id)
    )
    reversals = [
        await ledger.reverse(session, account, Entry.of(row), note=reason, actor_id=actor_id, allow_debt=True)
        for row in originals.all()
    ]
    if newly_voided or reversals:
        await audit.record(
            session,
            actor_id=actor_id,
            action="points.subject_voided",
            subject=subject,
            data={
                "user_id": user_id,
                "reason": reason,
                "reversed": [entry.reverses_id for entry in reversals],
                "points": sum(entry.delta for entry in reversals),
            },
        )
    events.entries_written(session, reversals)  # the owner hears of them on commit
    return VoidOutcome(newly_voided, reversals)


def queue_void(
    session: AsyncSession, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> None:
    """Run the `void_points` job once the session's transaction commits (a pain point was rejected)."""
    outbox.job(
        session,
        VOID_JOB,
        job_id=f"points-void:{subject}",
        user_id=user_id,
        subject=subject,
        reason=reason,
        actor_id=actor_id,
    )
