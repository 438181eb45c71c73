"""Value points: rules (seeded with the defaults), ledger, balances, voids; rewards, redemptions; orders.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:00:59.591089
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "point_balances",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_point_balances_balance_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_point_balances_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_point_balances")),
    )
    op.create_table(
        "point_entries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "pain_point_accepted",
                "pain_point_adopted",
                "order_won",
                "comment_resolved",
                "snapshot_named",
                "adjustment",
                "redemption",
                name="pointaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("reverses_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("balance_after >= 0", name=op.f("ck_point_entries_balance_after_not_negative")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_point_entries_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["point_entries.id"], name=op.f("fk_point_entries_reverses_id_point_entries")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_point_entries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_point_entries_hash")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_point_entries_idempotency_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_point_entries_reverses_id")),
        sa.UniqueConstraint("user_id", "prev_hash", name="uq_point_entries_user_id_prev_hash"),
    )
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.create_index("ix_point_entries_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_point_entries_subject", ["subject"], unique=False)
        batch_op.create_index(
            "ix_point_entries_user_id_action_created_at", ["user_id", "action", "created_at"], unique=False
        )
        batch_op.create_index("ix_point_entries_user_id_id", ["user_id", "id"], unique=False)

    op.create_table(
        "point_rules",
        sa.Column(
            "action",
            sa.Enum(
                "pain_point_accepted",
                "pain_point_adopted",
                "order_won",
                "comment_resolved",
                "snapshot_named",
                "adjustment",
                "redemption",
                name="pointaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "daily_cap IS NULL OR daily_cap > 0", name=op.f("ck_point_rules_daily_cap_positive")
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_point_rules_points_not_negative")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_point_rules_updated_by_users")),
        sa.PrimaryKeyConstraint("action", name=op.f("pk_point_rules")),
    )
    op.create_table(
        "point_voids",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_point_voids_actor_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_point_voids_user_id_users")),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_point_voids")),
    )
    op.create_table(
        "rewards",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("training", "leave", "cash", "other", name="rewardkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cost > 0", name=op.f("ck_rewards_cost_positive")),
        sa.CheckConstraint("stock IS NULL OR stock >= 0", name=op.f("ck_rewards_stock_not_negative")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_rewards_created_by_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_rewards_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rewards")),
        sa.UniqueConstraint("team_id", "name", name="uq_rewards_team_id_name"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_orders_case_id_cases")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_orders_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("case_id", "reference", name="uq_orders_case_id_reference"),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_case_id"), ["case_id"], unique=False)

    op.create_table(
        "redemptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("reward_id", sa.String(length=36), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "approved",
                "rejected",
                "fulfilled",
                name="redemptionstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("request_key", sa.String(length=100), nullable=True),
        sa.Column("hold_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("refund_entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fulfilled_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_redemptions_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["fulfilled_by"], ["users.id"], name=op.f("fk_redemptions_fulfilled_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["hold_entry_id"], ["point_entries.id"], name=op.f("fk_redemptions_hold_entry_id_point_entries")
        ),
        sa.ForeignKeyConstraint(
            ["refund_entry_id"],
            ["point_entries.id"],
            name=op.f("fk_redemptions_refund_entry_id_point_entries"),
        ),
        sa.ForeignKeyConstraint(["reward_id"], ["rewards.id"], name=op.f("fk_redemptions_reward_id_rewards")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_redemptions_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_redemptions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redemptions")),
        sa.UniqueConstraint("user_id", "request_key", name="uq_redemptions_user_id_request_key"),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index("ix_redemptions_team_id_status_id", ["team_id", "status", "id"], unique=False)
        batch_op.create_index("ix_redemptions_user_id_id", ["user_id", "id"], unique=False)

    op.create_table(
        "order_pain_points",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("pain_point_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_order_pain_points_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_pain_points_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("order_id", "pain_point_id", name=op.f("pk_order_pain_points")),
    )

    # The defaults of issue 5. Caps are points per person per UTC day: accepted pain points 10 a day,
    # resolved threads 5 a day, named snapshots 3 a day; adoption and orders are decided by someone else.
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps no zone; the models read it back as UTC
    rules = sa.table(
        "point_rules",
        sa.column("action", sa.String),
        sa.column("points", sa.Integer),
        sa.column("daily_cap", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        rules,
        [
            {"action": action, "points": points, "daily_cap": cap, "active": True, "updated_at": now}
            for action, points, cap in (
                ("pain_point_accepted", 5, 50),
                ("pain_point_adopted", 15, None),
                ("order_won", 30, None),
                ("comment_resolved", 2, 10),
                ("snapshot_named", 1, 3),
            )
        ],
    )


def downgrade() -> None:
    op.drop_table("order_pain_points")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_redemptions_user_id_id")
        batch_op.drop_index("ix_redemptions_team_id_status_id")

    op.drop_table("redemptions")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_case_id"))

    op.drop_table("orders")
    op.drop_table("rewards")
    op.drop_table("point_voids")
    op.drop_table("point_rules")
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_point_entries_user_id_id")
        batch_op.drop_index("ix_point_entries_user_id_action_created_at")
        batch_op.drop_index("ix_point_entries_subject")
        batch_op.drop_index("ix_point_entries_created_at")

    op.drop_table("point_entries")
    op.drop_table("point_balances")
