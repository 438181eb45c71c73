"""Case search and archive: archived cases and the searchable plain text of each document.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite adds a column with a foreign key by copying the table.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("archived_by", sa.String(length=36), nullable=True))
        batch.create_foreign_key(op.f("fk_cases_archived_by_users"), "users", ["archived_by"], ["id"])
    op.create_table(
        "doc_texts",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_doc_texts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_doc_texts")),
    )
    # Documents written before this revision: the text of their newest snapshot, until the next edit.
    op.execute(
        """
        INSERT INTO doc_texts (case_id, text, position, updated_at)
        SELECT s.case_id, COALESCE(s.text, ''), s.position, s.created_at
        FROM snapshots s
        WHERE s.id = (SELECT MAX(n.id) FROM snapshots n WHERE n.case_id = s.case_id)
        """
    )


def downgrade() -> None:
    op.drop_table("doc_texts")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_archived_by_users"), type_="foreignkey")
        batch.drop_column("archived_by")
        batch.drop_column("archived_at")
