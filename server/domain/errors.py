"""Errors a user can act on; each has a stable code that the API exposes."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why an error happened, finer than its code, for clients to word it in their own language."""

    DUPLICATE_NAME = "DUPLICATE_NAME"  # the team already has a reward of this name
    ORDER_ALREADY_RECORDED = "ORDER_ALREADY_RECORDED"  # the order number is recorded with other details
    ALREADY_DECIDED = "ALREADY_DECIDED"  # an approval is no longer pending: someone decided it


class DomainError(Exception):
    """Base of every expected failure; `message` is written for a person, `reason` (if any) for a program."""

    code = "BAD_INPUT"

    def __init__(self, message: str, *, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class BadInput(DomainError):
    code = "BAD_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Conflict(DomainError):
    code = "CONFLICT"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class InsufficientPoints(DomainError):
    """The balance cannot cover a debit; no debit but a reversal takes a balance below zero."""

    code = "INSUFFICIENT_POINTS"


class InDebt(DomainError):
    """The person owes points (a reversal of points already spent); nothing can be redeemed until
    later awards have repaid it.
    """

    code = "IN_DEBT"


class OutOfStock(DomainError):
    """A reward has no stock left."""

    code = "OUT_OF_STOCK"


class RateLimited(DomainError):
    """Too many attempts in a short time; `retry_after` says, in seconds, when to try again."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
