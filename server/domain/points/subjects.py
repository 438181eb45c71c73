"""Where a ledger entry's subject lives: the case (and thread, pain point or version) a person can open.

Subjects are `kind:id` strings (`pain_point:…`, `comment:…`, `snapshot:…`); an order won credits a pain
point, so its subject is the pain point. Only what the viewer may open is located: a case they are a
member of, a pain point they may see. Everything else (adjustments, redemptions, deleted things, cases
they left) has no place, and the wallet shows the subject as plain words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.cases import actions as cases
from server.domain.painpoints import access as painpoint_access
from server.infra.ids import is_id
from server.models import Comment, PainPoint, Snapshot, User

PAIN_POINT = "pain_point"
COMMENT = "comment"
SNAPSHOT = "snapshot"


@dataclass(frozen=True)
class SubjectPlace:
    """The case a subject belongs to, and the thing inside it."""

    case_id: str
    case_title: str
    thread_id: str | None = None
    pain_point_id: str | None = None
    snapshot_id: str | None = None


def _ids(subjects: Iterable[str], kind: str) -> list[str]:
    prefix = f"{kind}:"
    found = {s.removeprefix(prefix) for s in subjects if s.startswith(prefix)}
    return sorted(i for i in found if is_id(i))


async def locate(session: AsyncSession, viewer: User, subjects: Iterable[str]) -> dict[str, SubjectPlace]:
    """The place of each subject the viewer may open, by subject; others are left out."""
    subjects = set(subjects)
    found: dict[str, tuple[str, SubjectPlace]] = {}  # subject -> (case id, place without the title)
    pain_ids = await painpoint_access.visible_ids(session, viewer, _ids(subjects, PAIN_POINT))
    if pain_ids:
        pain_rows = select(PainPoint.id, PainPoint.case_id).where(PainPoint.id.in_(pain_ids))
        for pain_id, case_id in (await session.execute(pain_rows)).all():
            found[f"{PAIN_POINT}:{pain_id}"] = (case_id, SubjectPlace(case_id, "", pain_point_id=pain_id))
    comment_ids = _ids(subjects, COMMENT)
    if comment_ids:
        comment_rows = select(Comment.id, Comment.case_id, Comment.thread_id).where(
            Comment.id.in_(comment_ids), Comment.deleted_at.is_(None)
        )
        for comment_id, case_id, thread_id in (await session.execute(comment_rows)).all():
            place = SubjectPlace(case_id, "", thread_id=thread_id or comment_id)
            found[f"{COMMENT}:{comment_id}"] = (case_id, place)
    snapshot_ids = _ids(subjects, SNAPSHOT)
    if snapshot_ids:
        snapshot_rows = select(Snapshot.id, Snapshot.case_id).where(Snapshot.id.in_(snapshot_ids))
        for snapshot_id, case_id in (await session.execute(snapshot_rows)).all():
            found[f"{SNAPSHOT}:{snapshot_id}"] = (case_id, SubjectPlace(case_id, "", snapshot_id=snapshot_id))
    roles = await cases.roles(session, viewer, {case_id for case_id, _ in found.values()})
    titles = {case.id: case.title for case in (await cases.by_ids(session, roles)).values()}
    return {
        subject: SubjectPlace(
            case_id, titles[case_id], place.thread_id, place.pain_point_id, place.snapshot_id
        )
        for subject, (case_id, place) in found.items()
        if case_id in titles
    }
