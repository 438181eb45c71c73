"""Contribution heatmaps (people x days or weeks) and section heatmaps (people x document sections)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import strawberry

from server.api.types.users import User
from server.domain.heatmaps.reads import ContributionView, SectionView, Subject
from server.heatmaps import WEIGHTS, Activity, BucketSize

HeatmapBucket = strawberry.enum(
    BucketSize,
    name="HeatmapBucket",
    description="One column of a contribution heatmap: a UTC day or an ISO week.",
)
ActivityKind = strawberry.enum(
    Activity,
    name="ActivityKind",
    description="A kind of contribution: characters written or deleted in the document, comments, "
    "named snapshots, accepted pain points, pain points adopted by R&D (credited to their author), cases "
    "started from the case's knowledge asset and subscriptions to it (credited to the asset's authors).",
)


@strawberry.type(description="A case or a team.")
class HeatmapSubject:
    case_id: strawberry.ID | None
    team_id: strawberry.ID | None
    title: str

    @classmethod
    def of(cls, subject: Subject) -> HeatmapSubject:
        case_id = strawberry.ID(subject.id) if subject.kind == "case" else None
        team_id = strawberry.ID(subject.id) if subject.kind == "team" else None
        return cls(case_id=case_id, team_id=team_id, title=subject.title)


@strawberry.type(description="One column: the UTC days [start, end).")
class HeatmapColumn:
    index: int
    label: str = strawberry.field(description="`2025-03-14` for a day, `2025-W11` for an ISO week.")
    start: datetime
    end: datetime


@strawberry.type
class ActivityCount:
    kind: ActivityKind  # type: ignore[valid-type]
    count: int


@strawberry.type(description="The score of one unit of a kind of contribution.")
class ActivityWeight:
    kind: ActivityKind  # type: ignore[valid-type]
    weight: float


@strawberry.type(description="What one person did in one column.")
class ContributionCell:
    column: int = strawberry.field(description="The index of the column (`columns[i].index`).")
    score: float = strawberry.field(description="The weighted sum of the counts (see `weights`).")
    counts: list[ActivityCount]


@strawberry.type
class HeatmapRow:
    user: User
    score: float = strawberry.field(description="The person's total score over the whole period.")
    cells: list[ContributionCell] = strawberry.field(description="Only the columns with a contribution.")


@strawberry.type(description="People x columns; rows with the highest score first.")
class ContributionHeatmap:
    subject: HeatmapSubject
    bucket: HeatmapBucket  # type: ignore[valid-type]
    start: datetime = strawberry.field(name="from", description="The start of the first column.")
    end: datetime = strawberry.field(name="to", description="The end of the last column (exclusive).")
    columns: list[HeatmapColumn]
    rows: list[HeatmapRow]
    weights: list[ActivityWeight]
    max_score: float = strawberry.field(description="The highest cell score: the top of a colour scale.")
    computed_at: datetime | None = strawberry.field(
        description="When the document edits were last counted (the oldest of the subject's cases)."
    )
    stale: bool = strawberry.field(
        description="Document edits newer than `computedAt` wait for the next run (seconds away)."
    )

    @classmethod
    def of(cls, view: ContributionView) -> ContributionHeatmap:
        heatmap = view.heatmap
        rows = []
        for user_id in heatmap.users:
            cells = [
                ContributionCell(
                    column=index,
                    score=cell.score,
                    counts=[
                        ActivityCount(kind=kind, count=cell.counts[kind])
                        for kind in Activity
                        if kind in cell.counts
                    ],
                )
                for index in range(len(heatmap.buckets))
                if (cell := heatmap.cells.get((user_id, index))) is not None
            ]
            rows.append(
                HeatmapRow(user=User.of(view.people[user_id]), score=heatmap.user_score(user_id), cells=cells)
            )
        columns = [
            HeatmapColumn(
                index=index,
                label=bucket.label,
                start=datetime.combine(bucket.start, time(), UTC),
                end=datetime.combine(bucket.end, time(), UTC),
            )
            for index, bucket in enumerate(heatmap.buckets)
        ]
        return cls(
            subject=HeatmapSubject.of(view.subject),
            bucket=heatmap.size,
            start=columns[0].start,
            end=columns[-1].end,
            columns=columns,
            rows=rows,
            weights=[ActivityWeight(kind=kind, weight=weight) for kind, weight in WEIGHTS.items()],
            max_score=max((cell.score for cell in heatmap.cells.values()), default=0.0),
            computed_at=view.freshness.computed_at,
            stale=view.freshness.stale,
        )


@strawberry.type(description="A part of the document: a heading and what follows it up to the next heading.")
class DocumentSection:
    index: int
    title: str = strawberry.field(
        description="The heading's text; `Introduction` for text before any heading."
    )
    level: int | None = strawberry.field(description="The heading level, 1 to 6.")
    heading_id: str | None = strawberry.field(
        description="The heading's Yjs id (`client:clock`): stable while the heading exists."
    )
    total_chars: int = strawberry.field(description="Every character of the section, whoever wrote it.")
    unattributed_chars: int = strawberry.field(description="Characters no author in the log wrote (imports).")


@strawberry.type
class SectionCell:
    section: int = strawberry.field(description="The index of the section (`sections[i].index`).")
    chars: int = strawberry.field(description="The person's characters that are still in this section.")
    share: float = strawberry.field(description="`chars` / the section's `totalChars`, 0 to 1.")


@strawberry.type
class SectionRow:
    user: User
    chars: int = strawberry.field(description="The person's surviving characters in the whole document.")
    cells: list[SectionCell] = strawberry.field(description="Only the sections holding the person's text.")


@strawberry.type(description="People x sections of surviving text; the person with the most text first.")
class SectionHeatmap:
    subject: HeatmapSubject
    sections: list[DocumentSection]
    rows: list[SectionRow]
    computed_at: datetime | None = strawberry.field(description="When the document was last read.")
    stale: bool = strawberry.field(description="Newer document edits wait for the next run (seconds away).")

    @classmethod
    def of(cls, view: SectionView) -> SectionHeatmap:
        heatmap = view.heatmap
        sections = [
            DocumentSection(
                index=s.index,
                title=s.title,
                level=s.level,
                heading_id=s.heading_id,
                total_chars=s.total_chars,
                unattributed_chars=s.unattributed_chars,
            )
            for s in heatmap.sections
        ]
        rows = [
            SectionRow(
                user=User.of(view.people[author]),
                chars=heatmap.author_total(author),
                cells=[
                    SectionCell(section=s.index, chars=chars, share=chars / s.total_chars)
                    for s in heatmap.sections
                    if (chars := s.chars_by_author.get(author, 0))
                ],
            )
            for author in heatmap.authors
        ]
        return cls(
            subject=HeatmapSubject.of(view.subject),
            sections=sections,
            rows=rows,
            computed_at=view.freshness.computed_at,
            stale=view.freshness.stale,
        )
