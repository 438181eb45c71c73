"""How much of each author's text survives in each section of a case document.

A section starts at every `heading` element of the rich text (in document order, wherever it is
nested) and runs to the next one; the text before the first heading is the section INTRODUCTION.
Each visible character is credited to the author owning the Yjs client id that inserted it (see
`edits.EditHistory.client_authors`); an embed counts as one character, as in `edits`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from server.yjs.tree import Embed, Node, TextRun, read_doc_tree
from server.yjs.update import TypeRef

INTRODUCTION: Final = "Introduction"
UNTITLED: Final = "(untitled)"
BODY: Final = "body"
"""The root XML fragment that holds a case's rich text."""

_SPACES: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Section:
    """One section and the surviving characters of each author in it."""

    index: int
    title: str
    level: int | None
    """The heading level (1-6), None for the introduction or a heading without one."""
    heading_id: str | None
    """`client:clock` of the heading element: stable while the heading exists; None for the introduction."""
    chars_by_author: Mapping[str, int]
    unattributed_chars: int = 0
    """Characters from Yjs clients that no author in the log owns (e.g. content loaded from a template)."""

    @property
    def total_chars(self) -> int:
        """Every surviving character of the section, attributed or not."""
        return sum(self.chars_by_author.values()) + self.unattributed_chars


@dataclass(frozen=True, slots=True)
class SectionHeatmap:
    """Authors x sections of surviving characters."""

    sections: tuple[Section, ...]
    authors: tuple[str, ...]
    """Every author with surviving text, most surviving characters first (ties by id)."""

    def chars(self, author_id: str, section_index: int) -> int:
        """The surviving characters of `author_id` in the section at `section_index`."""
        return self.sections[section_index].chars_by_author.get(author_id, 0)

    def author_total(self, author_id: str) -> int:
        """The surviving characters of `author_id` in the whole document."""
        return sum(section.chars_by_author.get(author_id, 0) for section in self.sections)


def section_heatmap(state: bytes, client_authors: Mapping[int, str], *, root: str = BODY) -> SectionHeatmap:
    """Surviving characters per author and section of an encoded document state."""
    tree = read_doc_tree(state).get(root)
    return sections_of(tree, client_authors) if tree is not None else SectionHeatmap((), ())


def sections_of(tree: Node, client_authors: Mapping[int, str]) -> SectionHeatmap:
    """Surviving characters per author and section of an already rebuilt rich-text tree."""
    builders: list[_SectionBuilder] = [_SectionBuilder(INTRODUCTION, None, None)]
    stack: list[Node | TextRun | Embed] = list(reversed(tree.children))
    while stack:
        piece = stack.pop()
        if isinstance(piece, TextRun):
            builders[-1].add(client_authors.get(piece.client), piece.length)
        elif isinstance(piece, Embed):
            builders[-1].add(client_authors.get(piece.client), len(piece.values))
        else:
            if piece.type_ref == TypeRef.XML_ELEMENT and piece.name == "heading":
                builders.append(_heading_builder(piece))
            stack.extend(reversed(piece.children))
    if builders[0].is_empty() and len(builders) > 1:
        del builders[0]
    sections = tuple(builder.build(index) for index, builder in enumerate(builders))
    return ranked(sections)


def ranked(sections: tuple[Section, ...]) -> SectionHeatmap:
    """The heatmap of `sections`, its authors ordered by characters written (most first), then by id."""
    totals: dict[str, int] = {}
    for section in sections:
        for author, chars in section.chars_by_author.items():
            totals[author] = totals.get(author, 0) + chars
    authors = tuple(sorted(totals, key=lambda author: (-totals[author], author)))
    return SectionHeatmap(sections, authors)


class _SectionBuilder:
    __slots__ = ("chars", "heading_id", "level", "title", "unattributed")

    def __init__(self, title: str, level: int | None, heading_id: str | None) -> None:
        self.title = title
        self.level = level
        self.heading_id = heading_id
        self.chars: dict[str, int] = {}
        self.unattributed = 0

    def add(self, author: str | None, chars: int) -> None:
        if author is None:
            self.unattributed += chars
        else:
            self.chars[author] = self.chars.get(author, 0) + chars

    def is_empty(self) -> bool:
        return not self.chars and not self.unattributed

    def build(self, index: int) -> Section:
        return Section(index, self.title, self.level, self.heading_id, self.chars, self.unattributed)


def _heading_builder(heading: Node) -> _SectionBuilder:
    title = _SPACES.sub(" ", heading.text()).strip() or UNTITLED
    heading_id = f"{heading.id[0]}:{heading.id[1]}" if heading.id is not None else None
    return _SectionBuilder(title, _level(heading.attributes.get("level")), heading_id)


def _level(value: object) -> int | None:
    # y-prosemirror stores the level as a number, pycrdt attributes are strings.
    level: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        level = value
    elif isinstance(value, float) and value.is_integer():
        level = int(value)
    elif isinstance(value, str) and value.strip().isdecimal():
        level = int(value.strip())
    return level if level is not None and 1 <= level <= 6 else None
