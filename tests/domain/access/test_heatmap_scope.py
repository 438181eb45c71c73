"""The team heatmap covers the cases a person's policies reach through the HEATMAPS view, and no more."""

import pytest
from sqlalchemy import select

from server.domain.errors import NotFound
from server.domain.heatmaps import reads as heatmaps
from server.infra.db import Database
from server.models import User
from tests.support.access import build


async def test_the_team_heatmap_covers_what_the_policies_reach(db: Database) -> None:
    world = await build(db)
    cases = world.cases
    expected = {
        # the director's policy has HEATMAPS over 华南 and 华东
        "director": {cases["south"], cases["east"]},
        # their own case, and 华南 through the HEATMAPS view (its activity of the last 30 days only)
        "agent": {cases["east"], cases["south"]},
        "member": {cases["emea"]},
        # the auditor's policy opens every case but has no HEATMAPS view: nothing beyond memberships
        "auditor": set(),
        "owner": set(cases.values()),
        # admins see the whole team, as before policies
        "admin": set(cases.values()),
    }
    async with db.sessions() as session:
        team_id = (await session.get_one(User, world.people["owner"].id)).team_id
        assert team_id is not None
        for name, wanted in expected.items():
            user = await session.get_one(User, world.people[name].id)
            subject = await heatmaps.team_subject(session, team_id, user)
            assert set(subject.scope.case_ids) == wanted, name
            assert world.foreign_case not in subject.scope.case_ids
            limited = {case_id for case_id, _ in subject.scope.since}
            assert limited == ({cases["south"]} if name == "agent" else set()), name
        other = await session.scalar(select(User.team_id).where(User.email == "admin@b.com"))
        assert other is not None
        assert other != team_id
        director = await session.get_one(User, world.people["director"].id)
        with pytest.raises(NotFound):
            await heatmaps.team_subject(session, other, director)
