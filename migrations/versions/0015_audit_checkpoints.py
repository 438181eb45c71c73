"""Audit: events linked after their commit by a sequencer (no lock held by the commands), and signed
checkpoints of the chain's head.

Existing events keep their hashes and get their chain positions in their order of old (`seq`).
A downgrade needs every event linked first (`python -m server audit verify` links them).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.BigInteger(), nullable=True))
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_position"), ["position"])
    op.execute(
        "UPDATE audit_events SET position = numbered.n FROM "
        "(SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM audit_events) AS numbered "
        "WHERE audit_events.seq = numbered.seq"
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous", sa.BigInteger(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_audit_checkpoints")),
    )


def downgrade() -> None:
    unlinked = op.get_bind().scalar(sa.text("SELECT COUNT(*) FROM audit_events WHERE position IS NULL"))
    if unlinked:
        raise RuntimeError(
            f"{unlinked} audit events are not linked yet: run `python -m server audit verify` first"
        )
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_position"), type_="unique")
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("position")
