"""Notifications about an adopted pain point and a decided redemption: their references, HR's decision, and
room in `kind` for the longer names.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "mention",
    "reply",
    "resolved",
    "access_requested",
    "access_granted",
    "access_rejected",
    "pain_point_adopted",
    "redemption_decided",
)
DECISIONS = ("requested", "approved", "rejected", "fulfilled")


def upgrade() -> None:
    # SQLite adds a column with a foreign key only by copying the table (batch mode).
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column(
            "kind",
            existing_type=sa.String(length=16),
            type_=sa.Enum(*KINDS, name="notificationkind", native_enum=False, length=32),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("pain_point_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("redemption_id", sa.String(length=36), nullable=True))
        batch.add_column(
            sa.Column(
                "redemption_decision",
                sa.Enum(*DECISIONS, name="redemptionstatus", native_enum=False, length=16),
                nullable=True,
            )
        )
        batch.create_foreign_key(
            op.f("fk_notifications_pain_point_id_pain_points"),
            "pain_points",
            ["pain_point_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            op.f("fk_notifications_redemption_id_redemptions"),
            "redemptions",
            ["redemption_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind IN ('pain_point_adopted', 'redemption_decided')")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("fk_notifications_redemption_id_redemptions"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_notifications_pain_point_id_pain_points"), type_="foreignkey")
        batch.drop_column("redemption_decision")
        batch.drop_column("redemption_id")
        batch.drop_column("pain_point_id")
        batch.alter_column(
            "kind",
            existing_type=sa.String(length=32),
            type_=sa.Enum(*KINDS[:6], name="notificationkind", native_enum=False, length=16),
            existing_nullable=False,
        )
