"""The points ledger: per-person accounts of immutable, hash-chained entries and a cached balance.

Every movement goes through `append` on an account locked by `lock_account`, so one person's entries are
written one at a time (row lock on PostgreSQL, the database write lock on SQLite). That makes the cached
balance exactly the sum of the entries, lets a balance check and its debit be one decision, and orders
each person's hash chain without a global lock.

No debit takes a balance below zero, except a reversal allowed to (`allow_debt`): taking back points that
were already spent leaves a debt, a negative balance that later awards repay as they raise it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import BadInput, InsufficientPoints
from server.domain.pagination import Page, check_first, decode_cursor, encode_cursor
from server.models import PointAction, PointBalance, PointEntry
from server.models.base import utcnow

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One ledger entry as the domain hands it out."""

    id: int
    user_id: str
    delta: int
    action: PointAction
    subject: str
    key: str
    reverses_id: int | None
    actor_id: str | None
    note: str | None
    balance_after: int
    created_at: datetime

    @classmethod
    def of(cls, row: PointEntry | Row[Any]) -> Entry:
        return cls(
            id=row.id,
            user_id=row.user_id,
            delta=row.delta,
            action=PointAction(row.action),
            subject=row.subject,
            key=row.idempotency_key,
            reverses_id=row.reverses_id,
            actor_id=row.actor_id,
            note=row.note,
            balance_after=row.balance_after,
            created_at=row.created_at,
        )


@dataclass
class Account:
    """A person's balance row, locked until the transaction ends; `append` keeps it current."""

    user_id: str
    balance: int
    entries: int
    head_hash: str


def entry_hash(
    prev_hash: str,
    *,
    user_id: str,
    delta: int,
    action: PointAction,
    subject: str,
    key: str,
    reverses_id: int | None,
    actor_id: str | None,
    note: str | None,
    balance_after: int,
    created_at: datetime,
) -> str:
    """The SHA-256 linking an entry to its predecessor in the same person's chain."""
    body = json.dumps(
        [
            prev_hash,
            user_id,
            delta,
            action.value,
            subject,
            key,
            reverses_id,
            actor_id,
            note,
            balance_after,
            created_at.isoformat(),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def dialect_insert(session: AsyncSession) -> Any:
    """`insert` with ON CONFLICT for the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def lock_accounts(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, Account]:
    """The people's accounts, created if missing and locked for the rest of the transaction.

    One statement: an upsert takes the row locks on PostgreSQL (in user-id order, so two callers never
    wait on each other in a circle) and, as the transaction's first write, the database write lock on
    SQLite; every read after it sees the latest committed state.
    """
    now = utcnow()
    rows = [
        {"user_id": user_id, "balance": 0, "entries": 0, "head_hash": GENESIS, "updated_at": now}
        for user_id in sorted(set(user_ids))
    ]
    if not rows:
        return {}
    statement = (
        dialect_insert(session)(PointBalance)
        .values(rows)
        .on_conflict_do_update(
            index_elements=[PointBalance.user_id], set_={"updated_at": PointBalance.updated_at}
        )
        .returning(PointBalance.user_id, PointBalance.balance, PointBalance.entries, PointBalance.head_hash)
    )
    return {
        row.user_id: Account(row.user_id, row.balance, row.entries, row.head_hash)
        for row in await session.execute(statement)
    }


async def lock_account(session: AsyncSession, user_id: str) -> Account:
    """One person's account, locked for the rest of the transaction (see `lock_accounts`)."""
    return (await lock_accounts(session, [user_id]))[user_id]


@dataclass(frozen=True)
class Draft:
    """An entry decided but not yet written: `account` already reflects it."""

    entry: Entry
    prev_hash: str
    hash: str

    @property
    def key(self) -> str:
        return self.entry.key


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("an entry's time needs its zone")
    return at.astimezone(UTC)


def draft(
    account: Account,
    *,
    delta: int,
    action: PointAction,
    subject: str,
    key: str,
    actor_id: str | None = None,
    note: str | None = None,
    reverses_id: int | None = None,
    allow_debt: bool = False,
    at: datetime | None = None,
) -> Draft:
    """Decide one entry on a locked account and move the account; a debit stops at zero unless
    `allow_debt` (a reversal of points already spent). The entry is dated `at` (default: now)."""
    balance_after = account.balance + delta
    if delta < 0 and balance_after < 0 and not allow_debt:
        raise InsufficientPoints(
            f"This needs {-delta} points but the balance is {account.balance}; "
            "a debit never takes a balance below zero."
        )
    entry = Entry(
        id=0,
        user_id=account.user_id,
        delta=delta,
        action=action,
        subject=subject,
        key=key,
        reverses_id=reverses_id,
        actor_id=actor_id,
        note=note,
        balance_after=balance_after,
        created_at=utcnow() if at is None else _utc(at),
    )
    made = Draft(entry, account.head_hash, _hash_of(account.head_hash, entry))
    account.balance = balance_after
    account.entries += 1
    account.head_hash = made.hash
    return made


async def write(session: AsyncSession, accounts: dict[str, Account], drafts: Sequence[Draft]) -> list[Entry]:
    """Insert the drafted entries and store their accounts' new balances (two statements)."""
    if not drafts:
        return []
    inserted = await session.execute(
        insert(PointEntry).returning(PointEntry.id, sort_by_parameter_order=True),
        [
            {
                "user_id": d.entry.user_id,
                "delta": d.entry.delta,
                "action": d.entry.action,
                "subject": d.entry.subject,
                "idempotency_key": d.entry.key,
                "reverses_id": d.entry.reverses_id,
                "actor_id": d.entry.actor_id,
                "note": d.entry.note,
                "balance_after": d.entry.balance_after,
                "created_at": d.entry.created_at,
                "prev_hash": d.prev_hash,
                "hash": d.hash,
            }
            for d in drafts
        ],
    )
    ids = list(inserted.scalars().all())
    now = utcnow()
    await session.execute(
        update(PointBalance),
        [
            {
                "user_id": account.user_id,
                "balance": account.balance,
                "entries": account.entries,
                "head_hash": account.head_hash,
                "updated_at": now,
            }
            for account in (accounts[user_id] for user_id in {d.entry.user_id for d in drafts})
        ],
    )
    return [replace(d.entry, id=entry_id) for d, entry_id in zip(drafts, ids, strict=True)]


async def append(
    session: AsyncSession,
    account: Account,
    *,
    delta: int,
    action: PointAction,
    subject: str,
    key: str,
    actor_id: str | None = None,
    note: str | None = None,
    reverses_id: int | None = None,
    allow_debt: bool = False,
) -> Entry:
    """Append one entry to a locked account and move its balance (see `draft`)."""
    made = draft(
        account,
        delta=delta,
        action=action,
        subject=subject,
        key=key,
        actor_id=actor_id,
        note=note,
        reverses_id=reverses_id,
        allow_debt=allow_debt,
    )
    (entry,) = await write(session, {account.user_id: account}, [made])
    return entry


async def reverse(
    session: AsyncSession,
    account: Account,
    original: Entry,
    *,
    note: str,
    actor_id: str | None,
    allow_debt: bool = False,
) -> Entry:
    """A new entry cancelling `original` (which is never edited); its key is `REVERSAL:<id>`.

    With `allow_debt`, taking back points already spent takes the balance below zero and the note says
    how much is owed; without it, a reversal the balance cannot cover fails with INSUFFICIENT_POINTS.
    """
    delta = -original.delta
    if allow_debt and delta < 0 and account.balance + delta < 0:
        owed = -min(0, account.balance + delta) - max(0, -account.balance)
        note = f"{note} ({owed} of {original.delta} points had already been spent: they are owed as a debt)"
    return await append(
        session,
        account,
        delta=delta,
        action=original.action,
        subject=original.subject,
        key=f"REVERSAL:{original.id}",
        actor_id=actor_id,
        note=note,
        reverses_id=original.id,
        allow_debt=allow_debt,
    )


async def balance_of(session: AsyncSession, user_id: str) -> int:
    """The person's balance (0 before their first entry; negative while in debt)."""
    balance = await session.scalar(select(PointBalance.balance).where(PointBalance.user_id == user_id))
    return balance or 0


async def entry_by_key(session: AsyncSession, key: str) -> Entry | None:
    """The entry written under an idempotency key, if any."""
    row = await session.scalar(select(PointEntry).where(PointEntry.idempotency_key == key))
    return Entry.of(row) if row is not None else None


async def get_entry(session: AsyncSession, entry_id: int) -> Entry | None:
    row = await session.get(PointEntry, entry_id)
    return Entry.of(row) if row is not None else None


async def entries_page(session: AsyncSession, user_id: str, *, first: int, after: str | None) -> Page[Entry]:
    """One person's entries, newest first."""
    first = check_first(first)
    query = select(PointEntry).where(PointEntry.user_id == user_id)
    if after is not None:
        mark = decode_cursor(after)
        if not mark.isdigit():
            raise BadInput("The page cursor is not valid; start again without `after`.")
        query = query.where(PointEntry.id < int(mark))
    rows = list((await session.scalars(query.order_by(PointEntry.id.desc()).limit(first + 1))).all())
    items = [Entry.of(row) for row in rows[:first]]
    end = encode_cursor(str(items[-1].id)) if items else None
    return Page(items=items, has_next=len(rows) > first, end_cursor=end)


@dataclass(frozen=True)
class LedgerReport:
    entries: int
    accounts: int
    ok: bool
    first_bad_entry: int | None = None
    reason: str = ""


async def verify(session: AsyncSession) -> LedgerReport:
    """Walk every person's chain: links, hashes, running balances, and the cached balance at the end."""
    cached = {
        row.user_id: (row.balance, row.entries, row.head_hash)
        for row in (await session.scalars(select(PointBalance))).all()
    }
    seen: dict[str, tuple[int, int, str]] = {}
    count = 0

    def broken(entry_id: int | None, reason: str) -> LedgerReport:
        return LedgerReport(count, len(cached), False, entry_id, reason)

    result = await session.stream_scalars(select(PointEntry).order_by(PointEntry.user_id, PointEntry.id))
    async for row in result:
        count += 1
        balance, entries, prev = seen.get(row.user_id, (0, 0, GENESIS))
        entry = Entry.of(row)
        if row.prev_hash != prev:
            return broken(entry.id, "the previous-hash link is broken")
        if _hash_of(prev, entry) != row.hash:
            return broken(entry.id, "the entry was altered after it was written")
        if balance + entry.delta != entry.balance_after:
            return broken(entry.id, "the running balance does not add up")
        seen[row.user_id] = (entry.balance_after, entries + 1, row.hash)
    for user_id in cached.keys() | seen.keys():
        if user_id not in cached:
            return broken(None, f"{user_id} has entries but no balance row")
        if seen.get(user_id, (0, 0, GENESIS)) != cached[user_id]:
            return broken(None, f"the cached balance of {user_id} is not the sum of their entries")
    return LedgerReport(count, len(cached), True)


def _hash_of(prev_hash: str, entry: Entry) -> str:
    return entry_hash(
        prev_hash,
        user_id=entry.user_id,
        delta=entry.delta,
        action=entry.action,
        subject=entry.subject,
        key=entry.key,
        reverses_id=entry.reverses_id,
        actor_id=entry.actor_id,
        note=entry.note,
        balance_after=entry.balance_after,
        created_at=entry.created_at,
    )
