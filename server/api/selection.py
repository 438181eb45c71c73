"""What a query asks for below a field, so a resolver can load it in the same round trip."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from server.api.context import Info


def _finds(selections: Iterable[Selection], path: tuple[str, ...]) -> bool:
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            found = _finds(selection.selections, path)
        elif isinstance(selection, SelectedField) and selection.name == path[0]:
            found = len(path) == 1 or _finds(selection.selections, path[1:])
        else:
            found = False
        if found:
            return True
    return False


def selects(info: Info, *path: str) -> bool:
    """True when the query selects `path` (GraphQL field names) below the field being resolved."""
    return any(_finds(field.selections, path) for field in info.selected_fields)
