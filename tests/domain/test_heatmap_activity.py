"""The document-edit provider: characters per author per UTC day, for the cases and days asked."""

from datetime import UTC, datetime, timedelta

from server.db import Database
from server.domain import heatmap_store
from server.domain.heatmap_activity import ActivityScope, activity, document_edits
from server.heatmaps import Activity, ActivityEvent
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
