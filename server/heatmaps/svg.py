"""SVG pictures of heatmaps: a grid of coloured cells with names, column labels, tooltips and a legend.

The output is a standalone, well-formed SVG document (UTF-8 text). Every piece of text passes through
`_text`, which escapes markup and replaces characters XML 1.0 cannot carry, so user names are safe.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape

from server.heatmaps.buckets import Activity, ContributionHeatmap
from server.heatmaps.sections import SectionHeatmap
from server.heatmaps.wording import ENGLISH, Wording


@dataclass(frozen=True, slots=True)
class HeatGrid:
    """What to draw: rows (people) x columns (time buckets or sections) of non-negative values."""

    title: str
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    values: Sequence[Sequence[float]]
    """values[row][column]"""
    tooltips: Sequence[Sequence[str]]
    """tooltips[row][column], shown on hover and read by screen readers"""
    unit: str
    """What a value measures, for the legend: `score`, `surviving characters`."""
    words: Wording = ENGLISH
    """The language of what the picture says besides the labels and tooltips given."""


PALETTE: Final = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
"""ColorBrewer YlGnBu (colour-blind safe), light to dark; zero gets EMPTY_FILL."""
EMPTY_FILL: Final = "#eef0f3"
FONT: Final = (
    "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif"
)

_MARGIN: Final = 16
_GAP: Final = 2
_FONT_SIZE: Final = 12
_TITLE_SIZE: Final = 16
_MAX_ROW_LABEL: Final = 200.0
_MAX_COLUMN_LABEL: Final = 150.0
_INVALID_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_svg(grid: HeatGrid) -> str:
    """The grid as an SVG document."""
    rows, columns = len(grid.row_labels), len(grid.column_labels)
    cell = max(12, min(32, 720 // max(columns, 1)))
    pitch = cell + _GAP
    thresholds = _thresholds(max((v for row in grid.values for v in row), default=0.0))

    row_labels = [_fit(label, _MAX_ROW_LABEL, _FONT_SIZE) for label in grid.row_labels]
    label_width = max((_width(label, _FONT_SIZE) for label in row_labels), default=0.0)
    column_labels = [_fit(label, _MAX_COLUMN_LABEL, _FONT_SIZE - 1) for label in grid.column_labels]
    widest_column = max((_width(label, _FONT_SIZE - 1) for label in column_labels), default=0.0)
    upright = widest_column <= pitch - 2
    # Rotated labels need about 1.5 font sizes of room side by side; beyond that, label every n-th.
    every = 1 if upright else max(1, math.ceil((_FONT_SIZE - 1) * 1.5 / pitch))
    header = _FONT_SIZE + 6 if upright else widest_column * math.sin(math.pi / 4) + _FONT_SIZE

    left = _MARGIN + label_width + 8
    top = _MARGIN + _TITLE_SIZE + 10 + header
    grid_width = max(columns * pitch - _GAP, 0)
    grid_height = max(rows * pitch - _GAP, 0)
    legend_top = top + grid_height + 18
    overhang = 0.0 if upright else widest_column * math.cos(math.pi / 4)
    width = math.ceil(max(left + grid_width + overhang, _MARGIN + 370) + _MARGIN)
    height = math.ceil(legend_top + 44 + _MARGIN)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(_summary(grid))}" '
        f'font-family="{_text(FONT)}" font-size="{_FONT_SIZE}">',
        f"<title>{_text(grid.title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{_MARGIN}" y="{_MARGIN + _TITLE_SIZE}" font-size="{_TITLE_SIZE}" font-weight="600" '
        f'fill="#1f2328">{_text(_fit(grid.title, width - 2 * _MARGIN, _TITLE_SIZE))}</text>',
    ]
    for c, label in enumerate(column_labels):
        if c % every:
            continue
        x = left + c * pitch + cell / 2
        if upright:
            out.append(
                f'<text x="{x:.1f}" y="{top - 6:.1f}" text-anchor="middle" font-size="{_FONT_SIZE - 1}" '
                f'fill="#57606a">{_text(label)}</text>'
            )
        else:
            out.append(
                f'<text transform="translate({x:.1f} {top - 6:.1f}) rotate(-45)" '
                f'font-size="{_FONT_SIZE - 1}" fill="#57606a">'
                f"{_labelled(label, grid.column_labels[c])}</text>"
            )
    for r, label in enumerate(row_labels):
        y = top + r * pitch
        out.append(
            f'<text x="{left - 8:.1f}" y="{y + cell / 2:.1f}" text-anchor="end" dominant-baseline="central" '
            f'fill="#1f2328">{_labelled(label, grid.row_labels[r])}</text>'
        )
        for c in range(columns):
            value = grid.values[r][c]
            out.append(
                f'<rect x="{left + c * pitch:.1f}" y="{y:.1f}" width="{cell}" height="{cell}" rx="2" '
                f'fill="{_colour(value, thresholds)}"><title>{_text(grid.tooltips[r][c])}</title></rect>'
            )
    if not rows or not columns:
        out.append(f'<text x="{_MARGIN}" y="{top + 4}" fill="#57606a">{_text(grid.words.nothing)}</text>')
    out.extend(_legend(thresholds, grid.unit, _MARGIN, legend_top))
    out.append("</svg>")
    return "\n".join(out)


def contribution_svg(
    heatmap: ContributionHeatmap, names: Mapping[str, str], *, title: str, words: Wording = ENGLISH
) -> str:
    """Users x buckets of weighted scores; `names` maps user ids to display names."""
    columns = [bucket.label for bucket in heatmap.buckets]
    values: list[list[float]] = []
    tooltips: list[list[str]] = []
    for user_id in heatmap.users:
        name = names.get(user_id, user_id)
        row_values: list[float] = []
        row_tips: list[str] = []
        for index, bucket in enumerate(heatmap.buckets):
            cell = heatmap.cell(user_id, index)
            row_values.append(cell.score)
            details = words.separator.join(
                words.activity(kind, cell.counts[kind]) for kind in Activity if cell.counts.get(kind)
            )
            tip = words.score_tip.format(name=name, column=bucket.label, score=f"{cell.score:,.1f}")
            row_tips.append(tip + (words.details.format(list=details) if details else ""))
        values.append(row_values)
        tooltips.append(row_tips)
    labels = [names.get(user_id, user_id) for user_id in heatmap.users]
    return render_svg(HeatGrid(title, labels, columns, values, tooltips, words.score, words))


def section_svg(
    heatmap: SectionHeatmap, names: Mapping[str, str], *, title: str, words: Wording = ENGLISH
) -> str:
    """Users x document sections of surviving characters; `names` maps user ids to display names."""
    columns = [section.title for section in heatmap.sections]
    values: list[list[float]] = []
    tooltips: list[list[str]] = []
    for author in heatmap.authors:
        name = names.get(author, author)
        row_values: list[float] = []
        row_tips: list[str] = []
        for section in heatmap.sections:
            chars = section.chars_by_author.get(author, 0)
            share = (
                words.share.format(share=f"{chars / section.total_chars:.0%}") if section.total_chars else ""
            )
            row_values.append(float(chars))
            tip = words.section_tip.format(name=name, section=section.title, chars=f"{chars:,}")
            row_tips.append(tip + share)
        values.append(row_values)
        tooltips.append(row_tips)
    labels = [names.get(author, author) for author in heatmap.authors]
    return render_svg(HeatGrid(title, labels, columns, values, tooltips, words.surviving, words))


def _thresholds(peak: float) -> list[float]:
    # Contributions are heavily skewed; spacing the classes on a square-root scale keeps the
    # occasional marathon session from washing everyone else out to the lightest colour.
    if peak <= 0:
        return []
    return [peak * ((i + 1) / len(PALETTE)) ** 2 for i in range(len(PALETTE))]


def _colour(value: float, thresholds: list[float]) -> str:
    if value <= 0 or not thresholds:
        return EMPTY_FILL
    for colour, limit in zip(PALETTE, thresholds, strict=False):
        if value <= limit:
            return colour
    return PALETTE[-1]


def _legend(thresholds: list[float], unit: str, x: float, y: float) -> list[str]:
    swatch = 14
    caption = _text(unit.capitalize())
    out = [f'<g aria-hidden="true"><text x="{x:.1f}" y="{y + 10:.1f}" fill="#57606a">{caption}</text>']
    entries = [(EMPTY_FILL, "0")]
    lower = 0.0
    # An all-zero grid has no classes beyond "0".
    for colour, limit in zip(PALETTE, thresholds, strict=False):
        entries.append((colour, f"{_number(lower)}\N{EN DASH}{_number(limit)}"))
        lower = limit
    for i, (colour, label) in enumerate(entries):
        ex = x + i * 60
        out.append(
            f'<rect x="{ex:.1f}" y="{y + 16:.1f}" width="{swatch}" height="{swatch}" rx="2" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{ex:.1f}" y="{y + 42:.1f}" font-size="{_FONT_SIZE - 2}" fill="#57606a">'
            f"{_text(label)}</text>"
        )
    out.append("</g>")
    return out


def _summary(grid: HeatGrid) -> str:
    best = max(
        ((value, r, c) for r, row in enumerate(grid.values) for c, value in enumerate(row)),
        default=(0.0, -1, -1),
    )
    words = grid.words
    text = words.summary.format(
        title=grid.title, people=len(grid.row_labels), columns=len(grid.column_labels)
    )
    if best[0] > 0:
        text += words.highest.format(
            unit=grid.unit,
            value=_number(best[0]),
            name=grid.row_labels[best[1]],
            column=grid.column_labels[best[2]],
        )
    return text + words.stop


def _number(value: float) -> str:
    if value >= 10 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 1 else f"{value:.2f}"


def _labelled(shown: str, full: str) -> str:
    # A shortened label keeps its full text as a tooltip.
    if shown == full:
        return _text(shown)
    return f"{_text(shown)}<title>{_text(full)}</title>"


def _text(value: str) -> str:
    return escape(_INVALID_XML.sub("\ufffd", value), {'"': "&quot;"})


def _width(text: str, size: float) -> float:
    """A generous estimate of the rendered width (no font metrics here): wide (CJK) characters take a
    full em, capitals and digits 0.7 em, narrow letters and punctuation 0.35 em, others 0.6 em."""
    ems = 0.0
    for ch in text:
        if ch.isascii():
            ems += 0.35 if ch in _NARROW else 0.7 if ch.isupper() or ch.isdigit() else 0.6
        else:
            ems += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.7
    return ems * size


_NARROW: Final = frozenset(" .,:;'!|()[]{}-/ijlftrI")


def _fit(text: str, limit: float, size: float) -> str:
    if _width(text, size) <= limit:
        return text
    # Every character is at least 0.35 em wide: cut the hopeless tail before trimming one by one.
    text = text[: int(limit / (size * 0.35)) + 1]
    while text and _width(text + "…", size) > limit:
        text = text[:-1]
    return text + "…"
