"""A page of threads with their replies and authors, read in one statement, on both databases."""

from server.domain.comments import actions as comments
from server.domain.comments import reads as comment_reads
from server.infra.db import Database
from server.models import CaseRole
from tests.support.people import case_with, make_user


async def test_a_thread_page_holds_its_replies_and_authors(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    mate = await make_user(db, "mate@a.com")
    case_id = await case_with(db, owner, (mate, CaseRole.COMMENTER))
    ids: list[str] = []
    for i in range(5):
        async with db.transaction() as session:
            change = await comments.add_comment(
                session, owner, case_id=case_id, body=f"thread {i}", anchor=None
            )
            ids.append(change.comment.id)
    # thread 0: two replies (one deleted); thread 1: deleted with a live reply; thread 2: resolved;
    # thread 3: deleted, no replies; thread 4: a reply past the page (the page holds threads 4 and 1).
    replies: dict[str, list[str]] = {}
    for thread, author in ((0, mate), (0, owner), (0, mate), (1, mate), (4, owner)):
        async with db.transaction() as session:
            change = await comments.reply(session, author, comment_id=ids[thread], body=f"re {thread}")
            replies.setdefault(ids[thread], []).append(change.comment.id)
    async with db.transaction() as session:
        await comments.delete(session, mate, comment_id=replies[ids[0]][2])
        await comments.delete(session, owner, comment_id=ids[1])
        await comments.delete(session, owner, comment_id=ids[3])
        await comments.resolve(session, owner, comment_id=ids[2])

    async with db.sessions() as session:
        first = await comment_reads.thread_page(session, case_id, first=2, after=None, include_resolved=False)
        assert [c.id for c in first.page.items] == [ids[4], ids[1]]
        assert first.page.has_next
        assert [r.id for r in first.replies[ids[4]]] == replies[ids[4]]
        assert [r.id for r in first.replies[ids[1]]] == replies[ids[1]]
        assert first.authors.keys() == {owner.id, mate.id}
        assert first.authors[mate.id].name == "Mate"
        rest = await comment_reads.thread_page(
            session, case_id, first=2, after=first.page.end_cursor, include_resolved=False
        )
        assert [c.id for c in rest.page.items] == [ids[0]]
        assert not rest.page.has_next
        # oldest first, the deleted one left out
        assert [r.id for r in rest.replies[ids[0]]] == replies[ids[0]][:2]
        everything = await comment_reads.thread_page(
            session, case_id, first=10, after=None, include_resolved=True
        )
        assert [c.id for c in everything.page.items] == [ids[4], ids[2], ids[1], ids[0]]
