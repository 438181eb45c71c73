"""Types every part of the API shares."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

# GraphQL's Int stops at 2^31 - 1; a material may be 2 GiB or more.
Long = NewType("Long", int)

SCALARS: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        serialize=int,
        parse_value=int,
        description="A whole number beyond Int's 32 bits (a size in bytes), as a JSON number.",
    )
}


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
