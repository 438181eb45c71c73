"""Orders won earn nothing until an approver of the team, neither recorder nor credited author, approves."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import order_approvals, orders
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.models import (
    ApprovalStatus,
    AuditEvent,
    CaseRole,
    Order,
    PainPoint,
    PainPointStatus,
    User,
    UserRole,
)
from tests.domain.points.helpers import balance, user
from tests.support.outbox import Followups
from tests.support.people import case_with

ORDER_WON = 30  # the default rule


async def _pain_point(db: Database, case_id: str, author: User) -> str:
    async with db.transaction() as session:
        row = PainPoint(
            case_id=case_id,
            team_id=author.team_id,
            author_id=author.id,
            text="结账页面超时",
            normalized_text="结账页面超时",
            customer="华润",
            status=PainPointStatus.SUBMITTED,
        )
        session.add(row)
    return row.id


async def _record(db: Database, owner: User, case_id: str, pains: list[str], reference: str) -> str:
    async with db.transaction() as session:
        recorded = await orders.record_order_won(
            session,
            owner,
            case_id=case_id,
            amount=Decimal("88000"),
            pain_point_ids=pains,
            reference=reference,
        )
    return recorded.order.id


async def _approve(db: Database, approver: User, order_id: str) -> order_approvals.OrderView:
    async with db.transaction() as session:
        return await order_approvals.approve_order(session, approver, order_id)


async def test_two_colleagues_cannot_mint_points_for_each_other(db: Database, settings: Settings) -> None:
    jobs = Followups(db, settings)
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    li = await user(db, "lina@a.com", name="李娜")
    wang = await user(db, "wangfang@a.com", name="王芳", role=UserRole.HR)
    chen = await user(db, "chenjing@a.com", name="陈静", role=UserRole.FINANCE)
    # Each owns a case where the other wrote a pain point, and records orders crediting the other.
    case_zhang = await case_with(db, zhang, (li, CaseRole.EDITOR), (wang, CaseRole.EDITOR))
    case_li = await case_with(db, li, (zhang, CaseRole.EDITOR))
    by_li = await _pain_point(db, case_zhang, li)
    by_wang = await _pain_point(db, case_zhang, wang)
    by_zhang = await _pain_point(db, case_li, zhang)
    for_li = [await _record(db, zhang, case_zhang, [by_li], f"SO-张-{n}") for n in range(3)]
    for_zhang = [await _record(db, li, case_li, [by_zhang], f"SO-李-{n}") for n in range(3)]
    await jobs.drain()
    assert (await balance(db, zhang.id), await balance(db, li.id)) == (0, 0)

    # Neither may approve: members are no approvers, and a recorder never approves their own order.
    for who, order_id in ((zhang, for_zhang[0]), (li, for_li[0]), (zhang, for_li[0])):
        async with db.transaction() as session:
            with pytest.raises(Forbidden):
                await order_approvals.approve_order(session, who, order_id)
    # Nor does an approver who owns a case and records an order there.
    case_chen = await case_with(db, chen, (li, CaseRole.EDITOR))
    by_chen_for_li = await _record(db, chen, case_chen, [await _pain_point(db, case_chen, li)], "SO-陈-1")
    async with db.transaction() as session:
        with pytest.raises(Forbidden, match="You recorded"):
            await order_approvals.approve_order(session, chen, by_chen_for_li)
    # An approver credited by the order cannot approve it either.
    crediting_wang = await _record(db, zhang, case_zhang, [by_li, by_wang], "SO-张-王")
    async with db.transaction() as session:
        with pytest.raises(Forbidden, match="credits your own"):
            await order_approvals.approve_order(session, wang, crediting_wang)
    await jobs.drain()
    assert (await balance(db, zhang.id), await balance(db, li.id), await balance(db, wang.id)) == (0, 0, 0)

    # Finance approves one order each way, HR rejects one: only the approved ones earn.
    assert len((await _approve(db, chen, for_li[0])).awards) == 1
    await _approve(db, wang, for_zhang[0])
    async with db.transaction() as session:
        rejected = await order_approvals.reject_order(session, chen, for_li[1], "  订单号在系统里查不到 ")
    assert (rejected.order.status, rejected.order.decision_note) == (
        ApprovalStatus.REJECTED,
        "订单号在系统里查不到",
    )
    await _approve(db, chen, crediting_wang)
    await jobs.drain()
    assert (await balance(db, zhang.id), await balance(db, li.id), await balance(db, wang.id)) == (
        ORDER_WON,
        2 * ORDER_WON,
        ORDER_WON,
    )
    # A decided order stays decided.
    for order_id in (for_li[0], for_li[1]):
        async with db.transaction() as session:
            with pytest.raises(Conflict):
                await order_approvals.approve_order(session, wang, order_id)
    async with db.sessions() as session:
        pending = await order_approvals.pending_orders(session, chen, first=10, after=None)
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like("points.order_won%"))
            )
        ).all()
    assert [view.order.id for view in pending.items] == [for_li[2], *for_zhang[1:], by_chen_for_li]
    assert (actions.count("points.order_won_recorded"), actions.count("points.order_won_approved")) == (8, 3)
    assert actions.count("points.order_won_rejected") == 1


async def test_an_order_number_is_recorded_and_awarded_once(db: Database, settings: Settings) -> None:
    jobs = Followups(db, settings)
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    li = await user(db, "lina@a.com", name="李娜")
    chen = await user(db, "chenjing@a.com", name="陈静", role=UserRole.FINANCE)
    case_id = await case_with(db, zhang, (li, CaseRole.EDITOR))
    other_case = await case_with(db, zhang)
    pain = await _pain_point(db, case_id, li)
    first = await _record(db, zhang, case_id, [pain], "PO-2026-001")
    assert await _record(db, zhang, case_id, [pain], " PO-2026-001 ") == first
    await _approve(db, chen, first)
    assert await _record(db, zhang, case_id, [pain], "PO-2026-001") == first  # answers, awards nothing
    # The number is the team's: another case of the team cannot reuse it.
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await orders.record_order_won(
                session,
                zhang,
                case_id=other_case,
                amount=Decimal("88000"),
                pain_point_ids=[],
                reference="PO-2026-001",
            )
    await jobs.drain()
    assert await balance(db, li.id) == ORDER_WON
    # Another team keeps its own numbers.
    zhao = await user(db, "zhao@b.com", name="赵强", team="Team B")
    assert await _record(db, zhao, await case_with(db, zhao), [], "PO-2026-001") != first


async def test_approvers_see_and_decide_only_their_teams_orders(db: Database) -> None:
    zhang = await user(db, "zhangwei@a.com", name="张伟")
    chen = await user(db, "chenjing@a.com", name="陈静", role=UserRole.FINANCE)
    zhao = await user(db, "zhao@b.com", name="赵强", role=UserRole.ADMIN, team="Team B")
    order_id = await _record(db, zhang, await case_with(db, zhang), [], "SO-1")
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await order_approvals.approve_order(session, zhao, order_id)
        with pytest.raises(NotFound):
            await order_approvals.reject_order(session, zhao, order_id, "不是我们的")
        with pytest.raises(NotFound):
            await order_approvals.approve_order(session, chen, "not-an-id")
        with pytest.raises(Forbidden):
            await order_approvals.pending_orders(session, zhang, first=10, after=None)
        with pytest.raises(BadInput):
            await order_approvals.reject_order(session, chen, order_id, "   ")
        assert (await order_approvals.pending_orders(session, zhao, first=10, after=None)).items == []


async def _until_one_waits_on_a_lock(db: Database) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        async with db.sessions() as session:
            if await session.scalar(waiting):
                return
        await asyncio.sleep(0.05)
    pytest.fail("the second transaction never waited on the first one's order number")


async def test_two_transactions_racing_with_one_order_number_record_one_order(postgres_url: str) -> None:
    db = Database(create_engine(postgres_url))
    try:
        zhang = await user(db, "zhangwei@a.com", name="张伟")
        case_id = await case_with(db, zhang)
        async with db.transaction() as session:
            first = await orders.record_order_won(
                session, zhang, case_id=case_id, amount=Decimal(5), pain_point_ids=[], reference="竞-1"
            )

            async def second() -> orders.RecordedOrder:
                async with db.transaction() as other:
                    return await orders.record_order_won(
                        other, zhang, case_id=case_id, amount=Decimal(5), pain_point_ids=[], reference="竞-1"
                    )

            # The second has read no order and waits on the unique index until the first commits.
            racing = asyncio.create_task(second())
            await _until_one_waits_on_a_lock(db)
            assert not racing.done()
        again = await racing
        assert (first.created, again.created, again.order.id) == (True, False, first.order.id)
        async with db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Order)) == 1
    finally:
        await db.dispose()
