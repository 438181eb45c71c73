"""Download tickets: short-lived, single-use links to one material's content (a streamed save to disk).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "download_tickets",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.String(length=36), nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f("fk_download_tickets_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["auth_tokens.id"],
            name=op.f("fk_download_tickets_token_id_auth_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_download_tickets")),
    )
    op.create_index("ix_download_tickets_expires_at", "download_tickets", ["expires_at"], unique=False)
    op.create_index("ix_download_tickets_token_id", "download_tickets", ["token_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_download_tickets_token_id", table_name="download_tickets")
    op.drop_index("ix_download_tickets_expires_at", table_name="download_tickets")
    op.drop_table("download_tickets")
