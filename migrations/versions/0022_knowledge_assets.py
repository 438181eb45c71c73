"""Knowledge assets: published, redacted versions of a case, their subscribers and the cases started from
them; notifications of a new version; the ASSET_REUSED and ASSET_SUBSCRIBED rules for every team.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 20:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# action: (points, daily cap, monthly cap), frozen here as a migration must not follow later code.
RULES = {"asset_reused": (3, 30, 300), "asset_subscribed": (1, 10, 100)}


def _now() -> datetime:
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps no zone; the models read it back as UTC
    return now


def upgrade() -> None:
    op.create_table(
        "knowledge_assets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column(
            "audience",
            sa.Enum("team", "organization", name="assetaudience", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("tag_keys", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("embedding_model", sa.String(length=200), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_knowledge_assets_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_knowledge_assets_created_by_users")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_knowledge_assets_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_assets")),
        sa.UniqueConstraint("case_id", name=op.f("uq_knowledge_assets_case_id")),
    )
    op.create_index("ix_knowledge_assets_team_id_id", "knowledge_assets", ["team_id", "id"])
    op.create_index(
        "ix_knowledge_assets_embedding_model",
        "knowledge_assets",
        ["embedding_model", "version", "updated_at"],
    )
    op.create_table(
        "knowledge_asset_versions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("masked_spans", sa.JSON(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("published_by", sa.String(length=36), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["knowledge_assets.id"],
            name=op.f("fk_knowledge_asset_versions_asset_id_knowledge_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_knowledge_asset_versions_published_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_knowledge_asset_versions_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_asset_versions")),
    )
    op.create_index(
        "uq_knowledge_asset_versions_asset_version",
        "knowledge_asset_versions",
        ["asset_id", "version"],
        unique=True,
    )
    op.create_table(
        "knowledge_subscriptions",
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["knowledge_assets.id"],
            name=op.f("fk_knowledge_subscriptions_asset_id_knowledge_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_knowledge_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_id", "user_id", name=op.f("pk_knowledge_subscriptions")),
    )
    op.create_index("ix_knowledge_subscriptions_user_id", "knowledge_subscriptions", ["user_id"])
    op.create_table(
        "knowledge_reuses",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("asset_id", sa.String(length=36), nullable=False),
        sa.Column("version_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["knowledge_assets.id"],
            name=op.f("fk_knowledge_reuses_asset_id_knowledge_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_knowledge_reuses_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_knowledge_reuses_user_id_users")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["knowledge_asset_versions.id"],
            name=op.f("fk_knowledge_reuses_version_id_knowledge_asset_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_knowledge_reuses")),
    )
    op.create_index("ix_knowledge_reuses_asset_id", "knowledge_reuses", ["asset_id"])
    # Batch mode: SQLite adds a column with a foreign key by copying the table.
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("knowledge_asset_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("asset_version", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_notifications_knowledge_asset_id_knowledge_assets"),
            "knowledge_assets",
            ["knowledge_asset_id"],
            ["id"],
            ondelete="CASCADE",
        )
    rules = sa.table(
        "point_rules",
        sa.column("team_id", sa.String),
        sa.column("action", sa.String),
        sa.column("points", sa.Integer),
        sa.column("daily_cap", sa.Integer),
        sa.column("monthly_cap", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    teams = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM teams"))]
    now = _now()
    rows = [
        {
            "team_id": team_id,
            "action": action,
            "points": points,
            "daily_cap": daily,
            "monthly_cap": monthly,
            "active": True,
            "updated_at": now,
        }
        for team_id in teams
        for action, (points, daily, monthly) in RULES.items()
    ]
    if rows:
        op.bulk_insert(rules, rows)


def downgrade() -> None:
    op.execute("DELETE FROM point_rules WHERE action IN ('asset_reused', 'asset_subscribed')")
    op.execute("DELETE FROM notifications WHERE kind = 'asset_version_published'")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(
            op.f("fk_notifications_knowledge_asset_id_knowledge_assets"), type_="foreignkey"
        )
        batch.drop_column("asset_version")
        batch.drop_column("knowledge_asset_id")
    op.drop_index("ix_knowledge_reuses_asset_id", table_name="knowledge_reuses")
    op.drop_table("knowledge_reuses")
    op.drop_index("ix_knowledge_subscriptions_user_id", table_name="knowledge_subscriptions")
    op.drop_table("knowledge_subscriptions")
    op.drop_index("uq_knowledge_asset_versions_asset_version", table_name="knowledge_asset_versions")
    op.drop_table("knowledge_asset_versions")
    op.drop_index("ix_knowledge_assets_embedding_model", table_name="knowledge_assets")
    op.drop_index("ix_knowledge_assets_team_id_id", table_name="knowledge_assets")
    op.drop_table("knowledge_assets")
