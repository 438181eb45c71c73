import pytest
from sqlalchemy import select

from server.domain import audit
from server.domain.errors import BadInput, Forbidden
from server.domain.points import rules
from server.domain.points.rules import RuleChange
from server.infra.db import Database
from server.models import AuditEvent, PointAction, UserRole
from tests.domain.points.helpers import user


async def test_the_migration_seeds_the_default_rules(db: Database) -> None:
    async with db.sessions() as session:
        seeded = [(r.action, r.points, r.daily_cap, r.active) for r in await rules.list_rules(session)]
    assert seeded == [
        (PointAction.PAIN_POINT_ACCEPTED, 5, 50, True),
        (PointAction.PAIN_POINT_ADOPTED, 15, None, True),
        (PointAction.ORDER_WON, 30, None, True),
        (PointAction.COMMENT_RESOLVED, 2, 10, True),
        (PointAction.SNAPSHOT_NAMED, 1, 3, True),
    ]


async def test_hr_changes_a_rule_and_the_change_is_audited(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    async with db.transaction() as session:
        rule = await rules.update_rule(
            session, hr, PointAction.ORDER_WON, RuleChange(points=40, daily_cap=200, active=False)
        )
    assert (rule.points, rule.daily_cap, rule.active, rule.updated_by) == (40, 200, False, hr.id)
    async with db.transaction() as session:
        rule = await rules.update_rule(session, hr, PointAction.ORDER_WON, RuleChange(daily_cap=None))
    assert (rule.points, rule.daily_cap, rule.active) == (40, None, False)
    async with db.sessions() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "points.rule_updated"))
        ).all()
        assert [e.data for e in events] == [
            {
                "before": {"points": 30, "daily_cap": None, "active": True},
                "after": {"points": 40, "daily_cap": 200, "active": False},
            },
            {
                "before": {"points": 40, "daily_cap": 200, "active": False},
                "after": {"points": 40, "daily_cap": None, "active": False},
            },
        ]
        assert (await audit.verify(session)).ok


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (RuleChange(points=-1), BadInput),
        (RuleChange(points=10_001), BadInput),
        (RuleChange(daily_cap=4), BadInput),  # below the 5 points of one award
        (RuleChange(daily_cap=0), BadInput),
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
