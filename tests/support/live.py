"""A running server process plus what tests need around it: its database, GraphQL, people and cases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from server.infra.db import Database, create_engine
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.people import Person, make_person
from tests.support.servers import ServerProcess
from tests.support.services import REDIS_URL, require_redis


@dataclass
class Member:
    person: Person
    token: str


@dataclass
class CaseFixture:
    id: str
    owner: Member
    members: dict[str, Member] = field(default_factory=dict)


@dataclass
class Live:
    server: ServerProcess
    db: Database
    gql: GraphQL
    _count: int = 0

    async def sync_url(self, case_id: str, token: str) -> str:
        """A `/sync/{case_id}?ticket=…` URL good for one connection (a ticket works once)."""
        return await self.server.sync_url(case_id, token)

    async def member(
        self,
        email: str | None = None,
        *,
        team: str = "Team A",
        role: UserRole = UserRole.MEMBER,
        name: str | None = None,
    ) -> Member:
        """A new person, signed in (named after their email unless `name` is given)."""
        self._count += 1
        email = email or f"user{self._count}@a.com"
        person = await make_person(self.db, email, role=role, team=team, name=name)
        return Member(person, await self.gql.login(person.email, person.password))

    async def signed_in(self, email: str, role: UserRole = UserRole.MEMBER) -> tuple[str, str]:
        """A new person's id and token."""
        member = await self.member(email, role=role)
        return member.person.id, member.token

    async def case(self, **roles: str) -> CaseFixture:
        """A case with an owner and one member per keyword (name=ROLE), all signed in."""
        owner = await self.member()
        case = CaseFixture(await self.gql.create_case(owner.token), owner)
        for name, role in roles.items():
            member = await self.member()
            await self.gql.add_member(owner.token, case.id, member.person.id, role)
            case.members[name] = member
        return case


@asynccontextmanager
async def live_server(
    database_url: str, workdir: Path, env: Mapping[str, str] | None = None, name: str = "server"
) -> AsyncIterator[Live]:
    server = await ServerProcess.start(database_url, workdir, env=env, name=name)
    db = Database(create_engine(database_url))
    try:
        # 60 s, not 10: a server's first pain point loads the embedding model (7.8 s alone on a 2-core machine,
        # more while other tests run), and that request waits for it.
        async with httpx.AsyncClient(base_url=server.http_url, timeout=60) as client:
            yield Live(server, db, GraphQL(client))
    finally:
        await server.stop()
        await db.dispose()


@asynccontextmanager
async def live_pair(postgres_url: str, workdir: Path, **env: str) -> AsyncIterator[tuple[Live, Live]]:
    """Two server processes sharing one PostgreSQL database and Redis (a key prefix of their own), jobs
    in-process; `env` adds settings, e.g. WARROOM_SNAPSHOT_EVERY_UPDATES="8"."""
    require_redis()
    shared = {
        "WARROOM_REDIS_URL": REDIS_URL,
        "WARROOM_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "WARROOM_JOBS": "inprocess",
        **env,
    }
    async with (
        live_server(postgres_url, workdir, shared, name="one") as one,
        live_server(postgres_url, workdir, shared, name="two") as two,
    ):
        yield one, two
