"""Materials: raw customer files on a case, stored encrypted, shown as a redacted summary.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "materials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("kek_id", sa.String(length=64), nullable=False),
        sa.Column("transcript", sa.LargeBinary(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("summary_sealed", sa.LargeBinary(), nullable=True),
        sa.Column(
            "summary_status",
            sa.Enum("pending", "ready", "failed", name="summarystatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("summary_edited_by", sa.String(length=36), nullable=True),
        sa.Column("summary_edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_materials_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["summary_edited_by"], ["users.id"], name=op.f("fk_materials_summary_edited_by_users")
        ),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_materials_uploaded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_materials_storage_key")),
    )
    op.create_index("ix_materials_case_id_uploaded_at", "materials", ["case_id", "uploaded_at"], unique=False)
    op.create_index(op.f("ix_materials_kek_id"), "materials", ["kek_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_materials_kek_id"), table_name="materials")
    op.drop_index("ix_materials_case_id_uploaded_at", table_name="materials")
    op.drop_table("materials")
