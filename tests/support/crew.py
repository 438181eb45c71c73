"""People signed in through the API, by short name: each with their account and token, for tests that act
as several people in turn."""

from __future__ import annotations

from typing import Any

from server.infra.db import Database
from tests.support.graphql import GraphQL
from tests.support.people import Person, make_person


class Crew:
    def __init__(self, api: GraphQL, db: Database) -> None:
        self.api = api
        self.db = db
        self.people: dict[str, Person] = {}
        self.tokens: dict[str, str] = {}

    async def add(self, name: str, team: str = "Team A") -> str:
        """Makes `name@example.com` in `team`, signs them in and returns their token."""
        person = await make_person(self.db, f"{name}@example.com", team=team)
        self.people[name] = person
        self.tokens[name] = await self.api.login(person.email, person.password)
        return self.tokens[name]

    async def data(self, who: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.api.data(query, variables, self.tokens[who])

    async def of_two_teams(self) -> None:
        """owner and mate in Team A, other and third in Team B."""
        for name, team in (("owner", "Team A"), ("mate", "Team A"), ("other", "Team B"), ("third", "Team B")):
            await self.add(name, team)

    async def codes(self, who: str, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        return (await self.api.error(query, variables, self.tokens[who])).codes
