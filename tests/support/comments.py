"""Case documents and comment anchors for tests, made the way the browser makes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, XmlElement, XmlText

from server.domain.comments.anchors import AnchorResolver
from server.domain.documents import store as documents
from server.domain.documents.text import body, plain_text
from server.infra.db import Database
from server.models.base import utcnow
from tests.support.graphql import GraphQL
from tests.support.people import Person, make_person

SENTENCES = (
    "Acme Retail sees card payments declined between 19:00 and 21:00.",
    "高峰期支付失败率约 4%，客户投诉集中在移动端。",
)

COMMENT_FIELDS = """
  id caseId threadId body deleted createdAt editedAt resolvedAt deletedAt
  author { id name } resolvedBy { id } mentions { id name }
  anchor { start end quote startIndex endIndex currentQuote orphaned }
  replies { id body author { id } threadId deleted }
  viewerCanEdit viewerCanDelete viewerCanResolve
"""
ADD = f"mutation($i: AddCommentInput!) {{ addComment(input: $i) {{ {COMMENT_FIELDS} }} }}"
REPLY = f"mutation($c: ID!, $b: String!) {{ replyToComment(commentId: $c, body: $b) {{ {COMMENT_FIELDS} }} }}"
EDIT = f"mutation($c: ID!, $b: String!) {{ editComment(commentId: $c, body: $b) {{ {COMMENT_FIELDS} }} }}"
RESOLVE = f"mutation($c: ID!) {{ resolveComment(commentId: $c) {{ {COMMENT_FIELDS} }} }}"
REOPEN = f"mutation($c: ID!) {{ reopenComment(commentId: $c) {{ {COMMENT_FIELDS} }} }}"
DELETE = f"mutation($c: ID!) {{ deleteComment(commentId: $c) {{ {COMMENT_FIELDS} }} }}"
MOVE = (
    "mutation($c: ID!, $a: CommentAnchorInput!) { moveCommentAnchor(commentId: $c, anchor: $a) "
    f"{{ {COMMENT_FIELDS} }} }}"
)
COMMENT = f"query($id: ID!) {{ comment(id: $id) {{ {COMMENT_FIELDS} }} }}"
THREADS = (
    "query($id: ID!, $first: Int, $after: String, $all: Boolean) { case(id: $id) { text "
    "comments(first: $first, after: $after, includeResolved: $all) "
    f"{{ nodes {{ {COMMENT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"
)
NOTIFICATIONS = (
    "query($unread: Boolean, $first: Int, $after: String) { notifications(unreadOnly: $unread, first: $first, "
    "after: $after) { unreadCount pageInfo { hasNextPage endCursor } nodes { id kind createdAt readAt "
    "actor { id } case { id title } comment { id body threadId } } } }"
)


def document(*paragraphs: str, client_id: int = 4242) -> Doc[Any]:
    """A Tiptap-shaped document with one paragraph per string."""
    doc: Doc[Any] = Doc(client_id=client_id)
    for paragraph in paragraphs:
        element = XmlElement("paragraph")
        body(doc).children.append(element)
        text = XmlText()
        element.children.append(text)
        text.insert(0, paragraph)
    return doc


def anchor_on(doc: Doc[Any], word: str) -> dict[str, str]:
    """The anchor a browser sends for a selection of `word` (its first occurrence)."""
    offset = plain_text(doc).index(word)
    resolver = AnchorResolver(doc)
    start = resolver.position_at(offset)
    end = resolver.position_at(offset + len(word), sticks_left=True)
    assert start is not None
    assert end is not None
    return {"start": start.to_base64(), "end": end.to_base64()}


async def store_document(db: Database, case_id: str, author_id: str, doc: Doc[Any]) -> None:
    """Write a document into a case's log, as if its author had typed it."""
    async with db.transaction() as session:
        await documents.append(session, [documents.NewUpdate(case_id, author_id, doc.get_update(), utcnow())])


@dataclass
class Team:
    """A case with an owner, an editor, a commenter and a viewer, plus a teammate who is not on it."""

    case_id: str
    doc: Doc[Any]
    people: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


async def make_team(db: Database, gql: GraphQL, prefix: str = "") -> Team:
    names = {
        "owner": "Alice Chen",
        "editor": "Bob Martin",
        "commenter": "王芳 (Finance BP)",
        "viewer": "Sam Ortiz",
        "stranger": "Stan Ger",
    }
    people = {role: await make_person(db, f"{prefix}{role}@a.com", name=name) for role, name in names.items()}
    tokens = {role: await gql.login(person.email, person.password) for role, person in people.items()}
    case_id = await gql.create_case(tokens["owner"], title="Checkout failures", customer="Acme Retail")
    for role in ("editor", "commenter", "viewer"):
        await gql.add_member(tokens["owner"], case_id, people[role].id, role.upper())
    doc = document(*SENTENCES)
    await store_document(db, case_id, people["owner"].id, doc)
    return Team(case_id, doc, people, tokens)
