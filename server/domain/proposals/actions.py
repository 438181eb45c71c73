"""Adopting a cluster (its pain points and a requirement proposal, in one transaction), editing a proposal,
and reading them.

Adopting a cluster that has a proposal already returns that proposal and changes nothing (`created` is
False): a retried call, or a second person clicking at the same moment, must not make a second requirement
for the same problem. Pain points that joined the cluster since are adopted one by one (adoptPainPoint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering.encoders import has_cjk
from server.domain import audit
from server.domain.clusters.placement import current_run
from server.domain.errors import BadInput, NotFound
from server.domain.pagination import Page, paginate
from server.domain.painpoints import adoption
from server.domain.proposals import evidence
from server.domain.proposals.access import require_team, visible
from server.domain.proposals.documents import document
from server.domain.webhooks import events as webhook_events
from server.infra.ids import is_id, new_id
from server.models import (
    Cluster,
    PainPoint,
    PainPointStatus,
    ProposalStatus,
    RequirementProposal,
    Team,
    User,
)
from server.models.base import utcnow

MAX_TITLE = 300
MAX_STATEMENT = 20_000


@dataclass
class AdoptedCluster:
    """The cluster's proposal, whether this call made it, and the pain points it adopted."""

    proposal: RequirementProposal
    created: bool
    adopted: list[PainPoint] = field(default_factory=list)


@dataclass(frozen=True)
class ProposalChanges:
    """What an edit sets; None leaves a field as it is."""

    title: str | None = None
    problem_statement: str | None = None
    status: ProposalStatus | None = None


def problem_statement(cluster: Cluster, pain_points: Sequence[PainPoint]) -> str:
    """The first problem statement of a cluster's proposal (R&D edits it): the cluster's keywords, in the
    language most of its pain points are written in (Chinese when half are); the label is its title."""
    terms = [str(k["term"]) for k in cluster.keywords[: evidence.KEYWORDS]]
    if not terms:
        return cluster.label
    if 2 * sum(has_cjk(p.normalized_text) for p in pain_points) >= len(pain_points):
        return f"关键词：{'、'.join(terms)}"
    return f"Keywords: {', '.join(terms)}"


async def adopt_cluster(
    session: AsyncSession, user: User, cluster_id: str, note: str | None
) -> AdoptedCluster:
    """Adopt the cluster's pain points and make its requirement proposal (or return the one it has)."""
    team_id = require_team(user, "adopt clusters")
    cleaned = adoption.clean_note(note)
    # Adoptions of one team's clusters take turns (a row lock on PostgreSQL, the write lock on SQLite), so
    # two at once cannot both find no proposal and make one each.
    await session.execute(update(Team).where(Team.id == team_id).values(id=Team.id))
    existing = (
        await session.execute(
            select(RequirementProposal).where(
                RequirementProposal.team_id == team_id, RequirementProposal.cluster_id == cluster_id
            )
        )
    ).scalar_one_or_none()
    if existing is not None:
        return AdoptedCluster(existing, created=False)
    run = await current_run(session, team_id)
    cluster = (
        await session.get(Cluster, (run.id, cluster_id)) if run is not None and is_id(cluster_id) else None
    )
    found = await evidence.members(session, run, cluster, lock=True) if run and cluster else None
    if found is None or not found.pain_points:
        raise NotFound(f"No cluster with id {cluster_id} is visible to you.")
    adopting = [p for p in found.pain_points if p.status is PainPointStatus.SUBMITTED]
    now = utcnow()
    proposal = RequirementProposal(
        id=new_id(),
        team_id=team_id,
        cluster_id=found.cluster.cluster_id,
        run_id=found.run.id,
        title=(found.cluster.label.strip() or found.cluster.cluster_id)[:MAX_TITLE],
        problem_statement=problem_statement(found.cluster, found.pain_points),
        status=ProposalStatus.OPEN,
        evidence=await evidence.snapshot(session, found, adopting),
        adopted_by=user.id,
        note=cleaned,
        created_at=now,
        updated_at=now,
    )
    session.add(proposal)
    await session.flush()
    await webhook_events.emit(
        session, team_id, webhook_events.PROPOSAL_CREATED, {"proposal": await document(session, proposal)}
    )
    await adoption.adopt_all(session, user, adopting, cleaned, proposal_id=proposal.id)
    await adoption.audit_all(session, user, adopting, cleaned, proposal_id=proposal.id)
    await audit.record(
        session,
        actor_id=user.id,
        action="requirement_proposal.created",
        subject=proposal.id,
        data={
            "cluster_id": proposal.cluster_id,
            "run_id": proposal.run_id,
            "adopted": [p.id for p in adopting],
            "note": cleaned,
        },
    )
    return AdoptedCluster(proposal, created=True, adopted=adopting)


async def update_proposal(
    session: AsyncSession, user: User, proposal_id: str, changes: ProposalChanges
) -> RequirementProposal:
    """Edit a proposal's title, problem statement or status; an edit that changes nothing writes nothing."""
    require_team(user, "edit requirement proposals")
    proposal = await visible(session, user, proposal_id, for_update=True)
    changed: dict[str, object] = {}
    if changes.title is not None:
        title = " ".join(changes.title.split())
        if not title:
            raise BadInput("The title cannot be empty.")
        if len(title) > MAX_TITLE:
            raise BadInput(f"The title is longer than {MAX_TITLE} characters.")
        if title != proposal.title:
            proposal.title = changed["title"] = title
    if changes.problem_statement is not None:
        statement = changes.problem_statement.strip()
        if not statement:
            raise BadInput("The problem statement cannot be empty.")
        if len(statement) > MAX_STATEMENT:
            raise BadInput(f"The problem statement is longer than {MAX_STATEMENT} characters.")
        if statement != proposal.problem_statement:
            proposal.problem_statement = changed["problemStatement"] = statement
    if changes.status is not None and changes.status is not proposal.status:
        proposal.status = changes.status
        changed["status"] = changes.status.name
    if not changed:
        return proposal
    proposal.updated_at = utcnow()
    proposal.updated_by = user.id
    await session.flush()
    doc = await document(session, proposal)
    await webhook_events.emit(
        session,
        proposal.team_id,
        webhook_events.PROPOSAL_UPDATED,
        {"proposal": doc, "changed": sorted(changed)},
    )
    await audit.record(
        session, actor_id=user.id, action="requirement_proposal.updated", subject=proposal.id, data=changed
    )
    return proposal


async def proposals(
    session: AsyncSession, user: User, *, status: ProposalStatus | None, first: int, after: str | None
) -> Page[RequirementProposal]:
    """The team's proposals, newest first, optionally of one status."""
    team_id = require_team(user, "read requirement proposals")
    query = select(RequirementProposal).where(RequirementProposal.team_id == team_id)
    if status is not None:
        query = query.where(RequirementProposal.status == status)
    return await paginate(session, query, RequirementProposal.id, first=first, after=after)
