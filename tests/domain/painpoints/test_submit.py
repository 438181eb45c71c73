"""Group commit of submissions: concurrent requests share encodes and transactions, and one request's
failure does not fail the others."""

import asyncio

import pytest
from sqlalchemy import func, select

from server.domain.cases import actions as cases
from server.domain.errors import Conflict
from server.domain.painpoints import actions as painpoints
from server.domain.painpoints.actions import Submission, SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.submit import Submissions
from server.infra.config import Settings
from server.infra.db import Database
from server.models import CaseRole, PainPoint, User
from tests.support.outbox import Followups
from tests.support.people import make_person

pytestmark = pytest.mark.model


async def _users(db: Database) -> tuple[User, User, str]:
    people = [await make_person(db, email) for email in ("ana@a.com", "ben@a.com")]
    async with db.transaction() as session:
        ana, ben = [await session.get(User, p.id) for p in people]
        assert ana is not None
        assert ben is not None
        case = await cases.create_case(session, ana, title="Case", customer="Contoso")
        await cases.add_member(session, ana, case_id=case.id, member_id=ben.id, role=CaseRole.EDITOR)
    return ana, ben, case.id


async def test_concurrent_requests_are_stored_in_groups_in_order(db: Database, settings: Settings) -> None:
    ana, ben, case_id = await _users(db)
    jobs = Followups(db, settings)
    submissions = Submissions(db, PainPointConfig.from_settings(settings))
    texts = [f"Order {i} was shipped to the old warehouse address" for i in range(20)]
    results = await asyncio.gather(
        *(
            submissions.submit(
                ana if i % 2 else ben, [SubmissionInput(case_id, text), SubmissionInput(case_id, "??")]
            )
            for i, text in enumerate(texts)
        )
    )
    await jobs.drain()
    for text, (accepted, refused) in zip(texts, results, strict=True):
        assert accepted.pain_point is not None
        assert accepted.pain_point.normalized_text == text
        assert refused.ticket is not None
        assert refused.ticket.original_text == "??"
    assert submissions.groups < len(texts)


async def test_a_failing_request_does_not_fail_the_rest_of_its_group(
    db: Database, settings: Settings
) -> None:
    ana, _, case_id = await _users(db)
    jobs = Followups(db, settings)
    submissions = Submissions(db, PainPointConfig.from_settings(settings))
    (refused,) = await submissions.submit(ana, [SubmissionInput(case_id, "asdf")])
    assert refused.ticket is not None
    config = PainPointConfig.from_settings(settings)
    async with db.sessions() as session:
        # Both checked before either is stored, then queued together: one group, one failing member.
        plans = [
            [
                await painpoints.plan_resubmission(
                    session, ana, refused.ticket.id, "Scanner update bricks it", config
                )
            ]
            for _ in range(2)
        ]
        plans.append(
            await painpoints.plan(session, ana, [SubmissionInput(case_id, "Printer skips labels")], config)
        )
    outcomes = await asyncio.gather(
        *(submissions.store(Submission(ana, planned)) for planned in plans), return_exceptions=True
    )
    await jobs.drain()
    assert submissions.groups == 3  # the group failed; its members were stored one by one
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    assert not any(isinstance(o, Exception) and not isinstance(o, Conflict) for o in outcomes)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PainPoint)) == 2
