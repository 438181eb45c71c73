"""Approvals in the points economy: orders won wait for an approver, large adjustments for a second HR.

Orders get their team (order numbers are unique per team, no longer per case), a status and who decided
it; orders recorded before this revision were awarded when recorded, so they count as approved.
Adjustments above the threshold wait in `adjustment_requests`. The `finance` role needs no change: roles
are stored as a 16-character string without a check constraint.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum("pending", "approved", "rejected", name="approvalstatus", native_enum=False, length=16)


def _backfill_orders() -> None:
    """Each order's team (its case's, else its recorder's); a reference repeated within a team is made
    unique by appending the order id, so the new constraint holds on old data."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE orders SET status = 'approved', decided_at = created_at, team_id = COALESCE("
            "(SELECT cases.team_id FROM cases WHERE cases.id = orders.case_id),"
            "(SELECT users.team_id FROM users WHERE users.id = orders.recorded_by))"
        )
    )
    rows = bind.execute(
        sa.text(
            "SELECT id, team_id, reference FROM orders WHERE reference IS NOT NULL ORDER BY created_at, id"
        )
    ).all()
    seen: set[tuple[str | None, str]] = set()
    for order_id, team_id, reference in rows:
        if (team_id, reference) in seen:
            unique = f"{reference[: 100 - 39]} ({order_id})"
            bind.execute(
                sa.text("UPDATE orders SET reference = :r WHERE id = :i"), {"r": unique, "i": order_id}
            )
        seen.add((team_id, reference))


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("status", _STATUS, nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=500), nullable=True))
    _backfill_orders()
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=_STATUS, nullable=False)
        batch_op.drop_constraint("uq_orders_case_id_reference", type_="unique")
        batch_op.create_unique_constraint("uq_orders_team_id_reference", ["team_id", "reference"])
        batch_op.create_foreign_key(batch_op.f("fk_orders_team_id_teams"), "teams", ["team_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_orders_decided_by_users"), "users", ["decided_by"], ["id"])
        batch_op.create_index("ix_orders_team_id_status", ["team_id", "status"], unique=False)

    op.create_table(
        "adjustment_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("request_key", sa.String(length=200), nullable=True),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_adjustment_requests_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["point_entries.id"], name=op.f("fk_adjustment_requests_entry_id_point_entries")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_adjustment_requests_requested_by_users")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_adjustment_requests_team_id_teams")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_adjustment_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_requests")),
        sa.UniqueConstraint("request_key", name=op.f("uq_adjustment_requests_request_key")),
    )
    op.create_index(
        "ix_adjustment_requests_team_id_status", "adjustment_requests", ["team_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_adjustment_requests_team_id_status", table_name="adjustment_requests")
    op.drop_table("adjustment_requests")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_team_id_status")
        batch_op.drop_constraint(batch_op.f("fk_orders_decided_by_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_orders_team_id_teams"), type_="foreignkey")
        batch_op.drop_constraint("uq_orders_team_id_reference", type_="unique")
        batch_op.create_unique_constraint("uq_orders_case_id_reference", ["case_id", "reference"])
        batch_op.drop_column("decision_note")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("status")
        batch_op.drop_column("team_id")
