"""Clustering runs of a team's pain points, stored as a whole: parameters, clusters and memberships."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class MembershipSource(enum.StrEnum):
    # The run itself put it there (HDBSCAN, or the rescue of an outlier close to a centroid)
    RUN = "run"
    # It arrived after the run and was placed by cosine to the run's centroids
    PLACED = "placed"


class ClusterRun(Base):
    __tablename__ = "cluster_runs"
    __table_args__ = (Index("ix_cluster_runs_team_id_created_at", "team_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    # One run per job: a retried job finds its run here instead of making a second one.
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    model: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    point_count: Mapped[int]
    cluster_count: Mapped[int]
    unclustered_count: Mapped[int]
    seconds: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cluster(Base):
    """One cluster of one run; `cluster_id` is kept across runs for the same recurring problem."""

    __tablename__ = "clusters"

    run_id: Mapped[str] = mapped_column(ForeignKey("cluster_runs.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    size: Mapped[int]
    representatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    case_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    customers: Mapped[list[str]] = mapped_column(JSON, default=list)
    trend: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # normalised float32 bytes, in the run's model space: what new pain points are placed against
    centroid: Mapped[bytes] = mapped_column(LargeBinary)


class ClusterMembership(Base):
    """Where a pain point is in a run: a cluster, or unclustered (`cluster_id` None)."""

    __tablename__ = "cluster_memberships"
    __table_args__ = (
        Index("ix_cluster_memberships_run_id_cluster_id", "run_id", "cluster_id"),
        Index("ix_cluster_memberships_pain_point_id", "pain_point_id"),
    )

    run_id: Mapped[str] = mapped_column(ForeignKey("cluster_runs.id", ondelete="CASCADE"), primary_key=True)
    pain_point_id: Mapped[str] = mapped_column(
        ForeignKey("pain_points.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[str | None] = mapped_column(String(36))
    # cosine to the cluster's centroid (to the nearest centroid when unclustered): orders representatives
    similarity: Mapped[float] = mapped_column(Float)
    source: Mapped[MembershipSource] = mapped_column(
        Enum(
            MembershipSource,
            native_enum=False,
            length=16,
            values_callable=lambda kind: [m.value for m in kind],
        )
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClusterCorrection(Base):
    """A person's correction of the clusters, kept as data so every later run honours it until undone.

    `data` holds what the constraints are built from, in pain-point ids as they were at the correction:
    rename {label, members}; merge {merged, members}; split {groups}; move {from, members} (the target's
    members); unclustered {from}.
    """

    __tablename__ = "cluster_corrections"
    __table_args__ = (Index("ix_cluster_corrections_team_id_created_at", "team_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    kind: Mapped[str] = mapped_column(String(16))
    cluster_id: Mapped[str | None] = mapped_column(String(36))
    pain_point_id: Mapped[str | None] = mapped_column(ForeignKey("pain_points.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None]
