"""Heatmaps: the job's progress through each case's update log, and characters per author per day.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 17:17:35.391860
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "heatmap_edit_days",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("chars_inserted", sa.BigInteger(), nullable=False),
        sa.Column("chars_deleted", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_heatmap_edit_days_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_heatmap_edit_days_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", "day", name=op.f("pk_heatmap_edit_days")),
    )
    op.create_table(
        "heatmap_states",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_update_id", sa.BigInteger(), nullable=False),
        sa.Column("updates_read", sa.BigInteger(), nullable=False),
        sa.Column("malformed", sa.Integer(), nullable=False),
        sa.Column("ledger", sa.LargeBinary(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_heatmap_states_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_heatmap_states")),
    )


def downgrade() -> None:
    op.drop_table("heatmap_states")
    op.drop_table("heatmap_edit_days")
