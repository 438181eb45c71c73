"""Who may see which heatmap, the period of a contribution heatmap, and reading what the job stored."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import BadInput, NotFound
from server.domain.heatmaps import reads as heatmaps
from server.domain.heatmaps.activity import PROVIDERS, ActivityScope
from server.heatmaps import Activity, ActivityEvent, BucketSize
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import UserRole
from tests.heatmaps._authors import START, Hub
from tests.support.doc_log import make_case, store
from tests.support.people import make_person, user_of

NOW = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)


def _ignore(_case_id: str) -> None:
    """A request_refresh for tests that do not look at it."""


async def _not_found_message(call: object, subject_id: str) -> str:
    with pytest.raises(NotFound) as caught:
        await call  # type: ignore[misc]
    return caught.value.message.replace(subject_id, "<id>")


async def test_a_case_heatmap_is_for_its_members_only(db: Database) -> None:
    owner, mate, stranger = [await make_person(db, f"{n}@a.com") for n in ("owner", "mate", "stranger")]
    case_id = await make_case(db, owner, mate)
    missing = new_id()
    async with db.sessions() as session:
        subject = await heatmaps.case_subject(session, case_id, await user_of(db, mate.id))
        assert (subject.kind, subject.scope) == ("case", ActivityScope((case_id,)))
        outsider = await user_of(db, stranger.id)
        foreign = await _not_found_message(heatmaps.case_subject(session, case_id, outsider), case_id)
        absent = await _not_found_message(heatmaps.case_subject(session, missing, outsider), missing)
    assert foreign == absent


async def test_a_team_heatmap_shows_hr_every_case_and_members_their_own(db: Database) -> None:
    owner = await make_person(db, "owner@a.com")
    mate = await make_person(db, "mate@a.com")
    hr = await make_person(db, "hr@a.com", role=UserRole.HR)
    admin = await make_person(db, "admin@a.com", role=UserRole.ADMIN)
    outsider_hr = await make_person(db, "hr@b.com", role=UserRole.HR, team="Team B")
    shared = await make_case(db, owner, mate)
    private = await make_case(db, owner)
    async with db.sessions() as session:
        team_id = (await user_of(db, owner.id)).team_id
        assert team_id is not None
        for viewer, cases in (
            (hr, {shared, private}),
            (admin, {shared, private}),
            (owner, {shared, private}),
        ):
            subject = await heatmaps.team_subject(session, team_id, await user_of(db, viewer.id))
            assert set(subject.scope.case_ids) == cases
        assert (await heatmaps.team_subject(session, team_id, await user_of(db, mate.id))).scope.case_ids == (
            shared,
        )
        other = await user_of(db, outsider_hr.id)
        missing = new_id()
        foreign = await _not_found_message(heatmaps.team_subject(session, team_id, other), team_id)
        absent = await _not_found_message(heatmaps.team_subject(session, missing, other), missing)
        garbage = await _not_found_message(heatmaps.team_subject(session, "x' OR 1=1", other), "x' OR 1=1")
    assert foreign == absent == garbage


@pytest.mark.parametrize(
    ("start", "end", "size", "expected"),
    [
        # Widened to whole UTC days...
        (
            "2025-03-10T09:00:00+00:00",
            "2025-03-12T01:00:00+00:00",
            BucketSize.DAY,
            ("2025-03-10", "2025-03-13"),
        ),
        # ...and to whole ISO weeks (Monday to Monday).
        (
            "2025-03-12T00:00:00+00:00",
            "2025-03-20T00:00:00+00:00",
            BucketSize.WEEK,
            ("2025-03-10", "2025-03-24"),
        ),
        # Times in another zone are converted; a time without a zone is UTC.
        ("2025-03-10T01:00:00+08:00", "2025-03-11T00:00:00", BucketSize.DAY, ("2025-03-09", "2025-03-11")),
        # Defaults: up to now, 28 days or 12 weeks.
        (None, None, BucketSize.DAY, ("2025-02-12", "2025-03-13")),
        (None, None, BucketSize.WEEK, ("2024-12-16", "2025-03-17")),
    ],
)
def test_the_period_covers_whole_buckets(
    start: str | None, end: str | None, size: BucketSize, expected: tuple[str, str]
) -> None:
    first, last = heatmaps.period(
        datetime.fromisoformat(start) if start else None,
        datetime.fromisoformat(end) if end else None,
        size,
        now=NOW,
    )
    assert (first.date().isoformat(), last.date().isoformat()) == expected
    assert first.tzinfo == last.tzinfo == UTC


def test_an_impossible_period_is_bad_input_with_a_reason() -> None:
    with pytest.raises(BadInput, match="later than"):
        heatmaps.period(NOW, NOW - timedelta(hours=1), BucketSize.DAY, now=NOW)
    with pytest.raises(BadInput, match="more than 400 days"):
        heatmaps.period(NOW - timedelta(days=500), NOW, BucketSize.DAY, now=NOW)
    heatmaps.period(NOW - timedelta(days=500), NOW, BucketSize.WEEK, now=NOW)


def _writing(ann: str, ben: str) -> Hub:
    hub = Hub()
    a, b = hub.author(ann, 1), hub.author(ben, 2)
    a.add_block(0, "heading", "Needs", level="2")
    a.add_block(1, "paragraph", "faster delivery")
    hub.deliver_all()
    hub.clock += timedelta(days=2)
    b.add_block(2, "heading", "Offer", level=2)  # type: ignore[arg-type]  # Tiptap writes a number
    b.add_block(3, "paragraph", "two weeks")
    b.erase(1, 0, 7)
    return hub


async def test_the_first_request_computes_once_and_later_ones_read_what_is_stored(db: Database) -> None:
    ann, ben = await make_person(db, "ann@a.com"), await make_person(db, "ben@a.com")
    case_id = await make_case(db, ann, ben)
    hub = _writing(ann.id, ben.id)
    await store(db, case_id, hub.log[:2])
    asked: list[str] = []
    async with db.sessions() as session:
        subject = await heatmaps.case_subject(session, case_id, await user_of(db, ann.id))
    start, end = heatmaps.period(START, START + timedelta(days=3), BucketSize.DAY, now=NOW)

    first = await heatmaps.contribution(db, subject, start, end, BucketSize.DAY, request_refresh=asked.append)
    assert (first.freshness.stale, asked) == (False, [])
    assert first.freshness.computed_at is not None
    assert first.heatmap.users == (ann.id,)
    assert dict(first.heatmap.cell(ann.id, 0).counts) == {
        Activity.DOC_CHARS_INSERTED: len("Needsfaster delivery")
    }

    await store(db, case_id, hub.log[2:])
    stale = await heatmaps.contribution(db, subject, start, end, BucketSize.DAY, request_refresh=asked.append)
    assert (stale.freshness.stale, asked) == (True, [case_id])
    assert stale.heatmap == first.heatmap, "a request reads what the job stored; it never recomputes"

    sections = await heatmaps.sections(db, subject, request_refresh=asked.append)
    assert [s.title for s in sections.heatmap.sections] == ["Needs"]
    assert set(sections.people) == {ann.id}


async def test_the_job_results_show_in_both_heatmaps(db: Database) -> None:
    ann, ben = await make_person(db, "ann@a.com"), await make_person(db, "ben@a.com")
    case_id = await make_case(db, ann, ben)
    await store(db, case_id, _writing(ann.id, ben.id).log)
    async with db.sessions() as session:
        subject = await heatmaps.case_subject(session, case_id, await user_of(db, ben.id))
    start, end = heatmaps.period(START, START + timedelta(days=3), BucketSize.DAY, now=NOW)

    view = await heatmaps.contribution(db, subject, start, end, BucketSize.DAY, request_refresh=_ignore)
    sections = await heatmaps.sections(db, subject, request_refresh=_ignore)

    assert [b.label for b in view.heatmap.buckets] == ["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06"]
    assert dict(view.heatmap.cell(ben.id, 2).counts) == {
        Activity.DOC_CHARS_INSERTED: len("Offertwo weeks"),
        Activity.DOC_CHARS_DELETED: 7,
    }
    assert view.heatmap.cell(ben.id, 2).score == pytest.approx(0.14 + 0.035)
    assert [(s.title, s.level, dict(s.chars_by_author)) for s in sections.heatmap.sections] == [
        ("Needs", 2, {ann.id: len("Needs") + len("delivery")}),
        ("Offer", 2, {ben.id: len("Offer") + len("two weeks")}),
    ]
    assert {user.name for user in sections.people.values()} == {"Ann", "Ben"}


async def test_other_kinds_of_activity_come_from_providers(db: Database) -> None:
    ann = await make_person(db, "ann@a.com")
    case_id = await make_case(db, ann)

    async def comments(
        _session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
    ) -> Sequence[ActivityEvent]:
        # What the comments feature will answer from its table; here: two comments on the first day.
        assert scope.case_ids == (case_id,)
        return [ActivityEvent(ann.id, start + timedelta(hours=3), Activity.COMMENTS, 2)]

    async with db.sessions() as session:
        subject = await heatmaps.case_subject(session, case_id, await user_of(db, ann.id))
    start, end = heatmaps.period(START, START + timedelta(days=1), BucketSize.DAY, now=NOW)
    view = await heatmaps.contribution(
        db, subject, start, end, BucketSize.DAY, request_refresh=_ignore, providers=(*PROVIDERS, comments)
    )

    assert dict(view.heatmap.cell(ann.id, 0).counts) == {Activity.COMMENTS: 2}
    assert view.heatmap.cell(ann.id, 0).score == 2.0


async def test_a_team_has_no_section_heatmap(db: Database) -> None:
    hr = await make_person(db, "hr@a.com", role=UserRole.HR)
    user = await user_of(db, hr.id)
    assert user.team_id is not None
    async with db.sessions() as session:
        subject = await heatmaps.team_subject(session, user.team_id, user)
    with pytest.raises(BadInput, match="one case"):
        await heatmaps.sections(db, subject, request_refresh=_ignore)
