"""Sync tickets: short-lived, single-use passes for the live-sync socket.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_tickets",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_sync_tickets_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["auth_tokens.id"],
            name=op.f("fk_sync_tickets_token_id_auth_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_sync_tickets")),
    )
    op.create_index("ix_sync_tickets_expires_at", "sync_tickets", ["expires_at"], unique=False)
    op.create_index("ix_sync_tickets_token_id", "sync_tickets", ["token_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sync_tickets_token_id", table_name="sync_tickets")
    op.drop_index("ix_sync_tickets_expires_at", table_name="sync_tickets")
    op.drop_table("sync_tickets")
