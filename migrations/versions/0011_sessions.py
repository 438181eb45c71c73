"""Sessions: when each sign-in token was last used, for the idle timeout.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    # A token issued before this revision counts as used when it was issued.
    op.execute("UPDATE auth_tokens SET last_used_at = created_at")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.alter_column("last_used_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
