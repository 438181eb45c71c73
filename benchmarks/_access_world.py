"""A team of 10,000 cases over five regions, for the benchmarks of visibility policies' cost, and how their
timings are printed."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import users
from server.domain.access import regions
from server.models import Case, Team, User, UserRole
from server.models.base import new_id, utcnow

CASES = 10_000
REGIONS = ["华南", "华东", "华北", "EMEA", "APAC"]


async def people(session: AsyncSession, names: str) -> tuple[Team, list[User]]:
    """Team "Bench" with its admin first, then one member per letter of `names` (`rd` for "R"); the team's
    regions are REGIONS."""
    team = await users.get_or_create_team(session, "Bench")
    made = []
    for letter in "A" + names:
        role = {"A": UserRole.ADMIN, "R": UserRole.RD}.get(letter, UserRole.MEMBER)
        made.append(
            await users.create_user(
                session, email=f"{letter.lower()}@b.c", name=letter, role=role, password="p" * 8, team=team
            )
        )
    await regions.set_team_regions(session, made[0], REGIONS)
    return team, made


async def cases(session: AsyncSession, team: Team, admin: User, customer: str) -> list[dict[str, Any]]:
    """CASES cases of `team`, one a minute back from now, regions in turn; `customer` formats `{n}`."""
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "title": f"Case {n}",
            "customer": customer.format(n=n),
            "team_id": team.id,
            "region": REGIONS[n % len(REGIONS)],
            "created_by": admin.id,
            "created_at": now - timedelta(minutes=n),
        }
        for n in range(CASES)
    ]
    await session.execute(insert(Case), rows)
    return rows


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def report(measured: list[tuple[str, list[float]]]) -> None:
    """p50/p99 of each timing (ms) and its ratio to the first's."""
    plain = measured[0][1]
    width = max(len(label) for label, _ in measured)
    for label, values in measured:
        ratio = _p(values, 50) / _p(plain, 50), _p(values, 99) / _p(plain, 99)
        print(
            f"{label:{width}} p50 {_p(values, 50):7.2f} ms  p99 {_p(values, 99):7.2f} ms"
            f"  ({ratio[0]:.2f}x / {ratio[1]:.2f}x of {measured[0][0]})"
        )
