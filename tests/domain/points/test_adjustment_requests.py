"""Adjustments above the threshold wait for a second HR person who is neither requester nor adjusted."""

import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import adjustment_requests, adjustments
from server.infra.config import ConfigError, Settings
from server.infra.db import Database
from server.models import AdjustmentRequest, ApprovalStatus, AuditEvent, User, UserRole
from tests.domain.points.helpers import balance, user


async def _adjust(
    db: Database, actor: User, target: User, delta: int, **options: object
) -> adjustments.Adjustment:
    async with db.transaction() as session:
        return await adjustments.adjust(
            session,
            actor,
            user_id=target.id,
            delta=delta,
            reason="季度奖励",
            **options,  # type: ignore[arg-type]
        )


async def _approve(db: Database, approver: User, request_id: str) -> adjustment_requests.Decided:
    async with db.transaction() as session:
        return await adjustment_requests.approve_adjustment(session, approver, request_id)


async def test_two_hr_people_get_nothing_from_each_other_until_a_third_approves(db: Database) -> None:
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    liu = await user(db, "liuyang@a.com", name="刘洋", role=UserRole.HR)
    sun = await user(db, "sunli@a.com", name="孙丽", role=UserRole.ADMIN)
    for_liu = (await _adjust(db, wang, liu, 5000)).request
    for_wang = (await _adjust(db, liu, wang, 5000)).request
    assert for_liu is not None
    assert for_wang is not None
    assert (for_liu.status, await balance(db, liu.id), await balance(db, wang.id)) == (
        ApprovalStatus.PENDING,
        0,
        0,
    )
    # Neither the requester nor the person adjusted may approve.
    for who, request in ((wang, for_liu), (liu, for_liu), (liu, for_wang), (wang, for_wang)):
        async with db.transaction() as session:
            with pytest.raises(Forbidden):
                await adjustment_requests.approve_adjustment(session, who, request.id)
    assert (await balance(db, liu.id), await balance(db, wang.id)) == (0, 0)
    decided = await _approve(db, sun, for_liu.id)
    assert decided.entry is not None
    assert decided.entry.balance_after == 5000
    assert (decided.entry.actor_id, decided.request.decided_by) == (wang.id, sun.id)
    async with db.transaction() as session:
        rejected = await adjustment_requests.reject_adjustment(session, sun, for_wang.id, "没有依据")
    assert (rejected.request.status, rejected.entry) == (ApprovalStatus.REJECTED, None)
    assert (await balance(db, liu.id), await balance(db, wang.id)) == (5000, 0)
    for request_id in (for_liu.id, for_wang.id):
        async with db.transaction() as session:
            with pytest.raises(Conflict):
                await adjustment_requests.approve_adjustment(session, sun, request_id)
    async with db.sessions() as session:
        actions = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("points.adjust%")))
        ).all()
    assert sorted(actions) == [
        "points.adjustment_approved",
        "points.adjustment_rejected",
        "points.adjustment_requested",
        "points.adjustment_requested",
    ]


async def test_at_or_below_the_threshold_an_adjustment_applies_at_once(db: Database) -> None:
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    done = await _adjust(db, wang, zhang, 500)
    assert (done.request, await balance(db, zhang.id)) == (None, 500)
    done = await _adjust(db, wang, zhang, -500)
    assert (done.request, await balance(db, zhang.id)) == (None, 0)
    assert (await _adjust(db, wang, zhang, -501)).request is not None
    # The threshold is a setting: 0 sends every adjustment to a second approver.
    assert (await _adjust(db, wang, zhang, 1, approval_above=0)).request is not None
    assert await balance(db, zhang.id) == 0


async def test_nobody_adjusts_their_own_points(db: Database) -> None:
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    for delta in (10, 5000):
        async with db.transaction() as session:
            with pytest.raises(Forbidden, match="your own"):
                await adjustments.adjust(session, wang, user_id=wang.id, delta=delta, reason="给自己")
    async with db.sessions() as session:
        assert (await session.scalars(select(AdjustmentRequest))).all() == []


async def test_a_repeated_key_files_one_request(db: Database) -> None:
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    first = await _adjust(db, wang, zhang, 800, idempotency_key="q4-bonus")
    again = await _adjust(db, wang, zhang, 800, idempotency_key="q4-bonus")
    assert first.request is not None
    assert again.request is not None
    assert again.request.id == first.request.id
    for delta in (900, 8):
        async with db.transaction() as session:
            with pytest.raises(Conflict):
                await adjustments.adjust(
                    session,
                    wang,
                    user_id=zhang.id,
                    delta=delta,
                    reason="季度奖励",
                    idempotency_key="q4-bonus",
                )


async def test_only_hr_of_the_team_sees_and_decides_requests(db: Database) -> None:
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    chen = await user(db, "chenjing@a.com", name="陈静", role=UserRole.FINANCE)
    zhao = await user(db, "zhao@b.com", name="赵强", role=UserRole.HR, team="Team B")
    request = (await _adjust(db, wang, zhang, 2000)).request
    assert request is not None
    async with db.transaction() as session:
        for who in (zhang, chen):  # finance approves orders, not adjustments
            with pytest.raises(Forbidden):
                await adjustment_requests.approve_adjustment(session, who, request.id)
            with pytest.raises(Forbidden):
                await adjustment_requests.pending_adjustments(session, who, first=10, after=None)
        with pytest.raises(NotFound):
            await adjustment_requests.approve_adjustment(session, zhao, request.id)
        with pytest.raises(BadInput):
            await adjustment_requests.reject_adjustment(session, wang, request.id, "   ")
    async with db.sessions() as session:
        mine = await adjustment_requests.pending_adjustments(session, wang, first=10, after=None)
        theirs = await adjustment_requests.pending_adjustments(session, zhao, first=10, after=None)
    assert ([r.id for r in mine.items], theirs.items) == ([request.id], [])
    # The requester may withdraw their own request.
    async with db.transaction() as session:
        withdrawn = await adjustment_requests.reject_adjustment(session, wang, request.id, "金额填错了")
    assert withdrawn.request.status is ApprovalStatus.REJECTED


def test_the_threshold_setting() -> None:
    assert adjustment_requests.approval_above(Settings()) == 500
    settings = Settings(extra={"WARROOM_ADJUSTMENT_APPROVAL_ABOVE": "2000"})
    assert adjustment_requests.approval_above(settings) == 2000
    with pytest.raises(ConfigError):
        adjustment_requests.approval_above(Settings(extra={"WARROOM_ADJUSTMENT_APPROVAL_ABOVE": "-1"}))
