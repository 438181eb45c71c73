"""Material access: requests approved by two people (the customer's authorization, legal), the grants they
end in, notifications about them, and an index for a subject's audit events (a material's access log).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"))


def upgrade() -> None:
    requests = "material_access_requests"
    op.create_table(
        requests,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "granted", "rejected", name="accessrequeststatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authorized_by", sa.String(length=36), nullable=True),
        sa.Column("authorization_evidence", sa.Text(), nullable=True),
        sa.Column("authorized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_hours", sa.Integer(), nullable=True),
        sa.Column("approved_downloads", sa.Integer(), nullable=True),
        sa.Column("rejected_by", sa.String(length=36), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f(f"fk_{requests}_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f(f"fk_{requests}_material_id_materials"),
            ondelete="CASCADE",
        ),
        _user("requested_by", requests),
        _user("authorized_by", requests),
        _user("approved_by", requests),
        _user("rejected_by", requests),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{requests}")),
    )
    op.create_index(f"ix_{requests}_case_id_status", requests, ["case_id", "status"], unique=False)
    op.create_index(f"ix_{requests}_material_id_id", requests, ["material_id", "id"], unique=False)
    op.create_index(f"ix_{requests}_requested_by", requests, ["requested_by"], unique=False)

    grants = "material_grants"
    op.create_table(
        grants,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("material_id", sa.String(length=36), nullable=False),
        sa.Column("grantee_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("downloads_allowed", sa.Integer(), nullable=False),
        sa.Column("downloads_used", sa.Integer(), nullable=False),
        sa.Column("viewing_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("viewing_bytes", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            name=op.f(f"fk_{grants}_material_id_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            [f"{requests}.id"],
            name=op.f(f"fk_{grants}_request_id_{requests}"),
            ondelete="CASCADE",
        ),
        _user("grantee_id", grants),
        _user("revoked_by", grants),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{grants}")),
        sa.UniqueConstraint("request_id", name=op.f(f"uq_{grants}_request_id")),
    )
    op.create_index(
        f"ix_{grants}_grantee_id_material_id", grants, ["grantee_id", "material_id"], unique=False
    )
    op.create_index(op.f(f"ix_{grants}_material_id"), grants, ["material_id"], unique=False)

    # SQLite adds a column with a foreign key only by copying the table (batch mode).
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("access_request_id", sa.String(length=36), nullable=True))
        batch.create_foreign_key(
            op.f(f"fk_notifications_access_request_id_{requests}"),
            requests,
            ["access_request_id"],
            ["id"],
            ondelete="CASCADE",
        )

    op.create_index(op.f("ix_audit_events_subject"), "audit_events", ["subject"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_subject"), table_name="audit_events")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(
            op.f("fk_notifications_access_request_id_material_access_requests"), type_="foreignkey"
        )
        batch.drop_column("access_request_id")
    op.drop_index(op.f("ix_material_grants_material_id"), table_name="material_grants")
    op.drop_index("ix_material_grants_grantee_id_material_id", table_name="material_grants")
    op.drop_table("material_grants")
    op.drop_index("ix_material_access_requests_requested_by", table_name="material_access_requests")
    op.drop_index("ix_material_access_requests_material_id_id", table_name="material_access_requests")
    op.drop_index("ix_material_access_requests_case_id_status", table_name="material_access_requests")
    op.drop_table("material_access_requests")
