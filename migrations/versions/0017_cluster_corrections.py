"""Cluster corrections: renames, merges, splits, moves and exclusions that later runs honour.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cluster_corrections",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("cluster_id", sa.String(length=36), nullable=True),
        sa.Column("pain_point_id", sa.String(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_by", sa.String(length=36), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pain_point_id"],
            ["pain_points.id"],
            name=op.f("fk_cluster_corrections_pain_point_id_pain_points"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_cluster_corrections_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_cluster_corrections_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by"], ["users.id"], name=op.f("fk_cluster_corrections_undone_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_corrections")),
    )
    op.create_index(
        "ix_cluster_corrections_team_id_created_at",
        "cluster_corrections",
        ["team_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_cluster_corrections_team_id_created_at", table_name="cluster_corrections")
    op.drop_table("cluster_corrections")
