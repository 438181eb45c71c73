"""The transactional outbox: follow-ups written with the change they follow.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column(
            "kind", sa.Enum("job", "event", name="outboxkind", native_enum=False, length=8), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        # never reuse an id on SQLite: an event's id is how a subscriber tells a repeat from a new event
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_available_at", "outbox", ["available_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_available_at", table_name="outbox")
    op.drop_table("outbox")
