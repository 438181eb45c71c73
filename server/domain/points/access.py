"""Who may run the HR side of value points, and the team boundary every points operation keeps."""

from __future__ import annotations

from server.domain.errors import Forbidden
from server.models import User, UserRole

HR_ROLES = (UserRole.HR, UserRole.ADMIN)
# Who may approve or reject an order won: HR, finance (who checks the order number) and admins.
ORDER_APPROVER_ROLES = (UserRole.HR, UserRole.FINANCE, UserRole.ADMIN)


def is_hr(user: User) -> bool:
    return user.role in HR_ROLES


def require_hr(user: User, doing: str) -> None:
    """FORBIDDEN unless the caller is HR or an admin."""
    if not is_hr(user):
        raise Forbidden(f"Only HR or an admin can {doing}; you are {user.role.value}.")


def require_team(user: User) -> str:
    """The caller's team id; points, rewards and redemptions all live inside a team."""
    if user.team_id is None:
        raise Forbidden("You belong to no team, and value points are kept per team.")
    return user.team_id


def require_order_approver(user: User, doing: str) -> None:
    """FORBIDDEN unless the caller is HR, finance or an admin."""
    if user.role not in ORDER_APPROVER_ROLES:
        raise Forbidden(f"Only HR, finance or an admin can {doing}; you are {user.role.value}.")
