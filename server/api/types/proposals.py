"""Requirement proposals: an adopted cluster as a requirement, with the evidence it was adopted on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from server import models
from server.api.types.clusters import WeekCount
from server.api.types.common import PageInfo
from server.api.types.painpoints import PainPoint

ProposalStatus = strawberry.enum(
    models.ProposalStatus,
    name="ProposalStatus",
    description="OPEN (adopted, not decided yet), ACCEPTED (planned), DECLINED (not to be done), DONE. "
    "Any status may follow any other.",
)


@strawberry.type(description="Someone named in a proposal, as they were named when it was written.")
class ProposalPerson:
    id: strawberry.ID
    name: str | None

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> ProposalPerson | None:
        if not data:
            return None
        return cls(id=strawberry.ID(data["id"]), name=data.get("name"))


@strawberry.type(description="A pain point quoted as evidence, with its case, customer and author.")
class EvidencePainPoint:
    id: strawberry.ID
    text: str
    case_id: strawberry.ID
    case_title: str | None
    customer: str
    product: str | None
    author: ProposalPerson
    created_at: datetime


@strawberry.type(
    description="What the cluster held when it was adopted (a copy: later runs do not change it)."
)
class ProposalEvidence:
    run_id: strawberry.ID
    label: str
    keywords: list[str]
    pain_point_count: int
    adopted_count: int = strawberry.field(description="Of those, adopted once this adoption was done.")
    case_count: int
    customer_count: int
    author_count: int
    customers: list[str] = strawberry.field(description="Affected customers.")
    first_seen: datetime | None
    last_seen: datetime | None
    trend: list[WeekCount]
    representatives: list[EvidencePainPoint] = strawberry.field(
        description="Up to 5 pain points closest to the cluster's centre."
    )

    @classmethod
    def of(cls, data: dict[str, Any]) -> ProposalEvidence:
        return cls(
            run_id=strawberry.ID(data["runId"]),
            label=data["label"],
            keywords=list(data["keywords"]),
            pain_point_count=data["painPointCount"],
            adopted_count=data["adoptedCount"],
            case_count=data["caseCount"],
            customer_count=data["customerCount"],
            author_count=data["authorCount"],
            customers=list(data["customers"]),
            first_seen=_time(data.get("firstSeen")),
            last_seen=_time(data.get("lastSeen")),
            trend=[WeekCount(week=date.fromisoformat(w["week"]), count=w["count"]) for w in data["trend"]],
            representatives=[
                EvidencePainPoint(
                    id=strawberry.ID(item["id"]),
                    text=item["text"],
                    case_id=strawberry.ID(item["caseId"]),
                    case_title=item.get("caseTitle"),
                    customer=item["customer"],
                    product=item.get("product"),
                    author=ProposalPerson(
                        id=strawberry.ID(item["author"]["id"]), name=item["author"].get("name")
                    ),
                    created_at=datetime.fromisoformat(item["createdAt"]),
                )
                for item in data["representatives"]
            ],
        )


@strawberry.type(
    description="A requirement for R&D made by adopting a cluster: its problem, the evidence, who adopted it "
    "and why. Exported at markdownUrl and jsonUrl (same sign-in as GraphQL)."
)
class RequirementProposal:
    id: strawberry.ID = strawberry.field(description="Stable: trackers may key on it.")
    title: str
    problem_statement: str
    status: ProposalStatus  # type: ignore[valid-type]
    cluster_id: strawberry.ID = strawberry.field(
        description="The adopted cluster (ids are stable across runs)."
    )
    note: str | None = strawberry.field(description="Why it was adopted, as the adopter wrote it.")
    adopted_by: ProposalPerson
    created_at: datetime
    updated_at: datetime
    updated_by: ProposalPerson | None
    evidence: ProposalEvidence
    markdown_url: str = strawberry.field(description="The Markdown export (Chinese and English headings).")
    json_url: str = strawberry.field(description="The JSON export: the `proposal` webhooks send.")

    @classmethod
    def of(cls, doc: dict[str, Any]) -> RequirementProposal:
        """From the proposal's document (server.domain.proposals.documents), so GraphQL and exports agree."""
        adopted_by = ProposalPerson.of(doc["adoptedBy"])
        assert adopted_by is not None
        return cls(
            id=strawberry.ID(doc["id"]),
            title=doc["title"],
            problem_statement=doc["problemStatement"],
            status=models.ProposalStatus[doc["status"]],
            cluster_id=strawberry.ID(doc["clusterId"]),
            note=doc["note"],
            adopted_by=adopted_by,
            created_at=datetime.fromisoformat(doc["createdAt"]),
            updated_at=datetime.fromisoformat(doc["updatedAt"]),
            updated_by=ProposalPerson.of(doc["updatedBy"]),
            evidence=ProposalEvidence.of(doc["evidence"]),
            markdown_url=f"/proposals/{doc['id']}.md",
            json_url=f"/proposals/{doc['id']}.json",
        )


@strawberry.type
class RequirementProposalConnection:
    nodes: list[RequirementProposal]
    page_info: PageInfo


@strawberry.type
class AdoptClusterPayload:
    proposal: RequirementProposal
    created: bool = strawberry.field(
        description="False when the cluster had a proposal already: returned unchanged, nothing adopted."
    )
    adopted_pain_points: list[PainPoint] = strawberry.field(description="The pain points this call adopted.")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
