"""The visibility matrix's oracle: the rules of docs/access.md applied to the fixture's rows read back as plain
values, never through the code under test (tests/api/test_access_matrix.py checks the server against it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Row:
    id: str
    case_id: str
    created_at: datetime


@dataclass(frozen=True)
class Rule:
    team_id: str
    roles: frozenset[str]
    user_ids: frozenset[str]
    scope: str
    viewer: bool
    views: frozenset[str]
    max_age_days: int | None
    masks: bool
    valid_from: datetime | None
    valid_until: datetime | None


@dataclass
class Facts:
    """The fixture's rows, read back as plain values."""

    now: datetime
    users: dict[str, tuple[str, str, tuple[str, ...]]]  # id -> team, role, regions
    cases: dict[str, tuple[str | None, str | None, str]]  # id -> team, region, customer
    members: set[tuple[str, str]]  # (case id, user id)
    rules: list[Rule]
    comments: dict[str, Row]
    pain_points: dict[str, Row]
    earnings: dict[str, Row] = field(default_factory=dict)  # subject -> the row it was earned on


def aware(at: datetime | None) -> datetime | None:
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


class Oracle:
    def __init__(self, facts: Facts, user_id: str) -> None:
        self.facts = facts
        self.user_id = user_id
        self.team, self.role, self.regions = facts.users[user_id]
        now = facts.now
        self.rules = [
            rule
            for rule in facts.rules
            if rule.team_id == self.team
            and (user_id in rule.user_ids or self.role in rule.roles)
            and (rule.valid_from is None or rule.valid_from <= now)
            and (rule.valid_until is None or now < rule.valid_until)
        ]

    def member_of(self, case_id: str) -> bool:
        return (case_id, self.user_id) in self.facts.members

    def in_scope(self, rule: Rule, case_id: str) -> bool:
        team, region, _ = self.facts.cases[case_id]
        if team != self.team:
            return False
        if rule.scope == "TEAM_CASES":
            return True
        if rule.scope == "REGION_CASES":
            return region is not None and region in self.regions
        return self.member_of(case_id)

    def young(self, rule: Rule, row: Row) -> bool:
        return rule.max_age_days is None or row.created_at > self.facts.now - timedelta(
            days=rule.max_age_days
        )

    def openers(self, case_id: str) -> list[Rule]:
        return [r for r in self.rules if r.viewer and "CASES" in r.views and self.in_scope(r, case_id)]

    def opens(self, case_id: str) -> bool:
        return self.member_of(case_id) or bool(self.openers(case_id))

    def case_masked(self, case_id: str) -> bool:
        openers = self.openers(case_id)
        return not self.member_of(case_id) and bool(openers) and all(r.masks for r in openers)

    def cases(self) -> set[str]:
        return {case_id for case_id in self.facts.cases if self.opens(case_id)}

    def by_view(self, view: str, row: Row) -> list[Rule]:
        return [
            r for r in self.rules if view in r.views and self.in_scope(r, row.case_id) and self.young(r, row)
        ]

    def comment(self, row: Row) -> bool:
        return self.opens(row.case_id) or bool(self.by_view("COMMENTS", row))

    def listed_comment(self, row: Row) -> bool:
        return bool(self.by_view("COMMENTS", row))

    def _pain_point(self, view: str, row: Row) -> str | None:
        """ "clear", "masked" or None (not visible) through `view`, one's own and opened cases."""
        if self.member_of(row.case_id):
            return "clear"
        reaching = self.openers(row.case_id) + self.by_view(view, row)
        if not reaching:
            return None
        return "masked" if all(r.masks for r in reaching) else "clear"

    def pain_point(self, row: Row) -> str | None:
        return self._pain_point("PAIN_POINTS", row)

    def clustered(self, row: Row) -> str | None:
        return self._pain_point("CLUSTERS", row)

    def heatmap_comment(self, row: Row) -> bool:
        if self.role == "admin":  # the whole team, as before policies
            return self.facts.cases[row.case_id][0] == self.team
        return self.member_of(row.case_id) or bool(self.by_view("HEATMAPS", row))

    def ranking(self) -> bool:
        return self.role in ("admin", "hr") or any("RANKING" in r.views for r in self.rules)

    def earning(self, row: Row) -> bool:
        if self.role in ("admin", "hr"):
            return self.facts.cases[row.case_id][0] == self.team
        return bool(self.by_view("RANKING", row))
