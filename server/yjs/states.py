"""Encoded document states made from updates, with pycrdt: CPU work that runs in a child process.

Compaction, snapshots and heatmaps replay a case's log through here via `server.infra.offload`; this module
imports nothing but pycrdt, so the child starts quickly and small.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Doc


def merged_state(updates: list[bytes]) -> bytes:
    """The state of a document made of `updates`, in order (encoded as `Doc.get_update` does)."""
    doc: Doc[Any] = Doc()
    with doc.transaction():
        for data in updates:
            doc.apply_update(data)
    return doc.get_update()
