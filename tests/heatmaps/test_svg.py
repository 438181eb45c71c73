import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from server.heatmaps.buckets import Activity, ActivityEvent, BucketSize, contribution_heatmap
from server.heatmaps.edits import UpdateEdits
from server.heatmaps.sections import Section, SectionHeatmap
from server.heatmaps.svg import (
    EMPTY_FILL,
    PALETTE,
    HeatGrid,
    contribution_svg,
    render_svg,
    section_svg,
)
from server.heatmaps.wording import CHINESE, ENGLISH, LANGUAGES, wording_for

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2025, 1, 6, tzinfo=UTC)


def _grid(rows: int, columns: int, names: list[str] | None = None) -> HeatGrid:
    labels = names or [f"Person {r}" for r in range(rows)]
    values = [[float((r * 7 + c * 3) % 11) for c in range(columns)] for r in range(rows)]
    tips = [[f"{labels[r]} · {c}: {values[r][c]}" for c in range(columns)] for r in range(rows)]
    return HeatGrid(
        "Contributions", labels, [f"2025-W{c + 1:02d}" for c in range(columns)], values, tips, "score"
    )


def _cells(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


@pytest.mark.parametrize(("rows", "columns"), [(1, 1), (3, 8), (20, 12), (50, 60), (0, 5), (4, 0)])
def test_renders_well_formed_sized_accessible_svg(rows: int, columns: int) -> None:
    root = ET.fromstring(render_svg(_grid(rows, columns)))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert (root.get("aria-label") or "").startswith("Contributions: heatmap of")
    assert root.findtext(f"{SVG}title") == "Contributions"
    assert len(_cells(root)) == rows * columns
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert 360 <= width <= 1400
    assert 100 <= height <= 1100


def test_cells_have_tooltips_and_colours_from_the_scale() -> None:
    root = ET.fromstring(render_svg(_grid(3, 4)))

    cells = _cells(root)
    assert [cell.findtext(f"{SVG}title") for cell in cells[:2]] == ["Person 0 · 0: 0.0", "Person 0 · 1: 3.0"]
    assert cells[0].get("fill") == EMPTY_FILL
    assert {cell.get("fill") for cell in cells} <= {EMPTY_FILL, *PALETTE}
    assert cells[5].get("fill") == PALETTE[-1], "the largest value (10.0 at row 1, column 1) is darkest"
    legend = "".join(root.itertext())
    assert "Score" in legend
    assert "0–" in legend


def test_names_are_escaped_and_kept() -> None:
    names = ['<script>alert("x")</script>', "Tom & Jerry", "张伟", "bad\x00\x1bname", "quote \" ' end"]
    svg = render_svg(_grid(len(names), 2, names))

    root = ET.fromstring(svg)

    assert "<script>" not in svg
    texts = list(root.itertext())
    assert '<script>alert("x")</script>' in texts
    assert "Tom & Jerry" in texts
    assert "张伟" in texts
    assert "bad\ufffd\ufffdname" in texts


def test_long_labels_are_shortened_with_the_full_text_as_tooltip() -> None:
    long_name = "Very Long Name " * 20
    root = ET.fromstring(render_svg(_grid(1, 1, [long_name])))

    label = next(t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Very Long"))
    assert (label.text or "").endswith("…")
    assert label.findtext(f"{SVG}title") == long_name


def test_contribution_svg_names_users_and_explains_cells() -> None:
    edits = [UpdateEdits("u1", START + timedelta(days=1), chars_inserted=120, chars_deleted=3)]
    events = [ActivityEvent("u2", START + timedelta(days=8), Activity.COMMENTS, 2)]
    heatmap = contribution_heatmap(
        start=START, end=START + timedelta(days=14), size=BucketSize.WEEK, edits=edits, events=events
    )

    root = ET.fromstring(contribution_svg(heatmap, {"u1": "Ann <PM>", "u2": "Ben"}, title="Case <1>"))

    tips = [cell.findtext(f"{SVG}title") for cell in _cells(root)]
    assert tips == [
        "Ben · 2025-W02: score 0.0",
        "Ben · 2025-W03: score 2.0 (2 comments)",
        "Ann <PM> · 2025-W02: score 1.2 (120 characters written, 3 characters deleted)",
        "Ann <PM> · 2025-W03: score 0.0",
    ]
    assert root.findtext(f"{SVG}title") == "Case <1>"


def test_section_svg_shows_surviving_characters_per_section() -> None:
    heatmap = SectionHeatmap(
        (
            Section(0, "Summary", 1, "1:0", {"ann": 30, "ben": 10}),
            Section(1, "风险", 2, "2:5", {"ben": 5}, 5),
        ),
        ("ann", "ben"),
    )

    root = ET.fromstring(section_svg(heatmap, {"ann": "Ann"}, title="Who wrote what survives"))

    assert [cell.findtext(f"{SVG}title") for cell in _cells(root)] == [
        "Ann · Summary: 30 surviving characters (75% of the section)",
        "Ann · 风险: 0 surviving characters (0% of the section)",
        "ben · Summary: 10 surviving characters (25% of the section)",
        "ben · 风险: 5 surviving characters (50% of the section)",
    ]


def test_every_activity_has_words_in_both_languages() -> None:
    for language in LANGUAGES:
        assert set(wording_for(language).activities) == set(Activity)
    assert ENGLISH.activity(Activity.ASSET_REUSES, 1) == "1 case started from the published knowledge"
    assert ENGLISH.activity(Activity.COMMENTS, 1_200) == "1,200 comments"
    assert CHINESE.activity(Activity.COMMENTS, 1) == "1 条评论"


def test_the_chinese_picture_says_everything_in_chinese() -> None:
    edits = [UpdateEdits("u1", START + timedelta(days=1), chars_inserted=120, chars_deleted=1)]
    events = [ActivityEvent("u2", START + timedelta(days=8), Activity.COMMENTS, 1)]
    heatmap = contribution_heatmap(
        start=START, end=START + timedelta(days=14), size=BucketSize.WEEK, edits=edits, events=events
    )

    root = ET.fromstring(contribution_svg(heatmap, {"u1": "李娜", "u2": "Ben"}, title="贡献", words=CHINESE))

    assert [cell.findtext(f"{SVG}title") for cell in _cells(root)] == [
        "李娜 · 2025-W02：活跃度得分 1.2（写入 120 字，删除 1 字）",
        "李娜 · 2025-W03：活跃度得分 0.0",
        "Ben · 2025-W02：活跃度得分 0.0",
        "Ben · 2025-W03：活跃度得分 1.0（1 条评论）",
    ]
    assert "活跃度得分" in "".join(root.itertext())  # the legend
    assert root.get("aria-label") == "贡献：2 人 × 2 列的热力图；活跃度得分最高为 李娜 在 2025-W02 的 1.2。"
    empty = ET.fromstring(render_svg(HeatGrid("空", [], [], [], [], CHINESE.score, CHINESE)))
    assert "暂无数据。" in "".join(empty.itertext())
    sections = SectionHeatmap((Section(0, "风险", 1, "1:0", {"ann": 30, "ben": 10}),), ("ann",))
    tips = [
        cell.findtext(f"{SVG}title")
        for cell in _cells(ET.fromstring(section_svg(sections, {}, title="谁写的", words=CHINESE)))
    ]
    assert tips == ["ann · 风险：保留 30 字（占本节 75%）"]
