"""Points rules per team with daily and monthly caps; balances may go below zero as a debt.

`point_rules` is keyed by (team_id, action) and gains `monthly_cap`: today's rules are copied to every
existing team. The farmable actions (accepted, adopted, order won) had no cap or no monthly cap; a missing
cap gets the default below, which is what a new team starts with (server/domain/points/rules.py keeps the
same table). `point_entries.balance_after >= 0` and `point_balances.balance >= 0` are dropped: a reversal
of points already spent leaves a debt (the ledger refuses every other debit below zero).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:45:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# action: (points, daily cap, monthly cap): frozen here, as a migration must not follow later code.
DEFAULTS = {
    "pain_point_accepted": (5, 50, 500),
    "pain_point_adopted": (15, 60, 300),
    "order_won": (30, 300, 1500),
    "comment_resolved": (2, 10, 100),
    "snapshot_named": (1, 3, 30),
}

_ACTIONS = (
    "pain_point_accepted",
    "pain_point_adopted",
    "order_won",
    "comment_resolved",
    "snapshot_named",
    "adjustment",
    "redemption",
)


def _action() -> sa.Enum:
    return sa.Enum(*_ACTIONS, name="pointaction", native_enum=False, length=32)


def _now() -> datetime:
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps no zone; the models read it back as UTC
    return now


def _rules_table(*extra: sa.Column[Any]) -> sa.TableClause:
    return sa.table(
        "point_rules",
        sa.column("action", sa.String),
        sa.column("points", sa.Integer),
        sa.column("daily_cap", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("updated_by", sa.String),
        *extra,
    )


_FIELDS = ("action", "points", "daily_cap", "active", "updated_at", "updated_by")


def _read(query: sa.Select[Any]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in op.get_bind().execute(query)]


def upgrade() -> None:
    rules = _rules_table()
    old = {row["action"]: row for row in _read(sa.select(*(rules.c[name] for name in _FIELDS)))}
    teams = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM teams"))]
    op.drop_table("point_rules")
    table = op.create_table(
        "point_rules",
        sa.Column("team_id", sa.String(length=36), nullable=False),
        sa.Column("action", _action(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("monthly_cap", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "daily_cap IS NULL OR daily_cap > 0", name=op.f("ck_point_rules_daily_cap_positive")
        ),
        sa.CheckConstraint(
            "monthly_cap IS NULL OR monthly_cap > 0", name=op.f("ck_point_rules_monthly_cap_positive")
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_point_rules_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_point_rules_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_point_rules_updated_by_users")),
        sa.PrimaryKeyConstraint("team_id", "action", name=op.f("pk_point_rules")),
    )
    now = _now()
    rows = []
    for team_id in teams:
        for action, (points, daily, monthly) in DEFAULTS.items():
            rule = old.get(action)
            rows.append(
                {
                    "team_id": team_id,
                    "action": action,
                    "points": rule["points"] if rule else points,
                    "daily_cap": (rule["daily_cap"] if rule else None) or daily,
                    "monthly_cap": monthly,
                    "active": rule["active"] if rule else True,
                    "updated_at": rule["updated_at"] if rule else now,
                    "updated_by": rule["updated_by"] if rule else None,
                }
            )
    if rows:
        op.bulk_insert(table, rows)
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_point_entries_balance_after_not_negative"), type_="check")
    with op.batch_alter_table("point_balances", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_point_balances_balance_not_negative"), type_="check")


def downgrade() -> None:
    # Debts cannot be kept under the old constraints: the downgrade fails while anyone is in debt.
    with op.batch_alter_table("point_balances", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_point_balances_balance_not_negative"), "balance >= 0")
    with op.batch_alter_table("point_entries", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_point_entries_balance_after_not_negative"), "balance_after >= 0"
        )
    # One table for everyone again: the rules of the oldest team win.
    first = op.get_bind().execute(sa.text("SELECT id FROM teams ORDER BY created_at, id LIMIT 1")).first()
    kept: list[dict[str, Any]] = []
    if first is not None:
        rules = _rules_table(sa.column("team_id", sa.String))
        kept = _read(sa.select(*(rules.c[name] for name in _FIELDS)).where(rules.c.team_id == first[0]))
    op.drop_table("point_rules")
    table = op.create_table(
        "point_rules",
        sa.Column("action", _action(), nullable=False),
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
    if not kept:
        now = _now()
        kept = [
            {
                "action": action,
                "points": points,
                "daily_cap": daily,
                "active": True,
                "updated_at": now,
                "updated_by": None,
            }
            for action, (points, daily, _) in DEFAULTS.items()
        ]
    op.bulk_insert(table, kept)
