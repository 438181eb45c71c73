"""HR's anomaly report: pairs of colleagues who award each other far more than the team's pairs do.

Points for adoptions, orders won and resolved threads are granted by someone else: the ledger entry's
`actor_id` is the adopter, the order's recorder or the resolver, `user_id` the earner. Two people who keep
granting each other those points (A adopts B's pain points, B records orders crediting A's) form a pair.

The rule: over the entries since `since` (default 30 days), each unordered pair of teammates gets a total,
the points A earned through B's decisions plus those B earned through A's. A pair is reported when both
directions are non-zero (they award each other), the total is at least FLOOR points, and it is more than
FACTOR times the median total of the team's other pairs with any such points (0 when there are none, so
in a team where only they award anyone the floor decides). Entries written at zero by a cap count as
awards (the attempts show) but add no points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.errors import BadInput
from server.domain.pagination import check_first
from server.domain.points.access import require_hr, require_team
from server.models import EARNING_ACTIONS, PointEntry, User
from server.models.base import utcnow

FACTOR = 5
FLOOR = 100
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class PairAnomaly:
    a: User
    b: User
    a_from_b: int  # points `a` earned through `b`'s decisions
    b_from_a: int
    a_awards: int  # entries `b` granted `a` (capped ones included)
    b_awards: int
    others_median: float  # the median total of the team's other pairs

    @property
    def total(self) -> int:
        return self.a_from_b + self.b_from_a


@dataclass(frozen=True)
class AnomalyReport:
    team_id: str
    since: datetime
    pairs_seen: int
    median_pair_points: float  # of all the team's pairs
    factor: int
    floor: int
    pairs: list[PairAnomaly]


async def _flows(
    session: AsyncSession, team_id: str, since: datetime
) -> dict[tuple[str, str], tuple[int, int]]:
    """(earner, granter) -> (points, awards) for the team's earnings granted by a teammate."""
    earner, granter = aliased(User), aliased(User)
    rows = await session.execute(
        select(PointEntry.user_id, PointEntry.actor_id, func.sum(PointEntry.delta), func.count())
        .join(earner, earner.id == PointEntry.user_id)
        .join(granter, granter.id == PointEntry.actor_id)
        .where(
            earner.team_id == team_id,
            granter.team_id == team_id,
            PointEntry.actor_id != PointEntry.user_id,
            PointEntry.action.in_(EARNING_ACTIONS),
            PointEntry.reverses_id.is_(None),
            PointEntry.delta >= 0,
            PointEntry.created_at >= since,
        )
        .group_by(PointEntry.user_id, PointEntry.actor_id)
    )
    return {
        (user_id, str(actor_id)): (int(points), int(count)) for user_id, actor_id, points, count in rows.all()
    }


async def point_anomalies(
    session: AsyncSession, viewer: User, *, since: datetime | None = None, first: int = 20
) -> AnomalyReport:
    """The pairs of the viewer's team who award each other far above the team's median (HR or admin)."""
    require_hr(viewer, "read the points anomaly report")
    team_id = require_team(viewer)
    first = check_first(first)
    now = utcnow()
    since = since or now - timedelta(days=DEFAULT_DAYS)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if since > now:
        raise BadInput("`since` is in the future; give a time in the past.")
    flows = await _flows(session, team_id, since)
    pairs: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for (earner, granter), _ in flows.items():
        a, b = sorted((earner, granter))
        ab, ab_n = flows.get((a, b), (0, 0))
        ba, ba_n = flows.get((b, a), (0, 0))
        pairs[(a, b)] = (ab, ba, ab_n, ba_n)
    totals = sorted(ab + ba for ab, ba, _, _ in pairs.values())
    flagged: list[tuple[tuple[str, str], tuple[int, int, int, int], float]] = []
    for key, (ab, ba, ab_n, ba_n) in pairs.items():
        if ab > 0 and ba > 0 and ab + ba >= FLOOR:
            others = list(totals)
            others.remove(ab + ba)
            middle = float(median(others)) if others else 0.0
            if ab + ba > FACTOR * middle:
                flagged.append((key, (ab, ba, ab_n, ba_n), middle))
    flagged.sort(key=lambda item: (-(item[1][0] + item[1][1]), item[0]))
    flagged = flagged[:first]
    people_ids = {person for (a, b), _, _ in flagged for person in (a, b)}
    people = (
        {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(people_ids)))).all()}
        if people_ids
        else {}
    )
    return AnomalyReport(
        team_id=team_id,
        since=since,
        pairs_seen=len(pairs),
        median_pair_points=float(median(totals)) if totals else 0.0,
        factor=FACTOR,
        floor=FLOOR,
        pairs=[
            PairAnomaly(people[a], people[b], ab, ba, ab_n, ba_n, middle)
            for (a, b), (ab, ba, ab_n, ba_n), middle in flagged
        ],
    )
