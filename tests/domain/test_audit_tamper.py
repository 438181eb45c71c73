"""Someone with database access changes the audit trail with SQL: `verify` names the first bad position
and why, on SQLite and PostgreSQL; the untouched chain verifies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select, text

from server.domain import audit
from server.infra.db import Database
from server.models import AuditCheckpoint, AuditEvent
from tests.support.audit import KEY

EVERY = 5
POLICY = audit.Policy(every=EVERY, minutes=60)
EVENTS = 30

Tamper = Callable[[Database], Awaitable[list[audit.Checkpoint]]]


async def _chain(db: Database) -> None:
    """30 events (Chinese and English), linked and signed: checkpoints at 5, 10, ..., 30."""
    for n in range(1, EVENTS + 1):
        async with db.transaction() as session:
            await audit.record(
                session,
                actor_id=None,
                action="points.adjusted" if n % 2 else "user.login",
                subject=f"subject-{n}",
                data={"n": n, "reason": "补录十月的订单积分" if n % 3 else "late order entry"},
            )
    linked = await audit.link(db, KEY, POLICY)
    assert [c.position for c in linked.checkpoints] == [5, 10, 15, 20, 25, 30]


async def _sql(db: Database, *statements: str, **params: Any) -> None:
    async with db.transaction() as session:
        for statement in statements:
            await session.execute(text(statement), params)


async def _stored(db: Database, position: int) -> audit.Checkpoint:
    async with db.sessions() as session:
        return audit.Checkpoint.of(await session.get_one(AuditCheckpoint, position))


async def _report(db: Database, exported: list[audit.Checkpoint]) -> audit.AuditReport:
    async with db.sessions() as session:
        return await audit.verify(session, trusted=[KEY.public], every=EVERY, exported=exported)


async def _recompute_from(db: Database, position: int) -> None:
    """Rewrite every hash from `position` on, as anyone can (the digest is no secret; the key is)."""
    async with db.sessions() as session:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.position >= position - 1).order_by(AuditEvent.position)
            )
        ).all()
    prev = rows[0].hash
    for row in rows[1:]:
        new = audit.digest(prev or "", row.at, row.actor_id, row.action, row.subject, row.data)
        await _sql(
            db, "UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s", p=prev, h=new, s=row.seq
        )
        prev = new


async def untouched(db: Database) -> list[audit.Checkpoint]:
    return [await _stored(db, 30)]


async def edited(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, """UPDATE audit_events SET data = '{"n": 12, "reason": "无"}' WHERE position = 12""")
    return []


async def deleted_in_the_middle(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, "DELETE FROM audit_events WHERE position = 12")
    return []


async def deleted_at_the_end(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, "DELETE FROM audit_events WHERE position > 27")
    return []


async def cut_short_with_its_checkpoints(db: Database) -> list[audit.Checkpoint]:
    exported = await _stored(db, 30)
    await _sql(
        db,
        "DELETE FROM audit_events WHERE position > 27",
        "DELETE FROM audit_checkpoints WHERE position > 27",
    )
    return [exported]


async def rewritten_after_an_exported_checkpoint(db: Database) -> list[audit.Checkpoint]:
    """The end cut off with its stored checkpoint; then the server links and signs new events there."""
    exported = await _stored(db, 30)
    await _sql(
        db,
        "DELETE FROM audit_events WHERE position > 27",
        "DELETE FROM audit_checkpoints WHERE position > 27",
    )
    for n in range(3):
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login", subject=f"later-{n}", data={})
    assert [c.position for c in (await audit.link(db, KEY, POLICY)).checkpoints] == [30]
    return [exported]


async def reordered(db: Database) -> list[audit.Checkpoint]:
    await _sql(
        db,
        "UPDATE audit_events SET position = -12 WHERE position = 12",
        "UPDATE audit_events SET position = 12 WHERE position = 13",
        "UPDATE audit_events SET position = 13 WHERE position = -12",
    )
    return []


async def inserted(db: Database) -> list[audit.Checkpoint]:
    await _sql(
        db,
        "UPDATE audit_events SET position = position + 1000 WHERE position >= 12",
        "UPDATE audit_events SET position = position - 999 WHERE position >= 1000",
        "INSERT INTO audit_events (at, actor_id, action, subject, data, position, prev_hash, hash) VALUES "
        "('2026-12-07 10:00:00', NULL, 'points.adjusted', 'forged', '{\"n\": 0}', 12, :p, :h)",
        p="1" * 64,
        h="2" * 64,
    )
    return []


async def checkpoint_deleted_in_the_middle(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, "DELETE FROM audit_checkpoints WHERE position = 15")
    return []


async def every_checkpoint_deleted(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, "DELETE FROM audit_checkpoints")
    return []


async def recomputed_without_the_key(db: Database) -> list[audit.Checkpoint]:
    await _sql(db, """UPDATE audit_events SET subject = 'someone else' WHERE position = 12""")
    await _recompute_from(db, 12)
    return []


async def recomputed_with_checkpoints_forged(db: Database) -> list[audit.Checkpoint]:
    """The chain rewritten, and its stored checkpoints signed again with a key of the forger's own."""
    await recomputed_without_the_key(db)
    forger = audit.SigningKey.generate()
    async with db.sessions() as session:
        rows = (await session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.position >= 15))).all()
        hashes = {
            row.position: await session.scalar(
                select(AuditEvent.hash).where(AuditEvent.position == row.position)
            )
            for row in rows
        }
    for row in rows:
        forged = audit.Checkpoint.sign(
            forger,
            position=row.position,
            hash=hashes[row.position] or "",
            at=row.at,
            previous=row.previous,
            every=row.every,
        )
        await _sql(
            db,
            "UPDATE audit_checkpoints SET hash = :h, key_id = :k, signature = :s WHERE position = :p",
            h=forged.hash,
            k=forged.key_id,
            s=forged.signature,
            p=row.position,
        )
    return []


async def checkpoint_edited_to_match(db: Database) -> list[audit.Checkpoint]:
    """The chain rewritten and the stored checkpoint's hash edited to match (the signature cannot be)."""
    await recomputed_without_the_key(db)
    await _sql(
        db,
        "UPDATE audit_checkpoints SET hash = (SELECT hash FROM audit_events WHERE position = 15) WHERE position = 15",
    )
    return []


CASES: list[tuple[Tamper, int | None, str]] = [
    (untouched, None, ""),
    (edited, 12, "the event was altered after it was written"),
    (deleted_in_the_middle, 12, "the event at this position is missing (deleted): the chain goes on at position 13"),
    (deleted_at_the_end, 28, "the chain was cut short: it ends at position 27, but a checkpoint was signed at position 30"),
    (cut_short_with_its_checkpoints, 28, "the chain was cut short: it ends at position 27, but a checkpoint was signed at position 30"),
    (rewritten_after_an_exported_checkpoint, 30, "the chain was rewritten: the event at this position differs from the exported checkpoint"),
    (reordered, 12, "the previous-hash link is broken: an event was deleted, inserted or moved"),
    (inserted, 12, "the previous-hash link is broken: an event was deleted, inserted or moved"),
    (checkpoint_deleted_in_the_middle, 15, "5 linked events since the checkpoint at position 10 and no checkpoint"),
    (every_checkpoint_deleted, 5, "5 linked events since the start and no checkpoint"),
    (recomputed_without_the_key, 15, "the chain was rewritten: the event here differs from the checkpoint signed here"),
    (recomputed_with_checkpoints_forged, 15, "the stored checkpoint is signed by key "),
    (checkpoint_edited_to_match, 15, "the stored checkpoint's signature does not verify: it was forged or edited"),
]  # fmt: skip


@pytest.mark.parametrize(("tamper", "position", "reason"), CASES, ids=[case[0].__name__ for case in CASES])
async def test_tampering_is_named_with_its_first_position(
    db: Database, tamper: Tamper, position: int | None, reason: str
) -> None:
    await _chain(db)
    exported = await tamper(db)
    report = await _report(db, exported)
    assert (report.ok, report.first_bad_position) == (position is None, position), report.reason
    assert report.reason.startswith(reason), report.reason
    if position is None:
        assert (report.events, report.checkpoints, report.summary().count("\n")) == (EVENTS, 6, 0)
        assert report.summary().startswith("Audit chain intact: 30 events, 6 checkpoints")


async def test_the_sequencer_signs_nothing_over_a_chain_changed_under_a_checkpoint(db: Database) -> None:
    await _chain(db)
    await recomputed_without_the_key(db)
    for n in range(6):
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login", subject=f"after-{n}", data={})
    linked = await audit.link(db, KEY, POLICY)
    # linked, but not vouched for: the checkpoint at 30 no longer holds
    assert (linked.events, linked.checkpoints) == (6, [])
    assert linked.refused is not None
    assert "no longer holds the checkpoint at position 30" in linked.refused
    report = await _report(db, [])
    assert (report.ok, report.first_bad_position) == (False, 15)


async def test_with_every_checkpoint_deleted_nothing_is_signed_again_until_an_operator_vouches(
    db: Database,
) -> None:
    await _chain(db)
    await every_checkpoint_deleted(db)
    async with db.transaction() as session:
        await audit.record(session, actor_id=None, action="user.login", subject="after", data={})
    linked = await audit.link(db, KEY, POLICY)
    assert (linked.events, linked.checkpoints) == (1, [])
    assert linked.refused is not None
    assert "30 linked events since the start have no checkpoint" in linked.refused
    assert (await _report(db, [])).first_bad_position == 5
    # `audit checkpoint`: a person vouches for the chain as it is (what an upgrade from before
    # checkpoints needs once); from then on the sequencer signs again
    vouched = await audit.sign_head(db, KEY, POLICY)
    assert (vouched.position, vouched.previous) == (31, 0)
    report = await _report(db, [])
    assert (report.ok, report.checkpoints) == (True, 1)
