"""The audit trail: a hash chain that commands append to without waiting on each other, linked after
commit by a sequencer, with checkpoints of its head signed by a key the database does not hold.

    await audit.record(session, actor_id=user.id, action="case.created", subject=case.id, data={...})

The event is part of the caller's transaction: it exists if and only if the command committed.
"""

from server.domain.audit.chain import GENESIS, Head, Linked, digest, head, link, record, sign_head, unlinked
from server.domain.audit.checkpoints import Checkpoint, Exported, Policy, read_exported
from server.domain.audit.sequencer import Sequencer
from server.domain.audit.signing import PublicKey, SigningKey, deployment_key, load_signing_key
from server.domain.audit.verification import AuditReport, require_auditor, verify

__all__ = [
    "GENESIS",
    "AuditReport",
    "Checkpoint",
    "Exported",
    "Head",
    "Linked",
    "Policy",
    "PublicKey",
    "Sequencer",
    "SigningKey",
    "deployment_key",
    "digest",
    "head",
    "link",
    "load_signing_key",
    "read_exported",
    "record",
    "require_auditor",
    "sign_head",
    "unlinked",
    "verify",
]
