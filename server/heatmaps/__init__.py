"""Contribution heatmaps of a case, computed from plain data: no database, no transport.

A worker job calls, in this order:

    history = read_edit_history(entries)          # LogEntry per doc_updates row, in log order
    timeline = contribution_heatmap(start=..., end=..., size=BucketSize.WEEK,
                                    edits=history.edits, events=[ActivityEvent(...), ...])
    sections = section_heatmap(state, history.client_authors)   # state: the current encoded document
    contribution_svg(timeline, names, title=..., words=wording_for("zh-CN")); section_svg(sections, ...)
"""

from server.heatmaps.buckets import (
    MAX_BUCKETS,
    WEIGHTS,
    Activity,
    ActivityEvent,
    Bucket,
    BucketSize,
    Cell,
    ContributionHeatmap,
    contribution_heatmap,
)
from server.heatmaps.edits import EditHistory, EditLedger, LogEntry, UpdateEdits, read_edit_history
from server.heatmaps.sections import INTRODUCTION, Section, SectionHeatmap, section_heatmap
from server.heatmaps.svg import HeatGrid, contribution_svg, render_svg, section_svg
from server.heatmaps.wording import LANGUAGES, Wording, wording_for
from server.yjs.update import MalformedUpdateError

__all__ = [
    "INTRODUCTION",
    "LANGUAGES",
    "MAX_BUCKETS",
    "WEIGHTS",
    "Activity",
    "ActivityEvent",
    "Bucket",
    "BucketSize",
    "Cell",
    "ContributionHeatmap",
    "EditHistory",
    "EditLedger",
    "HeatGrid",
    "LogEntry",
    "MalformedUpdateError",
    "Section",
    "SectionHeatmap",
    "UpdateEdits",
    "Wording",
    "contribution_heatmap",
    "contribution_svg",
    "read_edit_history",
    "render_svg",
    "section_heatmap",
    "section_svg",
    "wording_for",
]
