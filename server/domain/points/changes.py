"""Partial updates: `KEEP` marks a field a change leaves as it is (so None can mean "none")."""

from __future__ import annotations

from typing import Final


class Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


def clean_text(value: str, *, limit: int) -> str:
    """Whitespace collapsed; at most `limit` characters (the caller decides whether empty is allowed)."""
    return " ".join(value.split())[:limit]
