"""Starting a case from an asset: a new case of the caller's team whose document is the asset's newest
version (a new Yjs document, fully editable: the asset itself never changes), linked back to that version.
The asset's authors earn ASSET_REUSED points once per person who reuses it, never for their own reuse."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents import texts
from server.domain.knowledge import reads
from server.domain.knowledge.access import require_visible
from server.domain.points import awards
from server.models import Case, KnowledgeReuse, User
from server.models.base import utcnow


async def create_case_from_asset(
    session: AsyncSession, user: User, asset_id: str, *, title: str, customer: str, region: str | None
) -> tuple[Case, KnowledgeReuse]:
    """The new case (the caller owns it) and its link to the asset version it holds."""
    asset = await require_visible(session, user, asset_id)
    version = await reads.version(session, asset.id, asset.version, with_state=True)
    case = await cases.create_case(session, user, title=title, customer=customer, region=region)
    # The first entry of the case's log: what every client syncs from, and what the search reads at once.
    await documents.append(session, [documents.NewUpdate(case.id, user.id, version.state, utcnow())])
    await texts.store_text(session, case.id, version.text, 1)
    reuse = KnowledgeReuse(case_id=case.id, asset_id=asset.id, version_id=version.id, user_id=user.id)
    session.add(reuse)
    await session.flush()
    for author in await reads.authors(session, asset.id):
        awards.queue_award(session, awards.asset_reused(asset.id, author, user.id))
    await audit.record(
        session,
        actor_id=user.id,
        action="knowledge.reused",
        subject=asset.id,
        data={"case": case.id, "version": version.version},
    )
    return case, reuse
