"""Mentions in comment bodies: `@[Display name](user id)`, as the frontend inserts them.

The id is what counts, so names with spaces, Chinese names and renamed people all work; the name
in brackets is what the author saw when they wrote the comment. A bare `@name` is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.infra.ids import is_id

MAX_MENTIONS = 20

_MENTION = re.compile(r"@\[(?P<name>[^\[\]\n]{1,200})\]\((?P<id>[0-9A-Fa-f-]{36})\)")


@dataclass(frozen=True, slots=True)
class Mention:
    name: str
    user_id: str


def mentions(body: str) -> list[Mention]:
    """The mentions in `body`, first occurrence of each person, in order."""
    found: dict[str, Mention] = {}
    for match in _MENTION.finditer(body):
        user_id = match["id"].lower()
        if is_id(user_id) and user_id not in found:
            found[user_id] = Mention(match["name"], user_id)
    return list(found.values())


def mention_markup(name: str, user_id: str) -> str:
    """How to write a mention of `user_id` into a body."""
    clean = re.sub(r"[\[\]\n]+", " ", name).strip() or "someone"
    return f"@[{clean}]({user_id})"
