"""Visibility policies: regions of a team, of its cases and of its people; the team's policies.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy drops the table, and every row that references
    # it with ON DELETE CASCADE (a team's points rules, a user's tokens) would go with it.
    empty = sa.text("'[]'")
    op.add_column("teams", sa.Column("regions", sa.JSON(), server_default=empty, nullable=False))
    op.add_column("users", sa.Column("regions", sa.JSON(), server_default=empty, nullable=False))
    op.add_column("cases", sa.Column("region", sa.String(length=100), nullable=True))
    op.create_index("ix_cases_team_id_region", "cases", ["team_id", "region"], unique=False)
    op.create_table(
        "visibility_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("case_access", sa.String(length=16), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=True),
        sa.Column("mask_customer_fields", sa.Boolean(), nullable=False),
        sa.Column("views", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_visibility_policies_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_visibility_policies_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visibility_policies")),
    )
    op.create_index("ix_visibility_policies_team_id", "visibility_policies", ["team_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_visibility_policies_team_id", table_name="visibility_policies")
    op.drop_table("visibility_policies")
    op.drop_index("ix_cases_team_id_region", table_name="cases")
    # SQLite 3.35+ drops a column in place (no table copy, so nothing cascades).
    op.drop_column("cases", "region")
    op.drop_column("users", "regions")
    op.drop_column("teams", "regions")
