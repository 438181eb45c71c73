"""Effective access: memberships and the policies that apply now, with why; expiry needs no job."""

from datetime import timedelta

from server.domain.access import effective, policies, regions
from server.domain.access.effective import Because
from server.infra.db import Database
from server.models import AccessView, CaseAccess, PolicyScope, User, UserRole
from server.models.base import utcnow
from tests.support.people import make_user, user_of


async def _policy(db: Database, admin: User, **fields: object) -> str:
    data = {
        "name": "华南主管只读",
        "scope": PolicyScope.REGION_CASES,
        "case_access": CaseAccess.VIEWER,
        "views": [AccessView.CASES, AccessView.HEATMAPS],
        **fields,
    }
    async with db.transaction() as session:
        return (await policies.create_policy(session, admin, policies.PolicyInput(**data))).id  # type: ignore[arg-type]


async def test_policies_apply_by_role_or_by_name_inside_their_window(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    director = await make_user(db, "director@a.com")
    rd = await make_user(db, "rd@a.com", role=UserRole.RD)
    foreign_admin = await make_user(db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    async with db.transaction() as session:
        await regions.set_team_regions(session, admin, ["华南", "华东"])
        await regions.set_regions(
            session, await session.get_one(User, director.id), ["华南", "华东"], actor_id=None
        )
    now = utcnow()
    by_name = await _policy(db, admin, user_ids=[director.id], valid_until=now + timedelta(hours=1))
    by_role = await _policy(
        db,
        admin,
        name="R&D team pain points",
        roles=[UserRole.RD],
        scope=PolicyScope.TEAM_CASES,
        case_access=CaseAccess.NONE,
        views=[AccessView.PAIN_POINTS],
    )
    later = await _policy(db, admin, name="later", user_ids=[director.id], valid_from=now + timedelta(days=1))
    # Another team's policy for the same role never reaches this team.
    await _policy(db, foreign_admin, name="B members", roles=[UserRole.RD, UserRole.MEMBER])

    director = await user_of(db, director.id)
    async with db.sessions() as session:
        now_access = await effective.access_of(session, director, now)
        in_two_hours = await effective.access_of(session, director, now + timedelta(hours=2))
        tomorrow = await effective.access_of(session, director, now + timedelta(days=1, hours=1))
        rd_access = await effective.access_of(session, await user_of(db, rd.id), now)
    assert [(g.policy_id, g.because) for g in now_access.grants] == [(by_name, Because.PERSON)]
    assert now_access.regions == ("华南", "华东")
    assert now_access.viewer_regions == ("华南", "华东")
    assert not now_access.viewer_everywhere
    assert now_access.ends_at == now + timedelta(hours=1)
    # validUntil ends it by itself; validFrom starts one.
    assert in_two_hours.grants == ()
    assert in_two_hours.viewer_regions == ()
    assert [g.policy_id for g in tomorrow.grants] == [later]
    assert [(g.policy_id, g.because) for g in rd_access.grants] == [(by_role, Because.ROLE)]
    assert rd_access.viewer_regions == ()
