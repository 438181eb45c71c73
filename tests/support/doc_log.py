"""Cases whose document log is written by real pycrdt authors, stored as the sync server stores it."""

from __future__ import annotations

from collections.abc import Sequence

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.heatmaps import LogEntry
from server.infra.db import Database
from server.models import CaseRole, User
from tests.support.people import Person


async def make_case(db: Database, owner: Person, *editors: Person, title: str = "Heat case") -> str:
    """A case owned by `owner` with `editors` as EDITOR members."""
    async with db.transaction() as session:
        user = await session.get(User, owner.id)
        assert user is not None
        case = await cases.create_case(session, user, title=title, customer="ACME")
        for editor in editors:
            await cases.add_member(session, user, case_id=case.id, member_id=editor.id, role=CaseRole.EDITOR)
        return case.id


async def store(db: Database, case_id: str, entries: Sequence[LogEntry]) -> None:
    """Append log entries (author = user id) to a case's update log, in order."""
    async with db.transaction() as session:
        await documents.append(
            session, [documents.NewUpdate(case_id, e.author_id, e.data, e.at) for e in entries]
        )
