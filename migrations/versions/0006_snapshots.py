"""Version snapshots of case documents.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:05:02.879481
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("auto", "named", "before_restore", name="snapshotkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("last_update_id", sa.BigInteger(), nullable=True),
        sa.Column("restored_from_id", sa.String(length=36), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_snapshots_author_id_users")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_snapshots_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["restored_from_id"], ["snapshots.id"], name=op.f("fk_snapshots_restored_from_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_snapshots_case_id_id", ["case_id", "id"], unique=False)
        batch_op.create_index(
            "uq_snapshots_auto_position",
            ["case_id", "position"],
            unique=True,
            sqlite_where=sa.text("kind = 'auto'"),
            postgresql_where=sa.text("kind = 'auto'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_snapshots_auto_position",
            sqlite_where=sa.text("kind = 'auto'"),
            postgresql_where=sa.text("kind = 'auto'"),
        )
        batch_op.drop_index("ix_snapshots_case_id_id")

    op.drop_table("snapshots")
