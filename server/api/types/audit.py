"""The audit trail's verification, as admins and legal read it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.domain.audit import AuditReport, Checkpoint


@strawberry.type(description="The chain's head as a checkpoint signed it (Ed25519).")
class AuditCheckpoint:
    position: int
    hash: str
    at: datetime
    key_id: str = strawberry.field(description="The first 16 hex digits of the signing key's fingerprint.")

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> AuditCheckpoint:
        return cls(
            position=checkpoint.position, hash=checkpoint.hash, at=checkpoint.at, key_id=checkpoint.key_id
        )


@strawberry.type(description="What `python -m server audit verify` reports about the audit chain.")
class AuditVerification:
    ok: bool
    events: int = strawberry.field(description="Linked events checked (all of them when `ok`).")
    unlinked: int = strawberry.field(description="Committed events the sequencer has not linked yet.")
    first_bad_position: int | None = strawberry.field(
        description="The first chain position that does not fit; null when `ok`."
    )
    reason: str = strawberry.field(description="Why it does not fit; empty when `ok`.")
    checkpoints: int = strawberry.field(description="Signed checkpoints stored.")
    last_checkpoint: AuditCheckpoint | None = strawberry.field(
        description="The last stored checkpoint that was checked (up to the first bad position)."
    )
    key_id: str = strawberry.field(description="The key this server signs checkpoints with.")
    public_key: str = strawberry.field(description="Its public key (PEM), for auditors to keep.")

    @classmethod
    def of(cls, report: AuditReport, key_id: str, public_key: str) -> AuditVerification:
        last = report.last_checkpoint
        return cls(
            ok=report.ok,
            events=report.events,
            unlinked=report.unlinked,
            first_bad_position=report.first_bad_position,
            reason=report.reason,
            checkpoints=report.checkpoints,
            last_checkpoint=AuditCheckpoint.of(last) if last is not None else None,
            key_id=key_id,
            public_key=public_key,
        )
