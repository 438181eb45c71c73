"""Earning points: the award requests other features make, each applied at most once per idempotency key.

The contract for comments, snapshots and pain points: build a request with one of the constructors below
(they fix the subject and the idempotency key of each action) and either
- `await enqueue_award(services.jobs, request)` after your transaction commits (the `award_points` job;
  in-process by default, arq with Redis), or
- `await award(session, request)` inside your own transaction, when the award must commit with it.
Either may run any number of times: the key lets one entry through. A rejected or deleted pain point is
`void`ed (job `void_points`): what it earned is reversed and later awards for it are refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, NotFound
from server.domain.points import ledger
from server.domain.points.ledger import Entry
from server.models import PointAction, PointEntry, PointRule, PointVoid, User
from server.models.base import utcnow

if TYPE_CHECKING:
    from server.jobs import JobQueue

AWARD_JOB = "award_points"
VOID_JOB = "void_points"

# Points for these are granted by someone else's decision; granting them to yourself earns nothing.
THIRD_PARTY_ACTIONS = frozenset(
    {PointAction.PAIN_POINT_ADOPTED, PointAction.COMMENT_RESOLVED, PointAction.ORDER_WON}
)
MAX_KEY = 200
MAX_REASON = 500


class AwardResult(enum.StrEnum):
    AWARDED = "awarded"
    CAPPED = "capped"  # an entry was written with fewer points (possibly 0): the daily cap was reached
    DUPLICATE = "duplicate"  # the key was used before; nothing new was written
    SELF_DEALING = "self_dealing"
    RULE_INACTIVE = "rule_inactive"
    VOIDED = "voided"  # the subject was rejected or deleted


@dataclass(frozen=True)
class AwardRequest:
    """Points for `user_id` because of `subject`, decided by `actor_id` (None: the system)."""

    action: PointAction
    user_id: str
    subject: str
    key: str
    actor_id: str | None = None

    def job_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of the `award_points` job (plain strings, as arq pickles them)."""
        return {
            "action": self.action.name,
            "user_id": self.user_id,
            "subject": self.subject,
            "key": self.key,
            "actor_id": self.actor_id,
        }

    @classmethod
    def from_job(
        cls, *, action: str, user_id: str, subject: str, key: str, actor_id: str | None = None
    ) -> AwardRequest:
        try:
            kind = PointAction[action]
        except KeyError:
            raise BadInput(f"{action!r} is not a points action.") from None
        return cls(kind, user_id, subject, key, actor_id)


@dataclass(frozen=True)
class AwardOutcome:
    result: AwardResult
    entry: Entry | None = None

    @property
    def wrote(self) -> bool:
        """True when this call appended an entry."""
        return self.result in (AwardResult.AWARDED, AwardResult.CAPPED)


def pain_point_subject(pain_point_id: str) -> str:
    return f"pain_point:{pain_point_id}"


def pain_point_accepted(pain_point_id: str, author_id: str) -> AwardRequest:
    """The quality gate accepted a pain point. Key `PAIN_POINT_ACCEPTED:pain_point:<id>`."""
    subject = pain_point_subject(pain_point_id)
    return AwardRequest(PointAction.PAIN_POINT_ACCEPTED, author_id, subject, f"PAIN_POINT_ACCEPTED:{subject}")


def pain_point_adopted(pain_point_id: str, author_id: str, adopted_by: str) -> AwardRequest:
    """R&D adopted a pain point. Key `PAIN_POINT_ADOPTED:pain_point:<id>`."""
    subject = pain_point_subject(pain_point_id)
    return AwardRequest(
        PointAction.PAIN_POINT_ADOPTED, author_id, subject, f"PAIN_POINT_ADOPTED:{subject}", adopted_by
    )


def order_won(order_id: str, pain_point_id: str, author_id: str, recorded_by: str) -> AwardRequest:
    """A pain point helped win an order. Key `ORDER_WON:order:<order id>:pain_point:<id>`."""
    subject = pain_point_subject(pain_point_id)
    return AwardRequest(
        PointAction.ORDER_WON, author_id, subject, f"ORDER_WON:order:{order_id}:{subject}", recorded_by
    )


def comment_resolved(comment_id: str, commenter_id: str, resolved_by: str) -> AwardRequest:
    """A thread was resolved with the commenter's suggestion. Key `COMMENT_RESOLVED:comment:<id>`."""
    subject = f"comment:{comment_id}"
    return AwardRequest(
        PointAction.COMMENT_RESOLVED, commenter_id, subject, f"COMMENT_RESOLVED:{subject}", resolved_by
    )


def snapshot_named(snapshot_id: str, author_id: str) -> AwardRequest:
    """Someone named a version. Key `SNAPSHOT_NAMED:snapshot:<id>`."""
    subject = f"snapshot:{snapshot_id}"
    key = f"SNAPSHOT_NAMED:{subject}"
    return AwardRequest(PointAction.SNAPSHOT_NAMED, author_id, subject, key, actor_id=author_id)


def is_self_dealing(request: AwardRequest) -> bool:
    """True when someone would grant themselves points that only another person's decision may grant."""
    return request.action in THIRD_PARTY_ACTIONS and request.actor_id == request.user_id


def _check(request: AwardRequest) -> None:
    if not request.action.is_earning:
        raise BadInput(f"{request.action.name} is not an earning action.")
    if not 0 < len(request.key) <= MAX_KEY or not 0 < len(request.subject) <= MAX_KEY:
        raise BadInput(f"An award needs a subject and a key of at most {MAX_KEY} characters.")


async def award(session: AsyncSession, request: AwardRequest) -> AwardOutcome:
    """Apply one award inside the caller's transaction; the same key never writes twice."""
    _check(request)
    if is_self_dealing(request):
        return AwardOutcome(AwardResult.SELF_DEALING)
    done = select(PointEntry.id).where(PointEntry.idempotency_key == request.key).scalar_subquery()
    # Before locking: a retry of a finished job returns here without touching the person's row.
    rule = (
        await session.execute(
            select(
                PointRule.points,
                PointRule.daily_cap,
                PointRule.active,
                exists().where(User.id == request.user_id).label("user_exists"),
                done.label("done"),
            ).where(PointRule.action == request.action)
        )
    ).one_or_none()
    if rule is not None and rule.done is not None:
        return AwardOutcome(AwardResult.DUPLICATE, await ledger.get_entry(session, rule.done))
    if rule is None or not rule.active:
        return AwardOutcome(AwardResult.RULE_INACTIVE)
    if not rule.user_exists:
        raise NotFound(f"No user with id {request.user_id} can earn points.")
    account = await ledger.lock_account(session, request.user_id)
    day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    earned_today = (
        select(func.coalesce(func.sum(PointEntry.delta), 0))
        .where(
            PointEntry.user_id == request.user_id,
            PointEntry.action == request.action,
            PointEntry.reverses_id.is_(None),
            PointEntry.created_at >= day,
            PointEntry.created_at < day + timedelta(days=1),
        )
        .scalar_subquery()
    )
    state = (
        await session.execute(
            select(
                done.label("done"),
                exists().where(PointVoid.subject == request.subject).label("voided"),
                (earned_today if rule.daily_cap is not None else literal(0)).label("earned_today"),
            )
        )
    ).one()
    if state.done is not None:  # a concurrent run of the same award committed while we waited
        return AwardOutcome(AwardResult.DUPLICATE, await ledger.get_entry(session, state.done))
    if state.voided:
        return AwardOutcome(AwardResult.VOIDED)
    points = rule.points
    if rule.daily_cap is not None:
        points = max(0, min(points, rule.daily_cap - int(state.earned_today)))
    capped = points < rule.points
    entry = await ledger.append(
        session,
        account,
        delta=points,
        action=request.action,
        subject=request.subject,
        key=request.key,
        actor_id=request.actor_id,
        note=f"Daily cap of {rule.daily_cap} points reached." if capped else None,
    )
    return AwardOutcome(AwardResult.CAPPED if capped else AwardResult.AWARDED, entry)


@dataclass(frozen=True)
class VoidOutcome:
    newly_voided: bool
    reversals: list[Entry]


async def void(
    session: AsyncSession, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> VoidOutcome:
    """Reverse every award `subject` earned `user_id` and refuse later ones (rejected/deleted pain point).

    Points already spent are not taken below zero: the reversal stops at zero and says so.
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
        await ledger.reverse(session, account, Entry.of(row), note=reason, actor_id=actor_id, clamp=True)
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
    return VoidOutcome(newly_voided, reversals)


async def enqueue_award(jobs: JobQueue, request: AwardRequest) -> None:
    """Queue the `award_points` job for `request` (call after your transaction commits)."""
    _check(request)
    await jobs.enqueue(AWARD_JOB, job_id=f"points:{request.key}", **request.job_kwargs())


async def enqueue_void(
    jobs: JobQueue, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> None:
    """Queue the `void_points` job (a pain point was rejected or deleted)."""
    await jobs.enqueue(
        VOID_JOB,
        job_id=f"points-void:{subject}",
        user_id=user_id,
        subject=subject,
        reason=reason,
        actor_id=actor_id,
    )
