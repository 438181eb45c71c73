"""SQLite: a full-text index of the knowledge assets' search text (FTS5, trigram tokenizer), kept in step by
triggers, so a word found in few assets (or none) is answered from the index instead of reading every text.
PostgreSQL: nothing (its substring scan stays under the target; docs/benchmarks.md).

The trigram tokenizer matches any substring of three characters or more, ignoring case: Chinese needs no
word segmenter ("故障处置" finds "手术室紧急故障处置SOP"). Shorter words are matched by the search itself.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 21:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The index's rows are numbered by a key of their own (an INTEGER PRIMARY KEY, which VACUUM keeps; the assets'
# rowids it may renumber), so keeping it in step finds an asset's row by that key, not by scanning the index.
_KEY = "(SELECT key FROM knowledge_assets_fts_keys WHERE asset_id = {}.id)"
STATEMENTS = (
    "CREATE TABLE knowledge_assets_fts_keys (key INTEGER PRIMARY KEY, asset_id VARCHAR(36) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE knowledge_assets_fts USING fts5(search_text, tokenize = 'trigram')",
    "CREATE TRIGGER knowledge_assets_fts_insert AFTER INSERT ON knowledge_assets BEGIN "
    "INSERT INTO knowledge_assets_fts_keys (asset_id) VALUES (new.id); "
    f"INSERT INTO knowledge_assets_fts (rowid, search_text) VALUES ({_KEY.format('new')}, new.search_text); "
    "END",
    "CREATE TRIGGER knowledge_assets_fts_update AFTER UPDATE OF search_text ON knowledge_assets BEGIN "
    f"DELETE FROM knowledge_assets_fts WHERE rowid = {_KEY.format('old')}; "
    f"INSERT INTO knowledge_assets_fts (rowid, search_text) VALUES ({_KEY.format('new')}, new.search_text); "
    "END",
    "CREATE TRIGGER knowledge_assets_fts_delete AFTER DELETE ON knowledge_assets BEGIN "
    f"DELETE FROM knowledge_assets_fts WHERE rowid = {_KEY.format('old')}; "
    "DELETE FROM knowledge_assets_fts_keys WHERE asset_id = old.id; END",
    "INSERT INTO knowledge_assets_fts_keys (asset_id) SELECT id FROM knowledge_assets ORDER BY id",
    "INSERT INTO knowledge_assets_fts (rowid, search_text) SELECT k.key, a.search_text "
    "FROM knowledge_assets_fts_keys AS k JOIN knowledge_assets AS a ON a.id = k.asset_id",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS knowledge_assets_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS knowledge_assets_fts")
    op.execute("DROP TABLE IF EXISTS knowledge_assets_fts_keys")
