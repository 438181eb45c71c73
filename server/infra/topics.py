"""The names of the event topics (`services.events`) that GraphQL subscriptions listen to.

Publish after the transaction that made the change commits; an event carries ids and the kind of
change, and each subscriber loads what it may see.
"""

from __future__ import annotations


def case_comments(case_id: str) -> str:
    """Comments of one case added, edited, resolved, reopened or deleted."""
    return f"case:{case_id}:comments"


def case_snapshots(case_id: str) -> str:
    """Version snapshots of one case taken or restored."""
    return f"case:{case_id}:snapshots"


def case_document(case_id: str) -> str:
    """The live document of one case changed (edits, restores): at most one notice a second or so."""
    return f"case:{case_id}:document"


def user_notifications(user_id: str) -> str:
    """Notifications of one person created or read."""
    return f"user:{user_id}:notifications"


def team_clusters(team_id: str) -> str:
    """Pain-point clusters of one team: a clustering run finished, a cluster grew."""
    return f"team:{team_id}:clusters"


def case_pain_points(case_id: str) -> str:
    """Pain points of one case recorded, withdrawn or adopted."""
    return f"case:{case_id}:pain-points"


def sessions_revoked() -> str:
    """Sign-in tokens revoked (sign-out, password change, deactivation): their live connections close."""
    return "sessions:revoked"
