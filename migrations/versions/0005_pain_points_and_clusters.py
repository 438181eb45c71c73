"""Pain points, rectification tickets, cached embeddings, cluster runs, clusters and memberships.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 18:12:09.095977
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cluster_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=50), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("point_count", sa.Integer(), nullable=False),
        sa.Column("cluster_count", sa.Integer(), nullable=False),
        sa.Column("unclustered_count", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_cluster_runs_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_runs")),
        sa.UniqueConstraint("job_id", name=op.f("uq_cluster_runs_job_id")),
    )
    with op.batch_alter_table("cluster_runs", schema=None) as batch_op:
        batch_op.create_index("ix_cluster_runs_team_id_created_at", ["team_id", "created_at"], unique=False)

    op.create_table(
        "clusters",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("representatives", sa.JSON(), nullable=False),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("customers", sa.JSON(), nullable=False),
        sa.Column("trend", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["cluster_runs.id"], name=op.f("fk_clusters_run_id_cluster_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "cluster_id", name=op.f("pk_clusters")),
    )
    op.create_table(
        "pain_points",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("normalized_text", sa.Text(), nullable=False),
        sa.Column("customer", sa.String(length=300), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "rejected",
                "adopted",
                "duplicate",
                name="painpointstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("duplicate_of", sa.String(length=36), nullable=True),
        sa.Column("duplicate_similarity", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_by", sa.String(length=36), nullable=True),
        sa.Column("adoption_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["adopted_by"], ["users.id"], name=op.f("fk_pain_points_adopted_by_users")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_pain_points_author_id_users")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_pain_points_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["pain_points.id"], name=op.f("fk_pain_points_duplicate_of_pain_points")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_pain_points_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_points")),
    )
    with op.batch_alter_table("pain_points", schema=None) as batch_op:
        batch_op.create_index("ix_pain_points_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_pain_points_team_id_created_at", ["team_id", "created_at"], unique=False)

    op.create_table(
        "cluster_memberships",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("pain_point_id", sa.String(length=36), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("run", "placed", name="membershipsource", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pain_point_id"],
            ["pain_points.id"],
            name=op.f("fk_cluster_memberships_pain_point_id_pain_points"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["cluster_runs.id"],
            name=op.f("fk_cluster_memberships_run_id_cluster_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "pain_point_id", name=op.f("pk_cluster_memberships")),
    )
    with op.batch_alter_table("cluster_memberships", schema=None) as batch_op:
        batch_op.create_index("ix_cluster_memberships_pain_point_id", ["pain_point_id"], unique=False)
        batch_op.create_index(
            "ix_cluster_memberships_run_id_cluster_id", ["run_id", "cluster_id"], unique=False
        )

    op.create_table(
        "pain_point_embeddings",
        sa.Column("pain_point_id", sa.String(length=36), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pain_point_id"],
            ["pain_points.id"],
            name=op.f("fk_pain_point_embeddings_pain_point_id_pain_points"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pain_point_id", "model", name=op.f("pk_pain_point_embeddings")),
    )
    op.create_table(
        "rectification_tickets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("latest_text", sa.Text(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("customer", sa.String(length=300), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "resubmitted", name="ticketstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resubmitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pain_point_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_rectification_tickets_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_rectification_tickets_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pain_point_id"],
            ["pain_points.id"],
            name=op.f("fk_rectification_tickets_pain_point_id_pain_points"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_tickets")),
    )
    with op.batch_alter_table("rectification_tickets", schema=None) as batch_op:
        batch_op.create_index("ix_rectification_tickets_author_id", ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_tickets_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectification_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectification_tickets_case_id"))
        batch_op.drop_index("ix_rectification_tickets_author_id")

    op.drop_table("rectification_tickets")
    op.drop_table("pain_point_embeddings")
    with op.batch_alter_table("cluster_memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_cluster_memberships_run_id_cluster_id")
        batch_op.drop_index("ix_cluster_memberships_pain_point_id")

    op.drop_table("cluster_memberships")
    with op.batch_alter_table("pain_points", schema=None) as batch_op:
        batch_op.drop_index("ix_pain_points_team_id_created_at")
        batch_op.drop_index("ix_pain_points_case_id")

    op.drop_table("pain_points")
    op.drop_table("clusters")
    with op.batch_alter_table("cluster_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_cluster_runs_team_id_created_at")

    op.drop_table("cluster_runs")
