from decimal import Decimal

import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import orders
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import ApprovalStatus, AuditEvent, CaseRole, PainPoint, PainPointStatus, User
from tests.domain.points.helpers import user
from tests.support.people import case_with


async def test_an_order_without_pain_points_is_recorded_and_audited(db: Database) -> None:
    owner = await user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with db.transaction() as session:
        recorded = await orders.record_order_won(
            session, owner, case_id=case_id, amount=Decimal("125000.50"), pain_point_ids=[], reference="SO-1"
        )
    assert (recorded.created, recorded.order.status, recorded.order.amount) == (
        True,
        ApprovalStatus.PENDING,
        Decimal("125000.50"),
    )
    async with db.transaction() as session:
        again = await orders.record_order_won(
            session, owner, case_id=case_id, amount=Decimal("125000.5"), pain_point_ids=[], reference=" SO-1 "
        )
    assert (again.created, again.order.id) == (False, recorded.order.id)
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await orders.record_order_won(
                session, owner, case_id=case_id, amount=Decimal("1"), pain_point_ids=[], reference="SO-1"
            )
    async with db.sessions() as session:
        audited = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "points.order_won_recorded"))
        ).all()
    assert [e.data["amount"] for e in audited] == ["125000.50"]


async def _pain_point(db: Database, case_id: str, author: User, status: PainPointStatus) -> str:
    async with db.transaction() as session:
        row = PainPoint(
            case_id=case_id,
            team_id=author.team_id,
            author_id=author.id,
            text="Checkout times out",
            normalized_text="Checkout times out",
            customer="ACME",
            status=status,
        )
        session.add(row)
    return row.id


async def test_only_creditable_pain_points_of_the_case_are_credited(db: Database) -> None:
    owner = await user(db, "owner@a.com")
    editor = await user(db, "editor@a.com")
    case_id = await case_with(db, owner, (editor, CaseRole.EDITOR))
    other_case = await case_with(db, owner)
    credited = await _pain_point(db, case_id, editor, PainPointStatus.SUBMITTED)
    refused = [
        await _pain_point(db, case_id, editor, PainPointStatus.DUPLICATE),
        await _pain_point(db, case_id, editor, PainPointStatus.REJECTED),
        await _pain_point(db, other_case, editor, PainPointStatus.SUBMITTED),
        new_id(),
    ]
    for pain_point_id in refused:
        async with db.transaction() as session:
            with pytest.raises(BadInput, match="Not creditable"):
                await orders.record_order_won(
                    session,
                    owner,
                    case_id=case_id,
                    amount=Decimal(10),
                    pain_point_ids=[pain_point_id],
                    reference="SO-2",
                )
    async with db.transaction() as session:
        recorded = await orders.record_order_won(
            session, owner, case_id=case_id, amount=Decimal(10), pain_point_ids=[credited], reference="SO-2"
        )
    async with db.sessions() as session:
        assert await orders.credited_authors(session, recorded.order.id) == {credited: editor.id}


@pytest.mark.parametrize(
    ("amount", "ids", "reference"),
    [
        (Decimal(0), [], "SO-3"),
        (Decimal("-1"), [], "SO-3"),
        (Decimal("1.005"), [], "SO-3"),
        (Decimal("NaN"), [], "SO-3"),
        (Decimal(1), ["x"], "SO-3"),
        (Decimal(1), [], "   "),  # the order number is required
        (Decimal(1), [], "订" * 101),
    ],
)
async def test_bad_orders_are_refused(db: Database, amount: Decimal, ids: list[str], reference: str) -> None:
    owner = await user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with db.transaction() as session:
        with pytest.raises(BadInput):
            await orders.record_order_won(
                session, owner, case_id=case_id, amount=amount, pain_point_ids=ids, reference=reference
            )


async def test_only_the_case_owner_records_orders(db: Database) -> None:
    owner = await user(db, "owner@a.com")
    editor = await user(db, "editor@a.com")
    stranger = await user(db, "stranger@a.com")
    case_id = await case_with(db, owner, (editor, CaseRole.EDITOR))
    for who, error in ((editor, Forbidden), (stranger, NotFound)):
        async with db.transaction() as session:
            with pytest.raises(error):
                await orders.record_order_won(
                    session, who, case_id=case_id, amount=Decimal(1), pain_point_ids=[], reference="SO-4"
                )


def test_order_awards_credit_each_author_once_per_order() -> None:
    requests = orders.order_awards("o1", "owner", {"p2": "ben", "p1": "ana"})
    assert [(r.user_id, r.subject, r.key, r.actor_id) for r in requests] == [
        ("ana", "pain_point:p1", "ORDER_WON:order:o1:pain_point:p1", "owner"),
        ("ben", "pain_point:p2", "ORDER_WON:order:o1:pain_point:p2", "owner"),
    ]
