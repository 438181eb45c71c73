"""HR's anomaly report finds a pair who award each other, and not colleagues who work normally."""

from datetime import timedelta

import pytest

from server.domain.errors import BadInput, Forbidden
from server.domain.points import anomalies, awards
from server.domain.points.awards import AwardRequest
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import User, UserRole
from server.models.base import utcnow
from tests.domain.points.helpers import user


async def _award(db: Database, *requests: AwardRequest) -> None:
    async with db.transaction() as session:
        await awards.award_many(session, list(requests))


async def _report(db: Database, viewer: User) -> anomalies.AnomalyReport:
    async with db.sessions() as session:
        return await anomalies.point_anomalies(session, viewer, first=10)


async def _normal_team(db: Database, team: str) -> tuple[User, User, list[User]]:
    """An R&D person, a lead and five members working normally: adoptions, resolved threads, one order."""
    rd = await user(db, f"rd@{team}.cn", role=UserRole.RD, team=team, name="陈静")
    lead = await user(db, f"lead@{team}.cn", team=team, name="张伟")
    names = ["李娜", "王强", "赵敏", "刘洋", "孙丽"]
    members = [await user(db, f"m{i}@{team}.cn", team=team, name=name) for i, name in enumerate(names)]
    for member in members:
        await _award(
            db,
            awards.pain_point_adopted(new_id(), member.id, adopted_by=rd.id),
            awards.comment_resolved(new_id(), member.id, resolved_by=lead.id),
            awards.comment_resolved(new_id(), lead.id, resolved_by=member.id),
        )
    # The lead records a big order crediting three of 王强's pain points: a lot, but one way only.
    await _award(db, *(awards.order_won(new_id(), new_id(), members[1].id, lead.id) for _ in range(3)))
    return rd, lead, members


async def test_a_planted_pair_is_reported_and_normal_colleagues_are_not(db: Database) -> None:
    hr = await user(db, "hr@east.cn", role=UserRole.HR, team="east", name="王芳")
    _, _, members = await _normal_team(db, "east")
    zhou = await user(db, "zhou.jie@east.cn", role=UserRole.RD, team="east", name="周杰")
    wu = await user(db, "wu.min@east.cn", team="east", name="吴敏")
    for _ in range(6):  # 周杰 adopts 吴敏's pain points, 吴敏 records orders crediting 周杰's
        await _award(
            db,
            awards.pain_point_adopted(new_id(), wu.id, adopted_by=zhou.id),
            awards.order_won(new_id(), new_id(), zhou.id, recorded_by=wu.id),
        )
    report = await _report(db, hr)
    assert [(pair.a.id, pair.b.id) for pair in report.pairs] == [tuple(sorted((zhou.id, wu.id)))]
    (pair,) = report.pairs
    figures = {pair.a.id: (pair.a_from_b, pair.a_awards), pair.b.id: (pair.b_from_a, pair.b_awards)}
    assert figures == {wu.id: (60, 6), zhou.id: (180, 6)}  # 吴敏 capped at 60 a day: 2 zero entries
    assert pair.total == 240
    # 11 pairs: 5 member-R&D (15 each), 5 member-lead (4 each, 94 with 王强's order), the planted one.
    assert (report.pairs_seen, report.median_pair_points) == (11, 15.0)
    assert pair.others_median == 15.0  # so the bar is 5 x 15 = 75 points
    assert all(member.id not in (pair.a.id, pair.b.id) for member in members)


async def test_the_report_is_for_hr_of_the_team_only(db: Database) -> None:
    hr = await user(db, "hr@east.cn", role=UserRole.HR, team="east", name="王芳")
    admin = await user(db, "admin@east.cn", role=UserRole.ADMIN, team="east", name="管理员")
    await _normal_team(db, "east")
    # A planted pair in another team is that team's HR's business.
    zhou = await user(db, "zhou.jie@north.cn", role=UserRole.RD, team="north", name="周杰")
    wu = await user(db, "wu.min@north.cn", team="north", name="吴敏")
    north_hr = await user(db, "hr@north.cn", role=UserRole.HR, team="north", name="黄磊")
    for _ in range(6):
        await _award(
            db,
            awards.pain_point_adopted(new_id(), wu.id, adopted_by=zhou.id),
            awards.order_won(new_id(), new_id(), zhou.id, recorded_by=wu.id),
        )
    assert (await _report(db, hr)).pairs == []
    assert (await _report(db, admin)).pairs == []
    # Alone in their team, the pair is judged by the floor (100 points) alone.
    assert len((await _report(db, north_hr)).pairs) == 1
    for role in (UserRole.MEMBER, UserRole.RD, UserRole.LEGAL):
        person = await user(db, f"{role.value}.x@east.cn", role=role, team="east")
        with pytest.raises(Forbidden):
            await _report(db, person)
    async with db.sessions() as session:
        with pytest.raises(BadInput):
            await anomalies.point_anomalies(session, hr, since=utcnow() + timedelta(days=1))
        later = await anomalies.point_anomalies(session, north_hr, since=utcnow())
    assert (later.pairs, later.pairs_seen) == ([], 0)
