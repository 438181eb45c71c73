"""The plumbing of every subscription: who may listen, and a stream of a topic's events.

A subscription resolver is a coroutine (not an async generator) that awaits one of these and
returns the stream: a failed check then raises before the stream exists, which graphql-transport-ws
reports as an `error` message (the subscription is refused; no data ever flows). Events are JSON
objects from `services.events`; map each to the GraphQL type and load what it names *as the
subscriber*, so object-level authorization applies to every event.

    @strawberry.subscription
    async def snapshot_events(self, info: Info, case_id: ID) -> AsyncGenerator[SnapshotEvent, None]:
        events = await live.case_events(info, str(case_id), topics.case_snapshots(str(case_id)))
        return live.mapped(events, lambda event: snapshot_event(info, event))
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from server.api.context import Info
from server.domain.cases import actions as cases
from server.infra.events import Event
from server.models import User

T = TypeVar("T")

# Raises a DomainError when the user may not listen (NOT_FOUND for a case they are not on).
Check = Callable[[AsyncSession, User], Awaitable[object]]


async def events(
    info: Info, topic: str, check: Check | None = None, *, first: Event | None = None
) -> AsyncGenerator[Event, None]:
    """Check the subscriber now, then stream the topic's events from the moment it is iterated.

    `first`, when given, is the stream's first event, sent once the topic's events reach the stream: state
    read while mapping it misses nothing that follows. The subscriber's token is looked up again every
    USER_RECHECK_SECONDS while events flow: a revoked or expired one ends the stream with UNAUTHENTICATED.
    `check` is asked again as often (a membership removed, a visibility policy expired): once it fails, the
    stream ends with its error and nothing more is delivered.
    """
    user = await info.context.user()
    if check is not None:
        async with info.context.read() as session:
            await check(session, user)
    return _stream(info, topic, check, first)


async def _stream(
    info: Info, topic: str, check: Check | None, first: Event | None
) -> AsyncGenerator[Event, None]:
    async with info.context.services.events.subscribe(topic) as stream:
        if first is not None:
            yield first
        if check is None:
            async for event in stream:
                await info.context.user()
                yield event
            return
        # With a check, it is asked again every user_recheck_seconds whether events flow or not, so a
        # subscription a visibility policy allowed ends (with the check's error) soon after the policy does.
        every = info.context.user_recheck_seconds
        checked = time.monotonic()
        pending: asyncio.Future[Event] | None = None
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(anext(stream))
                wait = max(0.0, checked + every - time.monotonic())
                done, _ = await asyncio.wait({pending}, timeout=wait)
                if time.monotonic() - checked >= every:
                    user = await info.context.user()
                    async with info.context.read() as session:
                        await check(session, user)
                    checked = time.monotonic()
                if not done:
                    continue
                finished, pending = pending, None
                try:
                    event = finished.result()
                except StopAsyncIteration:
                    return
                await info.context.user()
                yield event
        finally:
            if pending is not None:
                pending.cancel()
                await asyncio.gather(pending, return_exceptions=True)


async def case_events(info: Info, case_id: str, topic: str) -> AsyncGenerator[Event, None]:
    """Events of a topic about one case, for its members only (NOT_FOUND for anyone else)."""

    async def member(session: AsyncSession, user: User) -> object:
        return await cases.require_member(session, case_id, user)

    return await events(info, topic, member)


async def mapped(
    source: AsyncGenerator[Event, None], view: Callable[[Event], Awaitable[T | None]]
) -> AsyncGenerator[T, None]:
    """Each event as the subscriber sees it; events `view` maps to None are skipped."""
    try:
        async for event in source:
            value = await view(event)
            if value is not None:
                yield value
    finally:
        await source.aclose()  # leave the topic now, not when the generator is collected
