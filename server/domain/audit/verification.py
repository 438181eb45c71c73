"""Checking the audit chain: every link, every stored checkpoint (signature, place, spacing) and the
checkpoints an auditor exported, in one walk; the first position that does not fit is reported."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.audit.chain import GENESIS, digest, unlinked
from server.domain.audit.checkpoints import DEFAULT_EVERY, Checkpoint
from server.domain.audit.signing import PublicKey
from server.domain.errors import Forbidden
from server.models import AuditCheckpoint, AuditEvent, User, UserRole

AUDITORS = (UserRole.ADMIN, UserRole.LEGAL)


@dataclass(frozen=True)
class AuditReport:
    events: int
    ok: bool
    first_bad_position: int | None = None
    reason: str = ""
    unlinked: int = 0
    checkpoints: int = 0
    last_checkpoint: Checkpoint | None = None

    def summary(self) -> str:
        """One line for a person."""
        if not self.ok:
            return f"Audit chain BROKEN at position {self.first_bad_position}: {self.reason}."
        last = self.last_checkpoint
        signed = (
            f"last signed checkpoint at position {last.position} ({last.at.isoformat()}, key {last.key_id})"
            if last is not None
            else "no signed checkpoint yet"
        )
        waiting = f", {self.unlinked} not linked yet" if self.unlinked else ""
        return (
            f"Audit chain intact: {_count(self.events, 'event')}{waiting}, "
            f"{_count(self.checkpoints, 'checkpoint')}, {signed}."
        )


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


class _Broken(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


def require_auditor(viewer: User) -> None:
    """Only admins and legal read the audit trail's verification."""
    if viewer.role not in AUDITORS:
        raise Forbidden(f"Only admins and legal can verify the audit trail; you are {viewer.role.value}.")


class _Checker:
    """The checkpoints to meet during the walk, stored and exported, each checked at its position."""

    def __init__(
        self,
        stored: list[Checkpoint],
        exported: Sequence[Checkpoint],
        trusted: dict[str, PublicKey],
        every: int,
    ) -> None:
        self.stored = {checkpoint.position: checkpoint for checkpoint in stored}
        self.exported: dict[int, list[Checkpoint]] = {}
        for checkpoint in exported:
            self.exported.setdefault(checkpoint.position, []).append(checkpoint)
        self.trusted = trusted
        self.every = every
        self.previous: Checkpoint | None = None
        # A first checkpoint with nothing before it (previous 0) may vouch for a chain older than
        # checkpoints: no spacing applies up to it.
        first = stored[0] if stored else None
        self.vouched_until = first.position if first is not None and first.previous == 0 else 0

    def _signature(self, checkpoint: Checkpoint, what: str) -> None:
        key = self.trusted.get(checkpoint.key_id)
        if key is None:
            raise _Broken(
                checkpoint.position,
                f"the {what} is signed by key {checkpoint.key_id}, which is not a trusted key "
                "(pass its public key with --public-key)",
            )
        if not key.verifies(checkpoint.message(), checkpoint.signature):
            raise _Broken(
                checkpoint.position, f"the {what}'s signature does not verify: it was forged or edited"
            )

    def at(self, position: int, hash: str) -> None:
        stored = self.stored.get(position)
        if stored is not None:
            self._stored(stored, hash)
        for exported in self.exported.get(position, []):
            self._signature(exported, "exported checkpoint")
            if exported.hash != hash:
                raise _Broken(
                    position,
                    "the chain was rewritten: the event at this position differs from the exported "
                    f"checkpoint signed {exported.at.isoformat()}",
                )
        # The sequencer signs a checkpoint once `every` events follow the last one: none here means
        # stored checkpoints were deleted. The larger spacing of the two in force counts, so a changed
        # WARROOM_AUDIT_CHECKPOINT_EVENTS is no alarm.
        latest = self.previous
        covered = latest.position if latest is not None else 0
        spacing = max(self.every, latest.every if latest is not None else 0)
        if position > self.vouched_until and position - covered >= spacing:
            since = f"the checkpoint at position {covered}" if latest is not None else "the start"
            raise _Broken(
                position,
                f"{position - covered} linked events since {since} and no checkpoint, though one is signed "
                f"every {spacing} events at the latest: stored checkpoints were deleted (a chain older than "
                "checkpoints needs `python -m server audit checkpoint` once)",
            )

    def _stored(self, checkpoint: Checkpoint, hash: str) -> None:
        position = checkpoint.position
        self._signature(checkpoint, "stored checkpoint")
        if checkpoint.hash != hash:
            raise _Broken(
                position, "the chain was rewritten: the event here differs from the checkpoint signed here"
            )
        before = self.previous.position if self.previous is not None else 0
        if checkpoint.previous != before:
            raise _Broken(
                position,
                f"the checkpoint here follows one at position {checkpoint.previous}, which is missing "
                "(stored checkpoints were deleted)",
            )
        self.previous = checkpoint

    def end(self, last: int) -> None:
        beyond = [position for position in [*self.stored, *self.exported] if position > last]
        if beyond:
            raise _Broken(
                last + 1,
                f"the chain was cut short: it ends at position {last}, but a checkpoint was signed at "
                f"position {min(beyond)}",
            )


async def verify(
    session: AsyncSession,
    *,
    trusted: Iterable[PublicKey] = (),
    every: int = DEFAULT_EVERY,
    exported: Sequence[Checkpoint] = (),
) -> AuditReport:
    """Walk the linked chain from its start and report the first position that does not fit: an event
    edited, missing, moved or inserted; a stored checkpoint forged, not matching, missing or too far
    from the one before; the chain cut short or rewritten after a stored or `exported` checkpoint.
    `trusted` keys check the signatures; `every` is the checkpoint spacing configured now."""
    stored = [
        Checkpoint.of(row)
        for row in (await session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.position))).all()
    ]
    checker = _Checker(stored, exported, {key.key_id: key for key in trusted}, every)
    waiting = await unlinked(session)
    expected, prev = 1, GENESIS
    events = select(
        AuditEvent.position,
        AuditEvent.at,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.subject,
        AuditEvent.data,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    ).where(AuditEvent.position.is_not(None))
    try:
        async for row in await session.stream(events.order_by(AuditEvent.position)):
            if row.position != expected:
                raise _Broken(
                    expected,
                    "the event at this position is missing (deleted): the chain goes on at position "
                    f"{row.position}",
                )
            if row.prev_hash != prev:
                raise _Broken(
                    expected, "the previous-hash link is broken: an event was deleted, inserted or moved"
                )
            if row.hash != digest(prev, row.at, row.actor_id, row.action, row.subject, row.data):
                raise _Broken(expected, "the event was altered after it was written")
            checker.at(expected, row.hash)
            prev = row.hash
            expected += 1
        checker.end(expected - 1)
    except _Broken as broken:
        return AuditReport(
            expected - 1, False, broken.position, broken.reason, waiting, len(stored), checker.previous
        )
    return AuditReport(expected - 1, True, None, "", waiting, len(stored), checker.previous)
