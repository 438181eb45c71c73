"""Orders won on a case: the pain points that helped earn their authors ORDER_WON, once per order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.cases.actions import require_role
from server.domain.errors import BadInput, Conflict
from server.domain.points import awards
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
    awards: list[AwardRequest]  # queued to run on commit (also when `created` is False: keys dedupe)
    created: bool


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


async def _stored(session: AsyncSession, order: Order) -> dict[str, str]:
    links = select(OrderPainPoint.pain_point_id, OrderPainPoint.author_id)
    rows = await session.execute(links.where(OrderPainPoint.order_id == order.id))
    return dict(rows.all())


async def record_order_won(
    session: AsyncSession,
    owner: User,
    *,
    case_id: str,
    amount: Decimal,
    pain_point_ids: Sequence[str],
    reference: str | None = None,
) -> RecordedOrder:
    """Record an order won on a case (case owners only), crediting the pain points that helped.

    With a `reference` (the order number) the call is idempotent: repeating it returns the order and
    queues its awards again (their keys let each through once). The awards run once the transaction
    commits; none for the owner's own pain points.
    """
    case, _ = await require_role(session, case_id, owner, CaseRole.OWNER)
    exact = _amount(amount)
    ids = _pain_point_ids(pain_point_ids)
    ref = clean_text(reference, limit=MAX_REFERENCE + 1) if reference is not None else None
    if ref is not None and not 0 < len(ref) <= MAX_REFERENCE:
        raise BadInput(f"The order reference is 1 to {MAX_REFERENCE} characters.")
    if ref is not None:
        earlier = await session.scalar(select(Order).where(Order.case_id == case.id, Order.reference == ref))
        if earlier is not None:
            authors = await _stored(session, earlier)
            if earlier.amount != exact or set(authors) != set(ids):
                raise Conflict(f"Order {ref} was already recorded with a different amount or pain points.")
            again = _queued(session, order_awards(earlier.id, earlier.recorded_by, authors))
            return RecordedOrder(earlier, sorted(authors), again, created=False)
    authors = await pain_point_authors(session, case.id, ids)
    order = Order(case_id=case.id, amount=exact, reference=ref, recorded_by=owner.id)
    session.add(order)
    await session.flush()
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
    return RecordedOrder(order, ids, _queued(session, order_awards(order.id, owner.id, authors)), True)


def _queued(session: AsyncSession, requests: list[AwardRequest]) -> list[AwardRequest]:
    """Queue the awards that are not self-dealing (on commit); returns them."""
    queued = [request for request in requests if not awards.is_self_dealing(request)]
    for request in queued:
        awards.queue_award(session, request)
    return queued
