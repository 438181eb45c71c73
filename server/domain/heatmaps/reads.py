"""Contribution and section heatmaps of a case or a team, for the people allowed to see them.

Who may see what: every member of a case (whatever their role) sees that case's heatmaps. A team's
contribution heatmap is open to the people of that team: hr and admin see all of the team's cases,
everyone else the team's cases they are a member of. Anything else answers NOT_FOUND, exactly like an
id that does not exist.

Heatmaps are read from what the heatmap job stored. A request computes only what was never computed
(a case whose log the job has not read yet, e.g. one edited before heatmaps existed): it runs the job's
own code once, synchronously, and every later request reads the stored result. When the log has moved
on since the last run, the answer says so (`stale`) and asks for a run (`request_refresh`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access.cases import scope_cases
from server.domain.access.effective import access_of
from server.domain.cases.actions import require_member
from server.domain.errors import BadInput, NotFound
from server.domain.heatmaps import store as heatmap_store
from server.domain.heatmaps.activity import PROVIDERS, ActivityProvider, ActivityScope, activity
from server.heatmaps import (
    MAX_BUCKETS,
    BucketSize,
    ContributionHeatmap,
    SectionHeatmap,
    contribution_heatmap,
)
from server.heatmaps.buckets import bucket_range
from server.infra.db import Database
from server.infra.ids import is_id
from server.models import AccessView, Case, CaseMember, HeatmapState, Team, User, UserRole

RefreshRequest = Callable[[str], None]
"""Asks for the heatmap job of one case (debounced by the caller)."""

DEFAULT_DAYS = 28
DEFAULT_WEEKS = 12
_SEES_WHOLE_TEAM = (UserRole.HR, UserRole.ADMIN)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a heatmap is of: a case or a team, its title, and the cases it covers."""

    kind: str
    """`case` or `team`."""
    id: str
    title: str
    scope: ActivityScope


@dataclass(frozen=True, slots=True)
class Freshness:
    computed_at: datetime | None
    """When the job last stored results for the subject (the oldest of its cases); None if never."""
    stale: bool
    """Document updates are waiting for the next run of the job."""


@dataclass(frozen=True, slots=True)
class ContributionView:
    subject: Subject
    heatmap: ContributionHeatmap
    people: Mapping[str, User]
    freshness: Freshness


@dataclass(frozen=True, slots=True)
class SectionView:
    subject: Subject
    heatmap: SectionHeatmap
    people: Mapping[str, User]
    freshness: Freshness


async def case_subject(session: AsyncSession, case_id: str, user: User) -> Subject:
    """A case the caller belongs to; NOT_FOUND otherwise."""
    case, _member = await require_member(session, case_id, user)
    return Subject("case", case.id, case.title, ActivityScope((case.id,)))


async def team_subject(session: AsyncSession, team_id: str, user: User) -> Subject:
    """The caller's own team, with the cases the caller may see in it (theirs, or the whole team for HR and
    admins, plus what their policies' HEATMAPS view reaches); NOT_FOUND for any other team."""
    team = await session.get(Team, team_id) if is_id(team_id) and user.team_id == team_id else None
    if team is None:
        raise NotFound(f"No team with id {team_id} is visible to you.")
    cases = select(Case.id).where(Case.team_id == team.id)
    if user.role in _SEES_WHOLE_TEAM:
        case_ids = tuple((await session.scalars(cases.order_by(Case.id))).all())
        return Subject("team", team.id, team.name, ActivityScope(case_ids))
    # One's own cases in full; a visibility policy with the HEATMAPS view adds the cases of its scope (a
    # region's, the team's), their activity younger than its maxAgeDays only.
    access = await access_of(session, user)
    full = set(await session.scalars(select(CaseMember.case_id).where(CaseMember.user_id == user.id)))
    since: dict[str, datetime] = {}
    for grant in access.grants:
        reached = scope_cases(access, grant) if AccessView.HEATMAPS in grant.views else None
        if reached is None:
            continue
        ids = set(await session.scalars(select(Case.id).where(Case.team_id == team.id, Case.id.in_(reached))))
        if grant.max_age_days is None:
            full |= ids
            continue
        moment = access.at - timedelta(days=grant.max_age_days)
        for case_id in ids:
            since[case_id] = min(moment, since.get(case_id, moment))
    owned = set(await session.scalars(cases.where(Case.id.in_(full))))
    limited = tuple(sorted((c, at) for c, at in since.items() if c not in owned))
    case_ids = tuple(sorted(owned | {c for c, _ in limited}))
    return Subject("team", team.id, team.name, ActivityScope(case_ids, limited))


def period(
    start: datetime | None, end: datetime | None, size: BucketSize, *, now: datetime
) -> tuple[datetime, datetime]:
    """[start, end) widened to whole buckets (UTC days or ISO weeks); BAD_INPUT for an impossible range.

    Without `end`, the period ends with the bucket holding `now`; without `start`, it covers the last
    28 days or 12 weeks before `end`. Times without a zone are read as UTC.
    """
    end = _utc(end) if end is not None else now
    if start is None:
        start = end - (
            timedelta(days=DEFAULT_DAYS) if size == BucketSize.DAY else timedelta(weeks=DEFAULT_WEEKS)
        )
    start = _utc(start)
    if end <= start:
        raise BadInput("`to` must be later than `from`.")
    try:
        buckets = bucket_range(start, end, size)
    except ValueError:
        unit = "days" if size == BucketSize.DAY else "weeks"
        raise BadInput(f"The period spans more than {MAX_BUCKETS} {unit}; choose a shorter one.") from None
    return _midnight(buckets[0].start), _midnight(buckets[-1].end)


async def contribution(
    db: Database,
    subject: Subject,
    start: datetime,
    end: datetime,
    size: BucketSize,
    *,
    request_refresh: RefreshRequest,
    providers: Iterable[ActivityProvider] = PROVIDERS,
) -> ContributionView:
    """Users x buckets of the subject's contributions during [start, end) (see `period`)."""
    freshness = await _bring_up_to_date(db, subject.scope.case_ids, request_refresh)
    async with db.sessions() as session:
        events = await activity(session, subject.scope, start, end, list(providers))
        heatmap = contribution_heatmap(start=start, end=end, size=size, events=events)
        people = await _people(session, heatmap.users)
    return ContributionView(subject, heatmap, people, freshness)


async def sections(db: Database, subject: Subject, *, request_refresh: RefreshRequest) -> SectionView:
    """Users x sections of the case document, counting each author's surviving characters."""
    if subject.kind != "case":
        raise BadInput("Section heatmaps are drawn for one case, not for a team.")
    freshness = await _bring_up_to_date(db, subject.scope.case_ids, request_refresh)
    async with db.sessions() as session:
        stored = await heatmap_store.stored_sections(session, subject.id)
        heatmap = stored.heatmap if stored is not None else SectionHeatmap((), ())
        people = await _people(session, heatmap.authors)
    return SectionView(subject, heatmap, people, freshness)


async def _bring_up_to_date(
    db: Database, case_ids: tuple[str, ...], request_refresh: RefreshRequest
) -> Freshness:
    async with db.sessions() as session:
        progress = await heatmap_store.progress(session, case_ids)
    stale = False
    for case_id, (held, read) in progress.items():
        if read is None and held:
            await heatmap_store.refresh(db, case_id)
        elif read is not None and held > read:
            stale = True
            request_refresh(case_id)
    async with db.sessions() as session:
        times = (
            await session.scalars(select(HeatmapState.computed_at).where(HeatmapState.case_id.in_(case_ids)))
        ).all()
    return Freshness(min(times) if times else None, stale)


async def _people(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, User]:
    ids = list(user_ids)
    if not ids:
        return {}
    return {user.id: user for user in await session.scalars(select(User).where(User.id.in_(ids)))}


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)
