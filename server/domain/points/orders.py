"""Orders won on a case: the pain points that helped earn their authors ORDER_WON, once per approved order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.cases.actions import require_role
from server.domain.errors import BadInput, Conflict, Reason
from server.domain.points import awards
from server.domain.points.access import require_team
from server.domain.points.awards import AwardRequest
from server.domain.points.changes import clean_text
from server.infra.ids import is_id
from server.models import Base, CaseRole, Order, OrderPainPoint, User

MAX_AMOUNT = Decimal("9999999999999999.99")
MAX_PAIN_POINTS = 100
MAX_REFERENCE = 100
# Statuses of a pain point that cannot be credited with an order.
_NOT_CREDITABLE = frozenset({"rejected", "duplicate", "deleted"})


async def pain_point_authors(
    session: AsyncSession, case_id: str, pain_point_ids: Sequence[str]
) -> dict[str, str]:
    """The author of each pain point, refusing ids that are not creditable pain points of this case.

    The one place that knows the pain-point table (built on the clustering branch). It reads the table
    by name, with the columns DESIGN.md gives it (id, case_id, author_id, status); until that table
    exists no id can be checked, so every id is refused.
    """
    if not pain_point_ids:
        return {}
    table = Base.metadata.tables.get("pain_points")
    if table is None:
        raise BadInput("Pain points cannot be credited with an order yet: this server keeps no pain points.")
    rows = await session.execute(
        select(table.c.id, table.c.author_id, table.c.status).where(
            table.c.id.in_(list(pain_point_ids)), table.c.case_id == case_id
        )
    )
    authors = {
        pain_id: author_id
        for pain_id, author_id, status in rows.all()
        if str(getattr(status, "value", status)) not in _NOT_CREDITABLE and author_id is not None
    }
    refused = [pain_id for pain_id in pain_point_ids if pain_id not in authors]
    if refused:
        raise BadInput(f"Not creditable pain points of this case: {', '.join(refused)}.")
    return authors


@dataclass(frozen=True)
class RecordedOrder:
    order: Order
    pain_point_ids: list[str]
    created: bool  # False: the reference was recorded before and this is that order


def _amount(value: Decimal) -> Decimal:
    try:
        exact = value.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise BadInput("The amount must be a number.") from None
    if exact != value or not Decimal(0) < exact <= MAX_AMOUNT:
        raise BadInput("The amount must be positive, with at most two decimals.")
    return exact


def _pain_point_ids(ids: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_PAIN_POINTS:
        raise BadInput(f"An order credits at most {MAX_PAIN_POINTS} pain points.")
    bad = [pain_id for pain_id in unique if not is_id(pain_id)]
    if bad:
        raise BadInput(f"Not pain point ids: {', '.join(bad[:5])}.")
    return unique


def order_awards(order_id: str, recorded_by: str, authors: Mapping[str, str]) -> list[AwardRequest]:
    """ORDER_WON for the author of each credited pain point, keyed by order and pain point."""
    return [
        awards.order_won(order_id, pain_id, author_id, recorded_by)
        for pain_id, author_id in sorted(authors.items())
    ]


async def credited_authors(session: AsyncSession, order_id: str) -> dict[str, str]:
    """The author of each pain point an order credits, by pain point id."""
    links = select(OrderPainPoint.pain_point_id, OrderPainPoint.author_id)
    rows = await session.execute(links.where(OrderPainPoint.order_id == order_id))
    return dict(rows.all())


def _reference(reference: str) -> str:
    ref = clean_text(reference, limit=MAX_REFERENCE + 1)
    if not 0 < len(ref) <= MAX_REFERENCE:
        raise BadInput(f"The order number (reference) is required, 1 to {MAX_REFERENCE} characters.")
    return ref


async def _earlier(
    session: AsyncSession, team_id: str, ref: str, *, case_id: str, amount: Decimal, ids: Sequence[str]
) -> RecordedOrder | None:
    """The order already recorded under this team's order number, if it is this same order."""
    earlier = await session.scalar(select(Order).where(Order.team_id == team_id, Order.reference == ref))
    if earlier is None:
        return None
    authors = await credited_authors(session, earlier.id)
    if earlier.case_id != case_id or earlier.amount != amount or set(authors) != set(ids):
        raise Conflict(
            f"Order {ref} was already recorded in your team with a different case, amount or pain points.",
            reason=Reason.ORDER_ALREADY_RECORDED,
        )
    return RecordedOrder(earlier, sorted(authors), created=False)


async def record_order_won(
    session: AsyncSession,
    owner: User,
    *,
    case_id: str,
    amount: Decimal,
    pain_point_ids: Sequence[str],
    reference: str,
) -> RecordedOrder:
    """Record an order won on a case (case owners only), crediting the pain points that helped.

    The order waits, PENDING, for an approver of the team (order_approvals): nothing is awarded here.
    The `reference` (the order number) is required and unique within the team: recording it again
    returns the first order, also when two calls race.
    """
    case, _ = await require_role(session, case_id, owner, CaseRole.OWNER)
    team_id = case.team_id or require_team(owner)
    exact = _amount(amount)
    ids = _pain_point_ids(pain_point_ids)
    ref = _reference(reference)
    found = await _earlier(session, team_id, ref, case_id=case.id, amount=exact, ids=ids)
    if found is not None:
        return found
    authors = await pain_point_authors(session, case.id, ids)
    order = Order(case_id=case.id, team_id=team_id, amount=exact, reference=ref, recorded_by=owner.id)
    try:
        # A savepoint: when another transaction records the same number first, answer its order.
        async with session.begin_nested():
            session.add(order)
            await session.flush()
    except IntegrityError:
        found = await _earlier(session, team_id, ref, case_id=case.id, amount=exact, ids=ids)
        if found is None:
            raise
        return found
    session.add_all(
        OrderPainPoint(order_id=order.id, pain_point_id=pain_id, author_id=author_id)
        for pain_id, author_id in authors.items()
    )
    await session.flush()
    await audit.record(
        session,
        actor_id=owner.id,
        action="points.order_won_recorded",
        subject=order.id,
        data={"case_id": case.id, "amount": str(exact), "reference": ref, "pain_points": ids},
    )
    return RecordedOrder(order, ids, created=True)


def queue_order_awards(session: AsyncSession, order: Order, authors: Mapping[str, str]) -> list[AwardRequest]:
    """Queue (on commit) the ORDER_WON awards of an approved order, less self-dealing ones; returns them.

    The recorder stays the awards' actor, so the case owner's own pain points earn nothing.
    """
    queued = [
        request
        for request in order_awards(order.id, order.recorded_by, authors)
        if not awards.is_self_dealing(request)
    ]
    for request in queued:
        awards.queue_award(session, request)
    return queued
