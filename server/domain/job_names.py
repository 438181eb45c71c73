"""The name of every background job, defined once: what enqueuers pass and what the registry maps."""

from __future__ import annotations

from typing import Final

COMPACT_DOCUMENT: Final = "compact_document"
REFRESH_HEATMAPS: Final = "refresh_heatmaps"
AUTO_SNAPSHOT: Final = "auto_snapshot"
INDEX_DOCUMENT_TEXT: Final = "index_document_text"
AWARD_POINTS: Final = "award_points"
VOID_POINTS: Final = "void_points"
EMBED_PAIN_POINTS: Final = "embed_pain_points"
CLUSTER_PAIN_POINTS: Final = "cluster_pain_points"
RECHECK_DUPLICATES: Final = "recheck_duplicates"
RECLUSTER_TEAMS: Final = "recluster_teams"
CATCH_UP_MODEL: Final = "catch_up_model"
SUMMARIZE_MATERIAL: Final = "materials.summarize"
DELIVER_WEBHOOK: Final = "deliver_webhook"

# Jobs that read a case's whole log and write a little (compaction, automatic snapshots, heatmaps, search
# text). Rooms opened together cross their thresholds together, and twenty of these at once kept SQLite's one
# write lock busy for a fifth of a second, in which no live edit could be stored: in-process, they take turns.
MAINTENANCE: Final = frozenset({COMPACT_DOCUMENT, AUTO_SNAPSHOT, REFRESH_HEATMAPS, INDEX_DOCUMENT_TEXT})
