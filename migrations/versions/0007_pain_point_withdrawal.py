"""Pain points withdrawn after acceptance: when, by whom, why.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite adds a column with a foreign key by copying the table.
    with op.batch_alter_table("pain_points") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(op.f("fk_pain_points_withdrawn_by_users"), "users", ["withdrawn_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("pain_points") as batch:
        batch.drop_constraint(op.f("fk_pain_points_withdrawn_by_users"), type_="foreignkey")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")
