"""Where ledger subjects are (`subjects.locate`): a case the reader is on, and the thing inside it."""

from server.domain.points import subjects
from server.domain.points.subjects import SubjectPlace
from server.infra.db import Database
from server.models import CaseRole, Comment, PainPoint, Snapshot, SnapshotKind
from server.models.base import utcnow
from tests.domain.points.helpers import user
from tests.support.people import case_with


async def test_a_member_locates_pain_points_threads_and_versions_others_nothing(db: Database) -> None:
    owner = await user(db, "owner@a.com")
    author = await user(db, "author@a.com")
    stranger = await user(db, "stranger@a.com")
    case_id = await case_with(db, owner, (author, CaseRole.COMMENTER))
    async with db.transaction() as session:
        pain = PainPoint(
            case_id=case_id,
            team_id=owner.team_id,
            author_id=author.id,
            text="发票无法按成本中心拆分",
            normalized_text="发票无法按成本中心拆分",
            customer="ACME",
        )
        thread = Comment(case_id=case_id, author_id=author.id, body="Offer a retry button?")
        gone = Comment(case_id=case_id, author_id=author.id, body="deleted", deleted_at=utcnow())
        version = Snapshot(
            case_id=case_id, kind=SnapshotKind.NAMED, label="v1", position=0, state=b"", size=0, text=""
        )
        session.add_all([pain, thread, gone, version])
        await session.flush()
        reply = Comment(case_id=case_id, thread_id=thread.id, author_id=author.id, body="同意")
        session.add(reply)
    wanted = [
        f"pain_point:{pain.id}",
        f"comment:{thread.id}",
        f"comment:{reply.id}",
        f"comment:{gone.id}",
        f"snapshot:{version.id}",
        f"redemption:{pain.id}",
        "pain_point:not-an-id",
    ]
    async with db.sessions() as session:
        found = await subjects.locate(session, author, wanted)
        assert found == {
            f"pain_point:{pain.id}": SubjectPlace(case_id, "Case", pain_point_id=pain.id),
            f"comment:{thread.id}": SubjectPlace(case_id, "Case", thread_id=thread.id),
            f"comment:{reply.id}": SubjectPlace(case_id, "Case", thread_id=thread.id),
            f"snapshot:{version.id}": SubjectPlace(case_id, "Case", snapshot_id=version.id),
        }
        assert await subjects.locate(session, stranger, wanted) == {}
