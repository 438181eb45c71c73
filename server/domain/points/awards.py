"""Earning points: the award requests other features make, each applied at most once per idempotency key.

The contract for comments, snapshots and pain points: build a request with one of the constructors below
(they fix the subject and the idempotency key of each action) and either
- `queue_award(session, request)` in your transaction: the `award_points` job runs once it commits
  (through the outbox; in-process by default, arq with Redis), or
- `await award(session, request)` inside your own transaction, when the award must commit with it.
Either may run any number of times: the key lets one entry through. A rejected or deleted pain point is
`void`ed (job `void_points`): what it earned is reversed and later awards for it are refused.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import job_names, outbox
from server.domain.errors import BadInput, NotFound
from server.domain.points import caps, events, ledger
from server.domain.points.ledger import Entry
from server.models import PointAction, PointEntry, PointRule, PointVoid, User
from server.models.base import utcnow

AWARD_JOB = job_names.AWARD_POINTS

# Points for these are granted by someone else's decision; granting them to yourself earns nothing.
THIRD_PARTY_ACTIONS = frozenset(
    {
        PointAction.PAIN_POINT_ADOPTED,
        PointAction.COMMENT_RESOLVED,
        PointAction.ORDER_WON,
        PointAction.ASSET_REUSED,
        PointAction.ASSET_SUBSCRIBED,
    }
)
MAX_KEY = 200


class AwardResult(enum.StrEnum):
    AWARDED = "awarded"
    CAPPED = "capped"  # an entry was written with fewer points (possibly 0), its note names the cap
    DUPLICATE = "duplicate"  # the key was used before; nothing new was written
    SELF_DEALING = "self_dealing"
    RULE_INACTIVE = "rule_inactive"
    VOIDED = "voided"  # the subject was rejected or deleted
    UNKNOWN_USER = "unknown_user"  # `award` raises NOT_FOUND for it; a job fails


@dataclass(frozen=True)
class AwardRequest:
    """Points for `user_id` because of `subject`, decided by `actor_id` (None: the system).

    `at` is when the contribution was made if not now (the demo's history): the entry is dated then and
    counts toward that UTC day's and month's caps.
    """

    action: PointAction
    user_id: str
    subject: str
    key: str
    actor_id: str | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        if self.at is not None:
            if self.at.tzinfo is None:
                raise BadInput("An award's time needs its zone.")
            # Caps count UTC days: a time given in another zone is the same moment in UTC.
            object.__setattr__(self, "at", self.at.astimezone(UTC))

    def job_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of the `award_points` job (plain strings, as arq pickles them)."""
        kwargs: dict[str, Any] = {
            "action": self.action.name,
            "user_id": self.user_id,
            "subject": self.subject,
            "key": self.key,
            "actor_id": self.actor_id,
        }
        if self.at is not None:
            kwargs["at"] = self.at.isoformat()
        return kwargs

    @classmethod
    def from_job(
        cls,
        *,
        action: str,
        user_id: str,
        subject: str,
        key: str,
        actor_id: str | None = None,
        at: str | None = None,
    ) -> AwardRequest:
        try:
            kind = PointAction[action]
        except KeyError:
            raise BadInput(f"{action!r} is not a points action.") from None
        return cls(kind, user_id, subject, key, actor_id, None if at is None else _zoned_time(at))


def _zoned_time(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise BadInput(f"{text!r} is not an ISO 8601 time with its zone.")
    return when


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


def pain_point_accepted(pain_point_id: str, author_id: str, *, at: datetime | None = None) -> AwardRequest:
    """The quality gate accepted a pain point (recorded at `at`, if not now). Key
    `PAIN_POINT_ACCEPTED:pain_point:<id>`."""
    subject = pain_point_subject(pain_point_id)
    key = f"PAIN_POINT_ACCEPTED:{subject}"
    return AwardRequest(PointAction.PAIN_POINT_ACCEPTED, author_id, subject, key, at=at)


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


def asset_reused(asset_id: str, author_id: str, reused_by: str) -> AwardRequest:
    """Someone started a case from an asset `author_id` published. One award per reuser and author:
    key `ASSET_REUSED:knowledge_asset:<id>:by:<reuser>:to:<author>`."""
    subject = f"knowledge_asset:{asset_id}"
    key = f"ASSET_REUSED:{subject}:by:{reused_by}:to:{author_id}"
    return AwardRequest(PointAction.ASSET_REUSED, author_id, subject, key, reused_by)


def asset_subscribed(asset_id: str, author_id: str, subscriber: str) -> AwardRequest:
    """Someone subscribed to an asset `author_id` published; subscribing again earns nothing more. Key
    `ASSET_SUBSCRIBED:knowledge_asset:<id>:by:<subscriber>:to:<author>`."""
    subject = f"knowledge_asset:{asset_id}"
    key = f"ASSET_SUBSCRIBED:{subject}:by:{subscriber}:to:{author_id}"
    return AwardRequest(PointAction.ASSET_SUBSCRIBED, author_id, subject, key, subscriber)


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
    (outcome,) = await award_many(session, [request])
    if outcome.result is AwardResult.UNKNOWN_USER:
        raise NotFound(f"No user with id {request.user_id} can earn points.")
    return outcome


async def award_many(session: AsyncSession, requests: Sequence[AwardRequest]) -> list[AwardOutcome]:
    """Apply awards inside the caller's transaction, outcomes in request order; each key writes once.

    A batch costs the same few statements whatever its size: people and their teams' rules are read, the
    accounts are locked in one statement (in user-id order, so concurrent batches never wait on each other
    in a circle), the used keys, voided subjects and the day's and month's earnings are read, and the
    entries and the balances are written in one statement each. Each award is priced by the rules of the
    earner's team and cut to what is left of that rule's daily and monthly caps.
    """
    for request in requests:
        _check(request)
    outcomes: list[AwardOutcome | None] = [
        AwardOutcome(AwardResult.SELF_DEALING) if is_self_dealing(request) else None for request in requests
    ]
    wanted = {request.user_id for request, outcome in zip(requests, outcomes, strict=True) if outcome is None}
    teams = await _teams(session, wanted)
    rules = await _rules(session, set(teams.values()))
    rule_of: dict[int, Any] = {}
    live: list[int] = []
    for i, request in enumerate(requests):
        if outcomes[i] is not None:
            continue
        if request.user_id not in teams:
            outcomes[i] = AwardOutcome(AwardResult.UNKNOWN_USER)
            continue
        team_id = teams[request.user_id]
        rule = rules.get((team_id, request.action)) if team_id is not None else None
        if rule is None or not rule.active:
            outcomes[i] = AwardOutcome(AwardResult.RULE_INACTIVE)
        else:
            rule_of[i] = rule
            live.append(i)
    if live:
        accounts = await ledger.lock_accounts(session, {requests[i].user_id for i in live})
        state = await _read_state(session, [requests[i] for i in live], [rule_of[i] for i in live])
        await _decide(session, requests, live, rule_of, accounts, state, outcomes)
    done = [outcome or AwardOutcome(AwardResult.DUPLICATE) for outcome in outcomes]
    # The owners of the new entries hear of them once the transaction commits.
    events.entries_written(session, [outcome.entry for outcome in done if outcome.wrote])
    return done


@dataclass
class _State:
    """What the locked accounts' history says about a batch."""

    done: dict[str, Entry]  # entries already written under the batch's keys
    voided: set[str]
    earned: caps.Tally  # per person and capped action, on the days of the batch's awards
    now: datetime  # the time of the batch's awards that give none


async def _teams(session: AsyncSession, user_ids: set[str]) -> dict[str, str | None]:
    """The team of each person who exists; a person's team's rules price their awards."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.team_id).where(User.id.in_(user_ids)))
    return {row.id: row.team_id for row in rows.all()}


async def _rules(session: AsyncSession, team_ids: set[str | None]) -> dict[tuple[str, PointAction], Any]:
    teams = {team_id for team_id in team_ids if team_id is not None}
    if not teams:
        return {}
    rows = await session.execute(
        select(
            PointRule.team_id,
            PointRule.action,
            PointRule.points,
            PointRule.daily_cap,
            PointRule.monthly_cap,
            PointRule.active,
        ).where(PointRule.team_id.in_(teams))
    )
    return {(row.team_id, PointAction(row.action)): row for row in rows}


async def _read_state(
    session: AsyncSession, requests: Sequence[AwardRequest], rules: Sequence[Any]
) -> _State:
    now = utcnow()
    used = await session.scalars(
        select(PointEntry).where(PointEntry.idempotency_key.in_({r.key for r in requests}))
    )
    voided = await session.scalars(
        select(PointVoid.subject).where(PointVoid.subject.in_({r.subject for r in requests}))
    )
    return _State(
        done={row.idempotency_key: Entry.of(row) for row in used.all()},
        voided=set(voided.all()),
        earned=await caps.tally(
            session,
            {
                (r.user_id, r.action, r.at or now)
                for r, rule in zip(requests, rules, strict=True)
                if caps.is_capped(rule)
            },
        ),
        now=now,
    )


async def _decide(
    session: AsyncSession,
    requests: Sequence[AwardRequest],
    live: list[int],
    rule_of: Mapping[int, Any],
    accounts: dict[str, ledger.Account],
    state: _State,
    outcomes: list[AwardOutcome | None],
) -> None:
    drafts: list[tuple[int, ledger.Draft, bool]] = []
    repeats: list[int] = []  # the same award twice in one batch
    drafted: set[str] = set()
    for i in live:
        request = requests[i]
        if request.key in state.done:
            outcomes[i] = AwardOutcome(AwardResult.DUPLICATE, state.done[request.key])
        elif request.key in drafted:
            repeats.append(i)
        elif request.subject in state.voided:
            outcomes[i] = AwardOutcome(AwardResult.VOIDED)
        else:
            rule = rule_of[i]
            at = request.at or state.now
            points, note = rule.points, None
            if caps.is_capped(rule):
                points, note = state.earned.take(rule, request.user_id, request.action, at)
            capped = points < rule.points
            draft = ledger.draft(
                accounts[request.user_id],
                delta=points,
                action=request.action,
                subject=request.subject,
                key=request.key,
                actor_id=request.actor_id,
                note=note,
                at=at,
            )
            drafted.add(request.key)
            drafts.append((i, draft, capped))
    entries = await ledger.write(session, accounts, [draft for _, draft, _ in drafts])
    for (i, _, capped), entry in zip(drafts, entries, strict=True):
        outcomes[i] = AwardOutcome(AwardResult.CAPPED if capped else AwardResult.AWARDED, entry)
    written = {entry.key: entry for entry in entries}
    for i in repeats:
        outcomes[i] = AwardOutcome(AwardResult.DUPLICATE, written[requests[i].key])


def queue_award(session: AsyncSession, request: AwardRequest) -> None:
    """Run the `award_points` job for `request` once the session's transaction commits (the outbox)."""
    _check(request)
    outbox.job(session, AWARD_JOB, job_id=f"points:{request.key}", **request.job_kwargs())
