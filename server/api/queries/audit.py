"""Verifying the audit trail (admins and legal)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.audit import AuditVerification


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Link the committed audit events, then check the whole chain and its signed checkpoints "
        "(admin, legal): what `python -m server audit verify` reports."
    )
    async def audit_verification(self, info: Info) -> AuditVerification:
        viewer = await info.context.user()
        trail = info.context.services.audit
        report = await trail.verify(viewer)
        return AuditVerification.of(report, trail.key.public.key_id, trail.key.public.pem())
