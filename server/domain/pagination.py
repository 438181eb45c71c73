"""Keyset pagination over time-ordered ids, with a cap on page size."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from server.domain.errors import BadInput

T = TypeVar("T")

MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    has_next: bool
    end_cursor: str | None


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput("The page cursor is not valid; start again without `after`.") from None


def check_first(first: int) -> int:
    """Validate a requested page size."""
    if first < 1 or first > MAX_PAGE:
        raise BadInput(f"`first` must be between 1 and {MAX_PAGE}.")
    return first


async def paginate(
    session: AsyncSession,
    query: Select[Any],
    key: InstrumentedAttribute[str],
    *,
    first: int,
    after: str | None,
    newest_first: bool = True,
) -> Page[Any]:
    """One page of `query`'s single entity, ordered by the unique string `key`."""
    page = await paginate_rows(session, query, key, first=first, after=after, newest_first=newest_first)
    return Page(items=[row[0] for row in page.items], has_next=page.has_next, end_cursor=page.end_cursor)


async def paginate_rows(
    session: AsyncSession,
    query: Select[Any],
    key: InstrumentedAttribute[str],
    *,
    first: int,
    after: str | None,
    newest_first: bool = True,
) -> Page[Row[Any]]:
    """As `paginate`, for a query of several columns whose first is the entity `key` belongs to."""
    first = check_first(first)
    if after is not None:
        mark = decode_cursor(after)
        query = query.where(key < mark if newest_first else key > mark)
    query = query.order_by(key.desc() if newest_first else key.asc()).limit(first + 1)
    rows = list((await session.execute(query)).all())
    items = rows[:first]
    end = encode_cursor(getattr(items[-1][0], key.key)) if items else None
    return Page(items=items, has_next=len(rows) > first, end_cursor=end)
