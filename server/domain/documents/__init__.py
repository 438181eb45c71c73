"""The durable case document: its update log, text, body sync and compaction job."""
