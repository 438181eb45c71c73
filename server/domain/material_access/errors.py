"""The errors particular to two-person access."""

from __future__ import annotations

from collections.abc import Sequence

from server.domain.errors import DomainError


class SeparationOfDuties(DomainError):
    """One person tried to fill two of the three roles (requester, customer authorization, legal approval)."""

    code = "SEPARATION_OF_DUTIES"


class NoGrant(DomainError):
    """The caller holds no live grant for a material; `missing` names what is missing, in stable codes."""

    code = "NO_GRANT"

    def __init__(self, message: str, missing: Sequence[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)
