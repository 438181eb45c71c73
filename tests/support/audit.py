"""The audit chain as a server keeps it: linked by the sequencer's code, checked with the key that signed."""

from __future__ import annotations

from server.domain import audit
from server.infra.config import Settings
from server.infra.db import Database

KEY = audit.SigningKey.generate()
POLICY = audit.Policy()


async def linked_report(db: Database, policy: audit.Policy = POLICY) -> audit.AuditReport:
    """Link what is committed (as a server's sequencer does), then verify the whole chain."""
    await audit.link(db, KEY, policy)
    async with db.sessions() as session:
        return await audit.verify(session, trusted=[KEY.public], every=policy.every)


async def chain_intact(db: Database) -> bool:
    """Every committed event is linked and the chain verifies (an empty chain does not count)."""
    report = await linked_report(db)
    return report.ok and report.events > 0 and report.unlinked == 0


async def served_chain_intact(db: Database, settings: Settings) -> bool:
    """As `chain_intact`, for a chain a server of `settings` linked and signed with its own key."""
    key = audit.load_signing_key(settings, create=True)
    assert key is not None
    await audit.link(db, key, POLICY)
    async with db.sessions() as session:
        report = await audit.verify(session, trusted=[key.public], every=POLICY.every)
    return report.ok and report.events > 0 and report.unlinked == 0
