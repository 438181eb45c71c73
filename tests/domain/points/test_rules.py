import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Forbidden
from server.domain.points import rules
from server.domain.points.rules import RuleChange
from server.infra.db import Database
from server.models import AuditEvent, PointAction, UserRole
from tests.domain.points.helpers import user
from tests.support.audit import chain_intact


async def test_a_new_team_gets_the_default_rules(db: Database) -> None:
    person = await user(db, "wang.fang@a.com", team="华东销售部")
    assert person.team_id is not None
    async with db.sessions() as session:
        seeded = [
            (r.action, r.points, r.daily_cap, r.monthly_cap, r.active)
            for r in await rules.list_rules(session, person.team_id)
        ]
    assert seeded == [
        (PointAction.PAIN_POINT_ACCEPTED, 5, 50, 500, True),
        (PointAction.PAIN_POINT_ADOPTED, 15, 60, 300, True),
        (PointAction.ORDER_WON, 30, 300, 1500, True),
        (PointAction.COMMENT_RESOLVED, 2, 10, 100, True),
        (PointAction.SNAPSHOT_NAMED, 1, 3, 30, True),
        (PointAction.ASSET_REUSED, 3, 30, 300, True),
        (PointAction.ASSET_SUBSCRIBED, 1, 10, 100, True),
    ]


async def test_hr_of_one_team_changes_only_their_teams_rules(db: Database) -> None:
    east_hr = await user(db, "li.na@a.com", role=UserRole.HR, team="华东销售部")
    north = await user(db, "zhang.wei@a.com", team="华北销售部")
    assert north.team_id is not None
    assert east_hr.team_id is not None
    async with db.transaction() as session:
        await rules.update_rule(
            session, east_hr, PointAction.PAIN_POINT_ADOPTED, RuleChange(points=20, monthly_cap=None)
        )
    async with db.sessions() as session:
        east = {r.action: r for r in await rules.list_rules(session, east_hr.team_id)}
        north_rules = {r.action: r for r in await rules.list_rules(session, north.team_id)}
    adopted = PointAction.PAIN_POINT_ADOPTED
    assert (east[adopted].points, east[adopted].monthly_cap) == (20, None)
    assert (north_rules[adopted].points, north_rules[adopted].monthly_cap) == (15, 300)


async def test_hr_changes_a_rule_and_the_change_is_audited(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    async with db.transaction() as session:
        rule = await rules.update_rule(
            session,
            hr,
            PointAction.ORDER_WON,
            RuleChange(points=40, daily_cap=200, monthly_cap=1000, active=False),
        )
    assert (rule.points, rule.daily_cap, rule.monthly_cap, rule.active, rule.updated_by) == (
        40,
        200,
        1000,
        False,
        hr.id,
    )
    async with db.transaction() as session:
        rule = await rules.update_rule(session, hr, PointAction.ORDER_WON, RuleChange(daily_cap=None))
    assert (rule.points, rule.daily_cap, rule.monthly_cap, rule.active) == (40, None, 1000, False)
    async with db.sessions() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "points.rule_updated"))
        ).all()
        assert [e.data for e in events] == [
            {
                "team_id": hr.team_id,
                "before": {"points": 30, "daily_cap": 300, "monthly_cap": 1500, "active": True},
                "after": {"points": 40, "daily_cap": 200, "monthly_cap": 1000, "active": False},
            },
            {
                "team_id": hr.team_id,
                "before": {"points": 40, "daily_cap": 200, "monthly_cap": 1000, "active": False},
                "after": {"points": 40, "daily_cap": None, "monthly_cap": 1000, "active": False},
            },
        ]
        assert await chain_intact(db)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (RuleChange(points=-1), BadInput),
        (RuleChange(points=10_001), BadInput),
        (RuleChange(daily_cap=4), BadInput),  # below the 5 points of one award
        (RuleChange(daily_cap=0), BadInput),
        (RuleChange(monthly_cap=0), BadInput),
        (RuleChange(monthly_cap=49), BadInput),  # below the daily cap of 50
    ],
)
async def test_bad_rule_values_are_refused(db: Database, change: RuleChange, error: type[Exception]) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.ADMIN)
    async with db.transaction() as session:
        with pytest.raises(error):
            await rules.update_rule(session, hr, PointAction.PAIN_POINT_ACCEPTED, change)


async def test_only_hr_or_admin_change_rules(db: Database) -> None:
    for role in (UserRole.MEMBER, UserRole.RD, UserRole.LEGAL):
        person = await user(db, f"{role.value}@a.com", role=role)
        async with db.transaction() as session:
            with pytest.raises(Forbidden):
                await rules.update_rule(session, person, PointAction.ORDER_WON, RuleChange(points=1))
    async with db.transaction() as session:
        with pytest.raises(BadInput):
            await rules.update_rule(
                session,
                await user(db, "hr@a.com", role=UserRole.HR),
                PointAction.ADJUSTMENT,
                RuleChange(points=1),
            )
