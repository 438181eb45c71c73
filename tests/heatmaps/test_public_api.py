import server.heatmaps

# What worker jobs and the API layer may use; changing it is a deliberate act.
PUBLIC = {
    "INTRODUCTION", "MAX_BUCKETS", "WEIGHTS", "Activity", "ActivityEvent", "Bucket", "BucketSize", "Cell",
    "ContributionHeatmap", "EditHistory", "EditLedger", "HeatGrid", "LANGUAGES", "LogEntry",
    "MalformedUpdateError", "Section", "SectionHeatmap", "UpdateEdits", "Wording", "contribution_heatmap",
    "contribution_svg", "read_edit_history", "render_svg", "section_heatmap", "section_svg", "wording_for",
}  # fmt: skip


def test_the_package_exports_exactly_the_public_surface() -> None:
    assert set(server.heatmaps.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(server.heatmaps, name), name
