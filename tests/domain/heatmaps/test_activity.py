"""The document-edit provider: characters per author per UTC day, for the cases and days asked."""

from datetime import UTC, datetime, timedelta

from server.domain.heatmaps import store as heatmap_store
from server.domain.heatmaps.activity import ActivityScope, activity, document_edits
from server.heatmaps import Activity, ActivityEvent
from server.infra.db import Database
from tests.heatmaps._authors import START, Hub
from tests.support.doc_log import make_case, store
from tests.support.people import make_person

DAY = timedelta(days=1)
MIDNIGHT = datetime(2025, 3, 3, tzinfo=UTC)


async def test_edits_come_per_author_and_day_within_the_range_and_cases(db: Database) -> None:
    ann = await make_person(db, "ann@a.com")
    case_id, other = await make_case(db, ann), await make_case(db, ann)
    hub = Hub()
    writer = hub.author(ann.id, 3)
    writer.add_block(0, "paragraph", "one")
    hub.clock += DAY
    writer.type(0, 3, " two")
    hub.clock += DAY
    writer.erase(0, 0, 4)
    await store(db, case_id, hub.log)
    await heatmap_store.refresh(db, case_id)
    assert hub.log[0].at.date() == START.date()

    async with db.sessions() as session:
        everything = await document_edits(
            session, ActivityScope((case_id, other)), MIDNIGHT, MIDNIGHT + 3 * DAY
        )
        middle = await document_edits(session, ActivityScope((case_id,)), MIDNIGHT + DAY, MIDNIGHT + 2 * DAY)
        elsewhere = await document_edits(session, ActivityScope((other,)), MIDNIGHT, MIDNIGHT + 3 * DAY)
        nothing = await activity(session, ActivityScope(()), MIDNIGHT, MIDNIGHT + 3 * DAY)

    assert sorted(everything, key=lambda e: (e.at, e.kind)) == [
        ActivityEvent(ann.id, MIDNIGHT, Activity.DOC_CHARS_INSERTED, 3),
        ActivityEvent(ann.id, MIDNIGHT + DAY, Activity.DOC_CHARS_INSERTED, 4),
        ActivityEvent(ann.id, MIDNIGHT + 2 * DAY, Activity.DOC_CHARS_DELETED, 4),
    ]
    assert middle == [ActivityEvent(ann.id, MIDNIGHT + DAY, Activity.DOC_CHARS_INSERTED, 4)]
    assert elsewhere == nothing == []


async def test_comments_count_per_author_and_day_and_deleted_ones_do_not(db: Database) -> None:
    from server.domain.heatmaps.activity import comments
    from server.models import Comment

    ann = await make_person(db, "ann@a.com")
    bob = await make_person(db, "bob@a.com")
    case_id, other = await make_case(db, ann), await make_case(db, ann)
    async with db.transaction() as session:
        for author, at, case, deleted in (
            (ann.id, MIDNIGHT + timedelta(hours=1), case_id, False),
            (ann.id, MIDNIGHT + timedelta(hours=5), case_id, False),
            (bob.id, MIDNIGHT + DAY, case_id, False),
            (bob.id, MIDNIGHT + DAY + timedelta(hours=2), case_id, True),
            (bob.id, MIDNIGHT + timedelta(hours=3), other, False),
            (ann.id, MIDNIGHT + 5 * DAY, case_id, False),
        ):
            session.add(
                Comment(
                    case_id=case,
                    author_id=author,
                    body="x",
                    created_at=at,
                    deleted_at=at if deleted else None,
                )
            )
    async with db.sessions() as session:
        events = await comments(session, ActivityScope((case_id,)), MIDNIGHT, MIDNIGHT + 3 * DAY)
        everything = await activity(session, ActivityScope((case_id,)), MIDNIGHT, MIDNIGHT + 3 * DAY)
    assert sorted(events, key=lambda e: (e.at, e.user_id)) == [
        ActivityEvent(ann.id, MIDNIGHT, Activity.COMMENTS, 2),
        ActivityEvent(bob.id, MIDNIGHT + DAY, Activity.COMMENTS, 1),
    ]
    assert set(events) <= set(everything)


async def test_accepted_and_adopted_pain_points_count_for_their_authors(db: Database) -> None:
    from server.domain.heatmaps.activity import adoptions, pain_points
    from server.models import PainPoint, PainPointStatus

    ann = await make_person(db, "ann@a.com")
    rita = await make_person(db, "rita@a.com")
    case_id = await make_case(db, ann)
    noon = MIDNIGHT + timedelta(hours=12)
    async with db.transaction() as session:
        original = PainPoint(case_id=case_id, author_id=ann.id, text="t", normalized_text="t", customer="C",
                             status=PainPointStatus.ADOPTED, created_at=noon, adopted_at=noon + DAY,
                             adopted_by=rita.id)  # fmt: skip
        session.add(original)
        await session.flush()
        session.add(PainPoint(case_id=case_id, author_id=ann.id, text="t", normalized_text="t", customer="C",
                              status=PainPointStatus.SUBMITTED, created_at=noon))  # fmt: skip
        session.add(PainPoint(case_id=case_id, author_id=ann.id, text="t", normalized_text="t", customer="C",
                              status=PainPointStatus.DUPLICATE, duplicate_of=original.id, created_at=noon))  # fmt: skip
    scope = ActivityScope((case_id,))
    async with db.sessions() as session:
        accepted = await pain_points(session, scope, MIDNIGHT, MIDNIGHT + 3 * DAY)
        adopted = await adoptions(session, scope, MIDNIGHT, MIDNIGHT + 3 * DAY)
        before_adoption = await adoptions(session, scope, MIDNIGHT, MIDNIGHT + DAY)
    assert accepted == [ActivityEvent(ann.id, MIDNIGHT, Activity.PAIN_POINTS, 2)]
    assert adopted == [ActivityEvent(ann.id, MIDNIGHT + DAY, Activity.ADOPTIONS, 1)]
    assert before_adoption == []


async def test_named_snapshots_count_for_who_named_them(db: Database) -> None:
    from server.domain.heatmaps.activity import activity, named_snapshots
    from server.models import Snapshot, SnapshotKind

    ann = await make_person(db, "ann@a.com")
    bob = await make_person(db, "bob@a.com")
    case_id, other = await make_case(db, ann), await make_case(db, ann)
    async with db.transaction() as session:
        for position, (kind, author, at, case) in enumerate(
            (
                (SnapshotKind.NAMED, ann.id, MIDNIGHT + timedelta(hours=9), case_id),
                (SnapshotKind.NAMED, ann.id, MIDNIGHT + timedelta(hours=17), case_id),
                (SnapshotKind.NAMED, bob.id, MIDNIGHT + DAY, case_id),
                (SnapshotKind.BEFORE_RESTORE, bob.id, MIDNIGHT + DAY, case_id),
                (SnapshotKind.AUTO, None, MIDNIGHT + DAY, case_id),
                (SnapshotKind.NAMED, bob.id, MIDNIGHT + DAY, other),
            )
        ):
            session.add(
                Snapshot(case_id=case, kind=kind, author_id=author, created_at=at, position=position,
                         size=2, state=b"\x00\x00", text="")
            )  # fmt: skip
    scope = ActivityScope((case_id,))
    async with db.sessions() as session:
        named = await named_snapshots(session, scope, MIDNIGHT, MIDNIGHT + 3 * DAY)
        everything = await activity(session, scope, MIDNIGHT, MIDNIGHT + 3 * DAY)
    assert sorted(named, key=lambda e: e.at) == [
        ActivityEvent(ann.id, MIDNIGHT, Activity.SNAPSHOTS, 2),
        ActivityEvent(bob.id, MIDNIGHT + DAY, Activity.SNAPSHOTS, 1),
    ]
    assert sorted((e for e in everything if e.kind is Activity.SNAPSHOTS), key=lambda e: e.at) == sorted(
        named, key=lambda e: e.at
    )
