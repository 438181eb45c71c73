"""The ledger entries a visibility policy's RANKING view opens to someone who is not HR: the earnings whose
subject (a pain point, a comment, a snapshot) lies in a case of the policy's scope, younger than its
maxAgeDays. The ranking they read is computed over those entries only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal, or_, select

from server.domain.access.cases import scope_cases
from server.domain.access.effective import Access
from server.models import AccessView, Comment, PainPoint, PointEntry, Snapshot


def _in_cases(cases: Select[Any]) -> ColumnElement[bool]:
    """Entries whose subject lies in one of `cases` (a statement of case ids)."""
    subjects = (
        select(literal("pain_point:") + PainPoint.id).where(PainPoint.case_id.in_(cases)),
        select(literal("comment:") + Comment.id).where(Comment.case_id.in_(cases)),
        select(literal("snapshot:") + Snapshot.id).where(Snapshot.case_id.in_(cases)),
    )
    return or_(*(PointEntry.subject.in_(found) for found in subjects))


def ranking_entries(access: Access) -> ColumnElement[bool] | None:
    """A condition on `PointEntry` for the entries `access`'s RANKING views open; None without such a view
    (the ranking stays HR's), a condition true for nothing when the views reach no case."""
    conditions: list[ColumnElement[bool]] = []
    granted = False
    for grant in access.grants:
        if AccessView.RANKING not in grant.views:
            continue
        granted = True
        cases = scope_cases(access, grant)
        if cases is None:
            continue
        condition = _in_cases(cases)
        if grant.max_age_days is not None:
            since = access.at - timedelta(days=grant.max_age_days)
            condition = and_(condition, PointEntry.created_at >= since)
        conditions.append(condition)
    if not granted:
        return None
    return or_(*conditions) if conditions else literal(False)
