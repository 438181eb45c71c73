"""Submitting pain points through the quality gate: accepted ones are stored (and, once their vectors exist,
linked to an original they repeat and placed into clusters); refused ones become rectification tickets.

A submission runs in three steps so that no transaction is held while the model works:
`plan` (who may, what the gate says) -> `painpoint_vectors.try_encode` (in a thread) -> `store`; the last
two take the submissions of several callers at once (see `painpoint_submit.Submissions`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, job_names, outbox
from server.domain.cases import actions as cases
from server.domain.clusters import events as cluster_events
from server.domain.clusters import runs as cluster_runs
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.domain.painpoints import adoption
from server.domain.painpoints import events as painpoint_events
from server.domain.painpoints import ingest as painpoint_ingest
from server.domain.painpoints.access import SUBMIT_ROLES, require_rd, require_visible
from server.domain.painpoints.config import MAX_BATCH, PainPointConfig
from server.domain.painpoints.ingest import Settled
from server.domain.painpoints.quality import Rejection, check_text, normalize_text
from server.domain.painpoints.vectors import Encoded
from server.domain.points import awards, voids
from server.domain.points.awards import AwardRequest
from server.infra.ids import is_id
from server.models import Case, CaseRole, PainPoint, PainPointStatus, RectificationTicket, TicketStatus, User
from server.models.base import utcnow

MAX_CUSTOMER = 300
MAX_PRODUCT = 200
MAX_TAGS = 20
MAX_TAG = 50
MAX_NOTE = 2000

EMBED_JOB = job_names.EMBED_PAIN_POINTS
# The re-clustering a run needs when new pain points lie outside its space gets an id made from the run's.
_OUTGROWN = uuid.UUID("5d1f3a0e-8c2b-4e7a-b6f1-93c0d2e4a718")


@dataclass(frozen=True)
class SubmissionInput:
    """One pain point as a person submits it; customer defaults to the case's."""

    case_id: str
    text: str
    customer: str | None = None
    product: str | None = None
    tags: Sequence[str] = ()


@dataclass
class Planned:
    """A checked submission: where it goes, its cleaned fields, and the gate's verdict."""

    case: Case
    text: str
    normalized: str
    customer: str
    product: str | None
    tags: list[str]
    rejections: list[Rejection]
    # set when this is the resubmission of a ticket
    ticket_id: str | None = None
    # that ticket as loaded (and locked) by the transaction that stores this plan
    ticket: RectificationTicket | None = None

    @property
    def accepted(self) -> bool:
        return not self.rejections


@dataclass
class SubmissionResult:
    """Per input: the stored pain point, or the reasons it was refused and the ticket that keeps it."""

    pain_point: PainPoint | None = None
    rejections: list[Rejection] = field(default_factory=list)
    ticket: RectificationTicket | None = None


@dataclass(frozen=True)
class Submission:
    """One caller's checked submissions (one request), recorded now or at `recorded_at` (the demo's history:
    its pain points and their acceptance awards are dated then)."""

    user: User
    plans: list[Planned]
    recorded_at: datetime | None = None


@dataclass
class Stored:
    """What to act on after the commit: results per submission in input order, clusters that grew, awards
    to queue, and teams whose pain points still need vectors (the model could not run at submit)."""

    results: list[list[SubmissionResult]]
    settled: Settled = field(default_factory=Settled)
    awards: list[AwardRequest] = field(default_factory=list)
    needs_embedding: set[str] = field(default_factory=set)


async def plan(
    session: AsyncSession, user: User, inputs: Sequence[SubmissionInput], config: PainPointConfig
) -> list[Planned]:
    """Check the caller may submit to each case and run the gate; raises for the whole batch on bad input."""
    if not inputs:
        raise BadInput("Submit at least one pain point.")
    if len(inputs) > MAX_BATCH:
        raise BadInput(f"At most {MAX_BATCH} pain points per call; you sent {len(inputs)}.")
    case_of: dict[str, Case] = {}
    planned = []
    for item in inputs:
        case = case_of.get(item.case_id)
        if case is None:
            case, _ = await cases.require_role(session, item.case_id, user, *SUBMIT_ROLES)
            case_of[item.case_id] = case
        planned.append(_check(case, item, config))
    return planned


def _check(case: Case, item: SubmissionInput, config: PainPointConfig) -> Planned:
    return Planned(
        case=case,
        text=item.text,
        normalized=normalize_text(item.text),
        customer=_clean_customer(item.customer, case.customer),
        product=_clean_optional(item.product, "product", MAX_PRODUCT),
        tags=_clean_tags(item.tags),
        rejections=check_text(item.text, max_chars=config.max_chars),
    )


async def plan_resubmission(
    session: AsyncSession, user: User, ticket_id: str, text: str, config: PainPointConfig
) -> Planned:
    """A new text for one of the caller's open tickets, checked like a new submission."""
    ticket = await session.get(RectificationTicket, ticket_id) if is_id(ticket_id) else None
    if ticket is None or ticket.author_id != user.id:
        raise NotFound(f"No rectification ticket with id {ticket_id} is yours.")
    if ticket.status is not TicketStatus.OPEN:
        raise Conflict("This ticket was resubmitted already; its pain point is linked to it.")
    case, _ = await cases.require_role(session, ticket.case_id, user, *SUBMIT_ROLES)
    return Planned(
        case=case,
        text=text,
        normalized=normalize_text(text),
        customer=ticket.customer,
        product=ticket.product,
        tags=list(ticket.tags),
        rejections=check_text(text, max_chars=config.max_chars),
        ticket_id=ticket.id,
    )


def texts_to_encode(submissions: Sequence[Submission]) -> list[str]:
    """The normalised texts of the accepted submissions, in order: what `store` expects vectors for."""
    return [p.normalized for s in submissions for p in s.plans if p.accepted]


async def store(
    session: AsyncSession,
    submissions: Sequence[Submission],
    encoded: Encoded | None,
    config: PainPointConfig,
    *,
    now: datetime | None = None,
) -> Stored:
    """Write the pain points and tickets of one or more callers' submissions in the caller's transaction,
    then settle the accepted ones together.

    `encoded` holds one vector per accepted submission, in order (see `texts_to_encode`), or is None when
    the model could not run: then duplicates and placement wait for the embedding job (`needs_embedding`).
    """
    now = now or utcnow()
    await _lock(session, submissions)
    stored = Stored(results=[])
    accepted: list[PainPoint] = []
    for submission in submissions:
        when = submission.recorded_at or now
        results = [_write(session, submission.user, item, when, accepted) for item in submission.plans]
        stored.results.append(results)
    await session.flush()
    recorded_at = {
        result.pain_point.id: submission.recorded_at
        for submission, results in zip(submissions, stored.results, strict=True)
        for result in results
        if result.pain_point is not None and submission.recorded_at is not None
    }
    for submission, results in zip(submissions, stored.results, strict=True):
        for item, result in zip(submission.plans, results, strict=True):
            if item.ticket is not None and result.pain_point is not None:
                item.ticket.status = TicketStatus.RESUBMITTED
                item.ticket.resubmitted_at = now
                item.ticket.pain_point_id = result.pain_point.id
                item.ticket.latest_text = item.text
                item.ticket.attempts += 1
                result.ticket = item.ticket

    if encoded is not None and accepted:
        stored.settled = await painpoint_ingest.settle(
            session, accepted, encoded, check_duplicates=[True] * len(accepted), config=config
        )
        stored.awards = [
            awards.pain_point_accepted(p.id, p.author_id, at=recorded_at.get(p.id))
            for p in accepted
            if p.status is PainPointStatus.SUBMITTED
        ]
    elif accepted:
        stored.needs_embedding = {p.team_id for p in accepted if p.team_id is not None}
    await session.flush()
    _follow_ups(session, stored)
    return stored


def _follow_ups(session: AsyncSession, stored: Stored) -> None:
    """On commit: announce the new pain points and grown clusters, run the acceptance awards, the embedding
    job if vectors are missing, and a re-clustering of a team whose run cannot take its new pain points."""
    recorded = [result.pain_point for results in stored.results for result in results if result.pain_point]
    painpoint_events.queue(session, painpoint_events.recorded(recorded))
    cluster_events.grown(session, stored.settled)
    for request in stored.awards:
        awards.queue_award(session, request)
    for team_id in sorted(stored.needs_embedding):
        outbox.job(session, EMBED_JOB, job_id=f"embed:{team_id}", team_id=team_id)
    for team_id, run_id in sorted(stored.settled.outgrown.items()):
        # one per run: the job's row is made as it starts, so R&D's page shows it running
        job_id = str(uuid.uuid5(_OUTGROWN, run_id))
        outbox.job(session, cluster_runs.JOB_NAME, job_id=job_id, team_id=team_id)


def _write(
    session: AsyncSession, user: User, item: Planned, now: datetime, accepted: list[PainPoint]
) -> SubmissionResult:
    if item.accepted:
        pain_point = _new_pain_point(user, item, now)
        session.add(pain_point)
        accepted.append(pain_point)
        return SubmissionResult(pain_point=pain_point)
    ticket = _ticket_for(user, item, now)
    session.add(ticket)
    return SubmissionResult(rejections=item.rejections, ticket=ticket)


async def _lock(session: AsyncSession, submissions: Sequence[Submission]) -> None:
    """Check each case (and ticket) again inside the transaction. On PostgreSQL the cases are also locked,
    all at once in id order, so concurrent submissions to one case are compared for duplicates (SQLite
    serialises writers already)."""
    case_ids = sorted({p.case.id for s in submissions for p in s.plans})
    await session.execute(select(Case.id).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update())
    tickets: set[str] = set()
    for submission in submissions:
        for case_id in sorted({p.case.id for p in submission.plans}):
            await cases.require_role(session, case_id, submission.user, *SUBMIT_ROLES)
        for item in submission.plans:
            item.ticket = None
            if item.ticket_id is not None:
                # Read again under lock: two resubmissions of one ticket must not both make a pain point.
                ticket = await session.get(
                    RectificationTicket, item.ticket_id, with_for_update=True, populate_existing=True
                )
                if ticket is None or ticket.status is not TicketStatus.OPEN or ticket.id in tickets:
                    raise Conflict("This ticket was resubmitted already; its pain point is linked to it.")
                tickets.add(ticket.id)
                item.ticket = ticket


def _new_pain_point(user: User, item: Planned, now: datetime) -> PainPoint:
    return PainPoint(
        case_id=item.case.id,
        team_id=item.case.team_id,
        author_id=user.id,
        text=item.text,
        normalized_text=item.normalized,
        customer=item.customer,
        product=item.product,
        tags=item.tags,
        status=PainPointStatus.SUBMITTED,
        created_at=now,
    )


def _ticket_for(user: User, item: Planned, now: datetime) -> RectificationTicket:
    reasons = [{"code": r.code.value, "message": r.message} for r in item.rejections]
    if item.ticket is not None:
        # Refused again: the ticket keeps its original text and shows the latest attempt and its reasons.
        item.ticket.latest_text = item.text
        item.ticket.reasons = reasons
        item.ticket.attempts += 1
        return item.ticket
    ticket = RectificationTicket(
        author_id=user.id,
        case_id=item.case.id,
        original_text=item.text,
        reasons=reasons,
        customer=item.customer,
        product=item.product,
        tags=item.tags,
        status=TicketStatus.OPEN,
        attempts=1,
        created_at=now,
    )
    return ticket


def _clean_customer(value: str | None, default: str) -> str:
    cleaned = _clean_optional(value, "customer", MAX_CUSTOMER)
    return cleaned if cleaned is not None else default


def _clean_optional(value: str | None, name: str, limit: int) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise BadInput(f"The {name} is longer than {limit} characters.")
    return cleaned or None


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(tag.split()) for tag in tags if tag.strip()))
    if len(cleaned) > MAX_TAGS:
        raise BadInput(f"At most {MAX_TAGS} tags per pain point.")
    for tag in cleaned:
        if len(tag) > MAX_TAG:
            raise BadInput(f"The tag {tag[:20]!r}… is longer than {MAX_TAG} characters.")
    return cleaned


async def case_pain_points(
    session: AsyncSession, user: User, case_id: str, *, first: int, after: str | None
) -> Page[PainPoint]:
    """A case's pain points, newest first, for its members."""
    await cases.require_member(session, case_id, user)
    query = select(PainPoint).where(PainPoint.case_id == case_id)
    return await paginate(session, query, PainPoint.id, first=first, after=after)


async def my_tickets(
    session: AsyncSession, user: User, *, status: TicketStatus | None, first: int, after: str | None
) -> Page[RectificationTicket]:
    """The caller's rectification tickets, newest first."""
    query = select(RectificationTicket).where(RectificationTicket.author_id == user.id)
    if status is not None:
        query = query.where(RectificationTicket.status == status)
    return await paginate(session, query, RectificationTicket.id, first=first, after=after)


async def adopt(
    session: AsyncSession, user: User, pain_point_id: str, note: str | None
) -> tuple[PainPoint, AwardRequest | None]:
    """R&D take a pain point into the roadmap; its author's award runs and subscribers hear of it once the
    transaction commits. Returns it and that award (None if it was adopted before)."""
    pain_point = await require_visible(session, pain_point_id, user)
    require_rd(user, "adopt pain points")
    if pain_point.status is PainPointStatus.ADOPTED:
        return pain_point, None  # a retried call changes nothing and rewards nothing twice
    if pain_point.status is PainPointStatus.DUPLICATE:
        raise Conflict(f"This pain point repeats {pain_point.duplicate_of}; adopt that one instead.")
    if pain_point.status is PainPointStatus.REJECTED:
        raise Conflict("A rejected pain point cannot be adopted.")
    cleaned = adoption.clean_note(note)
    (award,) = await adoption.adopt_all(session, user, [pain_point], cleaned)
    await adoption.audit_all(session, user, [pain_point], cleaned)
    return pain_point, award


async def withdraw(
    session: AsyncSession, user: User, pain_point_id: str, reason: str
) -> tuple[PainPoint, bool]:
    """Take back an accepted pain point (status REJECTED): its author or the case's owner, with a reason.

    Returns it and whether this call withdrew it (a retried call changes nothing). What it earned is
    reversed by the `void_points` job once the transaction commits; it leaves the clusters' lists at once
    and their runs at the next re-cluster. Nothing is deleted: the text, the reason and who withdrew it
    stay readable.
    """
    pain_point = await require_visible(session, pain_point_id, user)
    member = await cases.membership(session, pain_point.case_id, user.id)
    if user.id != pain_point.author_id and (member is None or member.role is not CaseRole.OWNER):
        raise Forbidden("Only its author or the case's owner can withdraw a pain point.")
    if pain_point.status is PainPointStatus.REJECTED:
        return pain_point, False
    if pain_point.status is PainPointStatus.ADOPTED:
        raise Conflict("R&D adopted this pain point already; ask them before it is withdrawn.")
    cleaned = reason.strip()
    if not cleaned:
        raise BadInput("Say why the pain point is withdrawn.")
    if len(cleaned) > MAX_NOTE:
        raise BadInput(f"The reason is longer than {MAX_NOTE} characters.")
    pain_point.status = PainPointStatus.REJECTED
    pain_point.withdrawn_at = utcnow()
    pain_point.withdrawn_by = user.id
    pain_point.withdrawal_reason = cleaned
    await session.flush()
    voids.queue_void(
        session,
        user_id=pain_point.author_id,
        subject=awards.pain_point_subject(pain_point.id),
        reason=f"pain point withdrawn: {cleaned}",
        actor_id=user.id,
    )
    painpoint_events.queue(
        session, [painpoint_events.changed(painpoint_events.WITHDRAWN, pain_point, user.id)]
    )
    await audit.record(
        session,
        actor_id=user.id,
        action="pain_point.withdrawn",
        subject=pain_point.id,
        data={"author_id": pain_point.author_id, "case_id": pain_point.case_id, "reason": cleaned},
    )
    return pain_point, True
